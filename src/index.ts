/**
 * tensorwasm: the public API. Build a Graph, compile it, run it.
 */
export { Graph, type ConstantData } from './ir/graph.js';
export { Tensor, type Operand, type SliceRange } from './ir/tensor.js';
export { interpret, evaluate } from './ir/interpret/interpret.js';
export type { DType, TypedArray } from './common/dtype.js';
export {
  TensorWasmError,
  ShapeError,
  DTypeError,
  GraphError,
  InputError,
  ArtifactError,
  PlanError,
  LimitError,
  InternalError,
  ParseError,
  ErrorCode,
} from './common/errors.js';
export {
  compile,
  CompiledModel,
  type CompileOptions,
  type IrStage,
  type KernelInfo,
  type CompileStats,
} from './compile.js';
export { Model, type TensorInfo, type Feeds } from './runtime/model.js';
export type { MemoryPlan, PlannedBuffer, BufferKind } from './common/plan.js';
export { planArena } from './planner/plan-arena.js';
export type { PlanBuffer, ArenaPlan, PlanArenaOptions } from './planner/types.js';
