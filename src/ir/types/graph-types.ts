/**
 * Types that carry a graph's named inputs, params and outputs (their shapes
 * and dtypes) from the builder through compile() to `run()`; plus the types
 * of `Graph.input`, `Graph.param` and `Graph.constant` results.
 */
import type { DType } from '../../common/dtype.js';
import type { Tensor } from '../tensor.js';
import type { Writable } from './errors-types.js';
import type { Shape } from './shape-types.js';

/** A named tensor's shape and dtype, as a typed graph records it. */
export interface TensorSpec<S extends Shape = Shape, D extends DType = DType> {
  readonly shape: S;
  readonly dtype: D;
}

/** Names to specs. The default (any name, any spec) is what an untyped graph has. */
export type TensorSpecs = Readonly<Record<string, TensorSpec>>;

/** The type-level record a Graph carries (never present at run time). */
export interface GraphTypes<I extends TensorSpecs, P extends TensorSpecs, O extends TensorSpecs> {
  readonly inputs: I;
  readonly params: P;
  readonly outputs: O;
}

/** The spec of a tensor type. */
export type SpecOf<T> = T extends Tensor<infer S, infer D> ? TensorSpec<S, D> : never;

/** Specs of a record of tensors. */
export type SpecsOf<O> = { readonly [K in keyof O]: SpecOf<O[K]> };

/** Tensors typed by a record of specs. */
export type TensorsOf<T extends TensorSpecs> = {
  readonly [K in keyof T]: Tensor<Writable<T[K]['shape']>, T[K]['dtype']>;
};

/** The dtype of a constant: `dtype` when given, else its typed array class, bool for a boolean, else f32. */
export type ConstantDType<Data, D extends DType | undefined> = D extends DType
  ? D
  : Data extends Float32Array
    ? 'f32'
    : Data extends Int32Array
      ? 'i32'
      : Data extends Uint8Array
        ? 'bool'
        : Data extends boolean
          ? 'bool'
          : 'f32';

/** The shape of a constant: `shape` when given, else `[]` for a scalar, else its length. */
export type ConstantShape<Data, S extends Shape | undefined> = S extends Shape
  ? Writable<S>
  : Data extends number | boolean
    ? []
    : Data extends readonly unknown[]
      ? number extends Data['length']
        ? number[]
        : [Data['length']]
      : [number];
