/**
 * Normalizations with ONNX semantics: layerNorm over the trailing axes from any
 * axis, RMS norm, instance norm, group norm and local response norm. All reuse
 * the layerNorm composite (whose lowering keeps a row of equal values exact)
 * through reshapes, or primitives, so they add no op code.
 */
import { DTypeError, ShapeError } from '../../common/errors.js';
import type { Node } from '../node.js';
import { broadcastsTo, describe, formatShape, normalizeAxis, sizeOf } from '../shape.js';
import type { AnyTensor } from '../types/tensor-types.js';
import { checkNumber, floatOperand } from './activations.js';

/** An optional affine operand: absent, or a tensor of this graph. */
type Affine = AnyTensor | null | undefined;

/** Checks an epsilon attribute: a number >= 0. */
function checkEps(op: string, eps: unknown): number {
  const e = checkNumber(op, 'epsilon', eps);
  if (!(e >= 0)) throw new ShapeError(`${op}: epsilon must be >= 0 (got ${e})`, { op });
  return e;
}

/** Checks that an affine operand (scale, bias) broadcasts to `to`; returns it or undefined. */
function checkAffine(
  op: string,
  what: string,
  t: Affine,
  x: AnyTensor,
  to: readonly number[],
): AnyTensor | undefined {
  if (t === undefined || t === null) return undefined;
  x.graph.own(op, t);
  if (t.dtype === 'bool') throw new DTypeError(`${op}: ${what} is bool (expected f32 or i32)`, { op });
  if (!broadcastsTo(t.shape, to)) {
    throw new ShapeError(
      `${op}: ${what} ${formatShape(t.shape)} does not broadcast to ${formatShape(to)} (x ${formatShape(x.shape)})`,
      { op, shapes: [x.shape, t.shape] },
    );
  }
  return t;
}

/** The first of the normalized axes `axis … rank-1` (negative counts from the end); x must have rank >= 1. */
function firstNormalizedAxis(op: string, x: AnyTensor, axis: number): number {
  if (x.rank === 0) throw new ShapeError(`${op}: operand must have rank >= 1`, { op });
  return normalizeAxis(op, axis, x.rank);
}

/** The axes `a … rank-1`. */
function axesFrom(a: number, rank: number): number[] {
  return Array.from({ length: rank - a }, (_, i) => a + i);
}

/** The layerNorm op over the last axis of `x` (the existing composite). */
function layerNormLast(
  x: AnyTensor,
  weight: AnyTensor | undefined,
  bias: AnyTensor | undefined,
  eps: number,
): AnyTensor {
  const g = x.graph;
  const extra: Node[] = [weight, bias].flatMap((t) => (t === undefined ? [] : [t.node]));
  const attrs = { eps, hasWeight: weight !== undefined, hasBias: bias !== undefined };
  return g.wrap(g.addNode('layerNorm', [x.node, ...extra], attrs));
}

/**
 * ONNX LayerNormalization: normalizes over axes `axis … rank-1` (mean, then the
 * population variance of the centered values), then `· weight + bias`, each
 * broadcast to x's shape. For axis < rank-1 the normalized axes are reshaped
 * into one (a view) and the layerNorm composite runs over it.
 */
export function layerNorm(x: AnyTensor, weight?: Affine, bias?: Affine, eps = 1e-5, axis = -1): AnyTensor {
  const op = 'layerNorm';
  if (typeof eps !== 'number')
    throw new ShapeError(`layerNorm: eps must be a number (got ${describe(eps)})`, { op });
  const a = firstNormalizedAxis(op, x, axis);
  const w = checkAffine(op, 'weight', weight, x, x.shape);
  const b = checkAffine(op, 'bias', bias, x, x.shape);
  if (a === x.rank - 1) return layerNormLast(x, w, b, eps);
  const normalized = x.shape.slice(a);
  const inner = sizeOf(normalized);
  // weight/bias shaped like the normalized axes become one axis of `inner`, inside the row kernel;
  // ones that also vary along leading axes are applied after the reshape back
  const flat = (t: AnyTensor | undefined): AnyTensor | undefined =>
    t !== undefined && t.rank <= normalized.length ? t.expand(normalized).reshape([inner]) : undefined;
  const [wIn, bIn] = [flat(w), flat(b)];
  // a bias inside the kernel needs the weight inside too (y·w + b order)
  const inside = wIn !== undefined || w === undefined;
  const y = layerNormLast(
    x.reshape([...x.shape.slice(0, a), inner]),
    inside ? wIn : undefined,
    inside ? bIn : undefined,
    eps,
  ).reshape(x.shape);
  let out = y;
  if (!inside && w !== undefined) out = out.mul(w);
  if ((!inside || bIn === undefined) && b !== undefined) out = out.add(b);
  return out;
}

/**
 * ONNX LayerNormalization's optional outputs Mean and InvStdDev: over axes
 * `axis … rank-1`, kept as size-1 axes: `mean(x)` and `1 / sqrt(mean((x - mean)²) + eps)`.
 */
export function layerNormStats(x: AnyTensor, axis = -1, eps = 1e-5): [AnyTensor, AnyTensor] {
  const op = 'layerNormStats';
  const e = checkEps(op, eps);
  const xf = floatOperand(op, x);
  const a = firstNormalizedAxis(op, x, axis);
  const axes = axesFrom(a, x.rank);
  const mean = xf.mean(axes, true);
  const centered = xf.sub(mean);
  return [mean, centered.mul(centered).mean(axes, true).add(e).rsqrt()];
}

/**
 * ONNX RMSNormalization (opset 23): `x / sqrt(mean(x², axes axis…rank-1) + eps) · scale`,
 * scale broadcast to x's shape (usually shaped like the normalized axes).
 */
export function rmsNorm(x: AnyTensor, scale?: Affine, eps = 1e-5, axis = -1): AnyTensor {
  const op = 'rmsNorm';
  const e = checkEps(op, eps);
  const xf = floatOperand(op, x);
  const a = firstNormalizedAxis(op, x, axis);
  const s = checkAffine(op, 'scale', scale, x, x.shape);
  const axes = axesFrom(a, x.rank);
  const y = xf.mul(xf.square().mean(axes, true).add(e).rsqrt());
  return s === undefined ? y : y.mul(s);
}

/** [C, 1, …, 1]: a per-channel vector lined up with axis 1 of a rank-`rank` tensor. */
function perChannel(t: AnyTensor, rank: number): AnyTensor {
  return t.reshape([t.size, ...Array.from({ length: rank - 2 }, () => 1)]);
}

/** Checks a per-channel operand of shape [C]. */
function checkChannels(op: string, what: string, t: AnyTensor, x: AnyTensor): void {
  x.graph.own(op, t);
  const c = x.shape[1] ?? 0;
  if (t.rank !== 1 || t.shape[0] !== c) {
    throw new ShapeError(
      `${op}: ${what} must have shape [${c}] (one per channel of x ${formatShape(x.shape)}; got ${formatShape(t.shape)})`,
      { op, shapes: [x.shape, t.shape] },
    );
  }
  if (t.dtype === 'bool') throw new DTypeError(`${op}: ${what} is bool (expected f32 or i32)`, { op });
}

/**
 * ONNX InstanceNormalization: x is [N, C, D1, …] (rank >= 3); each (n, c) plane
 * is normalized over its spatial axes, then `· scale[c] + bias[c]`.
 */
export function instanceNorm(x: AnyTensor, scale: AnyTensor, bias: AnyTensor, eps = 1e-5): AnyTensor {
  const op = 'instanceNorm';
  const e = checkEps(op, eps);
  floatOperand(op, x);
  if (x.rank < 3) {
    throw new ShapeError(`instanceNorm: x must be [N, C, D1, …] of rank >= 3 (got ${formatShape(x.shape)})`, {
      op,
    });
  }
  checkChannels(op, 'scale', scale, x);
  checkChannels(op, 'bias', bias, x);
  return layerNorm(x, null, null, e, 2).mul(perChannel(scale, x.rank)).add(perChannel(bias, x.rank));
}

/**
 * ONNX GroupNormalization (opset 21): x is [N, C, …] with C divisible by
 * `numGroups`; each group of C/numGroups channels (with all spatial positions)
 * is normalized together, then `· scale[c] + bias[c]` per channel.
 */
export function groupNorm(
  x: AnyTensor,
  numGroups: number,
  scale: AnyTensor,
  bias: AnyTensor,
  eps = 1e-5,
): AnyTensor {
  const op = 'groupNorm';
  const e = checkEps(op, eps);
  floatOperand(op, x);
  if (x.rank < 2) {
    throw new ShapeError(`groupNorm: x must be [N, C, …] of rank >= 2 (got ${formatShape(x.shape)})`, { op });
  }
  const c = x.shape[1] ?? 0;
  if (!Number.isInteger(numGroups) || numGroups <= 0 || c % numGroups !== 0) {
    throw new ShapeError(
      `groupNorm: ${describe(numGroups)} groups do not divide the ${c} channels of ${formatShape(x.shape)}`,
      { op, numGroups: String(numGroups), shape: x.shape },
      'numGroups must be a positive integer dividing C',
    );
  }
  checkChannels(op, 'scale', scale, x);
  checkChannels(op, 'bias', bias, x);
  const n = x.shape[0] ?? 0;
  const grouped = x.reshape([n, numGroups, sizeOf(x.shape) / Math.max(1, n * numGroups)]);
  return layerNorm(grouped, null, null, e, 2)
    .reshape(x.shape)
    .mul(perChannel(scale, x.rank))
    .add(perChannel(bias, x.rank));
}

/**
 * ONNX LRN over channels (axis 1) of [N, C, …]:
 * `y = x / (bias + alpha/size · Σ x²)^beta`, the sum over channels
 * `c - floor((size-1)/2) … c + ceil((size-1)/2)` that exist.
 */
export function lrn(x: AnyTensor, size: number, alpha = 1e-4, beta = 0.75, bias = 1): AnyTensor {
  const op = 'lrn';
  const xf = floatOperand(op, x);
  if (x.rank < 2)
    throw new ShapeError(`lrn: x must be [N, C, …] of rank >= 2 (got ${formatShape(x.shape)})`, { op });
  if (!Number.isInteger(size) || size < 1) {
    throw new ShapeError(`lrn: size must be a positive integer (got ${describe(size)})`, { op });
  }
  const [a, b, k] = [
    checkNumber(op, 'alpha', alpha),
    checkNumber(op, 'beta', beta),
    checkNumber(op, 'bias', bias),
  ];
  const c = x.shape[1] ?? 0;
  const before = Math.floor((size - 1) / 2);
  const widths = x.shape.map((_, i) =>
    i === 1 ? ([before, size - 1 - before] as const) : ([0, 0] as const),
  );
  const padded = xf.square().pad(widths);
  let sum: AnyTensor | undefined;
  for (let j = 0; j < size; j++) {
    const window = padded.slice(x.shape.map((_, i) => (i === 1 ? [j, j + c] : null)));
    sum = sum === undefined ? window : sum.add(window);
  }
  const base = (sum as AnyTensor).mul(a / size).add(k);
  // with bias > 0 and alpha >= 0 the base is at least the bias (a sum of squares): x · base^-beta
  // as exp(-beta · log(base)), two vector polynomials, where a general pow must handle negative
  // bases lane by lane (AlexNet's LRN: 4.3 ms for [1, 96, 55, 55] as pow)
  if (k > 0 && a >= 0) return xf.mul(base.log().mul(-b).exp());
  return xf.div(base.pow(b));
}
