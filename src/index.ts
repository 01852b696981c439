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
  planGraph,
  CompiledModel,
  type CompileOptions,
  type IrStage,
  type KernelInfo,
  type CompileStats,
  type PlannedGraph,
} from './compile.js';
export { Model, type TensorInfo, type Feeds, type SaveOptions } from './runtime/model.js';
export { load } from './runtime/load.js';
export type { MemoryPlan, PlannedBuffer, BufferKind } from './common/plan.js';
export { planArena } from './planner/plan-arena.js';
export type { PlanBuffer, ArenaPlan, PlanArenaOptions } from './planner/types.js';
