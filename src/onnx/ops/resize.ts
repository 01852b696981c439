/**
 * ONNX Resize (opset 11 on) onto the builder's `resize`: nearest and linear,
 * by scales or sizes, the half_pixel, pytorch_half_pixel, align_corners and
 * asymmetric transforms and the four nearest modes; `axes` (opset 18) is
 * widened to every axis. Cubic, antialias, tf_crop_and_resize,
 * half_pixel_symmetric, tf_half_pixel_for_nn and a keep_aspect_ratio_policy
 * other than stretch are refused.
 */
import type { CoordinateTransform, NearestMode } from '../../ir/build/resize.js';
import type { Tensor } from '../../ir/tensor.js';
import { ElemType as E } from '../elem-types.js';
import type { NodeContext } from '../node-context.js';
import type { OpTable } from '../op-entry.js';

const TRANSFORMS: readonly string[] = ['half_pixel', 'pytorch_half_pixel', 'align_corners', 'asymmetric'];
const NEAREST: readonly string[] = ['round_prefer_floor', 'round_prefer_ceil', 'floor', 'ceil'];

/** `given` (per listed axis) spread over every axis, `fill(axis)` elsewhere. */
function widen(
  given: number[],
  axes: number[] | undefined,
  rank: number,
  fill: (axis: number) => number,
): number[] {
  if (axes === undefined) return given;
  const out = Array.from({ length: rank }, (_, a) => fill(a));
  axes.forEach((a, i) => (out[a] = given[i] ?? fill(a)));
  return out;
}

function resize(n: NodeContext): Tensor {
  n.checkTypes([E.float], [0]);
  const x = n.tensor(0);
  const mode = n.string('mode', 'nearest');
  if (mode !== 'nearest' && mode !== 'linear') n.refuse(`mode="${mode}" (nearest and linear are supported)`);
  const transform = n.string('coordinate_transformation_mode', 'half_pixel');
  if (!TRANSFORMS.includes(transform)) n.refuse(`coordinate_transformation_mode="${transform}"`);
  const nearest = n.string('nearest_mode', 'round_prefer_floor');
  if (!NEAREST.includes(nearest)) n.invalid(`nearest_mode="${nearest}"`);
  // only cubic (refused) reads cubic_coeff_a, only tf_crop_and_resize (refused) extrapolation_value and roi
  n.ignore('cubic_coeff_a', 'extrapolation_value');
  n.requireInt('exclude_outside', 0);
  n.requireInt('antialias', 0);
  if (n.string('keep_aspect_ratio_policy', 'stretch') !== 'stretch')
    n.refuse('keep_aspect_ratio_policy other than stretch');
  const axes = n.ints('axes')?.map((a) => n.axis(a, x.rank));
  const scales = n.has(2) ? n.numbers(2, 'scales') : [];
  const sizes = n.has(3) ? n.numbers(3, 'sizes') : [];
  if (scales.length > 0 === sizes.length > 0) n.invalid('exactly one of scales and sizes must be given');
  const options = {
    mode,
    coordinateTransformationMode: transform as CoordinateTransform,
    nearestMode: nearest as NearestMode,
  } as const;
  return scales.length > 0
    ? x.resize({ ...options, scales: widen(scales, axes, x.rank, () => 1) })
    : x.resize({ ...options, sizes: widen(sizes, axes, x.rank, (a) => x.shape[a] ?? 1) });
}

export const resizeOps: OpTable = {
  Resize: { since: 11, run: (n) => n.out(resize(n), n.elemType(0)) },
};
