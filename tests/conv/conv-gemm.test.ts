/**
 * Convolutions lowered to im2col + the tiled matmul (lower-conv.ts) against the
 * reference interpreter: 1-D, 2-D and 3-D, strides, dilations, asymmetric pads,
 * groups, 1x1 (no windows copied), bias and epilogues (relu, residual add), odd
 * sizes; and that they take the matmul kernel while depthwise convs stay direct.
 */
import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { Graph, compile, type ConvOptions } from '../../src/index.js';
import { bitsOf, checkGraph, randomData } from '../support/differential.js';

const TOL = { rtol: 1e-5, atol: 1e-5 };
const size = (s: readonly number[]) => s.reduce((a, b) => a * b, 1);

function gemmCase(
  x: number[],
  w: number[],
  options: ConvOptions,
  epilogue: 'none' | 'relu' | 'residual',
  seed = 5,
) {
  const g = new Graph();
  const xt = g.input('x', x);
  const wt = g.constant(randomData('f32', size(w), seed + 1) as Float32Array, w);
  const bt = g.constant(randomData('f32', w[0] ?? 0, seed + 2) as Float32Array, [w[0] ?? 0]);
  const y = xt.conv(wt, bt, options);
  const out =
    epilogue === 'relu' ? y.relu() : epilogue === 'residual' ? y.add(g.input('r', y.shape)).relu() : y;
  g.output('y', out);
  const feeds: Record<string, Float32Array> = { x: randomData('f32', size(x), seed) as Float32Array };
  if (epilogue === 'residual') feeds.r = randomData('f32', size(y.shape), seed + 3) as Float32Array;
  return { g, feeds };
}

describe('conv as im2col + matmul', () => {
  const cases: [string, number[], number[], ConvOptions, 'none' | 'relu' | 'residual'][] = [
    ['3x3 pads 1, relu', [1, 5, 9, 11], [9, 5, 3, 3], { pads: [1, 1, 1, 1] }, 'relu'],
    ['batch 2, residual', [2, 6, 7, 7], [8, 6, 3, 3], { pads: [1, 1, 1, 1] }, 'residual'],
    [
      'asymmetric pads, strides',
      [1, 4, 13, 10],
      [11, 4, 3, 2],
      { pads: [2, 0, 1, 3], strides: [2, 3] },
      'none',
    ],
    ['dilations', [1, 3, 12, 13], [10, 3, 3, 3], { dilations: [2, 3], pads: [1, 2, 0, 1] }, 'relu'],
    ['1x1 (no windows)', [1, 17, 5, 7], [9, 17, 1, 1], {}, 'residual'],
    ['1x1 stride 2', [2, 12, 9, 8], [16, 12, 1, 1], { strides: [2, 2] }, 'relu'],
    ['groups 2', [1, 8, 7, 6], [16, 4, 3, 3], { groups: 2, pads: [1, 1, 1, 1] }, 'relu'],
    ['groups 3, 1x1', [1, 9, 5, 5], [24, 3, 1, 1], { groups: 3 }, 'residual'],
    ['stem 7x7 stride 2', [1, 3, 23, 19], [8, 3, 7, 7], { strides: [2, 2], pads: [3, 3, 3, 3] }, 'relu'],
    ['SAME_UPPER stride 2', [1, 6, 8, 9], [12, 6, 4, 3], { autoPad: 'SAME_UPPER', strides: [2, 2] }, 'none'],
  ];
  test.each(cases)('%s', async (_name, x, w, options, epilogue) => {
    const { g, feeds } = gemmCase(x, w, options, epilogue);
    await checkGraph(g, feeds, TOL);
  });

  test('1-D and 3-D', async () => {
    const one = gemmCase([2, 5, 31], [12, 5, 5], { strides: [2], pads: [2, 1], dilations: [2] }, 'relu');
    await checkGraph(one.g, one.feeds, TOL);
    const three = gemmCase([1, 3, 5, 6, 7], [8, 3, 3, 2, 3], { pads: [1, 0, 1, 1, 1, 0] }, 'residual');
    await checkGraph(three.g, three.feeds, TOL);
  });

  test('random shapes and attributes match the interpreter', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.record({
          c: fc.integer({ min: 1, max: 6 }),
          groups: fc.integer({ min: 1, max: 2 }),
          mg: fc.integer({ min: 8, max: 13 }),
          h: fc.integer({ min: 3, max: 12 }),
          w: fc.integer({ min: 3, max: 12 }),
          k: fc.integer({ min: 1, max: 3 }),
          s: fc.integer({ min: 1, max: 2 }),
          d: fc.integer({ min: 1, max: 2 }),
          p: fc.integer({ min: 0, max: 2 }),
        }),
        async ({ c, groups, mg, h, w, k, s, d, p }) => {
          const { g, feeds } = gemmCase(
            [1, c * groups, h + 2 * k, w + 2 * k],
            [mg * groups, c, k, k],
            { strides: [s, s], dilations: [d, d], pads: [p, 0, 0, p], groups },
            'relu',
            h * w,
          );
          // sums of up to 54 products of values in [-4, 4] in another order than the interpreter's:
          // float32 rounding of terms up to 16 reaches 1e-5 (seed -1523160846: 1.2e-5 at K = 45)
          await checkGraph(g, feeds, { rtol: 1e-5, atol: 1e-4 });
        },
      ),
      { numRuns: 12 },
    );
  });

  test('wide convs take the tiled matmul with their epilogue; depthwise stays direct; strided rows keep the unfold kernel', async () => {
    const g = new Graph();
    const x = g.input('x', [1, 16, 12, 12]);
    const w1 = g.constant(randomData('f32', 32 * 16 * 9, 1) as Float32Array, [32, 16, 3, 3]);
    const w2 = g.constant(randomData('f32', 32 * 9, 2) as Float32Array, [32, 1, 3, 3]);
    const w3 = g.constant(randomData('f32', 16 * 32, 3) as Float32Array, [16, 32, 1, 1]);
    const h = x.conv(w1, null, { pads: [1, 1, 1, 1] }).relu();
    const d = h.conv(w2, null, { groups: 32, pads: [1, 1, 1, 1] }).relu();
    g.output('y', d.conv(w3, null, {}).add(x));
    const model = await compile(g);
    const kernels = model.kernels.map((k) => `${k.kind}:${k.name.replace(/^k\d+_/, '')}`);
    // the 3x3's windows are packed from x by the matmul (implicit GEMM): no unfold kernel
    expect(kernels).toEqual(['matmul:unfold_matmul_relu', 'conv:conv_relu', 'matmul:matmul_add']);
    model.dispose();
    const s = new Graph();
    const xs = s.input('x', [1, 16, 12, 12]);
    const ws = s.constant(randomData('f32', 32 * 16 * 9, 1) as Float32Array, [32, 16, 3, 3]);
    s.output('y', xs.conv(ws, null, { pads: [1, 1, 1, 1], strides: [2, 2] }));
    const strided = await compile(s);
    expect(strided.kernels.map((k) => `${k.kind}:${k.name.replace(/^k\d+_/, '')}`)).toEqual([
      'elementwise:unfold',
      'matmul:matmul',
    ]);
    strided.dispose();
  });

  // implicit GEMM: B's strips packed from x through the window tables, with interior strips
  // copied whole, border strips masked per tap or checked per k (lanes outside the padding), strips that straddle
  // output rows (widths not a multiple of 8) and the zero-padded last strip of each block
  const implicit: [string, number[], number[], ConvOptions][] = [
    ['3x3 over 13 columns (strips straddle rows)', [1, 7, 11, 13], [9, 7, 3, 3], { pads: [1, 1, 1, 1] }],
    ['5x5 pads 2 over 20x20, 300 columns', [2, 3, 20, 20], [8, 3, 5, 5], { pads: [2, 2, 2, 2] }],
    ['3x3 over 64x64 (64 n-blocks)', [1, 32, 64, 64], [8, 32, 3, 3], { pads: [1, 1, 1, 1] }],
    ['k = 2160: two k-blocks', [1, 240, 6, 7], [8, 240, 3, 3], { pads: [1, 1, 1, 1] }],
    [
      'dilated, asymmetric pads, groups 2',
      [1, 6, 17, 9],
      [16, 3, 3, 3],
      {
        pads: [0, 2, 3, 1],
        dilations: [2, 2],
        groups: 2,
      },
    ],
    ['unpadded 3x3 (div/mod without guards)', [1, 4, 9, 10], [12, 4, 3, 3], {}],
    ['stride 2 along rows only', [1, 5, 12, 9], [8, 5, 3, 3], { pads: [1, 1, 1, 1], strides: [2, 1] }],
    // border strips of whole rows (widths a multiple of 8) take one mask per tap
    ['masked borders: two k-blocks over 8x8', [1, 240, 8, 8], [8, 240, 3, 3], { pads: [1, 1, 1, 1] }],
    ['masked borders: 5x5 pads 2 over 16 columns', [1, 4, 9, 16], [8, 4, 5, 5], { pads: [2, 2, 2, 2] }],
    [
      'masked borders: dilated, groups 2, batch 2',
      [2, 6, 7, 16],
      [16, 3, 3, 3],
      { pads: [2, 1, 2, 3], dilations: [2, 1], groups: 2 },
    ],
  ];
  test.each(implicit)('implicit GEMM: %s', async (_name, x, w, options) => {
    const { g, feeds } = gemmCase(x, w, options, 'relu', 11);
    const model = await compile(g);
    expect(model.kernels.map((k) => `${k.kind}:${k.vectorMode}`)).toEqual(['matmul:matmul-tiled']);
    model.dispose();
    // 288- and 2160-term f32 sums against the float64 interpreter (bit-identical to the stored
    // windows' path)
    await checkGraph(g, feeds, (x[1] ?? 0) >= 32 ? { rtol: 1e-4, atol: 1e-4 } : TOL);
  });

  // the block's first row tile copies the interior strips as it computes (the pack records
  // them): single rows after the full tiles; thread slices of whole 4-row units and the rest
  // (9 rows: a slice of 1 row has no full tile, so its pack copies every strip); rows of 24+
  // columns have interior strips (a 16-column row has only border strips)
  test('implicit GEMM: interior strips copied by the first row tile, whole or in thread slices', async () => {
    const cases: [number[], number[]][] = [
      [
        [1, 6, 9, 24],
        [9, 6, 3, 3],
      ],
      [
        [2, 8, 10, 32],
        [10, 8, 3, 3],
      ],
      [
        [1, 8, 12, 24],
        [13, 8, 3, 3],
      ],
    ];
    for (const [x, w] of cases) {
      const { g, feeds } = gemmCase(x, w, { pads: [1, 1, 1, 1] }, 'relu', 23);
      await checkGraph(g, feeds, TOL);
      const one = await compile(g);
      const two = await compile(g, { threads: 2, threadMinWork: 0 });
      expect(two.kernels.find((k) => k.kind === 'matmul')?.split).toBe(true);
      expect(bitsOf(two.run(feeds).y)).toEqual(bitsOf(one.run(feeds).y));
      one.dispose();
      two.dispose();
    }
  }, 60_000);
});
