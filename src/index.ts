/**
 * tensorwasm: the public API. Build a Graph, compile it, run it.
 */
export { Graph, type ConstantData } from './ir/graph.js';
export { Tensor, type Operand, type SliceRange } from './ir/tensor.js';
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
  ErrorCode,
} from './common/errors.js';
