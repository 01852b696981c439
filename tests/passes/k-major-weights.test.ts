/**
 * kMajorWeights (k-major-weights.ts): a matmul's constant left operand is
 * stored transposed and read through a transpose view. The pass keeps every
 * value (compiled results equal the interpreter's on the original graph) and
 * leaves alone what it must: A of fewer rows than a tile, a non-constant A.
 */
import { describe, expect, test } from 'vitest';
import { Graph } from '../../src/index.js';
import { topoSort, type Node } from '../../src/ir/node.js';
import { kMajorWeights } from '../../src/passes/k-major-weights.js';
import { checkGraph, randomData } from '../support/differential.js';

/** y = A · x with A a constant of `aShape` [..., M, K] and x an input [..., K, N]. */
function constantLeft(aShape: readonly number[], n: number): { g: Graph; xShape: number[] } {
  const g = new Graph();
  const size = aShape.reduce((p, d) => p * d, 1);
  const a = g.constant(randomData('f32', size, 7, -1, 1) as Float32Array, [...aShape]);
  const xShape = [...aShape.slice(0, -2), aShape[aShape.length - 1] ?? 0, n];
  g.output('y', a.matmul(g.input('x', xShape)));
  return { g, xShape };
}

function nodesOf(g: Graph): Node[] {
  return topoSort([...g.leaves, ...g.outputs.map(([, n]) => n)]);
}

describe('k-major weights', () => {
  test('the constant holds Aᵀ, read through a transpose view', () => {
    const { g } = constantLeft([5, 3], 2);
    const a = nodesOf(g).find((n) => n.op === 'constant') as Node & { attrs: { data: Float32Array } };
    const out = kMajorWeights(g);
    const stored = nodesOf(out).find((n) => n.op === 'constant') as Node & { attrs: { data: Float32Array } };
    expect(stored.shape).toEqual([3, 5]);
    for (let m = 0; m < 5; m++)
      for (let k = 0; k < 3; k++) expect(stored.attrs.data[k * 5 + m]).toBe(a.attrs.data[m * 3 + k]);
    const view = nodesOf(out).find((n) => n.op === 'transpose');
    expect(view?.inputs[0]).toBe(stored);
    expect(view?.shape).toEqual([5, 3]);
  });

  test('fewer rows than a tile, or a computed A, stay as they are', () => {
    expect(nodesOf(kMajorWeights(constantLeft([3, 8], 4).g)).some((n) => n.op === 'transpose')).toBe(false);
    const g = new Graph();
    g.output('y', g.input('a', [8, 6]).matmul(g.input('x', [6, 4])));
    expect(nodesOf(kMajorWeights(g)).some((n) => n.op === 'transpose')).toBe(false);
  });

  test.each([
    [[4, 2], 3],
    [[9, 13], 17],
    [[16, 37], 10],
    [[2, 6, 5], 7],
    [[3, 12, 9], 33],
  ])('A %j · x of %i columns compiles to what the interpreter gives', async (aShape, n) => {
    const { g, xShape } = constantLeft(aShape, n);
    const size = xShape.reduce((p, d) => p * d, 1);
    await checkGraph(g, { x: randomData('f32', size, 11) }, { rtol: 1e-5, atol: 1e-5 });
  });

  test('grouped and strided convolutions over constant weights agree with the interpreter', async () => {
    const g = new Graph();
    const x = g.input('x', [1, 8, 11, 9]);
    const w1 = g.constant(randomData('f32', 12 * 4 * 9, 3, -0.5, 0.5) as Float32Array, [12, 4, 3, 3]);
    const w2 = g.constant(randomData('f32', 10 * 12, 4, -0.5, 0.5) as Float32Array, [10, 12, 1, 1]);
    const h = x.conv(w1, null, { groups: 2, strides: [2, 1], pads: [1, 1, 1, 1] }).relu();
    g.output('y', h.conv(w2));
    await checkGraph(g, { x: randomData('f32', 8 * 11 * 9, 12) }, { rtol: 1e-4, atol: 1e-5 });
  });
});
