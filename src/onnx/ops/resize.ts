/**
 * ONNX Resize (opset 10 on) and the deprecated Upsample (7, 9) onto the
 * builder's `resize`: nearest, linear and cubic, by scales or sizes, every
 * coordinate transform of opset 19 (tf_crop_and_resize with roi and
 * extrapolation_value, half_pixel_symmetric), the four nearest modes,
 * cubic_coeff_a, exclude_outside, antialias, keep_aspect_ratio_policy and
 * `axes`. Resize-10 and Upsample are asymmetric with nearest rounding down,
 * as ONNX Runtime computes them. Opset 11's tf_half_pixel_for_nn is refused.
 */
import {
  NEAREST,
  POLICIES,
  TRANSFORMS,
  type CoordinateTransform,
  type NearestMode,
  type ResizeOptions,
} from '../../ir/build/resize.js';
import type { Tensor } from '../../ir/tensor.js';
import { ElemType as E } from '../elem-types.js';
import type { NodeContext } from '../node-context.js';
import type { OpTable } from '../op-entry.js';

/** The mode attribute, checked against what the op version allows. */
function modeOf(n: NodeContext, allowed: readonly string[]): 'nearest' | 'linear' | 'cubic' {
  const mode = n.string('mode', 'nearest');
  if (!allowed.includes(mode)) n.invalid(`mode="${mode}" (expected ${allowed.join(', ')})`);
  return mode as 'nearest' | 'linear' | 'cubic';
}

/** Resize-10 and Upsample: scales for every axis, asymmetric coordinates, nearest rounding down. */
function scaleOnly(n: NodeContext, x: Tensor, scales: number[]): Tensor {
  const mode = modeOf(n, ['nearest', 'linear']);
  if (scales.length !== x.rank) n.invalid(`scales has ${scales.length} values for rank ${x.rank}`);
  return x.resize({ mode, scales, coordinateTransformationMode: 'asymmetric', nearestMode: 'floor' });
}

function resize(n: NodeContext): Tensor {
  n.checkTypes([E.float], [0]);
  const x = n.tensor(0);
  if (n.opset < 11) return scaleOnly(n, x, n.numbers(1, 'scales'));
  const mode = modeOf(n, ['nearest', 'linear', 'cubic']);
  const transform = n.string('coordinate_transformation_mode', 'half_pixel');
  if (transform === 'tf_half_pixel_for_nn') n.refuse(`coordinate_transformation_mode="${transform}"`);
  if (!TRANSFORMS.includes(transform)) n.invalid(`coordinate_transformation_mode="${transform}"`);
  const nearest = n.string('nearest_mode', 'round_prefer_floor');
  if (!NEAREST.includes(nearest)) n.invalid(`nearest_mode="${nearest}"`);
  const policy = n.string('keep_aspect_ratio_policy', 'stretch');
  if (!POLICIES.includes(policy)) n.invalid(`keep_aspect_ratio_policy="${policy}"`);
  const axes = n.ints('axes')?.map((a) => n.axis(a, x.rank));
  const scales = n.has(2) ? n.numbers(2, 'scales') : [];
  const sizes = n.has(3) ? n.numbers(3, 'sizes') : [];
  if (scales.length > 0 === sizes.length > 0) n.invalid('exactly one of scales and sizes must be given');
  const crop = transform === 'tf_crop_and_resize';
  // only tf_crop_and_resize reads roi (and extrapolation_value)
  const roi = crop && n.has(1) ? n.numbers(1, 'roi') : [];
  const options: ResizeOptions = {
    mode,
    coordinateTransformationMode: transform as CoordinateTransform,
    nearestMode: nearest as NearestMode,
    cubicCoeffA: n.float('cubic_coeff_a', -0.75),
    excludeOutside: n.int('exclude_outside', 0) !== 0,
    antialias: n.int('antialias', 0) !== 0,
    keepAspectRatioPolicy: policy as 'stretch' | 'not_larger' | 'not_smaller',
    extrapolationValue: n.float('extrapolation_value', 0),
    ...(axes === undefined ? {} : { axes }),
    ...(roi.length > 0 ? { roi } : {}),
  };
  return scales.length > 0 ? x.resize({ ...options, scales }) : x.resize({ ...options, sizes });
}

/** Upsample-7 (scales attribute) and -9 (scales input). */
function upsample(n: NodeContext): Tensor {
  n.checkTypes([E.float], [0]);
  const x = n.tensor(0);
  const scales = n.opset < 9 ? n.floats('scales') : n.numbers(1, 'scales');
  if (scales === undefined) n.invalid('attribute scales is required');
  return scaleOnly(n, x, scales);
}

export const resizeOps: OpTable = {
  Resize: { since: 10, run: (n) => n.out(resize(n), n.elemType(0)) },
  Upsample: { since: 7, run: (n) => n.out(upsample(n), n.elemType(0)) },
};
