// The inline math emitters: error bounds over f32 sweeps (scalar and SIMD),
// bit-identical lanes, exact special values, and code-shape rules.
import binaryen from 'binaryen';
import { beforeAll, describe, expect, it } from 'vitest';
import type { MathOp } from '../../src/codegen/binaryen/math/index.js';
import {
  buildMathKernels,
  concat,
  countBitDifferences,
  denseSweep,
  emitMathWat,
  measureErrors,
  powReference,
  powSweep,
  SPECIAL_INPUTS,
  unarySweep,
  type MathKernels,
  ULP_BOUND,
} from '../support/math-measure.js';
import { SIN_COS_LIMIT, SIN_COS_ULP_LIMIT } from '../../src/codegen/binaryen/math/sin-cos.js';
import { WASM_TYPE } from '../../src/codegen/binaryen/math/wasm-types.js';

const UNARY: readonly MathOp[] = ['exp', 'log', 'sin', 'cos', 'tanh', 'sigmoid', 'erf'];
/** Every 4099th f32 bit pattern (~1.05M values over the whole range) plus 200k dense values. */
const BIT_STEP = 4099;
const DENSE = 200_000;

let kernels: MathKernels;

beforeAll(() => {
  kernels = buildMathKernels();
});

describe('inline math: accuracy over the f32 range', () => {
  for (const op of UNARY) {
    it(`${op}: within ${ULP_BOUND[op]} ULP, scalar and SIMD bit-identical`, () => {
      const xs = unarySweep(op, BIT_STEP, DENSE);
      const scalar = kernels.run(op, 'scalar', xs);
      const simd = kernels.run(op, 'simd', xs);
      // sin/cos: the ULP bound holds up to SIN_COS_ULP_LIMIT (checked separately beyond)
      const inRange =
        op === 'sin' || op === 'cos' ? (x: number) => !(Math.abs(x) > SIN_COS_ULP_LIMIT) : undefined;
      const s = measureErrors(op, xs, undefined, scalar, inRange);
      const v = measureErrors(op, xs, undefined, simd, inRange);
      expect(s.maxUlp, JSON.stringify(s.worst)).toBeLessThanOrEqual(ULP_BOUND[op]);
      expect(v.maxUlp, JSON.stringify(v.worst)).toBeLessThanOrEqual(ULP_BOUND[op]);
      expect(countBitDifferences(scalar, simd)).toBe(0);
    });
  }

  it('exp and sigmoid: dense near the edges of the 2^n scale (subnormal results, overflow)', () => {
    // every 13th f32 where results turn subnormal and round to 0, and where exp overflows
    const xs = concat(denseSweep(-104, -86, 13), denseSweep(86, 89, 13));
    for (const op of ['exp', 'sigmoid'] as const) {
      const scalar = kernels.run(op, 'scalar', xs);
      const simd = kernels.run(op, 'simd', xs);
      const v = measureErrors(op, xs, undefined, simd);
      expect(v.maxUlp, JSON.stringify(v.worst)).toBeLessThanOrEqual(ULP_BOUND[op]);
      expect(countBitDifferences(scalar, simd)).toBe(0);
    }
  });

  it(`sin/cos: absolute error <= 1e-6 up to ${SIN_COS_LIMIT}, NaN beyond`, () => {
    const between = denseSweep(SIN_COS_ULP_LIMIT, SIN_COS_LIMIT, 5);
    const beyond = concat(denseSweep(SIN_COS_LIMIT * 1.0001, 3e38, 100_003), [-1e5 * 1.03, -1e30]);
    for (const op of ['sin', 'cos'] as const) {
      const got = kernels.run(op, 'simd', between);
      expect(measureErrors(op, between, undefined, got).maxAbs).toBeLessThanOrEqual(1e-6);
      expect(kernels.run(op, 'simd', beyond).every(Number.isNaN)).toBe(true);
      expect(kernels.run(op, 'scalar', beyond).every(Number.isNaN)).toBe(true);
    }
  });

  it(`pow: within ${ULP_BOUND.pow} ULP, scalar and SIMD bit-identical`, () => {
    const { xs, ys } = powSweep(200_000);
    const scalar = kernels.run('pow', 'scalar', xs, ys);
    const simd = kernels.run('pow', 'simd', xs, ys);
    const s = measureErrors('pow', xs, ys, scalar);
    const v = measureErrors('pow', xs, ys, simd);
    expect(s.maxUlp, JSON.stringify(s.worst)).toBeLessThanOrEqual(ULP_BOUND.pow);
    expect(v.maxUlp, JSON.stringify(v.worst)).toBeLessThanOrEqual(ULP_BOUND.pow);
    expect(countBitDifferences(scalar, simd)).toBe(0);
  });
});

/** Runs one op on `xs` in both lane widths and returns both results. */
function both(op: MathOp, xs: readonly number[]): [Float32Array, Float32Array] {
  const input = new Float32Array(xs);
  return [kernels.run(op, 'scalar', input), kernels.run(op, 'simd', input)];
}

describe('inline math: special values', () => {
  // [op, input, expected]: compared with Object.is (so -0 and NaN are exact)
  const cases: readonly [MathOp, number, number][] = [
    ['exp', 0, 1],
    ['exp', -0, 1],
    ['exp', Infinity, Infinity],
    ['exp', -Infinity, 0],
    ['exp', NaN, NaN],
    ['exp', 88.72284, Infinity],
    ['exp', 1000, Infinity],
    ['exp', -104, 0],
    ['exp', -1000, 0],
    ['log', 1, 0],
    ['log', 0, -Infinity],
    ['log', -0, -Infinity],
    ['log', -1, NaN],
    ['log', -Infinity, NaN],
    ['log', Infinity, Infinity],
    ['log', NaN, NaN],
    ['sin', 0, 0],
    ['sin', -0, -0],
    ['sin', Infinity, NaN],
    ['sin', -Infinity, NaN],
    ['sin', NaN, NaN],
    ['sin', 1e-30, 1e-30],
    ['cos', 0, 1],
    ['cos', Infinity, NaN],
    ['cos', -Infinity, NaN],
    ['cos', NaN, NaN],
    ['tanh', 0, 0],
    ['tanh', -0, -0],
    ['tanh', Infinity, 1],
    ['tanh', -Infinity, -1],
    ['tanh', 20, 1],
    ['tanh', -20, -1],
    ['tanh', 3e38, 1],
    ['tanh', NaN, NaN],
    ['tanh', 1e-30, 1e-30],
    ['sigmoid', 0, 0.5],
    ['sigmoid', -0, 0.5],
    ['sigmoid', Infinity, 1],
    ['sigmoid', -Infinity, 0],
    ['sigmoid', 100, 1],
    ['sigmoid', 3e38, 1],
    ['sigmoid', -3e38, 0],
    ['sigmoid', -200, 0],
    ['sigmoid', NaN, NaN],
    ['erf', 0, 0],
    ['erf', -0, -0],
    ['erf', Infinity, 1],
    ['erf', -Infinity, -1],
    ['erf', 4, 1],
    ['erf', -10, -1],
    ['erf', 3e38, 1],
    ['erf', NaN, NaN],
  ];
  for (const [op, x, want] of cases) {
    it(`${op}(${x}) = ${want}`, () => {
      const [s, v] = both(op, [x]);
      expect(Object.is(s[0], Math.fround(want)), `scalar gave ${s[0]}`).toBe(true);
      expect(Object.is(v[0], Math.fround(want)), `simd gave ${v[0]}`).toBe(true);
    });
  }

  it('sigmoid stays in [0, 1] and is never NaN for non-NaN input', () => {
    const xs = unarySweep('sigmoid', 65537, 10_000).filter((x) => !Number.isNaN(x));
    for (const r of both('sigmoid', Array.from(xs))) {
      expect(r.every((y) => y >= 0 && y <= 1)).toBe(true);
    }
  });

  it('pow: every C99 special pair exactly (signs of zeros and infinities included)', () => {
    const specials = [0, -0, 1, -1, 2, -2, 0.5, -0.5, 3, -3, 2.5, -2.5, Infinity, -Infinity, NaN];
    const xs: number[] = [];
    const ys: number[] = [];
    for (const x of specials) {
      for (const y of specials) {
        xs.push(x);
        ys.push(y);
      }
    }
    const fx = new Float32Array(xs);
    const fy = new Float32Array(ys);
    for (const lanes of ['scalar', 'simd'] as const) {
      const got = kernels.run('pow', lanes, fx, fy);
      xs.forEach((x, i) => {
        const y = ys[i] ?? NaN;
        const want = Math.fround(powReference(x, y));
        expect(Object.is(got[i], want), `${lanes} pow(${x}, ${y}) = ${got[i]}, want ${want}`).toBe(true);
      });
    }
  });

  it('every special input gives the same bits in scalar and SIMD code', () => {
    for (const op of UNARY) {
      const [s, v] = both(op, SPECIAL_INPUTS);
      expect(countBitDifferences(s, v)).toBe(0);
    }
  });
});

describe('inline math: code shape', () => {
  it('the hard-coded Wasm type ids match binaryen', () => {
    expect(WASM_TYPE).toEqual({
      i32: binaryen.i32,
      i64: binaryen.i64,
      f32: binaryen.f32,
      f64: binaryen.f64,
      v128: binaryen.v128,
    });
  });

  it('SIMD code has no calls, no nearest and no trunc_sat; scalar code has no calls', () => {
    for (const op of [...UNARY, 'pow'] as const) {
      const simd = emitMathWat(op, 'simd');
      expect(simd).not.toMatch(/\bcall\b|nearest|trunc_sat|\bmin\b|\bmax\b/);
      expect(emitMathWat(op, 'scalar')).not.toMatch(/\bcall\b/);
    }
  });

  it("Binaryen's optimizer keeps every result (no expression is used twice)", () => {
    const optimized = buildMathKernels(3);
    for (const op of UNARY) {
      const xs = unarySweep(op, 1_000_003, 5_000);
      for (const lanes of ['scalar', 'simd'] as const) {
        expect(countBitDifferences(kernels.run(op, lanes, xs), optimized.run(op, lanes, xs))).toBe(0);
      }
    }
    const { xs, ys } = powSweep(5_000);
    expect(
      countBitDifferences(kernels.run('pow', 'simd', xs, ys), optimized.run('pow', 'simd', xs, ys)),
    ).toBe(0);
  });
});
