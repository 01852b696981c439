/**
 * Tensor's views and data movement: reshape, transpose, expand, squeeze,
 * unsqueeze, flatten, slice, pad, gather, and the ONNX movement ops built from
 * views by build/ (split, gatherElements, resize, topK, tile, depthToSpace,
 * spaceToDepth, trilu, cumsum). Declared on Tensor by module augmentation,
 * installed on its prototype here (see tensor.ts for why).
 */
import type { DType } from '../common/dtype.js';
import { DTypeError, ShapeError } from '../common/errors.js';
import * as dm from './build/data-movement.js';
import { resize, type ResizeOptions } from './build/resize.js';
import { topK } from './build/top-k.js';
import type { SliceAxis } from './ops.js';
import { checkShape, describe, formatShape, isArray, normalizeAxes, normalizeAxis, sizeOf } from './shape.js';
import { Tensor } from './tensor.js';
import { normalizeRange, resolveReshape, type SliceRange } from './tensor-args.js';
import { record, typed } from './tensor-record.js';
import type { Checked, ShapeOf } from './types/errors-types.js';
import type { ReshapeShape, Shape as ShapeType, TransposeShape } from './types/shape-types.js';
import type { AnyTensor, Check, IndicesDType, IndicesShape } from './types/tensor-types.js';
import type {
  ExpandShape,
  FlattenShape,
  GatherShape,
  PadShape,
  SliceShape,
  SqueezeShape,
  UnsqueezeShape,
} from './types/view-types.js';

/** Squeeze axes: one, several, or (undefined) all size-1 axes. */
type Axes = number | readonly number[] | undefined;

declare module './tensor.js' {
  // views and data movement
  interface Tensor<S extends ShapeType = number[], D extends DType = DType> {
    /** Same elements, new shape; one dimension may be -1 (inferred). */
    reshape<S2 extends ShapeType, D2 extends DType, const T extends ShapeType>(
      this: Tensor<S2, D2>,
      shape: Checked<T, ReshapeShape<S2, T>>,
    ): Tensor<ShapeOf<ReshapeShape<S2, T>>, D2>;
    /** Permutes axes; the default reverses them. */
    transpose<S2 extends ShapeType, D2 extends DType, const P extends ShapeType | undefined = undefined>(
      this: Tensor<S2, D2>,
      perm?: Checked<P, TransposeShape<S2, P>>,
    ): Tensor<ShapeOf<TransposeShape<S2, P>>, D2>;
    /** Broadcasts to `shape` (NumPy broadcast_to); -1 keeps a dimension. */
    expand<S2 extends ShapeType, D2 extends DType, const T extends ShapeType>(
      this: Tensor<S2, D2>,
      target: Checked<T, ExpandShape<S2, T>>,
    ): Tensor<ShapeOf<ExpandShape<S2, T>>, D2>;
    /** Removes size-1 axes (the given ones, or all of them). */
    squeeze<S2 extends ShapeType, D2 extends DType, const A extends Axes = undefined>(
      this: Tensor<S2, D2>,
      axes?: Checked<A, SqueezeShape<S2, A>>,
    ): Tensor<ShapeOf<SqueezeShape<S2, A>>, D2>;
    /** Inserts a size-1 axis at `axis` (in [-(rank+1), rank]). */
    unsqueeze<S2 extends ShapeType, D2 extends DType, A extends number>(
      this: Tensor<S2, D2>,
      axis: Checked<A, UnsqueezeShape<S2, A>>,
    ): Tensor<ShapeOf<UnsqueezeShape<S2, A>>, D2>;
    /** Merges the axes from `startAxis` to the end into one. */
    flatten<S2 extends ShapeType, D2 extends DType, A extends number = 0>(
      this: Tensor<S2, D2>,
      startAxis?: Checked<A, FlattenShape<S2, A>>,
    ): Tensor<ShapeOf<FlattenShape<S2, A>>, D2>;
    /**
     * Python-style slicing per axis: a number picks (and drops the axis), `[start,
     * stop, step?]` takes a range, `null` takes all; negative indices count from the end.
     */
    slice<S2 extends ShapeType, D2 extends DType, const R extends readonly SliceRange[]>(
      this: Tensor<S2, D2>,
      slices: Checked<R, SliceShape<S2, R>>,
    ): Tensor<ShapeOf<SliceShape<S2, R>>, D2>;
    /**
     * Pads each axis with `[before, after]` elements: of `value` (mode 'constant'), or
     * (ONNX Pad modes) mirrored without the edge ('reflect'), the edge repeated ('edge'), periodic ('wrap').
     */
    pad<S2 extends ShapeType, D2 extends DType, const W extends readonly (readonly [number, number])[]>(
      this: Tensor<S2, D2>,
      padding: Checked<W, PadShape<S2, W>>,
      value?: number,
      mode?: dm.PadMode,
    ): Tensor<ShapeOf<PadShape<S2, W>>, D2>;
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
    ): Tensor<ShapeOf<GatherShape<S2, IndicesShape<I>, A>>, D2>;

    // shape and data movement with ONNX semantics, built from views by build/data-movement.ts
    /** ONNX Split: parts of the given sizes along `axis`, or `count` parts of ceil(n/count) (the last smaller); each a view. */
    split(parts: number | readonly number[], axis?: number): Tensor<number[], D>[];
    /** ONNX GatherElements: out[c] = x[c with c[axis] = indices[c]] (i32 indices shaped like x; negative count from the end). */
    gatherElements(indices: AnyTensor, axis: number): Tensor<number[], D>;
    /** ONNX Resize, modes 'nearest' and 'linear' (scales or sizes; ONNX coordinate and rounding modes). */
    resize(options: ResizeOptions): Tensor<number[], D>;
    /** ONNX TopK: [values, i32 indices] of the k largest (or smallest) along `axis`, sorted; ties keep index order. */
    topK(k: number, axis?: number, largest?: boolean): [Tensor<number[], D>, Tensor<number[], 'i32'>];
    /** ONNX Tile: `repeats[i]` copies along axis i (a view). */
    tile(repeats: readonly number[]): Tensor<number[], D>;
    /** ONNX DepthToSpace of [N, C, H, W] (mode 'DCR' or 'CRD'; a view). */
    depthToSpace(blocksize: number, mode?: 'DCR' | 'CRD'): Tensor<number[], D>;
    /** ONNX SpaceToDepth of [N, C, H, W] (a view). */
    spaceToDepth(blocksize: number): Tensor<number[], D>;
    /** ONNX Trilu over the last two axes: keeps col - row >= k (upper) or <= k (lower), zeros the rest. */
    trilu(upper?: boolean, k?: number): Tensor<S, D>;
    /** ONNX CumSum along `axis` (exclusive: the sum before each element; reverse: from the end). */
    cumsum(axis: number, exclusive?: boolean, reverse?: boolean): Tensor<S, D>;
  }
}

/** Tensor.prototype, typed with Tensor's default type arguments (not `any`) so the implementations below are checked. */
const prototype = Tensor.prototype as AnyTensor;

/** Records a reshape to `shape` (one -1 resolved). */
function reshaped<R extends AnyTensor>(x: AnyTensor, shape: readonly number[]): R {
  return record(x, 'reshape', [x.node], { shape: resolveReshape(x.shape, shape) });
}

prototype.reshape = function (shape) {
  return reshaped(this, shape as ShapeType);
};

prototype.transpose = function (perm) {
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
  return record(this, 'transpose', [this.node], { perm: p });
};

prototype.expand = function (target) {
  const shape = target as ShapeType;
  const dims = isArray(shape)
    ? shape.map((d, i) => (d === -1 ? (this.shape[i - (shape.length - this.rank)] ?? -1) : d))
    : shape;
  return record(this, 'expand', [this.node], { shape: checkShape('expand', dims) });
};

prototype.squeeze = function (axes) {
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
  return reshaped(
    this,
    this.shape.filter((_, i) => !list.includes(i)),
  );
};

prototype.unsqueeze = function (axis) {
  const a = normalizeAxis('unsqueeze', axis, this.rank + 1);
  return reshaped(this, [...this.shape.slice(0, a), 1, ...this.shape.slice(a)]);
};

prototype.flatten = function (startAxis) {
  if (this.rank === 0) return reshaped(this, [1]);
  const a = normalizeAxis('flatten', startAxis ?? 0, this.rank);
  return reshaped(this, [...this.shape.slice(0, a), sizeOf(this.shape.slice(a))]);
};

prototype.slice = function (slices) {
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
  const sliced: AnyTensor = record(this, 'slice', [this.node], { axes });
  return dropped.length === 0
    ? typed(sliced)
    : reshaped(
        sliced,
        sliced.shape.filter((_, i) => !dropped.includes(i)),
      );
};

prototype.pad = function (padding, value = 0, mode = 'constant') {
  const widths = padding as readonly (readonly [number, number])[];
  if (mode !== 'constant') return typed(dm.padWithMode(this, widths, mode));
  if (!isArray(widths) || widths.some((w) => !isArray(w) || w.length !== 2)) {
    throw new ShapeError(`pad: widths must be [before, after] pairs (got ${describe(widths)})`, {
      op: 'pad',
    });
  }
  if (typeof value !== 'number')
    throw new DTypeError(`pad: value must be a number (got ${describe(value)})`, { op: 'pad' });
  return record(this, 'pad', [this.node], { widths: widths.map(([b, a]) => [b, a] as const), value });
};

prototype.gather = function (picks, axis) {
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
  return record(this, 'gather', [this.node, idx.node], { axis: normalizeAxis('gather', axis, this.rank) });
};

prototype.split = function (parts, axis = 0) {
  return dm.split(this, parts, axis);
};
prototype.gatherElements = function (indices, axis) {
  return typed(dm.gatherElements(this, indices, axis));
};
prototype.resize = function (options) {
  return typed(resize(this, options));
};
prototype.topK = function (k, axis = -1, largest = true) {
  return topK(this, k, axis, largest) as [AnyTensor, Tensor<number[], 'i32'>];
};
prototype.tile = function (repeats) {
  return typed(dm.tile(this, repeats));
};
prototype.depthToSpace = function (blocksize, mode = 'DCR') {
  return typed(dm.depthToSpace(this, blocksize, mode));
};
prototype.spaceToDepth = function (blocksize) {
  return typed(dm.spaceToDepth(this, blocksize));
};
prototype.trilu = function (upper = true, k = 0) {
  return typed(dm.trilu(this, upper, k));
};
prototype.cumsum = function (axis, exclusive = false, reverse = false) {
  return typed(dm.cumsum(this, axis, exclusive, reverse));
};
