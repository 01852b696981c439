/**
 * What each elementwise op means on one element: exhaustive tables keyed by op
 * code, one function per computing dtype. Values arrive already converted to
 * the computing dtype; f32 functions compute in float64 (the caller's
 * Float32Array store is the one rounding), i32 functions return wrapped int32.
 */
import { SIN_COS_LIMIT } from '../../common/math-limits.js';
import type { BinaryOp, UnaryOp } from '../ops.js';
import { erf } from './erf.js';

/** A scalar function of one element. */
export type Scalar1 = (x: number) => number;
/** A scalar function of two elements. */
export type Scalar2 = (a: number, b: number) => number;

/**
 * How a unary op computes:
 * - `float`: the result is f32 whatever the operand (i32 is converted first);
 * - `numeric`: the result keeps the operand dtype, f32 or i32;
 * - `logic`: bool to bool.
 */
export type UnaryRule =
  | { readonly kind: 'float'; readonly f32: Scalar1 }
  | { readonly kind: 'numeric'; readonly f32: Scalar1; readonly i32: Scalar1 }
  | { readonly kind: 'logic'; readonly bool: (x: boolean) => boolean };

/**
 * How a binary op computes:
 * - `arithmetic`: both operands converted to the result dtype (f32 or i32);
 * - `compare`: both operands converted to their common dtype, result bool;
 * - `logic`: bool and bool to bool.
 */
export type BinaryRule =
  | { readonly kind: 'arithmetic'; readonly f32: Scalar2; readonly i32: Scalar2 }
  | { readonly kind: 'compare'; readonly test: (a: number, b: number) => boolean }
  | { readonly kind: 'logic'; readonly test: (a: boolean, b: boolean) => boolean };

/** Unary ops computed element by element here; gelu is a composite (composites.ts). */
export type ScalarUnaryOp = Exclude<UnaryOp, 'gelu'>;

const identity: Scalar1 = (x) => x;

/** Round half to even, keeping the sign of zero (wasm f32.nearest): 0.5 -> 0, 1.5 -> 2, -0.5 -> -0. */
export function roundHalfEven(x: number): number {
  const up = Math.round(x); // ties toward +inf; -0.5 <= x < 0 gives -0
  // up - x is exact (|up - x| <= 0.5); it is 0.5 exactly on a tie, where the even neighbour wins
  return up - x === 0.5 && up % 2 !== 0 ? up - 1 : up;
}

/**
 * C's (and NumPy's) pow in float64. It differs from Math.pow only where C
 * defines the result: pow(1, y) = 1 and pow(-1, ±inf) = 1 even for NaN/inf y
 * (Math.pow gives NaN there). pow(x, ±0) = 1 for every x, NaN included.
 */
export function powFloat(base: number, exponent: number): number {
  if (base === 1) return 1;
  if (base === -1 && (exponent === Infinity || exponent === -Infinity)) return 1;
  return Math.pow(base, exponent);
}

/**
 * Integer power with int32 wrap-around, by repeated squaring (each product
 * wraps like i32.mul). A negative exponent gives 0 (the truncated 1/base^n),
 * except base 1 gives 1 and base -1 gives ±1 by the exponent's parity.
 * pow(0, 0) = 1.
 */
export function powInt(base: number, exponent: number): number {
  if (exponent < 0) {
    if (base === 1) return 1;
    if (base === -1) return exponent % 2 === 0 ? 1 : -1;
    return 0;
  }
  let result = 1;
  let square = base;
  for (let e = exponent; e > 0; e = Math.floor(e / 2)) {
    if (e % 2 === 1) result = Math.imul(result, square);
    square = Math.imul(square, square);
  }
  return result;
}

/** i32 division truncating toward zero; x / 0 = 0 and INT_MIN / -1 = INT_MIN (wraps). */
export function divInt(a: number, b: number): number {
  if (b === 0) return 0;
  // |a|, |b| < 2^31, so the float64 quotient is never rounded onto a wrong integer
  return Math.trunc(a / b) | 0;
}

/** Every unary elementwise op. */
export const UNARY_RULES: Readonly<Record<ScalarUnaryOp, UnaryRule>> = {
  neg: { kind: 'numeric', f32: (x) => -x, i32: (x) => -x | 0 },
  abs: { kind: 'numeric', f32: Math.abs, i32: (x) => Math.abs(x) | 0 },
  // relu(x) = x < 0 ? 0 : x: NaN and -0 stay as they are (NumPy's maximum(x, 0), wasm f32x4.pmax(x, 0))
  relu: { kind: 'numeric', f32: (x) => (x < 0 ? 0 : x), i32: (x) => (x < 0 ? 0 : x) },
  square: { kind: 'numeric', f32: (x) => x * x, i32: (x) => Math.imul(x, x) },
  floor: { kind: 'numeric', f32: Math.floor, i32: identity },
  ceil: { kind: 'numeric', f32: Math.ceil, i32: identity },
  round: { kind: 'numeric', f32: roundHalfEven, i32: identity },
  // Math.sign: -1, +1, ±0 for ±0 and NaN for NaN
  sign: { kind: 'numeric', f32: Math.sign, i32: Math.sign },
  sqrt: { kind: 'float', f32: Math.sqrt },
  rsqrt: { kind: 'float', f32: (x) => 1 / Math.sqrt(x) },
  exp: { kind: 'float', f32: Math.exp },
  log: { kind: 'float', f32: Math.log },
  // defined up to SIN_COS_LIMIT, NaN beyond (the compiled reduction's range; docs/math.md)
  sin: { kind: 'float', f32: (x) => (Math.abs(x) <= SIN_COS_LIMIT ? Math.sin(x) : NaN) },
  cos: { kind: 'float', f32: (x) => (Math.abs(x) <= SIN_COS_LIMIT ? Math.cos(x) : NaN) },
  tanh: { kind: 'float', f32: Math.tanh },
  sigmoid: { kind: 'float', f32: (x) => 1 / (1 + Math.exp(-x)) },
  erf: { kind: 'float', f32: erf },
  reciprocal: { kind: 'float', f32: (x) => 1 / x },
  not: { kind: 'logic', bool: (x) => !x },
};

/** Every binary elementwise op. */
export const BINARY_RULES: Readonly<Record<BinaryOp, BinaryRule>> = {
  add: { kind: 'arithmetic', f32: (a, b) => a + b, i32: (a, b) => (a + b) | 0 },
  sub: { kind: 'arithmetic', f32: (a, b) => a - b, i32: (a, b) => (a - b) | 0 },
  mul: { kind: 'arithmetic', f32: (a, b) => a * b, i32: Math.imul },
  div: { kind: 'arithmetic', f32: (a, b) => a / b, i32: divInt },
  pow: { kind: 'arithmetic', f32: powFloat, i32: powInt },
  // JS's % on doubles is C's fmod (exact, the dividend's sign); i32 x fmod 0 is 0 like x / 0
  fmod: { kind: 'arithmetic', f32: (a, b) => a % b, i32: (a, b) => (b === 0 ? 0 : (a % b) | 0) },
  // Math.max/min propagate NaN and order -0 < +0, like wasm f32.max/f32.min
  maximum: { kind: 'arithmetic', f32: Math.max, i32: Math.max },
  minimum: { kind: 'arithmetic', f32: Math.min, i32: Math.min },
  // IEEE comparisons: NaN compares false except under ne; -0 == +0
  eq: { kind: 'compare', test: (a, b) => a === b },
  ne: { kind: 'compare', test: (a, b) => a !== b },
  lt: { kind: 'compare', test: (a, b) => a < b },
  le: { kind: 'compare', test: (a, b) => a <= b },
  gt: { kind: 'compare', test: (a, b) => a > b },
  ge: { kind: 'compare', test: (a, b) => a >= b },
  and: { kind: 'logic', test: (a, b) => a && b },
  or: { kind: 'logic', test: (a, b) => a || b },
};
