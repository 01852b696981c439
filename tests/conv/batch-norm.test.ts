/**
 * batchNorm (inference form) through the public API against the reference
 * interpreter: alone (a per-channel multiply-add), and folded into a conv's
 * weights and bias when it reads nothing but that conv (constants: computed
 * at compile time, so conv + batchNorm + relu is one kernel; params: a small
 * kernel over the weights). Typed errors.
 */
import { describe, expect, test } from 'vitest';
import { DTypeError, Graph, ShapeError, compile } from '../../src/index.js';
import { checkGraph, randomData } from '../support/differential.js';

const TOL = { rtol: 2e-5, atol: 2e-5 };
const size = (s: number[]) => s.reduce((a, b) => a * b, 1);
const positive = (n: number, seed: number) => randomData('f32', n, seed, 0.2, 2) as Float32Array;

describe('batchNorm', () => {
  test.each([[[2, 3, 5, 7]], [[1, 4, 9]], [[3, 5]], [[1, 2, 3, 4, 5]]])('alone over %j', async (shape) => {
    const g = new Graph();
    const c = shape[1] ?? 1;
    const x = g.input('x', shape);
    const [s, b, m, v] = ['s', 'b', 'm', 'v'].map((name) => g.input(name, [c]));
    g.output('y', x.batchNorm(s!, b!, m!, v!, 1e-3));
    const feeds = {
      x: randomData('f32', size(shape), 1),
      s: randomData('f32', c, 2),
      b: randomData('f32', c, 3),
      m: randomData('f32', c, 4),
      v: positive(c, 5),
    };
    await checkGraph(g, feeds, TOL);
  });

  test('conv + batchNorm + relu with constant weights and statistics is one kernel', async () => {
    const g = new Graph();
    const x = g.input('x', [1, 3, 9, 8]);
    const w = g.constant(randomData('f32', 4 * 3 * 9, 6) as Float32Array, [4, 3, 3, 3]);
    const bias = g.constant(randomData('f32', 4, 7) as Float32Array, [4]);
    const stat = (seed: number, lo = -1, hi = 1) =>
      g.constant(randomData('f32', 4, seed, lo, hi) as Float32Array, [4]);
    const y = x
      .conv(w, bias, { pads: [1, 1, 1, 1] })
      .batchNorm(stat(8, 0.5, 2), stat(9), stat(10), stat(11, 0.1, 3), 1e-5)
      .relu();
    g.output('y', y);
    await checkGraph(g, { x: randomData('f32', 3 * 72, 12) }, TOL);
    const model = await compile(g);
    expect(model.kernels.map((k) => k.kind)).toEqual(['conv']);
    model.dispose();
  });

  test('conv without bias + batchNorm with params folds into a weight kernel and one conv kernel', async () => {
    const g = new Graph();
    const x = g.input('x', [2, 4, 6, 7]);
    const w = g.param('w', [6, 2, 3, 3]);
    const [s, b, m, v] = ['s', 'b', 'm', 'v'].map((name) => g.param(name, [6]));
    g.output(
      'y',
      x
        .conv(w, null, { groups: 2, strides: [2, 1] })
        .batchNorm(s!, b!, m!, v!)
        .relu(),
    );
    const feeds = {
      x: randomData('f32', 2 * 4 * 42, 13),
      w: randomData('f32', 6 * 2 * 9, 14),
      s: randomData('f32', 6, 15),
      b: randomData('f32', 6, 16),
      m: randomData('f32', 6, 17),
      v: positive(6, 18),
    };
    await checkGraph(g, feeds, TOL);
    const model = await compile(g);
    const kinds = model.kernels.map((k) => k.kind);
    // the folded weights (and bias) are computed from the params, then one conv kernel reads x
    expect(kinds.filter((k) => k === 'conv')).toHaveLength(1);
    expect(kinds[kinds.length - 1]).toBe('conv');
    model.dispose();
  });

  test('a conv read elsewhere is not folded (it would be computed twice)', async () => {
    const g = new Graph();
    const x = g.input('x', [1, 2, 5, 5]);
    const w = g.input('w', [3, 2, 3, 3]);
    const [s, b, m, v] = ['s', 'b', 'm', 'v'].map((name) => g.input(name, [3]));
    const y = x.conv(w);
    g.output('conv', y);
    g.output('bn', y.batchNorm(s!, b!, m!, v!));
    const feeds = {
      x: randomData('f32', 50, 19),
      w: randomData('f32', 54, 20),
      s: randomData('f32', 3, 21),
      b: randomData('f32', 3, 22),
      m: randomData('f32', 3, 23),
      v: positive(3, 24),
    };
    await checkGraph(g, feeds, TOL);
    const model = await compile(g);
    expect(model.kernels.filter((k) => k.kind === 'conv')).toHaveLength(1);
    model.dispose();
  });

  test('typed errors', () => {
    const g = new Graph();
    const x = g.input('x', [1, 3, 4, 4]);
    const c3 = g.input('c3', [3]);
    const c4 = g.input('c4', [4]);
    expect(() => x.batchNorm(c3, c3, c4, c3)).toThrow(ShapeError);
    expect(() => x.batchNorm(c3, c3, c4, c3)).toThrow(
      /batchNorm: scale, bias, mean and var must be \[3\] for input \[1,3,4,4\] \(operand 3 is \[4\]\)/,
    );
    expect(() => g.input('i', [1, 3, 2], 'i32').batchNorm(c3, c3, c3, c3)).toThrow(DTypeError);
    expect(() => g.input('v', [3]).batchNorm(c3, c3, c3, c3)).toThrow(
      /batchNorm: input must be \[N, C, \.\.\.\]/,
    );
  });
});

test('a dead reader of the conv does not keep batchNorm from folding', async () => {
  const g = new Graph();
  const x = g.input('x', [1, 2, 5, 5]);
  const c = (seed: number, lo = -1, hi = 1) =>
    g.constant(randomData('f32', 3, seed, lo, hi) as Float32Array, [3]);
  const y = x.conv(g.constant(randomData('f32', 54, 30) as Float32Array, [3, 2, 3, 3]));
  y.exp(); // recorded, never an output
  g.output('y', y.batchNorm(c(31, 0.5, 2), c(32), c(33), c(34, 0.5, 2)).relu());
  await checkGraph(g, { x: randomData('f32', 50, 35) }, TOL);
  const model = await compile(g);
  expect(model.kernels.map((k) => k.kind)).toEqual(['conv']);
  model.dispose();
});
