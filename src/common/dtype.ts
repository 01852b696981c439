/**
 * Element types and their storage: the one table of dtype facts that both the
 * compiler and the runtime read.
 */

/** Element type of a tensor. `bool` is stored as one byte (0 or 1). */
export type DType = 'f32' | 'i32' | 'bool';

export const DTYPES: readonly DType[] = ['f32', 'i32', 'bool'];

/** Bytes per element. */
export const DTYPE_BYTES: Readonly<Record<DType, number>> = { f32: 4, i32: 4, bool: 1 };

/** The typed array that holds a dtype's elements. */
export type TypedArray = Float32Array | Int32Array | Uint8Array;

export type TypedArrayFor<D extends DType> = D extends 'f32'
  ? Float32Array
  : D extends 'i32'
    ? Int32Array
    : Uint8Array;

/** Constructors of the typed array class of each dtype. */
export const ARRAY_CLASS = {
  f32: Float32Array,
  i32: Int32Array,
  bool: Uint8Array,
} as const;

/** True when `value` is a valid dtype name. */
export function isDType(value: unknown): value is DType {
  return value === 'f32' || value === 'i32' || value === 'bool';
}

/** The dtype whose typed array class `array` is, or undefined. */
export function dtypeOfArray(array: unknown): DType | undefined {
  if (array instanceof Float32Array) return 'f32';
  if (array instanceof Int32Array) return 'i32';
  if (array instanceof Uint8Array) return 'bool';
  return undefined;
}

/** A zero-filled typed array of `length` elements of `dtype`. */
export function makeArray(dtype: DType, length: number): TypedArray {
  return new ARRAY_CLASS[dtype](length);
}

/** Converts plain numbers to a dtype's typed array with the dtype's rounding. */
export function arrayFromNumbers(dtype: DType, values: ArrayLike<number>): TypedArray {
  // an f32 or i32 array of its own dtype rounds to itself: one memcpy (model weights are megabytes)
  if (dtype !== 'bool' && dtypeOfArray(values) === dtype) return (values as TypedArray).slice();
  const out = makeArray(dtype, values.length);
  for (let i = 0; i < values.length; i++) out[i] = castNumber(dtype, values[i] ?? 0);
  return out;
}

/**
 * One number converted to a dtype as a cast would: f32 rounds, i32 truncates
 * toward zero and wraps (NaN -> 0), bool is `x != 0`.
 */
export function castNumber(dtype: DType, x: number): number {
  switch (dtype) {
    case 'f32':
      return Math.fround(x);
    case 'i32':
      return truncToI32(x);
    case 'bool':
      return x !== 0 ? 1 : 0;
  }
}

/**
 * f32 -> i32 as the compiled code does it (i32.trunc_sat_f32_s): truncate toward
 * zero, NaN -> 0, saturate outside the i32 range.
 */
export function truncToI32(x: number): number {
  if (Number.isNaN(x)) return 0;
  if (x >= 2147483647) return 2147483647;
  if (x <= -2147483648) return -2147483648;
  return Math.trunc(x) | 0;
}
