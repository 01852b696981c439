/**
 * mod: C's fmod on f32 compiled bit for bit equal to the exact remainder (JS's
 * % on the f32 values), including quotients up to 2^277, subnormals, signed
 * zeros, infinities and NaN; i32 mod in both sign conventions; and its errors.
 */
import { describe, expect, test } from 'vitest';
import { compile, DTypeError, Graph, interpret } from '../../src/index.js';
import { checkGraph, rng } from '../support/differential.js';

const SPECIAL = [
  0,
  -0,
  1,
  -1,
  1.5,
  -2.5,
  3,
  7,
  1e-45,
  -1e-45,
  2.8e-45,
  1.17549435e-38,
  3.4028234663852886e38,
  -3.4028234663852886e38,
  16777216,
  16777217,
  0.1,
  -0.3,
  1e30,
  -1e-30,
  123456.789,
  Infinity,
  -Infinity,
  NaN,
];

/** Pairs of every special value with every other, plus random f32 bit patterns (all exponents). */
function pairs(seed: number, randomCount: number): [Float32Array, Float32Array] {
  const xs: number[] = [];
  const ys: number[] = [];
  for (const x of SPECIAL) {
    for (const y of SPECIAL) {
      xs.push(x);
      ys.push(y);
    }
  }
  const next = rng(seed);
  const bits = new Uint32Array(2);
  const view = new Float32Array(bits.buffer);
  for (let i = 0; i < randomCount; i++) {
    bits[0] = Math.floor(next() * 2 ** 32);
    bits[1] = Math.floor(next() * 2 ** 32);
    xs.push(view[0] as number);
    ys.push(view[1] as number);
  }
  return [Float32Array.from(xs), Float32Array.from(ys)];
}

/** Same bits, NaN equal to NaN (ignoring payloads). */
function sameBits(a: Float32Array, e: Float32Array): string[] {
  const bad: string[] = [];
  for (let i = 0; i < e.length; i++) {
    const [x, y] = [a[i] as number, e[i] as number];
    if (!(Object.is(x, y) || (Number.isNaN(x) && Number.isNaN(y)))) bad.push(`${i}: got ${x}, expected ${y}`);
  }
  return bad;
}

describe('mod with fmod on f32 (C fmod)', () => {
  test.each([false, true])('exact on specials and random bit patterns (simd %s)', async (simd) => {
    const [xs, ys] = pairs(5, 3000);
    const g = new Graph();
    const x = g.input('x', [xs.length]);
    const y = g.input('y', [ys.length]);
    g.output('r', x.mod(y, true));
    const expected = Float32Array.from(xs, (v, i) => v % (ys[i] as number));
    expect(sameBits(interpret(g, { x: xs, y: ys }).r as Float32Array, expected)).toEqual([]);
    const model = await compile(g, { simd });
    expect(sameBits(model.run({ x: xs, y: ys }).r as Float32Array, expected)).toEqual([]);
    model.dispose();
  });

  test('fused with broadcasting and a constant divisor, against the interpreter', async () => {
    const g = new Graph();
    const x = g.input('x', [3, 7]);
    const y = g.input('y', [7]);
    g.output('a', x.mul(1000).mod(y, true).add(1));
    g.output('b', x.mod(0.37, true));
    const next = rng(9);
    const feeds = {
      x: Float32Array.from({ length: 21 }, () => (next() - 0.5) * 50),
      y: Float32Array.from({ length: 7 }, () => (next() - 0.5) * 3),
    };
    await checkGraph(g, feeds, { rtol: 0, atol: 0 });
  });
});

describe('mod on i32', () => {
  test.each([true, false])('fmod %s against the interpreter and the definition', async (fmod) => {
    const values = [0, 1, -1, 2, -2, 5, -5, 7, -7, 13, 2147483647, -2147483648];
    const xs = Int32Array.from(values.flatMap((a) => values.map(() => a)));
    const ys = Int32Array.from(values.flatMap(() => values));
    const g = new Graph();
    const x = g.input('x', [xs.length], 'i32');
    const y = g.input('y', [ys.length], 'i32');
    g.output('r', x.mod(y, fmod));
    const expected = Int32Array.from(xs, (a, i) => {
      const b = ys[i] as number;
      if (b === 0) return 0;
      const r = (a % b) | 0;
      return !fmod && r !== 0 && r < 0 !== b < 0 ? r + b : r;
    });
    expect(Array.from(interpret(g, { x: xs, y: ys }).r as Int32Array)).toEqual(Array.from(expected));
    await checkGraph(g, { x: xs, y: ys });
  });
});

test('mod errors are DTypeErrors naming the op', () => {
  const g = new Graph();
  const x = g.input('x', [3]);
  const i = g.input('i', [3], 'i32');
  expect(() => x.mod(x)).toThrow(DTypeError);
  expect(() => x.mod(x)).toThrow(/mod: f32 operands need fmod = true/);
  expect(() => x.mod(i, true)).toThrow(/mod: operands must both be i32 or both f32/);
  expect(() => i.mod(1.5)).toThrow(/mod: divisor 1.5 is not an integer/);
});
