/**
 * A small CNN end to end through the public API (conv, batchNorm, relu,
 * maxPool, a residual block, a depthwise conv, avgPool, globalAvgPool, a dense
 * head) against the interpreter under every compile variant, with weights as
 * params and as constants; and a conv reading a view and a computed value.
 */
import { describe, expect, test } from 'vitest';
import { Graph, compile } from '../../src/index.js';
import { checkGraph, randomData } from '../support/differential.js';

const TOL = { rtol: 1e-4, atol: 1e-4 };
const size = (s: number[]) => s.reduce((a, b) => a * b, 1);

function cnn(weights: 'param' | 'constant') {
  const g = new Graph();
  const feeds: Record<string, Float32Array> = {
    x: randomData('f32', size([2, 3, 13, 11]), 1) as Float32Array,
  };
  let seed = 2;
  const weight = (name: string, shape: number[], lo = -0.5, hi = 0.5) => {
    const data = randomData('f32', size(shape), seed++, lo, hi) as Float32Array;
    if (weights === 'constant') return g.constant(data, shape);
    feeds[name] = data;
    return g.param(name, shape);
  };
  const bn = (name: string, c: number) =>
    [
      weight(`${name}s`, [c], 0.5, 1.5),
      weight(`${name}b`, [c]),
      weight(`${name}m`, [c]),
      weight(`${name}v`, [c], 0.5, 2),
    ] as const;
  const x = g.input('x', [2, 3, 13, 11]);
  let h = x.conv(weight('w1', [8, 3, 3, 3]), weight('b1', [8]), { pads: [1, 1, 1, 1] });
  h = h.batchNorm(...bn('bn1', 8)).relu();
  h = h.maxPool([2, 2], { strides: [2, 2], ceilMode: true });
  // residual block
  const r = h
    .conv(weight('w2', [8, 8, 3, 3]), null, { autoPad: 'SAME_UPPER' })
    .batchNorm(...bn('bn2', 8))
    .relu();
  h = r
    .conv(weight('w3', [8, 1, 3, 3]), weight('b3', [8]), { groups: 8, pads: [1, 1, 1, 1] })
    .add(h)
    .relu();
  h = h.avgPool([3, 3], { strides: [2, 2], pads: [1, 1, 1, 1] });
  const pooled = h.globalAvgPool().flatten(1);
  g.output('logits', pooled.matmul(weight('wd', [8, 5])).add(weight('bd', [5])));
  g.output('features', h);
  return { g, feeds };
}

describe('a small CNN', () => {
  test.each(['param', 'constant'] as const)('weights as %s', async (kind) => {
    const { g, feeds } = cnn(kind);
    await checkGraph(g, feeds, TOL);
  });

  test('with constant weights every conv block is one kernel', async () => {
    const { g } = cnn('constant');
    const model = await compile(g);
    const kinds = model.kernels.map((k) => k.kind);
    // the two wide convs are a matmul packing its windows from x (implicit GEMM: bias, batchNorm
    // and relu in its store), the depthwise one a direct conv (its residual add and relu in its
    // store), and the dense head
    expect(kinds.filter((k) => k === 'matmul')).toHaveLength(3);
    expect(kinds.filter((k) => k === 'conv')).toHaveLength(1);
    expect(kinds.filter((k) => k === 'elementwise')).toHaveLength(0);
    const windows = model.kernels.filter((k) => k.kind === 'matmul' && k.name.includes('_unfold_'));
    expect(windows.map((k) => k.vectorMode)).toEqual(['matmul-tiled', 'matmul-tiled']);
    model.dispose();
  });

  test('conv reads a transposed view and a computed value', async () => {
    const g = new Graph();
    const x = g.input('x', [1, 2, 7, 5]);
    const w = g.input('w', [3, 2, 2, 3]);
    g.output(
      'y',
      x
        .exp()
        .transpose([0, 1, 3, 2])
        .conv(w, null, { pads: [0, 1, 1, 0], strides: [2, 1] }),
    );
    await checkGraph(g, { x: randomData('f32', 70, 3, -1, 1), w: randomData('f32', 36, 4) }, TOL);
  });
});
