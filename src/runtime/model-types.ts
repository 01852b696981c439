/**
 * The public types a model is run with: tensor descriptions, feeds and
 * results typed by name, save() options.
 */
import type { DType, TypedArray, TypedArrayFor } from '../common/dtype.js';
import type { ExternalType } from '../common/manifest.js';
import type { ExternalArray } from './external-types.js';

/** A named tensor's public description. */
export interface TensorInfo {
  readonly name: string;
  readonly shape: readonly number[];
  readonly dtype: DType;
  /**
   * The type an i32 value is fed and returned as (ONNX models; computed as i32):
   * 'int64' as a BigInt64Array, 'int8' as an Int8Array, 'uint8', 'int16', 'uint16', 'uint32' likewise.
   */
  readonly external?: ExternalType;
}

/** Options of save(). */
export interface SaveOptions {
  /** Embed the current param values, so load() sets them (default false). */
  readonly params?: boolean;
}

/** Values by name: typed arrays, or plain number arrays (converted). */
export type Feeds = Readonly<Record<string, TypedArray | ExternalArray | readonly number[]>>;

/** Names to shapes and dtypes, as a typed graph records them (type-level only); the default takes any name. */
export type TensorTypes = Readonly<
  Record<string, { readonly shape: readonly number[]; readonly dtype: DType }>
>;

/**
 * `run()`/`setParams()` values for the names in `T`: each dtype's typed array
 * class, or a number array; an i32 slot exchanged as int64 (ONNX) takes a BigInt64Array, one
 * exchanged as a narrow integer type its typed array (TensorInfo.external).
 */
export type FeedsOf<T extends TensorTypes> = {
  readonly [K in keyof T]:
    TypedArrayFor<T[K]['dtype']> | readonly number[] | ('i32' extends T[K]['dtype'] ? ExternalArray : never);
};

/** `run()` results by output name, each in its dtype's typed array class. */
export type ResultsOf<T extends TensorTypes> = { [K in keyof T]: TypedArrayFor<T[K]['dtype']> };
