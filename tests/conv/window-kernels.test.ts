/**
 * The unrolled window form of depthwise / small-channel convs and pools
 * (codegen emit-window.ts, planned by window-plan.ts) against the reference
 * interpreter: odd sizes, widths that are not a multiple of 4, strides 1-3,
 * dilations, asymmetric pads, groups and channel multipliers, fused epilogues
 * (bias, relu, clip, hardSwish, a residual add), NaN and infinities at the
 * borders, and random cases; each asserts the kernel took the window form.
 */
import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { Graph, compile, type ConvOptions, type Tensor } from '../../src/index.js';
import { checkGraph, randomData, VARIANTS } from '../support/differential.js';

const TOL = { rtol: 1e-5, atol: 1e-5 };
const size = (s: readonly number[]) => s.reduce((a, b) => a * b, 1);

/** Checks `g` against the interpreter and that every conv/pool kernel took the window form. */
async function checkWindow(
  g: Graph,
  feeds: Record<string, Float32Array>,
  variants = VARIANTS,
): Promise<void> {
  await checkGraph(g, feeds, TOL, variants);
  const model = await compile(g);
  const windows = model.kernels.filter((k) => k.kind === 'conv' || k.kind === 'pool');
  expect(windows.length).toBeGreaterThan(0);
  expect(windows.map((k) => k.vectorMode)).toEqual(windows.map(() => 'window'));
  model.dispose();
}

/** A grouped conv of x [n, groups·cg, h, w] by [groups·mg, cg, kh, kw] with a bias, then `epilogue`. */
function groupedConv(
  x: readonly number[],
  groups: number,
  mg: number,
  k: readonly number[],
  options: ConvOptions,
  epilogue: (y: Tensor, x: Tensor) => Tensor = (y) => y,
  seed = 5,
) {
  const g = new Graph();
  const cg = (x[1] ?? 0) / groups;
  const wShape = [groups * mg, cg, ...k];
  const xt = g.input('x', x);
  const y = xt.conv(g.input('w', wShape), g.input('b', [groups * mg]), { ...options, groups });
  g.output('y', epilogue(y, xt));
  const feeds = {
    x: randomData('f32', size(x), seed) as Float32Array,
    w: randomData('f32', size(wShape), seed + 1) as Float32Array,
    b: randomData('f32', groups * mg, seed + 2) as Float32Array,
  };
  return { g, feeds };
}

describe('depthwise and small-channel convs in the window form', () => {
  const cases: [string, number[], number, number, number[], ConvOptions][] = [
    ['depthwise 3x3 pad 1, width 13', [1, 5, 9, 13], 5, 1, [3, 3], { pads: [1, 1, 1, 1] }],
    [
      'depthwise 3x3 stride 2, width 17',
      [2, 3, 11, 17],
      3,
      1,
      [3, 3],
      { pads: [1, 1, 1, 1], strides: [2, 2] },
    ],
    ['depthwise 5x5 pad 2, width 23', [1, 4, 7, 23], 4, 1, [5, 5], { pads: [2, 2, 2, 2] }],
    ['depthwise 5x5 stride 2 pad 2', [1, 2, 12, 27], 2, 1, [5, 5], { pads: [2, 2, 2, 2], strides: [2, 2] }],
    ['stride 3 (lane loads)', [1, 3, 10, 31], 3, 1, [3, 3], { pads: [1, 1, 1, 1], strides: [3, 3] }],
    ['dilations 2, 3', [1, 3, 13, 22], 3, 1, [3, 3], { pads: [2, 3, 2, 3], dilations: [2, 3] }],
    ['asymmetric pads', [1, 3, 8, 19], 3, 1, [3, 3], { pads: [0, 2, 2, 1] }],
    ['asymmetric pads stride 2', [1, 2, 9, 21], 2, 1, [3, 3], { pads: [2, 0, 1, 2], strides: [1, 2] }],
    ['channel multiplier 2', [1, 3, 7, 14], 3, 2, [3, 3], { pads: [1, 1, 1, 1] }],
    ['channel multiplier 3 stride 2', [1, 2, 9, 18], 2, 3, [3, 3], { pads: [1, 1, 1, 1], strides: [2, 2] }],
    ['groups 2 of 3 channels', [1, 6, 7, 15], 2, 2, [3, 3], { pads: [1, 1, 1, 1] }],
    [
      '3 input channels (a first layer)',
      [1, 3, 9, 21],
      1,
      4,
      [3, 3],
      { pads: [1, 1, 1, 1], strides: [2, 2] },
    ],
    ['7x7 window, 1 channel', [1, 1, 12, 30], 1, 2, [7, 7], { pads: [3, 3, 3, 3], strides: [2, 2] }],
    ['no padding, width 6', [1, 4, 5, 6], 4, 1, [3, 3], {}],
    ['kernel taller than some rows', [1, 2, 3, 11], 2, 1, [5, 3], { pads: [2, 1, 2, 1] }],
    ['1x1 depthwise', [2, 3, 4, 9], 3, 1, [1, 1], {}],
    ['tap rows never in range (one input row)', [1, 2, 1, 9], 2, 1, [5, 3], { pads: [2, 1, 2, 1] }],
    ['no interior: 5-wide window over 6 columns', [1, 2, 5, 6], 2, 1, [3, 5], { pads: [1, 2, 1, 2] }],
    ['no interior, stride 2, 9 columns', [1, 2, 6, 9], 2, 1, [3, 7], { pads: [1, 3, 1, 3], strides: [1, 2] }],
  ];
  test.each(cases)('%s', async (_name, x, groups, mg, k, options) => {
    const { g, feeds } = groupedConv(x, groups, mg, k, options);
    await checkWindow(g, feeds);
  });

  test('1-D depthwise conv with stride 2 and dilation 2', async () => {
    const { g, feeds } = groupedConv([2, 4, 37], 4, 1, [3], { pads: [2, 1], strides: [2], dilations: [2] });
    await checkWindow(g, feeds);
  });
});

describe('fused epilogues keep working in the window form', () => {
  const base: [number[], number, number, number[], ConvOptions] = [
    [1, 4, 9, 14],
    4,
    1,
    [3, 3],
    { pads: [1, 1, 1, 1] },
  ];
  const epilogues: [string, (y: Tensor, x: Tensor) => Tensor][] = [
    ['relu', (y) => y.relu()],
    ['clip 0..6', (y) => y.clip(0, 6)],
    ['hardSwish', (y) => y.hardSwish()],
    ['residual add + relu', (y, x) => y.add(x).relu()],
  ];
  test.each(epilogues)('%s', async (_name, epilogue) => {
    const { g, feeds } = groupedConv(...base, epilogue);
    await checkWindow(g, feeds);
    const model = await compile(g);
    expect(model.kernels.map((k) => k.kind)).toEqual(['conv']);
    model.dispose();
  });
});

describe('pools in the window form', () => {
  test('maxPool 3x3 stride 2 pad 1 with NaN and infinities at the borders and inside', async () => {
    const g = new Graph();
    g.output('y', g.input('x', [1, 3, 13, 19]).maxPool([3, 3], { strides: [2, 2], pads: [1, 1, 1, 1] }));
    const x = randomData('f32', 3 * 13 * 19, 7) as Float32Array;
    x[0] = NaN;
    x[40] = NaN;
    x[100] = -Infinity;
    x[300] = Infinity;
    x[3 * 13 * 19 - 1] = NaN;
    await checkWindow(g, { x });
  });
  test('maxPool 2x2 stride 2 and 3x3 stride 1 pad 1', async () => {
    const g = new Graph();
    const x = g.input('x', [2, 2, 10, 22]);
    g.output('a', x.maxPool([2, 2], { strides: [2, 2] }));
    g.output('b', x.maxPool([3, 3], { pads: [1, 1, 1, 1] }));
    await checkWindow(g, { x: randomData('f32', 2 * 2 * 10 * 22, 8) as Float32Array });
  });
  test('avgPool with and without counted padding, asymmetric pads, stride 2', async () => {
    const g = new Graph();
    const x = g.input('x', [1, 3, 11, 17]);
    g.output('a', x.avgPool([3, 3], { strides: [2, 2], pads: [1, 0, 1, 2] }));
    g.output('b', x.avgPool([3, 2], { pads: [1, 1, 0, 1], countIncludePad: true }));
    await checkWindow(g, { x: randomData('f32', 3 * 11 * 17, 9) as Float32Array });
  });
});

describe('random window kernels', () => {
  test('depthwise / small-channel convs agree with the interpreter', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.record({
          groups: fc.integer({ min: 1, max: 3 }),
          cg: fc.integer({ min: 1, max: 3 }),
          mg: fc.integer({ min: 1, max: 2 }),
          h: fc.integer({ min: 3, max: 9 }),
          w: fc.integer({ min: 8, max: 29 }),
          k: fc.tuple(fc.integer({ min: 1, max: 5 }), fc.integer({ min: 1, max: 5 })),
          s: fc.tuple(fc.integer({ min: 1, max: 3 }), fc.integer({ min: 1, max: 3 })),
          d: fc.tuple(fc.integer({ min: 1, max: 2 }), fc.integer({ min: 1, max: 2 })),
          p: fc.tuple(
            fc.integer({ min: 0, max: 2 }),
            fc.integer({ min: 0, max: 2 }),
            fc.integer({ min: 0, max: 2 }),
            fc.integer({ min: 0, max: 2 }),
          ),
          seed: fc.integer({ min: 1, max: 1000 }),
        }),
        async (c) => {
          // a window no larger than the padded input
          const kh = Math.min(c.k[0], Math.floor((c.h + c.p[0] + c.p[2] - 1) / c.d[0]) + 1);
          const options = { strides: [...c.s], dilations: [...c.d], pads: [...c.p] };
          const x = [1, c.groups * c.cg, c.h, c.w];
          const { g, feeds } = groupedConv(x, c.groups, c.mg, [kh, c.k[1]], options, (y) => y.relu(), c.seed);
          await checkGraph(g, feeds, TOL, [VARIANTS[0] ?? {}]);
        },
      ),
      { numRuns: 30, seed: 23 },
    );
  });
});
