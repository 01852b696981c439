/**
 * The interpreter's double-precision erf and erfc against known values (to
 * 1e-15 relative), their symmetries and limits, and continuity across the
 * boundaries between the approximation's intervals.
 */
import { describe, expect, it } from 'vitest';
import { erf, erfc } from '../../src/ir/interpret/erf.js';
import { expectExact, run } from './helpers.js';

const RELATIVE = 1e-15;

function expectNear(got: number, want: number): void {
  expect(Math.abs(got - want), `got ${got}, expected ${want}`).toBeLessThanOrEqual(Math.abs(want) * RELATIVE);
}

describe('erf', () => {
  it('matches known values', () => {
    const known: [number, number][] = [
      [0.5, 0.5204998778130465],
      [1, 0.8427007929497149],
      [2, 0.9953222650189527],
      [-3, -0.9999779095030014],
      [0.1, 0.1124629160182849],
      [0.25, 0.2763263901682369],
      [1.25, 0.9229001282564582],
      [1.5, 0.9661051464753108],
      [3, 0.9999779095030014],
      [4, 0.9999999845827421],
      // erf(x) ~ 2x/sqrt(pi) for tiny x
      [1e-10, 1.1283791670955126e-10],
    ];
    for (const [x, want] of known) expectNear(erf(x), want);
  });

  it('is odd, with limits ±1 and NaN for NaN', () => {
    for (const x of [0.3, 0.9, 1.7, 2.9, 5.5]) expect(erf(-x)).toBe(-erf(x));
    expect(Object.is(erf(-0), -0)).toBe(true);
    expect(erf(0)).toBe(0);
    expect(erf(6)).toBe(1);
    expect(erf(Infinity)).toBe(1);
    expect(erf(-Infinity)).toBe(-1);
    expect(erf(NaN)).toBeNaN();
  });

  it('is increasing across the interval boundaries 0.84375, 1.25, 1/0.35 and 6', () => {
    for (const edge of [0.84375, 1.25, 1 / 0.35, 6]) {
      const below = erf(edge * (1 - 1e-12));
      const at = erf(edge);
      const above = erf(edge * (1 + 1e-12));
      expect(below).toBeLessThanOrEqual(at);
      expect(at).toBeLessThanOrEqual(above);
      expect(above - below).toBeLessThan(1e-11);
    }
  });
});

describe('erfc', () => {
  it('matches known values, including the far tail', () => {
    const known: [number, number][] = [
      [0, 1],
      [0.5, 0.4795001221869535],
      [1, 0.15729920705028513],
      [-1, 1.8427007929497148],
      [2, 0.004677734981047266],
      [3, 2.209049699858544e-5],
      [5, 1.5374597944280349e-12],
      [10, 2.088487583762545e-45],
    ];
    for (const [x, want] of known) expectNear(erfc(x), want);
  });

  it('agrees with 1 - erf where that has no cancellation, and has limits 0 and 2', () => {
    for (let x = -4; x <= 0.5; x += 0.0625)
      expect(Math.abs(erfc(x) - (1 - erf(x)))).toBeLessThanOrEqual(4e-16);
    expect(erfc(Infinity)).toBe(0);
    expect(erfc(30)).toBe(0);
    expect(erfc(-Infinity)).toBe(2);
    expect(erfc(-10)).toBe(2);
    expect(erfc(NaN)).toBeNaN();
  });
});

describe('the erf op', () => {
  it('rounds the double result once to f32', () => {
    expectExact(
      run((g) => g.input('x', [4]).erf(), { x: [0.5, 1, 2, -3] }),
      'f32',
      [4],
      [0.5204998778130465, 0.8427007929497149, 0.9953222650189527, -0.9999779095030014],
    );
  });
});
