/**
 * Unary elementwise ops and cast in the interpreter, against hand-computed
 * values and known constants, per dtype, with the edge cases (NaN, -0,
 * half-to-even rounding, i32 wrap-around, saturating casts).
 */
import { describe, expect, it } from 'vitest';
import { expectClose, expectExact, run } from './helpers.js';

const INT_MIN = -2147483648;
const INT_MAX = 2147483647;
const F32_ULP = 2 ** -23;

describe('numeric unary ops keep their dtype', () => {
  it('neg: f32 flips the sign (0 -> -0); i32 wraps at INT_MIN', () => {
    expectExact(
      run((g) => g.input('x', [3]).neg(), { x: [1.5, 0, -2] }),
      'f32',
      [3],
      [-1.5, -0, 2],
    );
    expectExact(
      run((g) => g.input('x', [3], 'i32').neg(), { x: [5, INT_MIN, INT_MAX] }),
      'i32',
      [3],
      [-5, INT_MIN, -INT_MAX],
    );
  });

  it('abs: f32 and i32, abs(INT_MIN) wraps to INT_MIN', () => {
    expectExact(
      run((g) => g.input('x', [3]).abs(), { x: [-1.5, -0, NaN] }),
      'f32',
      [3],
      [1.5, 0, NaN],
    );
    expectExact(
      run((g) => g.input('x', [3], 'i32').abs(), { x: [-7, 7, INT_MIN] }),
      'i32',
      [3],
      [7, 7, INT_MIN],
    );
  });

  it('relu: x < 0 ? 0 : x, so NaN and -0 stay as they are', () => {
    expectExact(
      run((g) => g.input('x', [6]).relu(), { x: [-1, 0, 2.5, NaN, -0, -Infinity] }),
      'f32',
      [6],
      [0, 0, 2.5, NaN, -0, 0],
    );
    expectExact(
      run((g) => g.input('x', [2], 'i32').relu(), { x: [-3, 4] }),
      'i32',
      [2],
      [0, 4],
    );
  });

  it('square: f32, and i32 wrapping (46341^2 = 2147488281 wraps to -2147479015)', () => {
    expectExact(
      run((g) => g.input('x', [2]).square(), { x: [-3, 0.5] }),
      'f32',
      [2],
      [9, 0.25],
    );
    expectExact(
      run((g) => g.input('x', [2], 'i32').square(), { x: [-3, 46341] }),
      'i32',
      [2],
      [9, -2147479015],
    );
  });

  it('floor and ceil on f32 (keeping -0), identity on i32', () => {
    const x = [-1.5, 1.5, -0.5, 2];
    expectExact(
      run((g) => g.input('x', [4]).floor(), { x }),
      'f32',
      [4],
      [-2, 1, -1, 2],
    );
    expectExact(
      run((g) => g.input('x', [4]).ceil(), { x }),
      'f32',
      [4],
      [-1, 2, -0, 2],
    );
    expectExact(
      run((g) => g.input('x', [2], 'i32').floor(), { x: [-3, 3] }),
      'i32',
      [2],
      [-3, 3],
    );
    expectExact(
      run((g) => g.input('x', [2], 'i32').ceil(), { x: [-3, 3] }),
      'i32',
      [2],
      [-3, 3],
    );
  });

  it('round is half to even: 0.5 -> 0, 1.5 -> 2, 2.5 -> 2, -0.5 -> -0, -2.5 -> -2', () => {
    const x = [0.5, 1.5, 2.5, -0.5, -1.5, -2.5, 0.49999997, 2.6, -2.6, -0.2, Infinity, NaN];
    expectExact(
      run((g) => g.input('x', [12]).round(), { x }),
      'f32',
      [12],
      [0, 2, 2, -0, -2, -2, 0, 3, -3, -0, Infinity, NaN],
    );
    expectExact(
      run((g) => g.input('x', [2], 'i32').round(), { x: [-3, 7] }),
      'i32',
      [2],
      [-3, 7],
    );
  });

  it('sign gives -1, 0, 1 (NaN for NaN)', () => {
    expectExact(
      run((g) => g.input('x', [4]).sign(), { x: [-3, 0, 2, NaN] }),
      'f32',
      [4],
      [-1, 0, 1, NaN],
    );
    expectExact(
      run((g) => g.input('x', [3], 'i32').sign(), { x: [-5, 0, 7] }),
      'i32',
      [3],
      [-1, 0, 1],
    );
  });
});

describe('float unary ops give f32', () => {
  it('sqrt, rsqrt, reciprocal with their special values', () => {
    expectExact(
      run((g) => g.input('x', [4]).sqrt(), { x: [4, 2, -1, 0] }),
      'f32',
      [4],
      [2, 1.4142135623730951, NaN, 0],
    );
    expectExact(
      run((g) => g.input('x', [3]).rsqrt(), { x: [4, 0, 0.25] }),
      'f32',
      [3],
      [0.5, Infinity, 2],
    );
    expectExact(
      run((g) => g.input('x', [3]).reciprocal(), { x: [4, -0, 0] }),
      'f32',
      [3],
      [0.25, -Infinity, Infinity],
    );
  });

  it('exp, log, sin, cos, tanh, sigmoid at known points', () => {
    expectExact(
      run((g) => g.input('x', [3]).exp(), { x: [0, 1, -Infinity] }),
      'f32',
      [3],
      [1, Math.E, 0],
    );
    expectExact(
      run((g) => g.input('x', [4]).log(), { x: [1, 2, 0, -1] }),
      'f32',
      [4],
      [0, 0.6931471805599453, -Infinity, NaN],
    );
    expectExact(
      run((g) => g.input('x', [2]).sin(), { x: [0, 1] }),
      'f32',
      [2],
      [0, 0.8414709848078965],
    );
    expectExact(
      run((g) => g.input('x', [2]).cos(), { x: [0, 1] }),
      'f32',
      [2],
      [1, 0.5403023058681398],
    );
    expectExact(
      run((g) => g.input('x', [3]).tanh(), { x: [0, 1, -1] }),
      'f32',
      [3],
      [0, 0.7615941559557649, -0.7615941559557649],
    );
    // sigmoid(1) = 1 / (1 + 1/e) = e / (e + 1); the extremes saturate to 0 and 1
    expectExact(
      run((g) => g.input('x', [4]).sigmoid(), { x: [0, 1, -1000, 1000] }),
      'f32',
      [4],
      [0.5, 0.7310585786300049, 0, 1],
    );
  });

  it('erf at known points, and its limits', () => {
    const x = [0, 0.5, 1, 2, -3, Infinity, -Infinity, NaN];
    expectExact(
      run((g) => g.input('x', [8]).erf(), { x }),
      'f32',
      [8],
      [0, 0.5204998778130465, 0.8427007929497149, 0.9953222650189527, -0.9999779095030014, 1, -1, NaN],
    );
  });

  it('converts i32 operands to f32 first', () => {
    expectExact(
      run((g) => g.input('x', [2], 'i32').sqrt(), { x: [4, 9] }),
      'f32',
      [2],
      [2, 3],
    );
    expectExact(
      run((g) => g.input('x', [1], 'i32').exp(), { x: [0] }),
      'f32',
      [1],
      [1],
    );
    // 16777217 is not an f32: it becomes 16777216 before the reciprocal
    expectExact(
      run((g) => g.input('x', [1], 'i32').reciprocal(), { x: [16777217] }),
      'f32',
      [1],
      [2 ** -24],
    );
  });

  it('results are rounded to f32 (1/3)', () => {
    const r = run((g) => g.input('x', [1]).reciprocal(), { x: [3] });
    expectClose(r, [1 / 3], F32_ULP);
    expect(r.data[0]).toBe(Math.fround(1 / 3));
  });
});

describe('not and cast', () => {
  it('not flips bools', () => {
    expectExact(
      run((g) => g.input('x', [2], 'bool').not(), { x: [0, 1] }),
      'bool',
      [2],
      [1, 0],
    );
  });

  it('f32 -> i32 truncates toward zero, saturates, NaN -> 0', () => {
    const x = [1.9, -1.9, NaN, 3e9, -3e9, -0.5, Infinity];
    expectExact(
      run((g) => g.input('x', [7]).cast('i32'), { x }),
      'i32',
      [7],
      [1, -1, 0, INT_MAX, INT_MIN, 0, INT_MAX],
    );
  });

  it('-> bool is x != 0 (NaN is true); bool -> number is 0/1', () => {
    expectExact(
      run((g) => g.input('x', [4]).cast('bool'), { x: [0, -0, 0.5, NaN] }),
      'bool',
      [4],
      [0, 0, 1, 1],
    );
    expectExact(
      run((g) => g.input('x', [2], 'i32').cast('bool'), { x: [0, -7] }),
      'bool',
      [2],
      [0, 1],
    );
    expectExact(
      run((g) => g.input('x', [2], 'bool').cast('f32'), { x: [1, 0] }),
      'f32',
      [2],
      [1, 0],
    );
    expectExact(
      run((g) => g.input('x', [2], 'bool').cast('i32'), { x: [1, 0] }),
      'i32',
      [2],
      [1, 0],
    );
  });

  it('i32 -> f32 rounds to nearest even (16777217 -> 16777216, 16777219 -> 16777220)', () => {
    expectExact(
      run((g) => g.input('x', [2], 'i32').cast('f32'), { x: [16777217, 16777219] }),
      'f32',
      [2],
      [16777216, 16777220],
    );
  });

  it('casting to the same dtype is the identity', () => {
    expectExact(
      run((g) => g.input('x', [2]).cast('f32'), { x: [1.5, -0] }),
      'f32',
      [2],
      [1.5, -0],
    );
  });
});

describe('rank 0 and zero-size operands', () => {
  it('a scalar input', () => {
    expectExact(
      run((g) => g.input('x', []).neg(), { x: [2] }),
      'f32',
      [],
      [-2],
    );
  });

  it('an empty tensor stays empty', () => {
    expectExact(
      run((g) => g.input('x', [0, 3]).exp(), { x: [] }),
      'f32',
      [0, 3],
      [],
    );
  });
});
