/**
 * Composite ops (mean gelu softmax logSoftmax layerNorm) computed straight from
 * their mathematical definitions in float64, never through the lowering the
 * compiler uses, so the interpreter stays an independent oracle for it. Each
 * result is rounded to f32 once, when stored.
 */
import type { TypedArray } from '../../common/dtype.js';
import type { NodeOf } from '../node.js';
import { broadcastIndexMap, lanesAlong } from './indexing.js';
import { erf } from './erf.js';
import { argAt, at, convert, makeResult, type Operand } from './operands.js';
import { reductionTargets } from './reduce.js';

/**
 * mean over `attrs.axes`: the float64 sum of the (f32-converted) elements
 * divided by their count. Over an empty axis this is 0/0 = NaN.
 */
export function evaluateMean(node: NodeOf<'mean'>, args: readonly Operand[]): TypedArray {
  const x = argAt(node, args, 0);
  const values = convert(x, 'f32');
  const targets = reductionTargets(x.shape, node.attrs.axes);
  let count = 1;
  for (const axis of node.attrs.axes) count *= at(x.shape, axis);
  const out = makeResult(node);
  const sums = new Array<number>(out.length).fill(0);
  for (let i = 0; i < values.length; i++) {
    const t = at(targets, i);
    sums[t] = at(sums, t) + at(values, i);
  }
  for (let o = 0; o < out.length; o++) out[o] = at(sums, o) / count;
  return out;
}

/**
 * gelu(x) = x * Phi(x) = 0.5 * x * (1 + erf(x / sqrt 2)), the exact erf form,
 * with erf rounded to f32 as float32 code (and PyTorch) computes it: for
 * x < -5.5 erf rounds to -1 and the result is -0, where the exact value is
 * below 1e-7 in magnitude.
 */
export function evaluateGelu(node: NodeOf<'gelu'>, args: readonly Operand[]): TypedArray {
  const x = convert(argAt(node, args, 0), 'f32');
  const out = makeResult(node);
  for (let i = 0; i < out.length; i++) {
    const v = at(x, i);
    out[i] = 0.5 * v * (1 + Math.fround(erf(v / Math.SQRT2)));
  }
  return out;
}

/** The largest element of a lane (NaN if any is NaN; -inf for an empty lane). */
function laneMax(values: ArrayLike<number>, lane: readonly number[]): number {
  let m = -Infinity;
  for (const i of lane) m = Math.max(m, at(values, i));
  return m;
}

/** sum_k exp(x_k - m) over a lane: every term is in (0, 1], so nothing overflows. */
function laneExpSum(values: ArrayLike<number>, lane: readonly number[], m: number): number {
  let s = 0;
  for (const i of lane) s += Math.exp(at(values, i) - m);
  return s;
}

/**
 * softmax along `attrs.axis`: `exp(x_k - m) / sum_j exp(x_j - m)` with `m` the
 * lane's maximum. Subtracting m changes nothing mathematically and keeps every
 * exponent <= 0, so any finite input is safe.
 */
export function evaluateSoftmax(node: NodeOf<'softmax'>, args: readonly Operand[]): TypedArray {
  const x = convert(argAt(node, args, 0), 'f32');
  const out = makeResult(node);
  for (const lane of lanesAlong(node.shape, node.attrs.axis)) {
    const m = laneMax(x, lane);
    const s = laneExpSum(x, lane, m);
    for (const i of lane) out[i] = Math.exp(at(x, i) - m) / s;
  }
  return out;
}

/** logSoftmax along `attrs.axis`: `x_k - m - log(sum_j exp(x_j - m))`, m the lane's maximum. */
export function evaluateLogSoftmax(node: NodeOf<'logSoftmax'>, args: readonly Operand[]): TypedArray {
  const x = convert(argAt(node, args, 0), 'f32');
  const out = makeResult(node);
  for (const lane of lanesAlong(node.shape, node.attrs.axis)) {
    const m = laneMax(x, lane);
    const logSum = Math.log(laneExpSum(x, lane, m));
    for (const i of lane) out[i] = at(x, i) - m - logSum;
  }
  return out;
}

/**
 * layerNorm over the last axis: `(x - mean) / sqrt(var + eps)` with the
 * population variance `mean((x - mean)^2)`, then `* weight` and `+ bias` when
 * present (operands [x, weight?, bias?], each broadcast to x's shape). The mean
 * and the variance are rounded to f32.
 */
export function evaluateLayerNorm(node: NodeOf<'layerNorm'>, args: readonly Operand[]): TypedArray {
  const { eps, hasWeight, hasBias } = node.attrs;
  const x = convert(argAt(node, args, 0), 'f32');
  const affine = (present: boolean, i: number): ((flat: number) => number) => {
    if (!present) return () => NaN;
    const operand = argAt(node, args, i);
    const values = convert(operand, 'f32');
    const map = broadcastIndexMap(operand.shape, node.shape);
    return (flat) => at(values, at(map, flat));
  };
  const weight = affine(hasWeight, 1);
  const bias = affine(hasBias, hasWeight ? 2 : 1);
  const out = makeResult(node);
  for (const lane of lanesAlong(node.shape, node.shape.length - 1)) {
    const n = lane.length;
    let sum = 0;
    for (const i of lane) sum += at(x, i);
    // mean and variance are f32 values, as compiled code holds them: a variance
    // past the f32 range (|x - mean| above ~1.8e19) is inf and the result 0
    const mean = Math.fround(sum / n);
    let squares = 0;
    for (const i of lane) squares += (at(x, i) - mean) ** 2;
    const deviation = Math.sqrt(Math.fround(squares / n) + eps);
    for (const i of lane) {
      let y = (at(x, i) - mean) / deviation;
      if (hasWeight) y *= weight(i);
      if (hasBias) y += bias(i);
      out[i] = y;
    }
  }
  return out;
}
