/**
 * conv through the public API against the reference interpreter: 1-D, 2-D and
 * 3-D, strides, dilations, asymmetric pads, auto_pad modes, groups (depthwise
 * too), bias, odd sizes; random cases with fast-check; typed errors.
 */
import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { Graph, ShapeError, compile, type ConvOptions, type Tensor } from '../../src/index.js';
import { checkGraph, randomData, VARIANTS } from '../support/differential.js';

/** f32 sums of up to a few hundred products: a few ulps of the largest partial sum. */
const TOL = { rtol: 1e-5, atol: 1e-5 };

function convCase(x: number[], w: number[], options: ConvOptions, bias: boolean, seed = 3) {
  const g = new Graph();
  const xt = g.input('x', x);
  const wt = g.input('w', w);
  const bt = bias ? g.input('b', [w[0] ?? 0]) : undefined;
  g.output('y', xt.conv(wt, bt, options));
  const size = (s: number[]) => s.reduce((a, b) => a * b, 1);
  const feeds: Record<string, Float32Array> = {
    x: randomData('f32', size(x), seed) as Float32Array,
    w: randomData('f32', size(w), seed + 1) as Float32Array,
  };
  if (bias) feeds.b = randomData('f32', w[0] ?? 0, seed + 2) as Float32Array;
  return { g, feeds };
}

describe('conv 2-D', () => {
  const cases: [string, number[], number[], ConvOptions, boolean][] = [
    ['plain 3x3', [1, 3, 7, 9], [5, 3, 3, 3], {}, false],
    ['bias, pads 1', [2, 3, 7, 9], [4, 3, 3, 3], { pads: [1, 1, 1, 1] }, true],
    ['asymmetric pads, strides', [1, 2, 11, 10], [3, 2, 3, 2], { pads: [2, 0, 1, 3], strides: [2, 3] }, true],
    ['dilations', [1, 2, 9, 13], [2, 2, 3, 3], { dilations: [2, 3], pads: [1, 2, 0, 1] }, false],
    ['SAME_UPPER stride 2', [1, 3, 8, 7], [4, 3, 4, 3], { autoPad: 'SAME_UPPER', strides: [2, 2] }, true],
    ['SAME_LOWER', [1, 3, 6, 5], [2, 3, 2, 4], { autoPad: 'SAME_LOWER' }, false],
    ['VALID stride 1 (vector path)', [1, 4, 6, 17], [3, 4, 3, 3], { autoPad: 'VALID' }, true],
    ['groups 2', [1, 4, 7, 6], [6, 2, 3, 3], { groups: 2, pads: [1, 1, 1, 1] }, true],
    ['depthwise', [2, 5, 9, 8], [5, 1, 3, 3], { groups: 5, pads: [1, 1, 1, 1], strides: [2, 1] }, true],
    ['depthwise multiplier 2', [1, 3, 5, 6], [6, 1, 3, 2], { groups: 3 }, false],
    ['1x1', [1, 7, 5, 5], [3, 7, 1, 1], {}, true],
    ['kernel larger than input with pads', [1, 1, 2, 2], [1, 1, 3, 3], { pads: [1, 1, 1, 1] }, false],
  ];
  test.each(cases)('%s', async (_name, x, w, options, bias) => {
    const { g, feeds } = convCase(x, w, options, bias);
    await checkGraph(g, feeds, TOL);
  });
});

describe('conv 1-D and 3-D', () => {
  test('1-D strides, pads, dilations, bias', async () => {
    const { g, feeds } = convCase(
      [2, 3, 17],
      [4, 3, 3],
      { strides: [2], pads: [2, 1], dilations: [2] },
      true,
    );
    await checkGraph(g, feeds, TOL);
  });
  test('1-D grouped SAME_UPPER', async () => {
    const { g, feeds } = convCase([1, 4, 10], [2, 2, 4], { groups: 2, autoPad: 'SAME_UPPER' }, false);
    await checkGraph(g, feeds, TOL);
  });
  test('3-D pads and strides', async () => {
    const { g, feeds } = convCase(
      [1, 2, 5, 6, 7],
      [3, 2, 2, 3, 3],
      { pads: [1, 0, 1, 0, 1, 1], strides: [1, 2, 2] },
      true,
    );
    await checkGraph(g, feeds, TOL);
  });
});

describe('conv properties', () => {
  test('random shapes and attributes match the interpreter', async () => {
    const caseArb = fc
      .record({
        n: fc.integer({ min: 1, max: 2 }),
        groups: fc.integer({ min: 1, max: 3 }),
        cg: fc.integer({ min: 1, max: 3 }),
        mg: fc.integer({ min: 1, max: 2 }),
        dims: fc.integer({ min: 1, max: 2 }),
        size: fc.array(fc.integer({ min: 1, max: 9 }), { minLength: 2, maxLength: 2 }),
        k: fc.array(fc.integer({ min: 1, max: 3 }), { minLength: 2, maxLength: 2 }),
        s: fc.array(fc.integer({ min: 1, max: 3 }), { minLength: 2, maxLength: 2 }),
        d: fc.array(fc.integer({ min: 1, max: 2 }), { minLength: 2, maxLength: 2 }),
        p: fc.array(fc.integer({ min: 0, max: 2 }), { minLength: 4, maxLength: 4 }),
        bias: fc.boolean(),
        seed: fc.integer({ min: 1, max: 1000 }),
      })
      .filter((c) =>
        c.size.every(
          (sz, i) => sz + (c.p[i] ?? 0) + (c.p[i + 2] ?? 0) >= ((c.k[i] ?? 1) - 1) * (c.d[i] ?? 1) + 1,
        ),
      );
    await fc.assert(
      fc.asyncProperty(caseArb, async (c) => {
        const dims = c.dims;
        const x = [c.n, c.groups * c.cg, ...c.size.slice(0, dims)];
        const w = [c.groups * c.mg, c.cg, ...c.k.slice(0, dims)];
        const pads = [...c.p.slice(0, dims), ...c.p.slice(2, 2 + dims)];
        const options = {
          groups: c.groups,
          strides: c.s.slice(0, dims),
          dilations: c.d.slice(0, dims),
          pads,
        };
        const { g, feeds } = convCase(x, w, options, c.bias, c.seed);
        await checkGraph(g, feeds, TOL, [VARIANTS[0] ?? {}]);
      }),
      { numRuns: 25, seed: 19 },
    );
  });
});

describe('conv errors', () => {
  /** Runs `f` on a fresh graph with x [1,4,5,5], so each assertion builds its own inputs. */
  const on = (f: (g: Graph, x: Tensor) => unknown) => () => {
    const g = new Graph();
    return f(g, g.input('x', [1, 4, 5, 5]));
  };
  test.each([
    [
      'channel mismatch',
      on((g, x) => x.conv(g.input('w', [2, 3, 3, 3]))),
      /conv: weights \[2,3,3,3\] take 3 channels per group/,
    ],
    [
      'rank',
      on((g, x) => x.conv(g.input('w', [2, 4, 3]))),
      /conv: weights must be \[M, C\/groups, k\.\.\.\] of rank 4/,
    ],
    ['groups', on((g, x) => x.conv(g.input('w', [3, 2, 3, 3]), null, { groups: 2 })), /groups 2 must divide/],
    ['bias', on((g, x) => x.conv(g.input('w', [2, 4, 3, 3]), g.input('b', [3]))), /conv: bias must be \[2\]/],
    ['too large', on((g, x) => x.conv(g.input('w', [2, 4, 7, 7]))), /exceeds the padded input/],
    [
      'pads length',
      on((g, x) => x.conv(g.input('w', [2, 4, 3, 3]), null, { pads: [1, 1] })),
      /pads must be 4 integer/,
    ],
    [
      'pads with autoPad',
      on((g, x) => x.conv(g.input('w', [2, 4, 3, 3]), null, { pads: [1, 1, 1, 1], autoPad: 'VALID' })),
      /pads cannot be given/,
    ],
    [
      'kernelShape',
      on((g, x) => x.conv(g.input('w', [2, 4, 3, 3]), null, { kernelShape: [2, 2] })),
      /kernelShape \[2,2\] differs/,
    ],
    [
      'input rank',
      on((g) => g.input('v', [4, 5]).conv(g.input('w', [2, 4, 3]))),
      /input must be \[N, C, D\.\.\.\]/,
    ],
  ])('%s', (_name, f, message) => {
    expect(f).toThrow(ShapeError);
    expect(f).toThrow(message);
  });
});

describe('conv kernels', () => {
  test('conv + bias + relu is one kernel', async () => {
    const g = new Graph();
    const x = g.input('x', [1, 3, 8, 8]);
    const w = g.param('w', [4, 3, 3, 3]);
    const b = g.param('b', [4]);
    g.output('y', x.conv(w, b, { pads: [1, 1, 1, 1] }).relu());
    const model = await compile(g);
    expect(model.kernels.map((k) => k.kind)).toEqual(['conv']);
    model.dispose();
  });
});

describe('conv epilogue fusion', () => {
  test('residual relu(conv(x) + x) is one kernel and matches', async () => {
    const g = new Graph();
    const x = g.input('x', [1, 4, 7, 9]);
    const w = g.input('w', [4, 4, 3, 3]);
    const b = g.input('b', [4]);
    g.output('y', x.conv(w, b, { autoPad: 'SAME_UPPER' }).add(x).relu());
    const feeds = {
      x: randomData('f32', 4 * 63, 5) as Float32Array,
      w: randomData('f32', 144, 6) as Float32Array,
      b: randomData('f32', 4, 7) as Float32Array,
    };
    await checkGraph(g, feeds, TOL);
    const model = await compile(g);
    expect(model.kernels.map((k) => k.kind)).toEqual(['conv']);
    model.dispose();
  });
  test('VALID stride-1 conv runs the unrolled window form (emit-window.ts)', async () => {
    const g = new Graph();
    g.output('y', g.input('x', [1, 2, 6, 11]).conv(g.input('w', [3, 2, 3, 3])));
    const model = await compile(g);
    expect(model.kernels.map((k) => k.vectorMode)).toEqual(['window']);
    model.dispose();
  });
});

describe('zero-size values', () => {
  test('an empty batch gives an empty result', async () => {
    const g = new Graph();
    const x = g.input('x', [0, 2, 5, 5]);
    g.output('c', x.conv(g.input('w', [3, 2, 3, 3]), null, { pads: [1, 1, 1, 1] }));
    g.output('p', x.maxPool([2, 2]));
    g.output('t', x.convTranspose(g.input('wt', [2, 1, 2, 2]), null, { strides: [2, 2] }));
    await checkGraph(g, { x: new Float32Array(0), w: randomData('f32', 54, 1), wt: randomData('f32', 8, 2) });
  });
  test('zero input channels leave the bias', async () => {
    const g = new Graph();
    g.output('y', g.input('x', [1, 0, 4, 4]).conv(g.input('w', [2, 0, 3, 3]), g.input('b', [2])));
    await checkGraph(g, { x: new Float32Array(0), w: new Float32Array(0), b: new Float32Array([1.5, -2]) });
  });
});

describe('padded window kernels vectorize across the output width', () => {
  test('conv and maxPool with pads run in the window form and match', async () => {
    const g = new Graph();
    const x = g.input('x', [1, 3, 6, 13]);
    g.output('c', x.conv(g.input('w', [2, 3, 3, 3]), null, { pads: [1, 2, 1, 0], dilations: [1, 2] }));
    g.output('p', x.maxPool([3, 3], { pads: [1, 1, 1, 1] }));
    g.output('a', x.avgPool([2, 3], { pads: [0, 2, 1, 1] }));
    const xs = randomData('f32', 3 * 78, 40) as Float32Array;
    // NaN and infinities at the borders take the per-lane path
    xs[0] = NaN;
    xs[12] = -Infinity;
    xs[77] = Infinity;
    await checkGraph(g, { x: xs, w: randomData('f32', 54, 41) }, TOL);
    const model = await compile(g);
    expect(model.kernels.map((k) => k.vectorMode)).toEqual(['window', 'window', 'window']);
    model.dispose();
  });
  test('a padded window too long to unroll takes per-vector guards (across) and matches', async () => {
    const g = new Graph();
    const x = g.input('x', [1, 2, 3, 70]);
    g.output('y', x.conv(g.input('w', [2, 2, 1, 64]), null, { pads: [0, 3, 0, 2] }));
    const feeds = { x: randomData('f32', 420, 42), w: randomData('f32', 256, 43) };
    await checkGraph(g, feeds, TOL);
    const model = await compile(g);
    expect(model.kernels.map((k) => k.vectorMode)).toEqual(['across']);
    model.dispose();
  });
});
