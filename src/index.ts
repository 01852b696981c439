/**
 * tensorwasm: the public API. Build a Graph, compile it, run it.
 */
export { Graph, type ConstantData, type ExternalType } from './ir/graph.js';
export { Tensor, type Operand, type SliceRange } from './ir/tensor.js';
export type {
  AutoPad,
  AvgPoolOptions,
  ConvOptions,
  ConvTransposeOptions,
  PoolOptions,
  WindowOptions,
} from './ir/build/conv-args.js';
export type { PadMode } from './ir/build/data-movement.js';
export type { ResizeOptions, CoordinateTransform, NearestMode } from './ir/build/resize.js';
export { lstm, gru, rnn, type RecurrentOptions, type RecurrentResult } from './ir/build/recurrent.js';
export type { RecurrentActivation, RecurrentActivationName } from './ir/build/recurrent-activations.js';
export { attention, type AttentionOptions, type AttentionResult } from './ir/build/attention.js';
export { rotaryEmbedding, type RotaryOptions } from './ir/build/rotary.js';
export { defineGraph, GraphBuilder } from './ir/types/define-graph.js';
export type { TensorSpec, TensorSpecs } from './ir/types/graph-types.js';
export type { AnyTensor } from './ir/types/tensor-types.js';
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
  UnsupportedError,
  OnnxError,
  ThreadError,
  ErrorCode,
} from './common/errors.js';
export { compile, type CompileOptions } from './compile.js';
export { planGraph, type PlannedGraph } from './plan-graph.js';
export { CompiledModel, type IrStage, type KernelInfo, type CompileStats } from './compiled-model.js';
export { Model } from './runtime/model.js';
export type {
  TensorInfo,
  Feeds,
  SaveOptions,
  FeedsOf,
  ResultsOf,
  TensorTypes,
} from './runtime/model-types.js';
export { load } from './runtime/load.js';
export { supportsRelaxedSimd } from './runtime/features.js';
export type { MemoryPlan, PlannedBuffer, BufferKind } from './common/plan.js';
export { planArena } from './planner/plan-arena.js';
export type { PlanBuffer, ArenaPlan, PlanArenaOptions } from './planner/types.js';
export { setDebugLevel, getDebugLevel, setDebugSink, type DebugSink } from './inspect/debug.js';
export { toDot } from './inspect/graph-dot.js';
export { planSvg, type PlanSvgOptions } from './inspect/plan-svg.js';
export { planTable } from './inspect/plan-table.js';
export { htmlReport, type HtmlReportOptions } from './inspect/html-report.js';
export type { Profile, KernelTiming, ProfileOptions } from './inspect/profile-kernels.js';
export type { KernelCost } from './inspect/kernel-cost.js';
export { fromOnnx, type FromOnnxOptions, type OnnxInputValue } from './onnx/from-onnx.js';
