/**
 * resize (ONNX Resize: nearest, linear, cubic, antialias, exclude_outside,
 * every coordinate transform with roi and extrapolation) against a transcription of ONNX's
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
  readonly mode: 'nearest' | 'linear' | 'cubic';
  readonly ctm: CoordinateTransform;
  readonly nearest: NearestMode;
  readonly antialias?: boolean;
  readonly excludeOutside?: boolean;
  readonly a?: number;
  /** tf_crop_and_resize: the same [start, end] on every axis, and the extrapolation value. */
  readonly roi?: readonly [number, number];
  readonly extrapolation?: number;
}

/** ONNX's _get_neighbor_idxes: the n indices of [0, limit) nearest to x, ties to the smaller. */
function neighbours(x: number, n: number, limit: number): number[] {
  const all = Array.from({ length: limit }, (_, i) => i);
  all.sort((a, b) => Math.abs(x - a) - Math.abs(x - b) || a - b);
  return all.slice(0, n).sort((a, b) => a - b);
}

/** ONNX's coefficient functions (_nearest_coeffs, _linear_coeffs[_antialias], _cubic_coeffs[_antialias]). */
function coefficients(ratio: number, scale: number, m: Mode): number[] {
  const A = m.a ?? -0.75;
  if (m.mode === 'nearest') {
    if (ratio === 1) return [0, 1];
    if (m.nearest === 'round_prefer_floor') return [ratio <= 0.5 ? 1 : 0, ratio > 0.5 ? 1 : 0];
    if (m.nearest === 'round_prefer_ceil') return [ratio < 0.5 ? 1 : 0, ratio >= 0.5 ? 1 : 0];
    return m.nearest === 'floor' ? [1, 0] : [0, 1];
  }
  if (m.antialias === true) {
    const s = Math.min(scale, 1);
    const kernel = (v: number): number => {
      const x = Math.abs(v);
      if (m.mode === 'linear') return Math.min(Math.max(1 - x, 0), 1);
      if (x <= 1) return (A + 2) * x ** 3 - (A + 3) * x * x + 1;
      if (x < 2) return A * x ** 3 - 5 * A * x * x + 8 * A * x - 4 * A;
      return 0;
    };
    const start = Math.floor((m.mode === 'linear' ? -1 : -2) / s) + 1;
    const c = Array.from({ length: 2 - 2 * start }, (_, k) => kernel(s * (start + k - ratio)));
    const sum = c.reduce((p, v) => p + v, 0);
    return c.map((v) => v / sum);
  }
  if (m.mode === 'linear') return [1 - ratio, ratio];
  const q = 1 - ratio;
  return [
    ((A * (ratio + 1) - 5 * A) * (ratio + 1) + 8 * A) * (ratio + 1) - 4 * A,
    ((A + 2) * ratio - (A + 3)) * ratio * ratio + 1,
    ((A + 2) * q - (A + 3)) * q * q + 1,
    ((A * (q + 1) - 5 * A) * (q + 1) + 8 * A) * (q + 1) - 4 * A,
  ];
}

/** ONNX's _interpolate_1d_with_x over one line of data (tf_crop_and_resize by the spec's integer output length). */
function interpolate1d(data: readonly number[], scale: number, outInt: number, x: number, m: Mode): number {
  const inSize = data.length;
  const outWidth = scale * inSize;
  let xo: number;
  if (m.ctm === 'align_corners') xo = outWidth === 1 ? 0 : (x * (inSize - 1)) / (outWidth - 1);
  else if (m.ctm === 'asymmetric') xo = x / scale;
  else if (m.ctm === 'pytorch_half_pixel') xo = outWidth === 1 ? -0.5 : (x + 0.5) / scale - 0.5;
  else if (m.ctm === 'half_pixel_symmetric')
    xo = (inSize / 2) * (1 - outInt / outWidth) + (x + 0.5) / scale - 0.5;
  else if (m.ctm === 'tf_crop_and_resize') {
    const [r0, r1] = m.roi ?? [0, 1];
    xo = outInt === 1 ? ((r1 - r0) * (inSize - 1)) / 2 : (x * (r1 - r0) * (inSize - 1)) / (outInt - 1);
    xo += r0 * (inSize - 1);
    if (xo < 0 || xo > inSize - 1) return m.extrapolation ?? 0;
  } else xo = (x + 0.5) / scale - 0.5;
  const ratio = Number.isInteger(xo) ? 1 : xo - Math.floor(xo);
  let coeffs = coefficients(ratio, scale, m);
  const n = coeffs.length;
  // np.pad(data, ceil(n/2), mode='edge'), then the n neighbours of xo + pad
  const pad = Math.ceil(n / 2);
  const padded = Array.from(
    { length: inSize + 2 * pad },
    (_, i) => data[Math.min(Math.max(i - pad, 0), inSize - 1)] as number,
  );
  const idx = neighbours(xo + pad, n, padded.length);
  if (m.excludeOutside === true) {
    coeffs = coeffs.map((c, k) =>
      (idx[k] as number) - pad < 0 || (idx[k] as number) - pad >= inSize ? 0 : c,
    );
    const sum = coeffs.reduce((p, v) => p + v, 0);
    coeffs = coeffs.map((c) => c / sum);
  }
  return coeffs.reduce((acc, c, k) => acc + c * (padded[idx[k] as number] as number), 0);
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
    return Array.from({ length: out[0] as number }, (_, x) =>
      interpolate1d(data, scales[0] as number, out[0] as number, x, m),
    );
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
          out[0] as number,
          x,
          m,
        ),
      );
    }
  }
  return result;
}

const MODES: Mode[] = [];
for (const ctm of [
  'half_pixel',
  'pytorch_half_pixel',
  'align_corners',
  'asymmetric',
  'half_pixel_symmetric',
] as const) {
  MODES.push({ mode: 'linear', ctm, nearest: 'round_prefer_floor' });
  MODES.push({ mode: 'cubic', ctm, nearest: 'round_prefer_floor' });
  for (const nearest of ['round_prefer_floor', 'round_prefer_ceil', 'floor', 'ceil'] as const) {
    MODES.push({ mode: 'nearest', ctm, nearest });
  }
}
for (const mode of ['linear', 'cubic'] as const) {
  MODES.push({ mode, ctm: 'half_pixel', nearest: 'floor', antialias: true });
  MODES.push({
    mode,
    ctm: 'align_corners',
    nearest: 'floor',
    antialias: true,
    excludeOutside: true,
    a: -0.5,
  });
  MODES.push({ mode, ctm: 'asymmetric', nearest: 'floor', excludeOutside: true });
}
for (const mode of ['nearest', 'linear', 'cubic'] as const) {
  MODES.push({ mode, ctm: 'tf_crop_and_resize', nearest: 'round_prefer_ceil', roi: [0.2, 0.7] });
  MODES.push({ mode, ctm: 'tf_crop_and_resize', nearest: 'floor', roi: [-0.4, 1.3], extrapolation: 7 });
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
            antialias: m.antialias === true,
            excludeOutside: m.excludeOutside === true,
            ...(m.a === undefined ? {} : { cubicCoeffA: m.a }),
            ...(m.roi === undefined
              ? {}
              : { roi: [...shape.map(() => m.roi?.[0] ?? 0), ...shape.map(() => m.roi?.[1] ?? 1)] }),
            ...(m.extrapolation === undefined ? {} : { extrapolationValue: m.extrapolation }),
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
      { numRuns: 60, seed: 11 },
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
    expect(() => x.resize({ sizes: [2, 3], mode: 'bicubic' as 'linear' })).toThrow(ShapeError);
    expect(() => x.resize({ sizes: [2, 3], mode: 'cubic' })).toThrow(DTypeError);
    expect(() => x.resize({ scales: [1, 2], keepAspectRatioPolicy: 'not_larger' })).toThrow(
      /resize: keepAspectRatioPolicy needs sizes/,
    );
    expect(() => x.resize({ scales: [2], axes: [1, 1] })).toThrow(/resize: axes must be distinct/);
    expect(() => x.resize({ scales: [2], axes: [1], roi: [0] })).toThrow(/resize: roi must hold 2/);
  });
});
