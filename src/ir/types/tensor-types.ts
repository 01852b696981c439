/**
 * The argument and result types of Tensor and Graph methods, combining the
 * shape rules (shape-types.ts, view-types.ts) with the dtype rules
 * (dtype-types.ts). An argument type is the argument itself when the call is
 * valid and the error message otherwise; a result is a `Tensor<shape, dtype>`.
 */
import type { DType } from '../../common/dtype.js';
import type { Tensor } from '../tensor.js';
import type { ArithmeticDType, LogicalCheck, OperandDType, Promote } from './dtype-types.js';
import type { ShapeOf } from './errors-types.js';
import type { Broadcast, Broadcast3, MatmulShape, ReduceShape, Shape } from './shape-types.js';
import type { ConcatShape, StackShape } from './view-types.js';

/** Any tensor, whatever its shape and dtype. */
export type AnyTensor = Tensor<number[], DType>;

/** The shape of a tensor operand, `[]` for a number. */
export type OperandShape<O> = O extends Tensor<infer S, DType> ? S : [];

/** Only the messages of a dtype rule's result (never when it is a dtype). */
type DTypeMessage<DT> = Exclude<DT, DType>;

/** The dtype a rule gave, or every dtype after an error (the call is already flagged). */
export type DTypeOf<DT> = [Extract<DT, DType>] extends [never] ? DType : Extract<DT, DType>;

/** An argument checked by a shape rule result `R` and a dtype rule result `DT`. */
export type Check<Arg, R, DT = DType> = [R] extends [string]
  ? R
  : [DTypeMessage<DT>] extends [never]
    ? Arg
    : DTypeMessage<DT>;

type ArithmeticRule<Op extends string, D extends DType, O> = ArithmeticDType<Op, D, OperandDType<D, O>>;

/** `add sub mul div pow maximum minimum`: broadcast shapes, promoted dtype. */
export type ArithmeticArg<Op extends string, S extends Shape, D extends DType, O> = Check<
  O,
  Broadcast<Op, S, OperandShape<O>>,
  ArithmeticRule<Op, D, O>
>;
/** The result of an arithmetic op. */
export type ArithmeticOut<Op extends string, S extends Shape, D extends DType, O> = Tensor<
  ShapeOf<Broadcast<Op, S, OperandShape<O>>>,
  DTypeOf<ArithmeticRule<Op, D, O>>
>;

/** `eq ne lt le gt ge`: broadcast shapes. */
export type ComparisonArg<Op extends string, S extends Shape, O> = Check<
  O,
  Broadcast<Op, S, OperandShape<O>>
>;
/** The result of a comparison: bool. */
export type ComparisonOut<Op extends string, S extends Shape, O> = Tensor<
  ShapeOf<Broadcast<Op, S, OperandShape<O>>>,
  'bool'
>;

/** `and or`: broadcast shapes, bool on both sides. */
export type LogicalArg<Op extends string, S extends Shape, D extends DType, O> = Check<
  O,
  Broadcast<Op, S, OperandShape<O>>,
  LogicalCheck<Op, D, OperandDType<D, O>>
>;

type MatmulDType<A extends DType, B extends DType> = [A] extends ['bool']
  ? `matmul: operands must be f32 or i32 (got ${A} @ ${B})`
  : [B] extends ['bool']
    ? `matmul: operands must be f32 or i32 (got ${A} @ ${B})`
    : Exclude<Promote<A, B>, 'bool'>;

/** `matmul`: NumPy shapes, f32 or i32 operands. */
export type MatmulArg<S extends Shape, D extends DType, O> = Check<
  O,
  MatmulShape<S, OperandShape<O>>,
  MatmulDType<D, OperandDType<D, O>>
>;
/** The result of matmul. */
export type MatmulOut<S extends Shape, D extends DType, O> = Tensor<
  ShapeOf<MatmulShape<S, OperandShape<O>>>,
  DTypeOf<MatmulDType<D, OperandDType<D, O>>>
>;

/** The dtype of a tensor operand; a number counts as bool, the lowest (see Tensor.operands). */
type TensorDType<O> = O extends Tensor<Shape, infer D> ? D : 'bool';
/** `where`'s value dtype: numbers take the dtype of the tensors beside them. */
type WhereDType<A, B> = Promote<
  OperandDType<Promote<TensorDType<A>, TensorDType<B>>, A>,
  OperandDType<Promote<TensorDType<A>, TensorDType<B>>, B>
>;
type WhereShape<C, A, B> = Broadcast3<'where', OperandShape<C>, OperandShape<A>, OperandShape<B>>;

/** `where`'s condition must be bool. */
export type WhereCond<C> =
  C extends Tensor<Shape, infer D>
    ? [D] extends ['f32' | 'i32']
      ? `where: condition must be bool (got ${D})`
      : C
    : C;
/** `where`'s last operand, checked against the broadcast of all three shapes. */
export type WhereArg<C, A, B> = Check<B, WhereShape<C, A, B>>;
/** The result of `where`. */
export type WhereOut<C, A, B> = Tensor<ShapeOf<WhereShape<C, A, B>>, WhereDType<A, B>>;

/** The shapes of a list of tensors (a tuple for a tuple). */
export type ShapesOf<L extends readonly AnyTensor[]> = { [K in keyof L]: OperandShape<L[K]> };
/** The promoted dtype of a list of tensors (folded over a tuple; any of them for an array). */
export type PromoteAll<L extends readonly AnyTensor[], Acc extends DType = 'bool'> = L extends readonly [
  infer H,
  ...infer R extends readonly AnyTensor[],
]
  ? PromoteAll<R, Promote<Acc, TensorDType<H>>>
  : number extends L['length']
    ? TensorDType<L[number]>
    : Acc;

/** `concat`'s tensors, checked. */
export type ConcatArg<L extends readonly AnyTensor[], A extends number> = Check<
  L,
  ConcatShape<ShapesOf<L>, A>
>;
/** The result of `concat`. */
export type ConcatOut<L extends readonly AnyTensor[], A extends number> = Tensor<
  ShapeOf<ConcatShape<ShapesOf<L>, A>>,
  PromoteAll<L>
>;
/** `stack`'s tensors, checked. */
export type StackArg<L extends readonly AnyTensor[], A extends number> = Check<L, StackShape<ShapesOf<L>, A>>;
/** The result of `stack`. */
export type StackOut<L extends readonly AnyTensor[], A extends number> = Tensor<
  ShapeOf<StackShape<ShapesOf<L>, A>>,
  PromoteAll<L>
>;

/** The shape of `gather`'s indices: a tensor's shape, `[n]` for a list of n, `[]` for one number. */
export type IndicesShape<I> =
  I extends Tensor<infer S, DType>
    ? S
    : I extends readonly number[]
      ? number extends I['length']
        ? number[]
        : [I['length']]
      : [];
/** `gather` indices must be i32 when they are a tensor. */
export type IndicesDType<I> =
  I extends Tensor<Shape, infer D>
    ? [D] extends ['f32' | 'bool']
      ? `gather: indices must be i32 (got ${D})`
      : 'i32'
    : 'i32';

/** A reduction's `axes` argument, checked (out of range, repeated). */
export type AxesArg<Op extends string, S extends Shape, A, K extends boolean> = Check<
  A,
  ReduceShape<Op, S, A, K>
>;
/** The result of a reduction with dtype `DOut`. */
export type Reduced<Op extends string, S extends Shape, A, K extends boolean, DOut extends DType> = Tensor<
  ShapeOf<ReduceShape<Op, S, A, K>>,
  DOut
>;
