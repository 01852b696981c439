/**
 * Type-level dtype rules, mirroring infer.ts: promotion bool < i32 < f32, the
 * dtype a JS number takes next to a tensor, and the dtypes of comparisons,
 * reductions and float-valued ops. Unions (an unknown `DType`) stay unions.
 */
import type { DType } from '../../common/dtype.js';

/** The higher of two dtypes in bool < i32 < f32 (distributes over unions). */
export type Promote<A extends DType, B extends DType> = A extends 'f32'
  ? 'f32'
  : B extends 'f32'
    ? 'f32'
    : A extends 'i32'
      ? 'i32'
      : B extends 'i32'
        ? 'i32'
        : 'bool';

/** True when a number literal is not an integer (`0.5`, `1e-3`). */
type IsFraction<N extends number> = `${N}` extends `${string}.${string}` | `${string}e-${string}`
  ? true
  : false;

/**
 * The dtype a JS number takes beside a tensor of dtype `D` (see Tensor.operands):
 * f32 stays f32; otherwise an integer gives i32 and a fraction f32; a
 * non-literal `number` may be either.
 */
export type NumberDType<N extends number, D extends DType> = D extends 'f32'
  ? 'f32'
  : number extends N
    ? 'i32' | 'f32'
    : IsFraction<N> extends true
      ? 'f32'
      : 'i32';

/** The dtype of an operand that is a tensor of dtype `O` or a number `N`, next to a tensor of dtype `D`. */
export type OperandDType<D extends DType, O> = O extends { readonly dtype: infer OD extends DType }
  ? OD
  : O extends number
    ? NumberDType<O, D>
    : never;

/** Arithmetic result dtype, or the run-time message when both sides are certainly bool. */
export type ArithmeticDType<Op extends string, A extends DType, B extends DType> = [A, B] extends [
  'bool',
  'bool',
]
  ? `${Op}: both operands are bool (expected f32 or i32)`
  : Exclude<Promote<A, B>, 'bool'>;

/** `and`/`or` need bool on both sides. */
export type LogicalCheck<Op extends string, A extends DType, B extends DType> = [A | B] extends ['bool']
  ? 'bool'
  : [A] extends ['bool']
    ? CertainlyNot<Op, A, B, B>
    : CertainlyNot<Op, A, B, A>;
type CertainlyNot<Op extends string, A extends DType, B extends DType, X extends DType> = 'bool' extends X
  ? 'bool'
  : `${Op}: operands must be bool (got ${A} and ${B})`;

/** Sum and prod count bools as i32. */
export type SumDType<D extends DType> = D extends 'bool' ? 'i32' : D;
