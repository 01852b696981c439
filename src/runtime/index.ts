/**
 * tensorwasm/runtime: load and run saved modules without the compiler (no
 * Binaryen, no graph IR) — the entry a web page or an edge function ships.
 */
export { load } from './load.js';
export { supportsRelaxedSimd } from './features.js';
export { Model } from './model.js';
export type { TensorInfo, Feeds, SaveOptions } from './model-types.js';
export type { DType, TypedArray } from '../common/dtype.js';
export type { Manifest, TensorSlot } from '../common/manifest.js';
export type { MemoryPlan, PlannedBuffer, BufferKind } from '../common/plan.js';
export { FORMAT_VERSION } from '../common/manifest.js';
export {
  TensorWasmError,
  ArtifactError,
  InputError,
  InternalError,
  ThreadError,
  ErrorCode,
} from '../common/errors.js';
