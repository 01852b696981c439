/**
 * Fusion, asserted by kernel counts (structure says more than text here), each
 * graph also compiled and compared with the interpreter.
 */
import { describe, expect, test } from 'vitest';
import { Graph, planGraph } from '../../src/index.js';
import { checkGraph, randomData } from '../support/differential.js';

const kernelsOf = (g: Graph, fuse = true): number => planGraph(g, { fuse }).schedule.kernels.length;

describe('fusion', () => {
  test('relu(x*a+b)*sigmoid(x) is one kernel', async () => {
    const g = new Graph();
    const x = g.input('x', [37]);
    const a = g.input('a', [37]);
    const b = g.input('b', [37]);
    g.output('y', x.mul(a).add(b).relu().mul(x.sigmoid()));
    expect(kernelsOf(g)).toBe(1);
    expect(kernelsOf(g, false)).toBe(5);
    await checkGraph(
      g,
      { x: randomData('f32', 37, 1), a: randomData('f32', 37, 2), b: randomData('f32', 37, 3) },
      { rtol: 2e-5 },
    );
  });

  test('a 30-op elementwise chain is one kernel', async () => {
    const g = new Graph();
    let t = g.input('x', [1000]);
    for (let i = 0; i < 30; i++) t = i % 2 === 0 ? t.add(0.5 + i) : t.mul(0.99);
    g.output('y', t);
    expect(kernelsOf(g)).toBe(1);
    await checkGraph(g, { x: randomData('f32', 1000, 4) }, { rtol: 1e-5 });
  });

  test('transpose + add is one kernel (no copy)', async () => {
    const g = new Graph();
    const x = g.input('x', [16, 9]);
    const y = g.input('y', [9, 16]);
    g.output('z', x.transpose().add(y));
    expect(kernelsOf(g)).toBe(1);
    await checkGraph(g, { x: randomData('f32', 144, 5), y: randomData('f32', 144, 6) });
  });

  test('square().sum(-1) is one kernel', async () => {
    const g = new Graph();
    g.output('s', g.input('x', [8, 33]).square().sum(-1));
    expect(kernelsOf(g)).toBe(1);
    await checkGraph(g, { x: randomData('f32', 264, 7) }, { rtol: 1e-5 });
  });

  test('duplicated subexpressions are computed once', () => {
    const g = new Graph();
    const x = g.input('x', [64]);
    g.output('y', x.exp().add(x.exp()));
    const planned = planGraph(g);
    const exps = planned.schedule.kernels.flatMap((k) => k.covers).filter((n) => n.op === 'exp');
    expect(exps).toHaveLength(1);
  });

  test('a producer read through a broadcast is stored, not recomputed', () => {
    const g = new Graph();
    const v = g.input('v', [100]).exp();
    g.output(
      'y',
      v
        .reshape([1, 100])
        .expand([100, 100])
        .add(g.input('m', [100, 100])),
    );
    expect(kernelsOf(g)).toBe(2);
  });

  test('fuse: false keeps one kernel per op', () => {
    const g = new Graph();
    g.output('y', g.input('x', [4]).mul(2).add(1).relu());
    expect(kernelsOf(g, false)).toBe(3);
  });

  test('dense + bias + relu is one kernel', async () => {
    const g = new Graph();
    const x = g.input('x', [6, 20]);
    const w = g.param('w', [20, 11]);
    const b = g.param('b', [11]);
    g.output('y', x.matmul(w).add(b).relu());
    expect(kernelsOf(g)).toBe(1);
    await checkGraph(
      g,
      { x: randomData('f32', 120, 1), w: randomData('f32', 220, 2), b: randomData('f32', 11, 3) },
      { rtol: 1e-5, atol: 1e-5 },
    );
  });

  test('a matmul with a residual add is one kernel', async () => {
    const g = new Graph();
    const x = g.input('x', [9, 16]);
    const w = g.param('w', [16, 16]);
    g.output('y', x.add(x.matmul(w)));
    expect(kernelsOf(g)).toBe(1);
    await checkGraph(
      g,
      { x: randomData('f32', 144, 4), w: randomData('f32', 256, 5) },
      { rtol: 1e-5, atol: 1e-5 },
    );
  });

  test('an epilogue that reads across n (transposed residual) still computes correctly', async () => {
    const g = new Graph();
    const x = g.input('x', [12, 12]);
    const w = g.param('w', [12, 12]);
    g.output(
      'y',
      x
        .matmul(w)
        .add(x.transpose())
        .mul(x.slice([null, [null, null, -1]])),
    );
    await checkGraph(
      g,
      { x: randomData('f32', 144, 11), w: randomData('f32', 144, 12) },
      { rtol: 1e-5, atol: 1e-5 },
    );
  });

  test('softmax is at most two kernels (one here: a fused row kernel)', async () => {
    const g = new Graph();
    g.output('y', g.input('x', [7, 33]).softmax(-1));
    expect(kernelsOf(g)).toBeLessThanOrEqual(2);
    expect(kernelsOf(g)).toBe(1);
    await checkGraph(g, { x: randomData('f32', 231, 6) }, { rtol: 2e-5, atol: 1e-6 });
  });

  test('layerNorm with weight and bias is at most two kernels (one here)', async () => {
    const g = new Graph();
    const x = g.input('x', [5, 2, 24]);
    g.output('y', x.layerNorm(g.param('w', [24]), g.param('b', [24])));
    expect(kernelsOf(g)).toBeLessThanOrEqual(2);
    expect(kernelsOf(g)).toBe(1);
    await checkGraph(
      g,
      { x: randomData('f32', 240, 7), w: randomData('f32', 24, 8), b: randomData('f32', 24, 9) },
      { rtol: 2e-5, atol: 2e-6 },
    );
  });

  test('per-row values live in slots, not buffers', () => {
    const g = new Graph();
    g.output('y', g.input('x', [8, 16]).softmax(-1));
    const planned = planGraph(g);
    // the row max and sum never reach memory; only exp(x - max) (read twice) and the output do
    expect(planned.schedule.values.filter((n) => n.op === 'max' || n.op === 'sum')).toHaveLength(0);
  });

  test('rows do not merge across a transposed read', async () => {
    const g = new Graph();
    const x = g.input('x', [8, 8]);
    const m = x.max(-1, true);
    g.output('y', x.sub(m).transpose().sub(m));
    await checkGraph(g, { x: randomData('f32', 64, 10) });
    expect(planGraph(g).notes.join('\n')).toMatch(/did not join/);
  });

  test('ir("fused") lists every merge', async () => {
    const g = new Graph();
    g.output('y', g.input('x', [4, 8]).softmax(-1));
    const { compile } = await import('../../src/index.js');
    const model = await compile(g);
    expect(model.ir('fused')).toMatch(/merged kernels:\n(.*joined.*\n)+/);
  });
});
