/**
 * Tensor's reductions: sum, mean, max, min, prod (over one axis, several or
 * all) and argmax/argmin (along one axis, as i32 indices).
 * Declared on Tensor by module augmentation, installed on its prototype here
 * (see tensor.ts for why Tensor's methods are split into family files).
 */
import type { DType } from '../common/dtype.js';
import type { ArgReduceOp, ReduceOp } from './ops.js';
import { normalizeAxes, normalizeAxis } from './shape.js';
import { Tensor } from './tensor.js';
import { checkBool } from './tensor-args.js';
import { record } from './tensor-record.js';
import type { SumDType } from './types/dtype-types.js';
import type { Shape as ShapeType } from './types/shape-types.js';
import type { AnyTensor, AxesArg, Reduced } from './types/tensor-types.js';

/** Reduction axes: one, several, or (undefined) all. */
type Axes = number | readonly number[] | undefined;

declare module './tensor.js' {
  // reductions (axes: one, several or all; negative axes count from the end)
  // eslint-disable-next-line @typescript-eslint/no-unused-vars -- a merged declaration repeats all of the class's type parameters
  interface Tensor<S extends ShapeType = number[], D extends DType = DType> {
    sum<S2 extends ShapeType, D2 extends DType, const A extends Axes = undefined, K extends boolean = false>(
      this: Tensor<S2, D2>,
      axes?: AxesArg<'sum', S2, A, K>,
      keepdims?: K,
    ): Reduced<'sum', S2, A, K, SumDType<D2>>;
    mean<S2 extends ShapeType, D2 extends DType, const A extends Axes = undefined, K extends boolean = false>(
      this: Tensor<S2, D2>,
      axes?: AxesArg<'mean', S2, A, K>,
      keepdims?: K,
    ): Reduced<'mean', S2, A, K, 'f32'>;
    max<S2 extends ShapeType, D2 extends DType, const A extends Axes = undefined, K extends boolean = false>(
      this: Tensor<S2, D2>,
      axes?: AxesArg<'max', S2, A, K>,
      keepdims?: K,
    ): Reduced<'max', S2, A, K, D2>;
    min<S2 extends ShapeType, D2 extends DType, const A extends Axes = undefined, K extends boolean = false>(
      this: Tensor<S2, D2>,
      axes?: AxesArg<'min', S2, A, K>,
      keepdims?: K,
    ): Reduced<'min', S2, A, K, D2>;
    prod<S2 extends ShapeType, D2 extends DType, const A extends Axes = undefined, K extends boolean = false>(
      this: Tensor<S2, D2>,
      axes?: AxesArg<'prod', S2, A, K>,
      keepdims?: K,
    ): Reduced<'prod', S2, A, K, SumDType<D2>>;
    /** Index of the largest element along `axis` (first on ties), as i32. */
    argmax<S2 extends ShapeType, A extends number, K extends boolean = false>(
      this: Tensor<S2>,
      axis: AxesArg<'argmax', S2, A, K>,
      keepdims?: K,
    ): Reduced<'argmax', S2, A, K, 'i32'>;
    /** Index of the smallest element along `axis` (first on ties), as i32. */
    argmin<S2 extends ShapeType, A extends number, K extends boolean = false>(
      this: Tensor<S2>,
      axis: AxesArg<'argmin', S2, A, K>,
      keepdims?: K,
    ): Reduced<'argmin', S2, A, K, 'i32'>;
  }
}

/** Tensor.prototype, typed with Tensor's default type arguments (not `any`) so the implementations below are checked. */
const prototype = Tensor.prototype as AnyTensor;

/** Records reduction `op` over `axes` (checked and normalized here). */
function reduce<R extends AnyTensor>(
  x: AnyTensor,
  op: ReduceOp,
  axes: unknown,
  keepdims: unknown = false,
): R {
  return record(x, op, [x.node], {
    axes: normalizeAxes(op, axes as Axes, x.rank),
    keepdims: checkBool(op, keepdims),
  });
}

/** Records argmax/argmin along one axis. */
function argReduce<R extends AnyTensor>(
  x: AnyTensor,
  op: ArgReduceOp,
  axis: unknown,
  keepdims: unknown = false,
): R {
  return record(x, op, [x.node], {
    axis: normalizeAxis(op, axis as number, x.rank),
    keepdims: checkBool(op, keepdims),
  });
}

prototype.sum = function (axes, keepdims) {
  return reduce(this, 'sum', axes, keepdims);
};
prototype.mean = function (axes, keepdims) {
  return reduce(this, 'mean', axes, keepdims);
};
prototype.max = function (axes, keepdims) {
  return reduce(this, 'max', axes, keepdims);
};
prototype.min = function (axes, keepdims) {
  return reduce(this, 'min', axes, keepdims);
};
prototype.prod = function (axes, keepdims) {
  return reduce(this, 'prod', axes, keepdims);
};
prototype.argmax = function (axis, keepdims) {
  return argReduce(this, 'argmax', axis, keepdims);
};
prototype.argmin = function (axis, keepdims) {
  return argReduce(this, 'argmin', axis, keepdims);
};
