/**
 * Tensor: a lazy handle on one graph node. Every method records a node (or
 * finds an equal one) and returns a new handle; nothing is computed here.
 * Arguments are checked and normalized (negative axes, -1 in shapes, Python
 * slices) before the op's shape/dtype rule in infer.ts sees them.
 */
import { arrayFromNumbers, isDType, type DType } from '../common/dtype.js';
import { DTypeError, ShapeError } from '../common/errors.js';
import * as act from './build/activations.js';
import * as dm from './build/data-movement.js';
import { resize, type ResizeOptions } from './build/resize.js';
import { topK } from './build/top-k.js';
import * as norm from './build/normalize.js';
import type { Graph } from './graph.js';
import { promote } from './infer.js';
import { checkBool, normalizeRange, resolveReshape, type SliceRange } from './tensor-args.js';
import type { Node } from './node.js';
import type { BinaryOp, OpAttrs, SliceAxis } from './ops.js';
import type { SumDType } from './types/dtype-types.js';
import type { Checked, ShapeOf } from './types/errors-types.js';
import type { ReshapeShape, Shape as ShapeType, TransposeShape } from './types/shape-types.js';
import type {
  AnyTensor,
  ArithmeticArg,
  ArithmeticOut,
  Check,
  ComparisonArg,
  ComparisonOut,
  IndicesDType,
  IndicesShape,
  LogicalArg,
  MatmulArg,
  MatmulOut,
  AxesArg,
  Reduced,
} from './types/tensor-types.js';
import type {
  ExpandShape,
  FlattenShape,
  GatherShape,
  PadShape,
  SliceShape,
  SqueezeShape,
  UnsqueezeShape,
} from './types/view-types.js';
import { checkShape, describe, formatShape, isArray, normalizeAxes, normalizeAxis, sizeOf } from './shape.js';

export type { SliceRange } from './tensor-args.js';
import { buildBatchNorm, buildConv, buildConvTranspose, buildPool, spatialAxes } from './build/conv-build.js';
import type { AvgPoolOptions, ConvOptions, ConvTransposeOptions, PoolOptions } from './build/conv-args.js';

/** A tensor or a JS number (which takes the tensor's dtype, see design.md). */
export type Operand = AnyTensor | number;

/** Reduction axes: one, several, or (undefined) all. */
type Axes = number | readonly number[] | undefined;

/** Re-labels a handle with the type its op's type-level rule gives; infer.ts checks the same rule at run time. */
function typed<R extends AnyTensor>(t: AnyTensor): R {
  return t as R;
}

/** The dtype a JS number takes next to a tensor of dtype `other`. */
function numberDType(x: number, other: DType): DType {
  const integral = Number.isInteger(x);
  if (other === 'f32') return 'f32';
  if (other === 'i32') return integral ? 'i32' : 'f32';
  return integral ? 'i32' : 'f32';
}

/**
 * A lazy tensor value in a Graph. `S` is its shape (a tuple of literals such
 * as `[2, 3]`, or `number[]` when only known at run time) and `D` its dtype;
 * see docs/types.md for the rules methods check at the type level.
 *
 * @example
 * const y = g.input('x', [4]).mul(2).add(1).relu(); // Tensor<[4], 'f32'>, three nodes recorded
 */
export class Tensor<S extends ShapeType = number[], D extends DType = DType> {
  /** @internal */
  constructor(
    /** The graph this tensor belongs to. */
    readonly graph: Graph,
    /** The IR node this handle points at. @internal */
    readonly node: Node,
  ) {}

  get shape(): Readonly<S> {
    return this.node.shape as Readonly<S>;
  }
  get dtype(): D {
    return this.node.dtype as D;
  }
  get rank(): number {
    return this.node.shape.length;
  }
  get size(): number {
    return sizeOf(this.node.shape);
  }

  /**
   * Converts operands (tensors of this graph or numbers) to nodes. A number
   * takes the dtype of the tensors beside it (see numberDType). @internal
   */
  operands(op: string, ...values: readonly Operand[]): Node[] {
    let context: DType = 'bool';
    for (const v of values) {
      if (typeof v === 'number') continue;
      if (!(v instanceof Tensor)) {
        throw new ShapeError(`${op}: operand must be a Tensor or a number (got ${describe(v)})`, { op });
      }
      this.graph.own(op, v);
      context = promote(context, v.dtype);
    }
    if (op !== 'where') context = promote(context, this.dtype);
    return values.map((v) =>
      typeof v === 'number'
        ? this.graph.addConstant(arrayFromNumbers(numberDType(v, context), [v]), [])
        : v.node,
    );
  }

  private binary<R extends AnyTensor>(op: BinaryOp, other: unknown): R {
    const [b] = this.operands(op, other as Operand);
    return this.record(op, [this.node, b as Node], {});
  }

  private record<K extends keyof OpAttrs, R extends AnyTensor>(
    op: K,
    inputs: readonly Node[],
    attrs: OpAttrs[K],
  ): R {
    return typed(this.graph.wrap(this.graph.addNode(op, inputs, attrs)));
  }

  private unary<R extends AnyTensor>(
    op:
      | 'neg'
      | 'abs'
      | 'sqrt'
      | 'rsqrt'
      | 'exp'
      | 'log'
      | 'sin'
      | 'cos'
      | 'tanh'
      | 'sigmoid'
      | 'relu'
      | 'gelu'
      | 'erf'
      | 'square'
      | 'reciprocal'
      | 'floor'
      | 'ceil'
      | 'round'
      | 'sign'
      | 'not',
  ): R {
    return this.record(op, [this.node], {});
  }

  // elementwise binary
  add<S2 extends ShapeType, D2 extends DType, O extends Operand>(
    this: Tensor<S2, D2>,
    other: ArithmeticArg<'add', S2, D2, O>,
  ): ArithmeticOut<'add', S2, D2, O> {
    return this.binary('add', other);
  }
  sub<S2 extends ShapeType, D2 extends DType, O extends Operand>(
    this: Tensor<S2, D2>,
    other: ArithmeticArg<'sub', S2, D2, O>,
  ): ArithmeticOut<'sub', S2, D2, O> {
    return this.binary('sub', other);
  }
  mul<S2 extends ShapeType, D2 extends DType, O extends Operand>(
    this: Tensor<S2, D2>,
    other: ArithmeticArg<'mul', S2, D2, O>,
  ): ArithmeticOut<'mul', S2, D2, O> {
    return this.binary('mul', other);
  }
  /** Division; i32 / i32 truncates toward zero (x / 0 is 0). */
  div<S2 extends ShapeType, D2 extends DType, O extends Operand>(
    this: Tensor<S2, D2>,
    other: ArithmeticArg<'div', S2, D2, O>,
  ): ArithmeticOut<'div', S2, D2, O> {
    return this.binary('div', other);
  }
  pow<S2 extends ShapeType, D2 extends DType, O extends Operand>(
    this: Tensor<S2, D2>,
    other: ArithmeticArg<'pow', S2, D2, O>,
  ): ArithmeticOut<'pow', S2, D2, O> {
    return this.binary('pow', other);
  }
  maximum<S2 extends ShapeType, D2 extends DType, O extends Operand>(
    this: Tensor<S2, D2>,
    other: ArithmeticArg<'maximum', S2, D2, O>,
  ): ArithmeticOut<'maximum', S2, D2, O> {
    return this.binary('maximum', other);
  }
  minimum<S2 extends ShapeType, D2 extends DType, O extends Operand>(
    this: Tensor<S2, D2>,
    other: ArithmeticArg<'minimum', S2, D2, O>,
  ): ArithmeticOut<'minimum', S2, D2, O> {
    return this.binary('minimum', other);
  }
  eq<S2 extends ShapeType, D2 extends DType, O extends Operand>(
    this: Tensor<S2, D2>,
    other: ComparisonArg<'eq', S2, O>,
  ): ComparisonOut<'eq', S2, O> {
    return this.binary('eq', other);
  }
  ne<S2 extends ShapeType, D2 extends DType, O extends Operand>(
    this: Tensor<S2, D2>,
    other: ComparisonArg<'ne', S2, O>,
  ): ComparisonOut<'ne', S2, O> {
    return this.binary('ne', other);
  }
  lt<S2 extends ShapeType, D2 extends DType, O extends Operand>(
    this: Tensor<S2, D2>,
    other: ComparisonArg<'lt', S2, O>,
  ): ComparisonOut<'lt', S2, O> {
    return this.binary('lt', other);
  }
  le<S2 extends ShapeType, D2 extends DType, O extends Operand>(
    this: Tensor<S2, D2>,
    other: ComparisonArg<'le', S2, O>,
  ): ComparisonOut<'le', S2, O> {
    return this.binary('le', other);
  }
  gt<S2 extends ShapeType, D2 extends DType, O extends Operand>(
    this: Tensor<S2, D2>,
    other: ComparisonArg<'gt', S2, O>,
  ): ComparisonOut<'gt', S2, O> {
    return this.binary('gt', other);
  }
  ge<S2 extends ShapeType, D2 extends DType, O extends Operand>(
    this: Tensor<S2, D2>,
    other: ComparisonArg<'ge', S2, O>,
  ): ComparisonOut<'ge', S2, O> {
    return this.binary('ge', other);
  }
  and<S2 extends ShapeType, D2 extends DType, O extends Operand>(
    this: Tensor<S2, D2>,
    other: LogicalArg<'and', S2, D2, O>,
  ): ComparisonOut<'and', S2, O> {
    return this.binary('and', other);
  }
  or<S2 extends ShapeType, D2 extends DType, O extends Operand>(
    this: Tensor<S2, D2>,
    other: LogicalArg<'or', S2, D2, O>,
  ): ComparisonOut<'or', S2, O> {
    return this.binary('or', other);
  }

  // elementwise unary
  neg(): Tensor<S, D> {
    return this.unary('neg');
  }
  abs(): Tensor<S, D> {
    return this.unary('abs');
  }
  sqrt(): Tensor<S, 'f32'> {
    return this.unary('sqrt');
  }
  rsqrt(): Tensor<S, 'f32'> {
    return this.unary('rsqrt');
  }
  exp(): Tensor<S, 'f32'> {
    return this.unary('exp');
  }
  log(): Tensor<S, 'f32'> {
    return this.unary('log');
  }
  sin(): Tensor<S, 'f32'> {
    return this.unary('sin');
  }
  cos(): Tensor<S, 'f32'> {
    return this.unary('cos');
  }
  tanh(): Tensor<S, 'f32'> {
    return this.unary('tanh');
  }
  sigmoid(): Tensor<S, 'f32'> {
    return this.unary('sigmoid');
  }
  relu(): Tensor<S, D> {
    return this.unary('relu');
  }
  /** The exact (erf) form 0.5 x (1 + erf(x / sqrt 2)), or ONNX's `approximate = 'tanh'` form. */
  gelu(approximate: 'none' | 'tanh' = 'none'): Tensor<S, 'f32'> {
    return approximate === 'tanh' ? typed(act.geluTanh(this)) : this.unary('gelu');
  }
  erf(): Tensor<S, 'f32'> {
    return this.unary('erf');
  }
  square(): Tensor<S, D> {
    return this.unary('square');
  }
  reciprocal(): Tensor<S, 'f32'> {
    return this.unary('reciprocal');
  }
  floor(): Tensor<S, D> {
    return this.unary('floor');
  }
  ceil(): Tensor<S, D> {
    return this.unary('ceil');
  }
  /** Rounds half to even. */
  round(): Tensor<S, D> {
    return this.unary('round');
  }
  sign(): Tensor<S, D> {
    return this.unary('sign');
  }
  not(): Tensor<S, 'bool'> {
    return this.unary('not');
  }

  /** Converts to `dtype`: f32 -> i32 truncates toward zero; -> bool is `x != 0`. */
  cast<T extends DType>(dtype: T): Tensor<S, T> {
    if (!isDType(dtype)) {
      throw new DTypeError(`cast: unknown dtype ${describe(dtype)} (expected 'f32', 'i32' or 'bool')`, {
        op: 'cast',
        dtype,
      });
    }
    return this.record('cast', [this.node], { to: dtype });
  }

  // reductions (axes: one, several or all; negative axes count from the end)
  sum<S2 extends ShapeType, D2 extends DType, const A extends Axes = undefined, K extends boolean = false>(
    this: Tensor<S2, D2>,
    axes?: AxesArg<'sum', S2, A, K>,
    keepdims: K = false as K,
  ): Reduced<'sum', S2, A, K, SumDType<D2>> {
    return this.reduce('sum', axes, keepdims);
  }
  mean<S2 extends ShapeType, D2 extends DType, const A extends Axes = undefined, K extends boolean = false>(
    this: Tensor<S2, D2>,
    axes?: AxesArg<'mean', S2, A, K>,
    keepdims: K = false as K,
  ): Reduced<'mean', S2, A, K, 'f32'> {
    return this.reduce('mean', axes, keepdims);
  }
  max<S2 extends ShapeType, D2 extends DType, const A extends Axes = undefined, K extends boolean = false>(
    this: Tensor<S2, D2>,
    axes?: AxesArg<'max', S2, A, K>,
    keepdims: K = false as K,
  ): Reduced<'max', S2, A, K, D2> {
    return this.reduce('max', axes, keepdims);
  }
  min<S2 extends ShapeType, D2 extends DType, const A extends Axes = undefined, K extends boolean = false>(
    this: Tensor<S2, D2>,
    axes?: AxesArg<'min', S2, A, K>,
    keepdims: K = false as K,
  ): Reduced<'min', S2, A, K, D2> {
    return this.reduce('min', axes, keepdims);
  }
  prod<S2 extends ShapeType, D2 extends DType, const A extends Axes = undefined, K extends boolean = false>(
    this: Tensor<S2, D2>,
    axes?: AxesArg<'prod', S2, A, K>,
    keepdims: K = false as K,
  ): Reduced<'prod', S2, A, K, SumDType<D2>> {
    return this.reduce('prod', axes, keepdims);
  }
  /** Index of the largest element along `axis` (first on ties), as i32. */
  argmax<S2 extends ShapeType, A extends number, K extends boolean = false>(
    this: Tensor<S2>,
    axis: AxesArg<'argmax', S2, A, K>,
    keepdims: K = false as K,
  ): Reduced<'argmax', S2, A, K, 'i32'> {
    return this.record('argmax', [this.node], {
      axis: normalizeAxis('argmax', axis as number, this.rank),
      keepdims: checkBool('argmax', keepdims),
    });
  }
  /** Index of the smallest element along `axis` (first on ties), as i32. */
  argmin<S2 extends ShapeType, A extends number, K extends boolean = false>(
    this: Tensor<S2>,
    axis: AxesArg<'argmin', S2, A, K>,
    keepdims: K = false as K,
  ): Reduced<'argmin', S2, A, K, 'i32'> {
    return this.record('argmin', [this.node], {
      axis: normalizeAxis('argmin', axis as number, this.rank),
      keepdims: checkBool('argmin', keepdims),
    });
  }

  private reduce<R extends AnyTensor>(
    op: 'sum' | 'mean' | 'max' | 'min' | 'prod',
    axes: unknown,
    keepdims: boolean,
  ): R {
    return this.record(op, [this.node], {
      axes: normalizeAxes(op, axes as Axes, this.rank),
      keepdims: checkBool(op, keepdims),
    });
  }

  /** Matrix product with NumPy semantics (1-D operands, batched N-D with broadcasting). */
  matmul<S2 extends ShapeType, D2 extends DType, O extends AnyTensor>(
    this: Tensor<S2, D2>,
    other: MatmulArg<S2, D2, O>,
  ): MatmulOut<S2, D2, O> {
    const o = other as AnyTensor;
    this.graph.own('matmul', o);
    return this.record('matmul', [this.node, o.node], {});
  }

  // views and data movement
  /** Same elements, new shape; one dimension may be -1 (inferred). */
  reshape<S2 extends ShapeType, D2 extends DType, const T extends ShapeType>(
    this: Tensor<S2, D2>,
    shape: Checked<T, ReshapeShape<S2, T>>,
  ): Tensor<ShapeOf<ReshapeShape<S2, T>>, D2> {
    return this.reshaped(shape as ShapeType);
  }

  private reshaped<R extends AnyTensor>(shape: readonly number[]): R {
    return this.record('reshape', [this.node], { shape: resolveReshape(this.shape, shape) });
  }

  /** Permutes axes; the default reverses them. */
  transpose<S2 extends ShapeType, D2 extends DType, const P extends ShapeType | undefined = undefined>(
    this: Tensor<S2, D2>,
    perm?: Checked<P, TransposeShape<S2, P>>,
  ): Tensor<ShapeOf<TransposeShape<S2, P>>, D2> {
    const rank = this.rank;
    if (perm !== undefined && !isArray(perm)) {
      throw new ShapeError(`transpose: perm must be an array of axes (got ${describe(perm)})`, {
        op: 'transpose',
      });
    }
    const p =
      perm === undefined
        ? Array.from({ length: rank }, (_, i) => rank - 1 - i)
        : (perm as ShapeType).map((a) => normalizeAxis('transpose', a, rank));
    return this.record('transpose', [this.node], { perm: p });
  }

  /** Broadcasts to `shape` (NumPy broadcast_to); -1 keeps a dimension. */
  expand<S2 extends ShapeType, D2 extends DType, const T extends ShapeType>(
    this: Tensor<S2, D2>,
    target: Checked<T, ExpandShape<S2, T>>,
  ): Tensor<ShapeOf<ExpandShape<S2, T>>, D2> {
    const shape = target as ShapeType;
    const dims = isArray(shape)
      ? shape.map((d, i) => (d === -1 ? (this.shape[i - (shape.length - this.rank)] ?? -1) : d))
      : shape;
    return this.record('expand', [this.node], { shape: checkShape('expand', dims) });
  }

  /** Removes size-1 axes (the given ones, or all of them). */
  squeeze<S2 extends ShapeType, D2 extends DType, const A extends Axes = undefined>(
    this: Tensor<S2, D2>,
    axes?: Checked<A, SqueezeShape<S2, A>>,
  ): Tensor<ShapeOf<SqueezeShape<S2, A>>, D2> {
    const list =
      axes === undefined
        ? this.shape.flatMap((d, i) => (d === 1 ? [i] : []))
        : normalizeAxes('squeeze', axes, this.rank);
    for (const a of list) {
      if (this.shape[a] !== 1) {
        throw new ShapeError(
          `squeeze: axis ${a} of ${formatShape(this.shape)} has size ${this.shape[a]} (expected 1)`,
          { op: 'squeeze', axis: a, shape: this.shape },
        );
      }
    }
    return this.reshaped(this.shape.filter((_, i) => !list.includes(i)));
  }

  /** Inserts a size-1 axis at `axis` (in [-(rank+1), rank]). */
  unsqueeze<S2 extends ShapeType, D2 extends DType, A extends number>(
    this: Tensor<S2, D2>,
    axis: Checked<A, UnsqueezeShape<S2, A>>,
  ): Tensor<ShapeOf<UnsqueezeShape<S2, A>>, D2> {
    const a = normalizeAxis('unsqueeze', axis, this.rank + 1);
    return this.reshaped([...this.shape.slice(0, a), 1, ...this.shape.slice(a)]);
  }

  /** Merges the axes from `startAxis` to the end into one. */
  flatten<S2 extends ShapeType, D2 extends DType, A extends number = 0>(
    this: Tensor<S2, D2>,
    startAxis: Checked<A, FlattenShape<S2, A>> = 0 as Checked<A, FlattenShape<S2, A>>,
  ): Tensor<ShapeOf<FlattenShape<S2, A>>, D2> {
    if (this.rank === 0) return this.reshaped([1]);
    const a = normalizeAxis('flatten', startAxis, this.rank);
    return this.reshaped([...this.shape.slice(0, a), sizeOf(this.shape.slice(a))]);
  }

  /**
   * Python-style slicing per axis: a number picks (and drops the axis), `[start,
   * stop, step?]` takes a range, `null` takes all; negative indices count from the end.
   */
  slice<S2 extends ShapeType, D2 extends DType, const R extends readonly SliceRange[]>(
    this: Tensor<S2, D2>,
    slices: Checked<R, SliceShape<S2, R>>,
  ): Tensor<ShapeOf<SliceShape<S2, R>>, D2> {
    const ranges = slices as readonly SliceRange[];
    if (!isArray(ranges) || ranges.length > this.rank) {
      throw new ShapeError(
        `slice: expected at most ${this.rank} ranges for ${formatShape(this.shape)} (got ${describe(ranges)})`,
        { op: 'slice' },
      );
    }
    const axes: SliceAxis[] = [];
    const dropped: number[] = [];
    this.shape.forEach((dim, i) => {
      const r = ranges[i];
      if (typeof r === 'number') {
        if (!Number.isInteger(r) || r < -dim || r >= dim) {
          throw new ShapeError(`slice: index ${r} is out of range for axis ${i} of size ${dim}`, {
            op: 'slice',
            axis: i,
            index: r,
          });
        }
        axes.push({ start: r < 0 ? r + dim : r, step: 1, size: 1 });
        dropped.push(i);
      } else {
        axes.push(normalizeRange(i, dim, r));
      }
    });
    const sliced: AnyTensor = this.record('slice', [this.node], { axes });
    return dropped.length === 0
      ? typed(sliced)
      : sliced.reshaped(sliced.shape.filter((_, i) => !dropped.includes(i)));
  }

  /**
   * Pads each axis with `[before, after]` elements: of `value` (mode 'constant'), or
   * (ONNX Pad modes) mirrored without the edge ('reflect'), the edge repeated ('edge'), periodic ('wrap').
   */
  pad<S2 extends ShapeType, D2 extends DType, const W extends readonly (readonly [number, number])[]>(
    this: Tensor<S2, D2>,
    padding: Checked<W, PadShape<S2, W>>,
    value = 0,
    mode: dm.PadMode = 'constant',
  ): Tensor<ShapeOf<PadShape<S2, W>>, D2> {
    const widths = padding as readonly (readonly [number, number])[];
    if (mode !== 'constant') return typed(dm.padWithMode(this, widths, mode));
    if (!isArray(widths) || widths.some((w) => !isArray(w) || w.length !== 2)) {
      throw new ShapeError(`pad: widths must be [before, after] pairs (got ${describe(widths)})`, {
        op: 'pad',
      });
    }
    if (typeof value !== 'number')
      throw new DTypeError(`pad: value must be a number (got ${describe(value)})`, { op: 'pad' });
    return this.record('pad', [this.node], { widths: widths.map(([b, a]) => [b, a] as const), value });
  }

  /** Picks entries along `axis` by i32 indices (negative count from the end; out of range is an InputError at run time). */
  gather<
    S2 extends ShapeType,
    D2 extends DType,
    const I extends AnyTensor | readonly number[] | number,
    A extends number,
  >(
    this: Tensor<S2, D2>,
    picks: Check<I, GatherShape<S2, IndicesShape<I>, A>, IndicesDType<I>>,
    axis: A,
  ): Tensor<ShapeOf<GatherShape<S2, IndicesShape<I>, A>>, D2> {
    const indices = picks as AnyTensor | readonly number[] | number;
    if (!(indices instanceof Tensor)) {
      // A cast to i32 would truncate 1.5 to 1 silently: refuse non-integer indices instead.
      const list: unknown[] = isArray(indices) ? [...indices] : [indices];
      if (!list.every((v) => Number.isInteger(v))) {
        throw new DTypeError(
          `gather: indices must be integers (got ${describe(indices)})`,
          { op: 'gather', indices },
          'Pass whole numbers or an i32 tensor',
        );
      }
    }
    const idx =
      indices instanceof Tensor
        ? indices
        : this.graph.constant(
            typeof indices === 'number' ? indices : [...indices],
            typeof indices === 'number' ? [] : undefined,
            'i32',
          );
    this.graph.own('gather', idx);
    return this.record('gather', [this.node, idx.node], { axis: normalizeAxis('gather', axis, this.rank) });
  }

  // composites (lowered to primitives by passes/lower-composites.ts)
  softmax(axis = -1): Tensor<S, 'f32'> {
    return this.record('softmax', [this.node], { axis: normalizeAxis('softmax', axis, this.rank) });
  }
  logSoftmax(axis = -1): Tensor<S, 'f32'> {
    return this.record('logSoftmax', [this.node], { axis: normalizeAxis('logSoftmax', axis, this.rank) });
  }
  /**
   * ONNX LayerNormalization: normalizes over axes `axis … rank-1` (default the last), then
   * scales by `weight` and shifts by `bias` when given (each broadcast to x's shape).
   */
  layerNorm(weight?: AnyTensor | null, bias?: AnyTensor | null, eps = 1e-5, axis = -1): Tensor<S, 'f32'> {
    return typed(norm.layerNorm(this, weight, bias, eps, axis));
  }
  /** ONNX LayerNormalization's Mean and InvStdDev outputs over axes `axis…`, with size-1 axes kept. */
  layerNormStats(axis = -1, eps = 1e-5): [Tensor<number[], 'f32'>, Tensor<number[], 'f32'>] {
    return norm.layerNormStats(this, axis, eps) as [Tensor<number[], 'f32'>, Tensor<number[], 'f32'>];
  }
  /** ONNX RMSNormalization: x / sqrt(mean(x², axes axis…) + eps) · scale. */
  rmsNorm(scale?: AnyTensor | null, eps = 1e-5, axis = -1): Tensor<S, 'f32'> {
    return typed(norm.rmsNorm(this, scale, eps, axis));
  }
  /** ONNX InstanceNormalization of [N, C, D…]: per (n, c) over the spatial axes, then · scale[c] + bias[c]. */
  instanceNorm(scale: AnyTensor, bias: AnyTensor, eps = 1e-5): Tensor<S, 'f32'> {
    return typed(norm.instanceNorm(this, scale, bias, eps));
  }
  /** ONNX GroupNormalization (opset 21) of [N, C, …]: per group of channels, then · scale[c] + bias[c]. */
  groupNorm(numGroups: number, scale: AnyTensor, bias: AnyTensor, eps = 1e-5): Tensor<S, 'f32'> {
    return typed(norm.groupNorm(this, numGroups, scale, bias, eps));
  }
  /** ONNX LRN across channels (axis 1): x / (bias + alpha/size · Σ x²)^beta. */
  lrn(size: number, alpha = 1e-4, beta = 0.75, bias = 1): Tensor<S, 'f32'> {
    return typed(norm.lrn(this, size, alpha, beta, bias));
  }

  // shape and data movement with ONNX semantics, built from views by build/data-movement.ts
  /** ONNX Split: parts of the given sizes along `axis`, or `count` parts of ceil(n/count) (the last smaller); each a view. */
  split(parts: number | readonly number[], axis = 0): Tensor<number[], D>[] {
    return dm.split(this, parts, axis) as Tensor<number[], D>[];
  }
  /** ONNX GatherElements: out[c] = x[c with c[axis] = indices[c]] (i32 indices shaped like x; negative count from the end). */
  gatherElements(indices: AnyTensor, axis: number): Tensor<number[], D> {
    return typed(dm.gatherElements(this, indices, axis));
  }
  /** ONNX Resize, modes 'nearest' and 'linear' (scales or sizes; ONNX coordinate and rounding modes). */
  resize(options: ResizeOptions): Tensor<number[], D> {
    return typed(resize(this, options));
  }
  /** ONNX TopK: [values, i32 indices] of the k largest (or smallest) along `axis`, sorted; ties keep index order. */
  topK(k: number, axis = -1, largest = true): [Tensor<number[], D>, Tensor<number[], 'i32'>] {
    return topK(this, k, axis, largest) as [Tensor<number[], D>, Tensor<number[], 'i32'>];
  }
  /** ONNX Tile: `repeats[i]` copies along axis i (a view). */
  tile(repeats: readonly number[]): Tensor<number[], D> {
    return typed(dm.tile(this, repeats));
  }
  /** ONNX DepthToSpace of [N, C, H, W] (mode 'DCR' or 'CRD'; a view). */
  depthToSpace(blocksize: number, mode: 'DCR' | 'CRD' = 'DCR'): Tensor<number[], D> {
    return typed(dm.depthToSpace(this, blocksize, mode));
  }
  /** ONNX SpaceToDepth of [N, C, H, W] (a view). */
  spaceToDepth(blocksize: number): Tensor<number[], D> {
    return typed(dm.spaceToDepth(this, blocksize));
  }
  /** ONNX Trilu over the last two axes: keeps col - row >= k (upper) or <= k (lower), zeros the rest. */
  trilu(upper = true, k = 0): Tensor<S, D> {
    return typed(dm.trilu(this, upper, k));
  }
  /** ONNX CumSum along `axis` (exclusive: the sum before each element; reverse: from the end). */
  cumsum(axis: number, exclusive = false, reverse = false): Tensor<S, D> {
    return typed(dm.cumsum(this, axis, exclusive, reverse));
  }
  /** ONNX Mod: (fmod) C's exact fmod, f32 or i32; else (i32) the remainder with the divisor's sign. */
  mod(divisor: AnyTensor | number, fmod = false): Tensor<number[], D> {
    return typed(dm.mod(this, divisor, fmod));
  }

  // activations, built from primitives by build/activations.ts (ONNX semantics)
  /** ONNX Clip: min(max(x, min), max); a bound is a number, a tensor of x's dtype, or null (none). */
  clip(min?: Operand | null, max?: Operand | null): Tensor<S, D> {
    return typed(act.clip(this, min, max));
  }
  /** ONNX LeakyRelu: x < 0 ? alpha·x : x. */
  leakyRelu(alpha = 0.01): Tensor<S, 'f32'> {
    return typed(act.leakyRelu(this, alpha));
  }
  /** ONNX PRelu: x < 0 ? slope·x : x, slope broadcast to x's shape. */
  prelu(slope: AnyTensor | number): Tensor<S, 'f32'> {
    return typed(act.prelu(this, slope));
  }
  /** ONNX Elu: x < 0 ? alpha·(exp(x) - 1) : x. */
  elu(alpha = 1): Tensor<S, 'f32'> {
    return typed(act.elu(this, alpha));
  }
  /** ONNX Selu: gamma·(x <= 0 ? alpha·(exp(x) - 1) : x). */
  selu(alpha = act.SELU_ALPHA, gamma = act.SELU_GAMMA): Tensor<S, 'f32'> {
    return typed(act.selu(this, alpha, gamma));
  }
  /** ONNX HardSigmoid: max(0, min(1, alpha·x + beta)). */
  hardSigmoid(alpha = 0.2, beta = 0.5): Tensor<S, 'f32'> {
    return typed(act.hardSigmoid(this, alpha, beta));
  }
  /** ONNX HardSwish: x·max(0, min(1, x/6 + 1/2)). */
  hardSwish(): Tensor<S, 'f32'> {
    return typed(act.hardSwish(this));
  }
  /** ONNX Softplus: log(1 + exp(x)), computed stably. */
  softplus(): Tensor<S, 'f32'> {
    return typed(act.softplus(this));
  }
  /** ONNX Softsign: x / (1 + |x|). */
  softsign(): Tensor<S, 'f32'> {
    return typed(act.softsign(this));
  }
  /** SiLU (swish): x·sigmoid(x). */
  silu(): Tensor<S, 'f32'> {
    return typed(act.silu(this));
  }
  /** ONNX Mish: x·tanh(softplus(x)). */
  mish(): Tensor<S, 'f32'> {
    return typed(act.mish(this));
  }
  /** ONNX Celu: max(0, x) + min(0, alpha·(exp(x/alpha) - 1)). */
  celu(alpha = 1): Tensor<S, 'f32'> {
    return typed(act.celu(this, alpha));
  }
  /** ONNX ThresholdedRelu: x > alpha ? x : 0. */
  thresholdedRelu(alpha = 1): Tensor<S, 'f32'> {
    return typed(act.thresholdedRelu(this, alpha));
  }
  /** ONNX Shrink: x < -lambd ? x + bias : x > lambd ? x - bias : 0. */
  shrink(lambd = 0.5, bias = 0): Tensor<S, D> {
    return typed(act.shrink(this, lambd, bias));
  }

  // convolution and pooling over [N, C, D...] (ONNX semantics; options in build/conv-args.ts)
  /** ONNX Conv: weights [M, C/groups, k...], optional bias [M]. */
  conv(weight: AnyTensor, bias?: AnyTensor | null, options?: ConvOptions): Tensor<number[], 'f32'> {
    return buildConv(this, weight, bias, options) as Tensor<number[], 'f32'>;
  }
  /** ONNX ConvTranspose: weights [C, M/groups, k...], optional bias [M]. */
  convTranspose(
    weight: AnyTensor,
    bias?: AnyTensor | null,
    options?: ConvTransposeOptions,
  ): Tensor<number[], 'f32'> {
    return buildConvTranspose(this, weight, bias, options) as Tensor<number[], 'f32'>;
  }
  /** ONNX MaxPool over windows of `kernelShape` (one size per spatial axis). */
  maxPool(kernelShape: readonly number[], options?: PoolOptions): Tensor<number[], 'f32'> {
    return buildPool('maxPool', this, kernelShape, options) as Tensor<number[], 'f32'>;
  }
  /** ONNX AveragePool over windows of `kernelShape`. */
  avgPool(kernelShape: readonly number[], options?: AvgPoolOptions): Tensor<number[], 'f32'> {
    return buildPool('avgPool', this, kernelShape, options) as Tensor<number[], 'f32'>;
  }
  /** ONNX GlobalAveragePool: the mean over the spatial axes, kept as size 1. */
  globalAvgPool(): Tensor<number[], 'f32'> {
    return (this as AnyTensor).mean(spatialAxes('globalAvgPool', this as AnyTensor), true);
  }
  /** ONNX GlobalMaxPool: the max over the spatial axes, kept as size 1. */
  globalMaxPool(): Tensor<number[], D> {
    return (this as AnyTensor).max(spatialAxes('globalMaxPool', this as AnyTensor), true) as Tensor<
      number[],
      D
    >;
  }
  /** ONNX BatchNormalization (inference): (x - mean) / sqrt(var + eps) · scale + bias per channel (axis 1). */
  batchNorm(
    scale: AnyTensor,
    bias: AnyTensor,
    mean: AnyTensor,
    variance: AnyTensor,
    eps = 1e-5,
  ): Tensor<S, 'f32'> {
    return buildBatchNorm(this, [scale, bias, mean, variance], eps) as Tensor<S, 'f32'>;
  }

  /** The text IR of this value and everything it depends on. */
  toString(): string {
    return `Tensor<${this.dtype}${formatShape(this.shape)}>`;
  }
}
