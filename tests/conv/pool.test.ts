/**
 * maxPool, avgPool, globalAvgPool and globalMaxPool through the public API
 * against the reference interpreter: 1-D to 3-D, strides, dilations, pads,
 * auto_pad, ceil mode, count_include_pad, odd sizes, random cases; typed errors.
 */
import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { Graph, ShapeError, compile, type AvgPoolOptions } from '../../src/index.js';
import { checkGraph, randomData, VARIANTS } from '../support/differential.js';

const TOL = { rtol: 1e-5, atol: 1e-6 };
const size = (s: number[]) => s.reduce((a, b) => a * b, 1);

function poolCase(op: 'maxPool' | 'avgPool', x: number[], k: number[], options: AvgPoolOptions, seed = 5) {
  const g = new Graph();
  const xt = g.input('x', x);
  g.output('y', op === 'maxPool' ? xt.maxPool(k, options) : xt.avgPool(k, options));
  return { g, feeds: { x: randomData('f32', size(x), seed) } };
}

const CASES: [string, number[], number[], AvgPoolOptions][] = [
  ['2x2 stride 2 odd input', [2, 3, 7, 9], [2, 2], { strides: [2, 2] }],
  ['3x3 pads 1', [1, 2, 6, 5], [3, 3], { pads: [1, 1, 1, 1] }],
  ['asymmetric pads, strides', [1, 2, 9, 8], [3, 2], { pads: [2, 0, 1, 1], strides: [2, 3] }],
  ['dilations', [1, 1, 9, 10], [2, 3], { dilations: [3, 2], pads: [1, 0, 0, 2] }],
  ['ceil mode', [1, 2, 8, 7], [3, 3], { strides: [2, 2], ceilMode: true, pads: [1, 1, 0, 0] }],
  ['SAME_UPPER', [1, 2, 7, 6], [3, 2], { autoPad: 'SAME_UPPER', strides: [2, 2] }],
  ['SAME_LOWER', [1, 2, 5, 5], [2, 2], { autoPad: 'SAME_LOWER' }],
  ['1-D', [2, 3, 13], [3], { strides: [2], pads: [1, 2] }],
  ['3-D', [1, 2, 5, 4, 6], [2, 2, 3], { pads: [0, 1, 1, 1, 0, 1], strides: [2, 1, 2] }],
  ['wide rows (vector path)', [1, 2, 3, 19], [1, 3], {}],
];

describe('maxPool', () => {
  test.each(CASES)('%s', async (_name, x, k, options) => {
    const { g, feeds } = poolCase('maxPool', x, k, options);
    await checkGraph(g, feeds, TOL);
  });
  test('NaN and infinities propagate like the interpreter', async () => {
    const g = new Graph();
    g.output('y', g.input('x', [1, 1, 4, 4]).maxPool([2, 2], { strides: [2, 2] }));
    const x = new Float32Array(16).fill(1);
    x[0] = NaN;
    x[2] = -Infinity;
    x[10] = Infinity;
    await checkGraph(g, { x }, TOL);
  });
});

describe('avgPool', () => {
  test.each(CASES)('%s', async (_name, x, k, options) => {
    const { g, feeds } = poolCase('avgPool', x, k, options);
    await checkGraph(g, feeds, TOL);
  });
  test.each(CASES)('%s, countIncludePad', async (_name, x, k, options) => {
    const { g, feeds } = poolCase('avgPool', x, k, { ...options, countIncludePad: true });
    await checkGraph(g, feeds, TOL);
  });
  test('random windows match the interpreter', async () => {
    const arb = fc
      .record({
        op: fc.constantFrom('maxPool' as const, 'avgPool' as const),
        size: fc.array(fc.integer({ min: 1, max: 9 }), { minLength: 2, maxLength: 2 }),
        k: fc.array(fc.integer({ min: 1, max: 3 }), { minLength: 2, maxLength: 2 }),
        s: fc.array(fc.integer({ min: 1, max: 3 }), { minLength: 2, maxLength: 2 }),
        d: fc.array(fc.integer({ min: 1, max: 2 }), { minLength: 2, maxLength: 2 }),
        p: fc.array(fc.integer({ min: 0, max: 2 }), { minLength: 4, maxLength: 4 }),
        ceilMode: fc.boolean(),
        countIncludePad: fc.boolean(),
        seed: fc.integer({ min: 1, max: 999 }),
      })
      .map((c) => ({
        ...c,
        // pads stay below the window's extent; the window fits the padded input
        p: c.p.map((v, i) => Math.min(v, ((c.k[i % 2] ?? 1) - 1) * (c.d[i % 2] ?? 1))),
      }))
      .filter((c) =>
        c.size.every(
          (sz, i) => sz + (c.p[i] ?? 0) + (c.p[i + 2] ?? 0) >= ((c.k[i] ?? 1) - 1) * (c.d[i] ?? 1) + 1,
        ),
      );
    await fc.assert(
      fc.asyncProperty(arb, async (c) => {
        const options = {
          strides: c.s,
          dilations: c.d,
          pads: c.p,
          ceilMode: c.ceilMode,
          ...(c.op === 'avgPool' ? { countIncludePad: c.countIncludePad } : {}),
        };
        const { g, feeds } = poolCase(c.op, [1, 2, ...c.size], c.k, options, c.seed);
        await checkGraph(g, feeds, TOL, [VARIANTS[0] ?? {}]);
      }),
      { numRuns: 30, seed: 23 },
    );
  });
});

describe('global pools', () => {
  test('globalAvgPool and globalMaxPool over 1-3 spatial axes', async () => {
    for (const shape of [
      [2, 3, 11],
      [1, 4, 5, 7],
      [1, 2, 3, 4, 5],
    ]) {
      const g = new Graph();
      const x = g.input('x', shape);
      g.output('avg', x.globalAvgPool());
      g.output('max', x.globalMaxPool());
      expect(x.globalAvgPool().shape).toEqual([...shape.slice(0, 2), ...shape.slice(2).map(() => 1)]);
      await checkGraph(g, { x: randomData('f32', size(shape), 9) }, TOL);
    }
  });
});

describe('pool kernels', () => {
  test('avgPool is one kernel: its division is the epilogue', async () => {
    const g = new Graph();
    g.output(
      'y',
      g
        .input('x', [1, 3, 8, 8])
        .avgPool([3, 3], { pads: [1, 1, 1, 1] })
        .relu(),
    );
    const model = await compile(g);
    expect(model.kernels.map((k) => k.kind)).toEqual(['pool']);
    model.dispose();
  });
  test('an elementwise producer is not recomputed per window tap', async () => {
    const g = new Graph();
    g.output('y', g.input('x', [1, 2, 6, 6]).exp().maxPool([3, 3]));
    const model = await compile(g);
    expect(model.kernels.map((k) => k.kind)).toEqual(['elementwise', 'pool']);
    model.dispose();
  });
});

describe('pool errors', () => {
  const on = (f: (g: Graph) => unknown) => () => f(new Graph());
  test.each([
    [
      'kernel rank',
      on((g) => g.input('x', [1, 1, 4, 4]).maxPool([2])),
      /maxPool: kernelShape must be 2 integer/,
    ],
    ['window too large', on((g) => g.input('x', [1, 1, 2, 4]).maxPool([3, 3])), /exceeds the padded input/],
    [
      'pads as large as the window',
      on((g) => g.input('x', [1, 1, 4, 4]).avgPool([2, 2], { pads: [2, 0, 0, 0] })),
      /must be smaller than the window/,
    ],
    [
      'ceil with autoPad',
      on((g) => g.input('x', [1, 1, 4, 4]).maxPool([2, 2], { autoPad: 'SAME_UPPER', ceilMode: true })),
      /ceilMode cannot be combined/,
    ],
    [
      'rank 2 input',
      on((g) => g.input('x', [4, 4]).globalAvgPool()),
      /globalAvgPool: input must be \[N, C, D\.\.\.\]/,
    ],
    [
      'strides',
      on((g) => g.input('x', [1, 1, 4, 4]).maxPool([2, 2], { strides: [0, 1] })),
      /strides must be 2 integer\(s\) >= 1/,
    ],
  ])('%s', (_name, f, message) => {
    expect(f).toThrow(ShapeError);
    expect(f).toThrow(message);
  });
});
