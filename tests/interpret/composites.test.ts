/**
 * Composite ops in the interpreter against their mathematical definitions:
 * gelu (exact erf form, x * Phi(x)), softmax and logSoftmax (stable for huge
 * inputs), layerNorm (population variance, eps, weight and bias).
 */
import { describe, expect, it } from 'vitest';
import { expectClose, expectExact, run } from './helpers.js';

/** Relative error of one f32 rounding. */
const F32_ROUNDING = 2 ** -24;

describe('gelu', () => {
  it('is x * Phi(x) at known points of the normal CDF Phi', () => {
    // Phi(1) = 0.8413447460685429, Phi(-1) = 0.15865525393145707, Phi(2) = 0.9772498680518208
    const r = run((g) => g.input('x', [4]).gelu(), { x: [0, 1, -1, 2] });
    expectClose(r, [0, 0.8413447460685429, -0.15865525393145707, 1.9544997361036416], F32_ROUNDING);
  });

  it('rounds erf to f32 like float32 code: the tail loses relative accuracy, then is -0', () => {
    // Phi(-3) = 0.0013498980316300946: 1 + erf has an absolute error up to half an f32 ulp of 1
    // (3e-8), i.e. 1.1e-5 relative here; below x = -5.5, erf(x/sqrt 2) rounds to -1 and gelu is -0
    const r = run((g) => g.input('x', [3]).gelu(), { x: [-3, -6, -10] });
    expectClose({ ...r, data: r.data.subarray(0, 1), shape: [1] }, [-0.004049694094890284], 2e-5);
    expect(Object.is(r.data[1], -0) && Object.is(r.data[2], -0)).toBe(true);
  });

  it('converts i32 to f32 first; +inf stays inf, NaN stays NaN', () => {
    expectClose(
      run((g) => g.input('x', [2], 'i32').gelu(), { x: [1, -1] }),
      [0.8413447460685429, -0.15865525393145707],
      F32_ROUNDING,
    );
    expectExact(
      run((g) => g.input('x', [2]).gelu(), { x: [Infinity, NaN] }),
      'f32',
      [2],
      [Infinity, NaN],
    );
  });
});

describe('softmax', () => {
  it('of [1,2,3] is e^k / (e + e^2 + e^3)', () => {
    const r = run((g) => g.input('x', [3]).softmax(), { x: [1, 2, 3] });
    expectClose(r, [0.09003057317038046, 0.24472847105479767, 0.6652409557748219], F32_ROUNDING);
  });

  it('is stable for huge inputs: [1000, 1001] -> [1/(1+e), e/(1+e)]', () => {
    const r = run((g) => g.input('x', [2]).softmax(), { x: [1000, 1001] });
    expectClose(r, [0.2689414213699951, 0.7310585786300049], F32_ROUNDING);
    const neg = run((g) => g.input('x', [2]).softmax(), { x: [-1000, -1001] });
    expectClose(neg, [0.7310585786300049, 0.2689414213699951], F32_ROUNDING);
  });

  it('along axis 0, and a negative axis', () => {
    // columns [1,2] and [1000,1001] each give [1/(1+e), e/(1+e)]
    const x = { x: [1, 1000, 2, 1001] };
    const p = 0.2689414213699951;
    const q = 0.7310585786300049;
    expectClose(
      run((g) => g.input('x', [2, 2]).softmax(0), x),
      [p, p, q, q],
      F32_ROUNDING,
    );
    expectClose(
      run((g) => g.input('x', [2, 2]).softmax(-2), x),
      [p, p, q, q],
      F32_ROUNDING,
    );
  });

  it('equal values share equally; -inf gets 0; i32 gives f32', () => {
    expectExact(
      run((g) => g.input('x', [4]).softmax(), { x: [5, 5, 5, 5] }),
      'f32',
      [4],
      [0.25, 0.25, 0.25, 0.25],
    );
    expectExact(
      run((g) => g.input('x', [2]).softmax(), { x: [0, -Infinity] }),
      'f32',
      [2],
      [1, 0],
    );
    expectExact(
      run((g) => g.input('x', [2], 'i32').softmax(), { x: [7, 7] }),
      'f32',
      [2],
      [0.5, 0.5],
    );
  });

  it('over a zero-size axis is empty', () => {
    expectExact(
      run((g) => g.input('x', [2, 0]).softmax(), { x: [] }),
      'f32',
      [2, 0],
      [],
    );
  });
});

describe('logSoftmax', () => {
  it('of [1,2,3] is x - log(e + e^2 + e^3) = x - 3.4076059644443806', () => {
    const r = run((g) => g.input('x', [3]).logSoftmax(), { x: [1, 2, 3] });
    expectClose(r, [-2.4076059644443806, -1.4076059644443806, -0.4076059644443806], F32_ROUNDING);
  });

  it('is stable for huge inputs: [1000, 1001] -> [-log(1+e), -log(1+1/e)]', () => {
    const r = run((g) => g.input('x', [2]).logSoftmax(), { x: [1000, 1001] });
    expectClose(r, [-1.3132616875182228, -0.31326168751822286], F32_ROUNDING);
  });

  it('along axis 0', () => {
    const r = run((g) => g.input('x', [2, 1]).logSoftmax(0), { x: [3, 3] });
    expectClose(r, [-Math.LN2, -Math.LN2], F32_ROUNDING);
  });
});

describe('layerNorm', () => {
  it('normalizes the last axis with the population variance', () => {
    // [1,2,3]: mean 2, variance 2/3, so (x - 2) / sqrt(2/3) = [-sqrt(3/2), 0, sqrt(3/2)]
    const r = run((g) => g.input('x', [3]).layerNorm(null, null, 0), { x: [1, 2, 3] });
    // two roundings: the variance is held as an f32, then the result is rounded
    expectClose(r, [-1.224744871391589, 0, 1.224744871391589], 2 * F32_ROUNDING);
  });

  it('adds eps to the variance: [0,2] with eps 3 -> [-1,1]/sqrt(1+3)', () => {
    expectExact(
      run((g) => g.input('x', [2]).layerNorm(null, null, 3), { x: [0, 2] }),
      'f32',
      [2],
      [-0.5, 0.5],
    );
  });

  it('the default eps is 1e-5', () => {
    // [1,-1]: mean 0, variance 1: ±1/sqrt(1.00001) = ±0.999995000037499...
    const r = run((g) => g.input('x', [2]).layerNorm(), { x: [1, -1] });
    expectClose(r, [0.9999950000374997, -0.9999950000374997], F32_ROUNDING);
  });

  it('scales by weight and shifts by bias, broadcast over the rows', () => {
    // row 0 [0,2] -> [-0.5, 0.5]; row 1 [4,4] -> [0, 0]; then * [2,3] + [1,-1]
    const feeds = { x: [0, 2, 4, 4], w: [2, 3], b: [1, -1] };
    expectExact(
      run((g) => g.input('x', [2, 2]).layerNorm(g.input('w', [2]), g.input('b', [2]), 3), feeds),
      'f32',
      [2, 2],
      [0, 0.5, 1, -1],
    );
    const withoutBias = { x: feeds.x, w: feeds.w };
    const withoutWeight = { x: feeds.x, b: feeds.b };
    expectExact(
      run((g) => g.input('x', [2, 2]).layerNorm(g.input('w', [2]), null, 3), withoutBias),
      'f32',
      [2, 2],
      [-1, 1.5, 0, 0],
    );
    expectExact(
      run((g) => g.input('x', [2, 2]).layerNorm(null, g.input('b', [2]), 3), withoutWeight),
      'f32',
      [2, 2],
      [0.5, -0.5, 1, -1],
    );
  });

  it('accepts an i32 x and i32 weight (converted to f32)', () => {
    const r = run((g) => g.input('x', [2], 'i32').layerNorm(g.input('w', [2], 'i32'), null, 3), {
      x: [0, 2],
      w: [4, 4],
    });
    expectExact(r, 'f32', [2], [-2, 2]);
  });

  it('a zero-size last axis gives an empty result', () => {
    expectExact(
      run((g) => g.input('x', [3, 0]).layerNorm(), { x: [] }),
      'f32',
      [3, 0],
      [],
    );
  });
});
