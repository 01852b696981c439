/**
 * resize (ONNX Resize, nearest and linear) against a transcription of ONNX's
 * reference evaluator (interpolate_nd: one axis at a time, neighbours chosen
 * by distance in the edge-padded axis), on random shapes, scales, sizes and
 * modes; then compiled against the interpreter.
 */
import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import {
  DTypeError,
  Graph,
  ShapeError,
  type CoordinateTransform,
  type NearestMode,
} from '../../src/index.js';
import { randomData } from '../support/differential.js';
import { checkAgainstReference } from '../support/reference-check.js';

interface Mode {
  readonly mode: 'nearest' | 'linear';
  readonly ctm: CoordinateTransform;
  readonly nearest: NearestMode;
}

/** ONNX's _get_neighbor_idxes: the n indices of [0, limit) nearest to x, ties to the smaller. */
function neighbours(x: number, n: number, limit: number): number[] {
  const all = Array.from({ length: limit }, (_, i) => i);
  all.sort((a, b) => Math.abs(x - a) - Math.abs(x - b) || a - b);
  return all.slice(0, n).sort((a, b) => a - b);
}

/** ONNX's _interpolate_1d_with_x over one line of data. */
function interpolate1d(data: readonly number[], scale: number, x: number, m: Mode): number {
  const inSize = data.length;
  const outWidth = scale * inSize;
  let xo: number;
  if (m.ctm === 'align_corners') xo = outWidth === 1 ? 0 : (x * (inSize - 1)) / (outWidth - 1);
  else if (m.ctm === 'asymmetric') xo = x / scale;
  else if (m.ctm === 'pytorch_half_pixel') xo = outWidth === 1 ? -0.5 : (x + 0.5) / scale - 0.5;
  else xo = (x + 0.5) / scale - 0.5;
  const ratio = Number.isInteger(xo) ? 1 : xo - Math.floor(xo);
  let coeffs: number[];
  if (m.mode === 'linear') coeffs = [1 - ratio, ratio];
  else if (ratio === 1) coeffs = [0, 1];
  else if (m.nearest === 'round_prefer_floor') coeffs = [ratio <= 0.5 ? 1 : 0, ratio > 0.5 ? 1 : 0];
  else if (m.nearest === 'round_prefer_ceil') coeffs = [ratio < 0.5 ? 1 : 0, ratio >= 0.5 ? 1 : 0];
  else coeffs = m.nearest === 'floor' ? [1, 0] : [0, 1];
  // np.pad(data, 1, mode='edge'), then neighbours of xo + 1
  const padded = [data[0] as number, ...data, data[inSize - 1] as number];
  const idx = neighbours(xo + 1, 2, padded.length);
  return coeffs.reduce((s, c, k) => s + c * (padded[idx[k] as number] as number), 0);
}

/** ONNX's _interpolate_nd: the first axis interpolated over the results of the rest. */
function interpolateNd(
  data: readonly number[],
  shape: readonly number[],
  scales: readonly number[],
  out: readonly number[],
  m: Mode,
): number[] {
  if (shape.length === 1) {
    return Array.from({ length: out[0] as number }, (_, x) => interpolate1d(data, scales[0] as number, x, m));
  }
  const inner = shape.slice(1).reduce((p, d) => p * d, 1);
  const rows = Array.from({ length: shape[0] as number }, (_, r) =>
    interpolateNd(data.slice(r * inner, (r + 1) * inner), shape.slice(1), scales.slice(1), out.slice(1), m),
  );
  const rest = out.slice(1).reduce((p, d) => p * d, 1);
  const result: number[] = [];
  for (let x = 0; x < (out[0] as number); x++) {
    for (let j = 0; j < rest; j++) {
      result.push(
        interpolate1d(
          rows.map((row) => row[j] as number),
          scales[0] as number,
          x,
          m,
        ),
      );
    }
  }
  return result;
}

const MODES: Mode[] = [];
for (const ctm of ['half_pixel', 'pytorch_half_pixel', 'align_corners', 'asymmetric'] as const) {
  MODES.push({ mode: 'linear', ctm, nearest: 'round_prefer_floor' });
  for (const nearest of ['round_prefer_floor', 'round_prefer_ceil', 'floor', 'ceil'] as const) {
    MODES.push({ mode: 'nearest', ctm, nearest });
  }
}

describe('resize', () => {
  test('random shapes, scales or sizes, and modes (fast-check)', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...MODES),
        fc.array(fc.integer({ min: 1, max: 5 }), { minLength: 1, maxLength: 3 }),
        fc.array(fc.constantFrom(0.5, 0.6, 1, 1.5, 2, 2.5, 3), { minLength: 3, maxLength: 3 }),
        fc.boolean(),
        async (m, shape, allScales, bySizes) => {
          const rawScales = allScales.slice(0, shape.length);
          const sizes = shape.map((d, i) => Math.max(1, Math.floor(d * (rawScales[i] as number))));
          const scales = bySizes ? sizes.map((s, i) => s / (shape[i] as number)) : rawScales;
          const out = bySizes ? sizes : shape.map((d, i) => Math.floor(d * (scales[i] as number)));
          const g = new Graph();
          const x = g.input('x', shape);
          const y = x.resize({
            ...(bySizes ? { sizes } : { scales }),
            mode: m.mode,
            coordinateTransformationMode: m.ctm,
            nearestMode: m.nearest,
          });
          expect(y.shape).toEqual(out);
          g.output('y', y);
          const xs = randomData(
            'f32',
            shape.reduce((p, d) => p * d, 1),
            3,
          ) as Float32Array;
          const ref = Float32Array.from(interpolateNd(Array.from(xs), shape, scales, out, m));
          await checkAgainstReference(g, { x: xs }, { y: ref }, { rtol: 1e-5, atol: 1e-6 });
        },
      ),
      { numRuns: 15, seed: 11 },
    );
  });

  test('nearest works on i32; typed errors', async () => {
    const g = new Graph();
    const x = g.input('x', [2, 3], 'i32');
    g.output('y', x.resize({ scales: [1, 2] }));
    const xs = new Int32Array([1, 2, 3, 4, 5, 6]);
    await checkAgainstReference(
      g,
      { x: xs },
      { y: new Int32Array([1, 1, 2, 2, 3, 3, 4, 4, 5, 5, 6, 6]) },
      { rtol: 0, atol: 0 },
      { rtol: 0, atol: 0 },
    );
    expect(() => x.resize({ scales: [1, 2], mode: 'linear' })).toThrow(DTypeError);
    expect(() => x.resize({ scales: [1, 2], sizes: [2, 6] })).toThrow(ShapeError);
    expect(() => x.resize({ scales: [2] })).toThrow(/resize: scales must be 2 positive numbers/);
    expect(() => x.resize({ sizes: [2, 3], mode: 'cubic' as 'linear' })).toThrow(ShapeError);
  });
});
