/**
 * ONNX Resize (modes nearest and linear) built as one gather per resized axis
 * with build-time constant source indices, and for linear a weighted sum of
 * two gathers: the coordinate arithmetic runs once, in float64, at the call,
 * exactly as ONNX's reference computes it.
 */
import { DTypeError, ShapeError } from '../../common/errors.js';
import { describe, formatShape, isArray } from '../shape.js';
import type { AnyTensor } from '../types/tensor-types.js';

/** How an output coordinate maps back to the input (ONNX coordinate_transformation_mode). */
export type CoordinateTransform = 'half_pixel' | 'pytorch_half_pixel' | 'align_corners' | 'asymmetric';
/** How nearest mode rounds a fractional source coordinate (ONNX nearest_mode). */
export type NearestMode = 'round_prefer_floor' | 'round_prefer_ceil' | 'floor' | 'ceil';

/** Arguments of resize: exactly one of `scales` and `sizes`, one entry per axis. */
export interface ResizeOptions {
  readonly scales?: readonly number[];
  readonly sizes?: readonly number[];
  readonly mode?: 'nearest' | 'linear';
  readonly coordinateTransformationMode?: CoordinateTransform;
  readonly nearestMode?: NearestMode;
}

const TRANSFORMS: readonly string[] = ['half_pixel', 'pytorch_half_pixel', 'align_corners', 'asymmetric'];
const NEAREST: readonly string[] = ['round_prefer_floor', 'round_prefer_ceil', 'floor', 'ceil'];

/** The input coordinate of output coordinate `x` (ONNX's reference; `outWidth` = scale·input, not rounded). */
export function sourceCoordinate(
  mode: CoordinateTransform,
  x: number,
  scale: number,
  inSize: number,
): number {
  const outWidth = scale * inSize;
  switch (mode) {
    case 'half_pixel':
      return (x + 0.5) / scale - 0.5;
    case 'pytorch_half_pixel':
      return outWidth === 1 ? -0.5 : (x + 0.5) / scale - 0.5;
    case 'align_corners':
      return outWidth === 1 ? 0 : (x * (inSize - 1)) / (outWidth - 1);
    case 'asymmetric':
      return x / scale;
  }
}

/** One resized axis: per output position, the two source indices (clamped) and the second's weight. */
interface AxisPlan {
  readonly lo: Int32Array;
  readonly hi: Int32Array;
  /** The ratio r in (0, 1] (linear), or 1/0 for "take hi"/"take lo" (nearest); float64 until stored. */
  readonly weight: Float64Array;
}

/**
 * The neighbours ONNX's reference takes: floor(x) and floor(x) + 1 with
 * ratio x - floor(x) in (0, 1), or x itself (ratio 1 on the left neighbour's
 * pair) when x is an integer; indices past the ends read the edge.
 */
function planAxis(
  inSize: number,
  outSize: number,
  scale: number,
  o: Required<Omit<ResizeOptions, 'scales' | 'sizes'>>,
): AxisPlan {
  const clampIndex = (i: number): number => Math.min(Math.max(i, 0), inSize - 1);
  const lo = new Int32Array(outSize);
  const hi = new Int32Array(outSize);
  const weight = new Float64Array(outSize);
  for (let x = 0; x < outSize; x++) {
    const src = sourceCoordinate(o.coordinateTransformationMode, x, scale, inSize);
    const base = Math.floor(src);
    const integral = Number.isInteger(src);
    const ratio = integral ? 1 : src - base;
    lo[x] = clampIndex(integral ? src - 1 : base);
    hi[x] = clampIndex(integral ? src : base + 1);
    if (o.mode === 'linear') weight[x] = ratio;
    else {
      const up =
        integral ||
        (o.nearestMode === 'round_prefer_floor'
          ? ratio > 0.5
          : o.nearestMode === 'round_prefer_ceil'
            ? ratio >= 0.5
            : o.nearestMode === 'ceil');
      weight[x] = up ? 1 : 0;
    }
  }
  return { lo, hi, weight };
}

/** Checks one list attribute: `rank` finite positive numbers (sizes: integers). */
function checkList(what: string, list: unknown, rank: number, integers: boolean): readonly number[] {
  const ok =
    isArray(list) &&
    list.length === rank &&
    list.every(
      (v) => typeof v === 'number' && Number.isFinite(v) && v > 0 && (!integers || Number.isInteger(v)),
    );
  if (!ok) {
    throw new ShapeError(
      `resize: ${what} must be ${rank} positive ${integers ? 'integers' : 'numbers'}, one per axis (got ${describe(list)})`,
      { op: 'resize' },
    );
  }
  return list as readonly number[];
}

/**
 * ONNX Resize with mode 'nearest' or 'linear' (no antialiasing, no roi): the
 * output size per axis is `sizes[i]`, or `floor(input · scales[i])`; linear
 * interpolates each resized axis in turn (separable, as ONNX's reference), so
 * bilinear and trilinear are linear over 2 and 3 axes.
 */
export function resize(x: AnyTensor, options: ResizeOptions): AnyTensor {
  const op = 'resize';
  const o = {
    mode: options.mode ?? 'nearest',
    coordinateTransformationMode: options.coordinateTransformationMode ?? 'half_pixel',
    nearestMode: options.nearestMode ?? 'round_prefer_floor',
  };
  if (o.mode !== 'nearest' && o.mode !== 'linear') {
    throw new ShapeError(`resize: mode must be 'nearest' or 'linear' (got ${describe(o.mode)})`, { op });
  }
  if (!TRANSFORMS.includes(o.coordinateTransformationMode)) {
    throw new ShapeError(
      `resize: coordinateTransformationMode must be one of ${TRANSFORMS.join(', ')} (got ${describe(o.coordinateTransformationMode)})`,
      { op },
    );
  }
  if (!NEAREST.includes(o.nearestMode)) {
    throw new ShapeError(
      `resize: nearestMode must be one of ${NEAREST.join(', ')} (got ${describe(o.nearestMode)})`,
      {
        op,
      },
    );
  }
  if ((options.scales === undefined) === (options.sizes === undefined)) {
    throw new ShapeError('resize: give exactly one of scales and sizes', { op });
  }
  if (o.mode === 'linear' && x.dtype !== 'f32') {
    throw new DTypeError(`resize: linear mode needs an f32 operand (got ${x.dtype})`, { op, dtype: x.dtype });
  }
  const sizes =
    options.sizes !== undefined
      ? checkList('sizes', options.sizes, x.rank, true)
      : checkList('scales', options.scales, x.rank, false).map((s, i) => Math.floor((x.shape[i] ?? 0) * s));
  const scales = options.scales ?? sizes.map((s, i) => s / (x.shape[i] ?? 1));
  const g = x.graph;
  let y = x;
  x.shape.forEach((inSize, axis) => {
    const outSize = sizes[axis] as number;
    const scale = scales[axis] as number;
    if (outSize === inSize && scale === 1) return;
    if (inSize === 0 && outSize > 0) {
      throw new ShapeError(`resize: axis ${axis} of ${formatShape(x.shape)} is empty and cannot grow`, {
        op,
      });
    }
    const plan = planAxis(inSize, outSize, scale, o);
    const pick = (indices: Int32Array): AnyTensor => y.gather(g.constant(indices, [outSize]), axis);
    if (o.mode === 'nearest') {
      y = pick(
        Int32Array.from(plan.lo, (lo, i) => ((plan.weight[i] as number) > 0 ? (plan.hi[i] as number) : lo)),
      );
      return;
    }
    // (1 - r)·x[lo] + r·x[hi], ONNX's dot product of coefficients and neighbours
    const along = x.shape.map((_, k) => (k === axis ? outSize : 1)).slice(axis);
    const w0 = g.constant(
      Float32Array.from(plan.weight, (r) => 1 - r),
      along,
    );
    const w1 = g.constant(Float32Array.from(plan.weight), along);
    y = pick(plan.lo).mul(w0).add(pick(plan.hi).mul(w1));
  });
  return y;
}
