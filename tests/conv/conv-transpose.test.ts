/**
 * convTranspose through the public API against the reference interpreter
 * (which scatters, where the kernel gathers): 1-D to 3-D, strides, dilations,
 * pads, outputPadding, outputShape, auto_pad, groups, bias, odd sizes, random
 * cases; typed errors.
 */
import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { Graph, ShapeError, compile, type ConvTransposeOptions } from '../../src/index.js';
import { checkGraph, randomData, VARIANTS } from '../support/differential.js';

const TOL = { rtol: 1e-5, atol: 1e-5 };
const size = (s: number[]) => s.reduce((a, b) => a * b, 1);

function caseOf(x: number[], w: number[], options: ConvTransposeOptions, bias: boolean, seed = 4) {
  const g = new Graph();
  const xt = g.input('x', x);
  const wt = g.input('w', w);
  const groups = options.groups ?? 1;
  const bt = bias ? g.input('b', [(w[1] ?? 0) * groups]) : undefined;
  const y = xt.convTranspose(wt, bt, options);
  g.output('y', y);
  const feeds: Record<string, Float32Array> = {
    x: randomData('f32', size(x), seed) as Float32Array,
    w: randomData('f32', size(w), seed + 1) as Float32Array,
  };
  if (bias) feeds.b = randomData('f32', (w[1] ?? 0) * groups, seed + 2) as Float32Array;
  return { g, feeds, y };
}

describe('convTranspose', () => {
  const cases: [string, number[], number[], ConvTransposeOptions, boolean][] = [
    ['plain 2-D', [1, 2, 4, 5], [2, 3, 3, 3], {}, true],
    ['strides 2, 3', [1, 2, 3, 4], [2, 2, 3, 2], { strides: [2, 3] }, false],
    ['pads and strides', [2, 3, 5, 4], [3, 2, 3, 3], { strides: [2, 2], pads: [1, 0, 2, 1] }, true],
    ['dilations', [1, 1, 4, 4], [1, 2, 2, 3], { dilations: [2, 3], strides: [1, 2] }, false],
    ['outputPadding', [1, 2, 3, 3], [2, 2, 3, 3], { strides: [3, 2], outputPadding: [2, 1] }, true],
    ['outputShape', [1, 1, 3, 3], [1, 2, 3, 3], { strides: [3, 2], outputShape: [10, 8] }, false],
    ['SAME_UPPER', [1, 2, 3, 4], [2, 1, 3, 3], { autoPad: 'SAME_UPPER', strides: [2, 2] }, true],
    ['SAME_LOWER', [1, 2, 3, 3], [2, 1, 4, 3], { autoPad: 'SAME_LOWER', strides: [2, 3] }, false],
    ['groups 2', [1, 4, 3, 5], [4, 3, 2, 2], { groups: 2, strides: [2, 1] }, true],
    ['depthwise', [1, 3, 4, 4], [3, 1, 3, 3], { groups: 3, strides: [2, 2], pads: [1, 1, 1, 1] }, true],
    ['1-D', [2, 3, 7], [3, 2, 4], { strides: [3], pads: [1, 2], dilations: [2] }, true],
    ['3-D', [1, 2, 3, 2, 3], [2, 2, 2, 3, 2], { strides: [2, 1, 2], pads: [0, 1, 1, 1, 0, 0] }, false],
  ];
  test.each(cases)('%s', async (_name, x, w, options, bias) => {
    const { g, feeds } = caseOf(x, w, options, bias);
    await checkGraph(g, feeds, TOL);
  });

  test('output shapes follow ONNX', () => {
    expect(
      caseOf([1, 1, 3, 3], [1, 2, 3, 3], { strides: [3, 2], pads: [1, 2, 1, 2] }, false).y.shape,
    ).toEqual([1, 2, 7, 3]);
    expect(
      caseOf([1, 1, 3, 3], [1, 2, 3, 3], { strides: [3, 2], outputPadding: [1, 1] }, false).y.shape,
    ).toEqual([1, 2, 10, 8]);
    expect(
      caseOf([1, 1, 3, 3], [1, 2, 3, 3], { autoPad: 'SAME_UPPER', strides: [2, 2] }, false).y.shape,
    ).toEqual([1, 2, 6, 6]);
  });

  test('random cases match the interpreter', async () => {
    const arb = fc
      .record({
        groups: fc.integer({ min: 1, max: 2 }),
        cg: fc.integer({ min: 1, max: 2 }),
        mg: fc.integer({ min: 1, max: 3 }),
        size: fc.array(fc.integer({ min: 1, max: 5 }), { minLength: 2, maxLength: 2 }),
        k: fc.array(fc.integer({ min: 1, max: 3 }), { minLength: 2, maxLength: 2 }),
        s: fc.array(fc.integer({ min: 1, max: 3 }), { minLength: 2, maxLength: 2 }),
        d: fc.array(fc.integer({ min: 1, max: 2 }), { minLength: 2, maxLength: 2 }),
        p: fc.array(fc.integer({ min: 0, max: 1 }), { minLength: 4, maxLength: 4 }),
        bias: fc.boolean(),
        seed: fc.integer({ min: 1, max: 999 }),
      })
      .filter((c) =>
        // the pads leave at least one output
        c.size.every(
          (sz, i) =>
            (c.s[i] ?? 1) * (sz - 1) + ((c.k[i] ?? 1) - 1) * (c.d[i] ?? 1) + 1 >
            (c.p[i] ?? 0) + (c.p[i + 2] ?? 0),
        ),
      );
    await fc.assert(
      fc.asyncProperty(arb, async (c) => {
        const x = [1, c.groups * c.cg, ...c.size];
        const w = [c.groups * c.cg, c.mg, ...c.k];
        const options = { groups: c.groups, strides: c.s, dilations: c.d, pads: c.p };
        const { g, feeds } = caseOf(x, w, options, c.bias, c.seed);
        await checkGraph(g, feeds, TOL, [VARIANTS[0] ?? {}]);
      }),
      { numRuns: 25, seed: 29 },
    );
  });

  test('bias + relu join the convTranspose kernel', async () => {
    const g = new Graph();
    const y = g
      .input('x', [1, 2, 4, 4])
      .convTranspose(g.param('w', [2, 3, 3, 3]), g.param('b', [3]), { strides: [2, 2] });
    g.output('y', y.relu());
    const model = await compile(g);
    expect(model.kernels.map((k) => k.kind)).toEqual(['conv']);
    model.dispose();
  });

  test('typed errors', () => {
    const on = (f: (g: Graph) => unknown) => () => f(new Graph());
    const cases: [() => unknown, RegExp][] = [
      [
        on((g) => g.input('x', [1, 2, 3, 3]).convTranspose(g.input('w', [3, 2, 3, 3]))),
        /must have 2 input channels first/,
      ],
      [
        on((g) =>
          g
            .input('x', [1, 2, 3, 3])
            .convTranspose(g.input('w', [2, 2, 3, 3]), null, { outputPadding: [2, 0] }),
        ),
        /outputPadding \[2,0\] needs 2 integers >= 0, each below its stride or dilation/,
      ],
      [
        on((g) =>
          g.input('x', [1, 2, 3, 3]).convTranspose(g.input('w', [2, 2, 3, 3]), null, { pads: [3, 3, 3, 3] }),
        ),
        /remove more than the full output/,
      ],
      [
        on((g) => g.input('x', [1, 3, 3, 3]).convTranspose(g.input('w', [3, 2, 3, 3]), null, { groups: 2 })),
        /groups 2 must divide/,
      ],
      [
        on((g) => g.input('x', [1, 2, 3, 3]).convTranspose(g.input('w', [2, 2, 3, 3]), g.input('b', [3]))),
        /convTranspose: bias must be \[2\]/,
      ],
    ];
    for (const [f, message] of cases) {
      expect(f).toThrow(ShapeError);
      expect(f).toThrow(message);
    }
  });
});
