/**
 * Normalizations (build/normalize.ts) with ONNX semantics: layerNorm from any
 * axis, rmsNorm, instanceNorm, groupNorm and lrn against float64 references
 * (mean, then the variance of the centered values), then compiled against the
 * interpreter on odd sizes; typed errors for bad shapes.
 */
import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { Graph, ShapeError } from '../../src/index.js';
import { randomData } from '../support/differential.js';
import { checkAgainstReference } from '../support/reference-check.js';

/** Random f32 data in [-4, 4). */
const randomF32 = (n: number, seed: number): Float32Array => randomData('f32', n, seed) as Float32Array;

const TOL = { rtol: 2e-5, atol: 2e-5 };

/** Each consecutive run of `inner` values normalized: (x - mean) / sqrt(var + eps). */
function normalizeRows(x: Float32Array, inner: number, eps: number): Float64Array {
  const out = new Float64Array(x.length);
  for (let r = 0; r < x.length / inner; r++) {
    const row = Array.from(x.subarray(r * inner, (r + 1) * inner));
    const mean = row.reduce((s, v) => s + v, 0) / inner;
    const variance = row.reduce((s, v) => s + (v - mean) ** 2, 0) / inner;
    row.forEach((v, i) => (out[r * inner + i] = (v - mean) / Math.sqrt(variance + eps)));
  }
  return out;
}

/** out[i] · scale[c] + bias[c] with c = the channel (axis 1) of flat index i. */
function perChannel(
  y: Float64Array,
  channels: number,
  spatial: number,
  scale: Float32Array,
  bias: Float32Array,
) {
  return Float32Array.from(y, (v, i) => {
    const c = Math.floor(i / spatial) % channels;
    return v * (scale[c] as number) + (bias[c] as number);
  });
}

describe('layerNorm from any axis (ONNX LayerNormalization)', () => {
  test.each([0, 1, 2, -1, -2])(
    'axis %i of [3,5,7] with weight and bias shaped like the normalized axes',
    async (axis) => {
      const shape = [3, 5, 7];
      const a = axis < 0 ? axis + 3 : axis;
      const normalized = shape.slice(a);
      const inner = normalized.reduce((p, d) => p * d, 1);
      const g = new Graph();
      const x = g.input('x', shape);
      const w = g.input('w', normalized);
      const b = g.input('b', normalized);
      g.output('y', x.layerNorm(w, b, 1e-3, axis));
      g.output('plain', x.layerNorm(null, null, 1e-5, axis));
      const xs = randomF32(105, 7);
      const ws = randomF32(inner, 8);
      const bs = randomF32(inner, 9);
      const y = normalizeRows(xs, inner, 1e-3);
      await checkAgainstReference(
        g,
        { x: xs, w: ws, b: bs },
        {
          y: Float32Array.from(y, (v, i) => v * (ws[i % inner] as number) + (bs[i % inner] as number)),
          plain: Float32Array.from(normalizeRows(xs, inner, 1e-5)),
        },
        TOL,
      );
    },
  );

  test('a weight that broadcasts over a leading axis is applied after the normalization', async () => {
    const g = new Graph();
    const x = g.input('x', [4, 3, 5]);
    const w = g.input('w', [4, 1, 1]);
    const b = g.input('b', [5]);
    g.output('y', x.layerNorm(w, b, 1e-5, 1));
    const xs = randomF32(60, 1);
    const ws = randomF32(4, 2);
    const bs = randomF32(5, 3);
    const y = normalizeRows(xs, 15, 1e-5);
    await checkAgainstReference(
      g,
      { x: xs, w: ws, b: bs },
      { y: Float32Array.from(y, (v, i) => v * (ws[Math.floor(i / 15)] as number) + (bs[i % 5] as number)) },
      TOL,
    );
  });
});

describe('rmsNorm (ONNX RMSNormalization)', () => {
  test.each([-1, 1])('axis %i of [2,3,9]', async (axis) => {
    const g = new Graph();
    const x = g.input('x', [2, 3, 9]);
    const s = g.input('s', [9]);
    g.output('y', x.rmsNorm(s, 1e-6, axis));
    const xs = randomF32(54, 4);
    const ss = randomF32(9, 5);
    const inner = axis === -1 ? 9 : 27;
    const y = Float32Array.from(xs, (v, i) => {
      const r = Math.floor(i / inner);
      const row = Array.from(xs.subarray(r * inner, (r + 1) * inner));
      const ms = row.reduce((p, u) => p + u * u, 0) / inner;
      return (v / Math.sqrt(ms + 1e-6)) * (ss[i % 9] as number);
    });
    await checkAgainstReference(g, { x: xs, s: ss }, { y }, TOL);
  });
});

describe('instanceNorm, groupNorm', () => {
  test('instanceNorm of [2,3,5,3]', async () => {
    const g = new Graph();
    const x = g.input('x', [2, 3, 5, 3]);
    const s = g.input('s', [3]);
    const b = g.input('b', [3]);
    g.output('y', x.instanceNorm(s, b, 1e-4));
    const [xs, ss, bs] = [randomF32(90, 1), randomF32(3, 2), randomF32(3, 3)];
    await checkAgainstReference(
      g,
      { x: xs, s: ss, b: bs },
      { y: perChannel(normalizeRows(xs, 15, 1e-4), 3, 15, ss, bs) },
      TOL,
    );
  });

  test('groupNorm: random group counts (fast-check)', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 1, max: 3 }),
        fc.integer({ min: 1, max: 3 }),
        fc.integer({ min: 1, max: 7 }),
        async (groups, perGroup, spatial) => {
          const c = groups * perGroup;
          const g = new Graph();
          const x = g.input('x', [2, c, spatial]);
          const s = g.input('s', [c]);
          const b = g.input('b', [c]);
          g.output('y', x.groupNorm(groups, s, b, 1e-5));
          const n = 2 * c * spatial;
          const [xs, ss, bs] = [randomF32(n, c), randomF32(c, 2), randomF32(c, 3)];
          const y = perChannel(normalizeRows(xs, perGroup * spatial, 1e-5), c, spatial, ss, bs);
          await checkAgainstReference(g, { x: xs, s: ss, b: bs }, { y }, TOL);
        },
      ),
      { numRuns: 5, seed: 7 },
    );
  });
});

describe('lrn (ONNX LRN)', () => {
  test.each([1, 2, 3, 5])('size %i over 6 channels', async (size) => {
    const g = new Graph();
    const x = g.input('x', [2, 6, 3]);
    g.output('y', x.lrn(size, 0.02, 0.75, 1.5));
    const xs = randomF32(36, size);
    const y = Float32Array.from(xs, (v, i) => {
      const [n, c, p] = [Math.floor(i / 18), Math.floor(i / 3) % 6, i % 3];
      let sum = 0;
      const lo = Math.max(0, c - Math.floor((size - 1) / 2));
      const hi = Math.min(5, c + Math.ceil((size - 1) / 2));
      for (let k = lo; k <= hi; k++) sum += (xs[n * 18 + k * 3 + p] as number) ** 2;
      return v / (1.5 + (0.02 / size) * sum) ** 0.75;
    });
    await checkAgainstReference(g, { x: xs }, { y }, TOL);
  });
});

describe('typed errors', () => {
  test('shapes and attributes', () => {
    const g = new Graph();
    const x = g.input('x', [2, 6, 3]);
    const c6 = g.input('c6', [6]);
    expect(() => x.layerNorm(null, null, 1e-5, 3)).toThrow(ShapeError);
    expect(() => x.layerNorm(g.input('w', [4]))).toThrow(/layerNorm: weight \[4\] does not broadcast/);
    expect(() => x.groupNorm(4, c6, c6)).toThrow(/groupNorm: 4 groups do not divide the 6 channels/);
    expect(() => x.groupNorm(2, g.input('c2', [2]), c6)).toThrow(/scale must have shape \[6\]/);
    expect(() => g.input('x2', [2, 6]).instanceNorm(c6, c6)).toThrow(ShapeError);
    expect(() => x.lrn(0)).toThrow(ShapeError);
    expect(() => x.rmsNorm(null, -1)).toThrow(ShapeError);
  });
});
