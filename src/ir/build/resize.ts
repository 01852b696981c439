/**
 * ONNX Resize (modes nearest, linear and cubic, with antialiasing,
 * exclude_outside, every coordinate transform and keep_aspect_ratio_policy)
 * built per resized axis as gathers with build-time constant source indices,
 * weighted by build-time constant coefficients: the coordinate and
 * coefficient arithmetic runs once, in float64, at the call, exactly as ONNX's
 * reference computes it.
 */
import { DTypeError, ShapeError } from '../../common/errors.js';
import { describe, formatShape, isArray } from '../shape.js';
import type { AnyTensor } from '../types/tensor-types.js';

/** How an output coordinate maps back to the input (ONNX coordinate_transformation_mode). */
export type CoordinateTransform =
  | 'half_pixel'
  | 'half_pixel_symmetric'
  | 'pytorch_half_pixel'
  | 'align_corners'
  | 'asymmetric'
  | 'tf_crop_and_resize';
/** How nearest mode rounds a fractional source coordinate (ONNX nearest_mode). */
export type NearestMode = 'round_prefer_floor' | 'round_prefer_ceil' | 'floor' | 'ceil';

/** Arguments of resize: exactly one of `scales` and `sizes`, one entry per axis of `axes` (default: every axis). */
export interface ResizeOptions {
  readonly scales?: readonly number[];
  readonly sizes?: readonly number[];
  /** The axes `scales`/`sizes`/`roi` describe (ONNX axes); the others keep their size. */
  readonly axes?: readonly number[];
  readonly mode?: 'nearest' | 'linear' | 'cubic';
  readonly coordinateTransformationMode?: CoordinateTransform;
  readonly nearestMode?: NearestMode;
  /** Cubic's A (ONNX cubic_coeff_a, default -0.75). */
  readonly cubicCoeffA?: number;
  /** Weights of taps outside the input set to 0 and the rest renormalized (ONNX exclude_outside). */
  readonly excludeOutside?: boolean;
  /** Linear and cubic downsampling with the filter stretched by 1/scale (ONNX antialias). */
  readonly antialias?: boolean;
  /** With `sizes`: one scale for every axis of `axes`, the smallest or the largest (ONNX keep_aspect_ratio_policy). */
  readonly keepAspectRatioPolicy?: 'stretch' | 'not_larger' | 'not_smaller';
  /** tf_crop_and_resize's region: starts then ends per axis of `axes`, in [0, 1] of the input (default the whole). */
  readonly roi?: readonly number[];
  /** tf_crop_and_resize: the value of output points whose source is outside the input (default 0). */
  readonly extrapolationValue?: number;
}

/** The coordinate transformations resize knows (ONNX's names). */
export const TRANSFORMS: readonly string[] = [
  'half_pixel',
  'half_pixel_symmetric',
  'pytorch_half_pixel',
  'align_corners',
  'asymmetric',
  'tf_crop_and_resize',
];
/** Nearest-mode rounding rules (ONNX's names). */
export const NEAREST: readonly string[] = ['round_prefer_floor', 'round_prefer_ceil', 'floor', 'ceil'];
const MODES: readonly string[] = ['nearest', 'linear', 'cubic'];
/** keep_aspect_ratio_policy values (ONNX's names). */
export const POLICIES: readonly string[] = ['stretch', 'not_larger', 'not_smaller'];

/** One axis's geometry: sizes, the scale, and tf_crop_and_resize's roi. */
interface AxisGeometry {
  readonly inSize: number;
  readonly outSize: number;
  readonly scale: number;
  readonly roiStart: number;
  readonly roiEnd: number;
}

/**
 * The input coordinate of output coordinate `x` (ONNX's reference; its output
 * width is scale·input, not rounded, except half_pixel_symmetric's adjustment
 * and tf_crop_and_resize, which use the integer output size as the spec does).
 */
export function sourceCoordinate(mode: CoordinateTransform, x: number, a: AxisGeometry): number {
  const { inSize, outSize, scale } = a;
  const outWidth = scale * inSize;
  switch (mode) {
    case 'half_pixel':
      return (x + 0.5) / scale - 0.5;
    case 'half_pixel_symmetric': {
      const adjustment = outSize / outWidth;
      const offset = (inSize / 2) * (1 - adjustment);
      return offset + (x + 0.5) / scale - 0.5;
    }
    case 'pytorch_half_pixel':
      return outWidth === 1 ? -0.5 : (x + 0.5) / scale - 0.5;
    case 'align_corners':
      return outWidth === 1 ? 0 : (x * (inSize - 1)) / (outWidth - 1);
    case 'asymmetric':
      return x / scale;
    case 'tf_crop_and_resize': {
      const span = (a.roiEnd - a.roiStart) * (inSize - 1);
      return a.roiStart * (inSize - 1) + (outSize === 1 ? span / 2 : (x * span) / (outSize - 1));
    }
  }
}

type Options = Required<
  Pick<ResizeOptions, 'mode' | 'coordinateTransformationMode' | 'nearestMode' | 'cubicCoeffA' | 'antialias'>
> & { readonly excludeOutside: boolean };

/** Keys's cubic kernel with parameter A at distance |x| (ONNX's compute_coeff). */
function cubicKernel(x: number, A: number): number {
  const t = Math.abs(x);
  const t2 = t * t;
  const t3 = t * t2;
  if (t <= 1) return (A + 2) * t3 - (A + 3) * t2 + 1;
  if (t < 2) return A * t3 - 5 * A * t2 + 8 * A * t - 4 * A;
  return 0;
}

/**
 * The interpolation coefficients for `ratio` in (0, 1] and the offset of the
 * first from the left neighbour (ONNX's _linear_coeffs, _cubic_coeffs and
 * their antialiased forms, whose support widens to 1/scale when downsampling).
 */
function coefficients(ratio: number, scale: number, o: Options): { start: number; coeffs: number[] } {
  const A = o.cubicCoeffA;
  if (!o.antialias) {
    if (o.mode === 'linear') return { start: 0, coeffs: [1 - ratio, ratio] };
    const r1 = ratio + 1;
    const q = 1 - ratio;
    const q1 = q + 1;
    return {
      start: -1,
      coeffs: [
        ((A * r1 - 5 * A) * r1 + 8 * A) * r1 - 4 * A,
        ((A + 2) * ratio - (A + 3)) * ratio * ratio + 1,
        ((A + 2) * q - (A + 3)) * q * q + 1,
        ((A * q1 - 5 * A) * q1 + 8 * A) * q1 - 4 * A,
      ],
    };
  }
  const s = Math.min(scale, 1);
  const start = Math.floor((o.mode === 'linear' ? -1 : -2) / s) + 1;
  const coeffs = Array.from({ length: 2 - 2 * start }, (_, k) => {
    const arg = (start + k - ratio) * s;
    return o.mode === 'linear' ? Math.min(Math.max(1 - Math.abs(arg), 0), 1) : cubicKernel(arg, A);
  });
  const sum = coeffs.reduce((acc, c) => acc + c, 0);
  return { start, coeffs: coeffs.map((c) => c / sum) };
}

/** One resized axis: per tap, the (clamped) source index and weight of each output position. */
interface AxisPlan {
  readonly index: Int32Array[];
  /** float64 until stored. */
  readonly weight: Float64Array[];
  /** tf_crop_and_resize: output positions whose source lies outside the input. */
  readonly outside: Uint8Array | undefined;
}

/**
 * ONNX's _interpolate_1d_with_x per output position: the source coordinate,
 * its ratio in (0, 1] (1 when integral: the left neighbour's pair), the
 * coefficients, and the taps from the edge-padded axis (the window kept inside
 * the padding, as _get_neighbor picks it), with exclude_outside's renormalization.
 */
function planAxis(a: AxisGeometry, o: Options): AxisPlan {
  const { inSize, outSize } = a;
  const index: Int32Array[] = [];
  const weight: Float64Array[] = [];
  let outside: Uint8Array | undefined;
  for (let x = 0; x < outSize; x++) {
    const src = sourceCoordinate(o.coordinateTransformationMode, x, a);
    if (o.coordinateTransformationMode === 'tf_crop_and_resize' && (src < 0 || src > inSize - 1)) {
      outside ??= new Uint8Array(outSize);
      outside[x] = 1;
      continue;
    }
    const ratio = Number.isInteger(src) ? 1 : src - Math.floor(src);
    const left = src - ratio;
    let start: number;
    let coeffs: number[];
    if (o.mode === 'nearest') {
      const up =
        ratio === 1 ||
        (o.nearestMode === 'round_prefer_floor'
          ? ratio > 0.5
          : o.nearestMode === 'round_prefer_ceil'
            ? ratio >= 0.5
            : o.nearestMode === 'ceil');
      start = 0;
      coeffs = up ? [0, 1] : [1, 0];
    } else {
      ({ start, coeffs } = coefficients(ratio, a.scale, o));
    }
    const n = coeffs.length;
    const pad = Math.ceil(n / 2);
    const lo = Math.min(Math.max(left + start, -pad), inSize + pad - n);
    if (o.excludeOutside && o.mode !== 'nearest') {
      coeffs = coeffs.map((c, k) => (lo + k < 0 || lo + k >= inSize ? 0 : c));
      const sum = coeffs.reduce((acc, c) => acc + c, 0);
      coeffs = coeffs.map((c) => c / sum);
    }
    coeffs.forEach((c, k) => {
      index[k] ??= new Int32Array(outSize);
      weight[k] ??= new Float64Array(outSize);
      index[k][x] = Math.min(Math.max(lo + k, 0), inSize - 1);
      weight[k][x] = c;
    });
  }
  return { index, weight, outside };
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

function fail(what: string): never {
  throw new ShapeError(`resize: ${what}`, { op: 'resize' });
}

/** Checks that `value` is one of `allowed`. */
function checkChoice<T extends string>(what: string, value: T, allowed: readonly string[]): T {
  if (!allowed.includes(value)) fail(`${what} must be one of ${allowed.join(', ')} (got ${describe(value)})`);
  return value;
}

/** The normalized axes option: distinct integers in [-rank, rank), default every axis. */
function checkAxes(axes: unknown, rank: number): number[] {
  if (axes === undefined) return Array.from({ length: rank }, (_, i) => i);
  if (
    !isArray(axes) ||
    axes.some((a) => !Number.isInteger(a) || (a as number) < -rank || (a as number) >= rank)
  )
    fail(`axes must be integers in [${-rank}, ${rank}) (got ${describe(axes)})`);
  const out = (axes as number[]).map((a) => (a < 0 ? a + rank : a));
  if (new Set(out).size !== out.length) fail(`axes must be distinct (got ${describe(axes)})`);
  return out;
}

/** Per axis of x: output size, scale, roi (ONNX's _interpolate_nd before it interpolates). */
function geometry(x: AnyTensor, options: ResizeOptions, axes: readonly number[]): AxisGeometry[] {
  const rank = x.rank;
  const inSizes = x.shape;
  const scales = inSizes.map(() => 1);
  const sizes = [...inSizes];
  const policy = checkChoice('keepAspectRatioPolicy', options.keepAspectRatioPolicy ?? 'stretch', POLICIES);
  if (options.sizes !== undefined) {
    const given = checkList('sizes', options.sizes, axes.length, true);
    axes.forEach((a, i) => (sizes[a] = given[i] as number));
    sizes.forEach((s, a) => (scales[a] = s / (inSizes[a] as number)));
    if (policy !== 'stretch') {
      const picked = axes.map((a) => scales[a] as number);
      const scale = policy === 'not_larger' ? Math.min(...picked) : Math.max(...picked);
      for (const a of axes) {
        scales[a] = scale;
        // round half up, as the reference's int(x + 0.5)
        sizes[a] = Math.floor(scale * (inSizes[a] as number) + 0.5);
      }
    }
  } else {
    if (policy !== 'stretch') fail('keepAspectRatioPolicy needs sizes, not scales');
    const given = checkList('scales', options.scales, axes.length, false);
    axes.forEach((a, i) => (scales[a] = given[i] as number));
    scales.forEach((s, a) => (sizes[a] = Math.floor((inSizes[a] as number) * s)));
  }
  const roi: number[] = Array.from({ length: 2 * rank }, (_, i) => (i < rank ? 0 : 1));
  if (options.roi !== undefined) {
    const r = options.roi;
    if (
      !isArray(r) ||
      r.length !== 2 * axes.length ||
      r.some((v) => typeof v !== 'number' || !Number.isFinite(v))
    )
      fail(`roi must hold ${2 * axes.length} finite numbers, the starts then the ends (got ${describe(r)})`);
    axes.forEach((a, i) => {
      roi[a] = r[i] as number;
      roi[rank + a] = r[axes.length + i] as number;
    });
  }
  return inSizes.map((inSize, a) => ({
    inSize,
    outSize: sizes[a] as number,
    scale: scales[a] as number,
    roiStart: roi[a] as number,
    roiEnd: roi[rank + a] as number,
  }));
}

/**
 * ONNX Resize: the output size per axis is `sizes[i]`, or `floor(input ·
 * scales[i])` (keepAspectRatioPolicy: one scale over `axes`, sizes rounded
 * half up); each resized axis is interpolated in turn (separable, as ONNX's
 * reference): nearest picks one source, linear two, cubic four (antialiased
 * downsampling: 2·ceil-ish(1/scale) and 4/scale taps), each tap a gather with
 * constant indices times a constant weight per output position.
 */
export function resize(x: AnyTensor, options: ResizeOptions): AnyTensor {
  const op = 'resize';
  const o: Options = {
    mode: checkChoice('mode', options.mode ?? 'nearest', MODES),
    coordinateTransformationMode: checkChoice(
      'coordinateTransformationMode',
      options.coordinateTransformationMode ?? 'half_pixel',
      TRANSFORMS,
    ),
    nearestMode: checkChoice('nearestMode', options.nearestMode ?? 'round_prefer_floor', NEAREST),
    cubicCoeffA: options.cubicCoeffA ?? -0.75,
    antialias: options.antialias === true,
    excludeOutside: options.excludeOutside === true,
  };
  if (typeof o.cubicCoeffA !== 'number' || !Number.isFinite(o.cubicCoeffA))
    fail(`cubicCoeffA must be a finite number (got ${describe(o.cubicCoeffA)})`);
  const extrapolation = options.extrapolationValue ?? 0;
  if (typeof extrapolation !== 'number')
    fail(`extrapolationValue must be a number (got ${describe(extrapolation)})`);
  if ((options.scales === undefined) === (options.sizes === undefined))
    fail('give exactly one of scales and sizes');
  if (o.mode !== 'nearest' && x.dtype !== 'f32') {
    throw new DTypeError(`resize: ${o.mode} mode needs an f32 operand (got ${x.dtype})`, {
      op,
      dtype: x.dtype,
    });
  }
  const axes = checkAxes(options.axes, x.rank);
  const crop = o.coordinateTransformationMode === 'tf_crop_and_resize';
  const g = x.graph;
  let y = x;
  geometry(x, options, axes).forEach((a, axis) => {
    const whole = a.roiStart === 0 && a.roiEnd === 1;
    if (a.outSize === a.inSize && a.scale === 1 && (!crop || whole)) return;
    if (a.inSize === 0 && a.outSize > 0)
      fail(`axis ${axis} of ${formatShape(x.shape)} is empty and cannot grow`);
    const plan = planAxis(a, o);
    const along = x.shape.map((_, k) => (k === axis ? a.outSize : 1)).slice(axis);
    const source = y;
    const pick = (indices: Int32Array): AnyTensor => source.gather(g.constant(indices, [a.outSize]), axis);
    if (o.mode === 'nearest') {
      // the tap with weight 1 (for extrapolated positions both are 0: any index, replaced below)
      y = pick(
        Int32Array.from(plan.index[0] ?? new Int32Array(a.outSize), (lo, i) =>
          (plan.weight[1]?.[i] ?? 0) > 0 ? (plan.index[1]?.[i] ?? lo) : lo,
        ),
      );
    } else {
      // Σ_k w_k·x[i_k], ONNX's dot product of coefficients and neighbours; all-zero taps are left out
      let sum: AnyTensor | undefined;
      plan.index.forEach((indices, k) => {
        const w = plan.weight[k] as Float64Array;
        if (w.every((v) => v === 0)) return;
        const term = pick(indices).mul(g.constant(Float32Array.from(w), along));
        sum = sum === undefined ? term : sum.add(term);
      });
      y = sum ?? g.constant(0, [], x.dtype).expand(source.shape.map((d, k) => (k === axis ? a.outSize : d)));
    }
    if (plan.outside !== undefined) {
      y = g.where(g.constant(plan.outside, along, 'bool'), extrapolation, y);
    }
  });
  return y;
}
