/**
 * Row-local values: an intermediate only its own row kernel reads is stored
 * one row at a time. Asserted on the plan (bytes of the temp), and every graph
 * compiled and compared with the interpreter, poisoned too (a row read before
 * this row wrote it would read NaN).
 */
import { describe, expect, test } from 'vitest';
import { Graph, planGraph } from '../../src/index.js';
import { checkGraph, randomData, VARIANTS } from '../support/differential.js';

const WITH_POISON = [...VARIANTS, { debugPoison: true }];

/** Bytes of the temps in the plan, by kernel name (the temp's name). */
function tempBytes(g: Graph): number[] {
  return planGraph(g)
    .memory.plan.buffers.filter((b) => b.kind === 'temp')
    .map((b) => b.bytes);
}

describe('row-local values', () => {
  test("softmax stores exp(x - max) one row at a time, and says so in ir('fused') notes", async () => {
    const g = new Graph();
    g.output('y', g.input('x', [3, 5, 7]).softmax(-1));
    // one row of 7 f32 instead of 3 x 5 x 7
    expect(tempBytes(g)).toEqual([7 * 4]);
    const planned = planGraph(g);
    expect(planned.notes.some((n) => n.includes('stores its exp one row at a time ([1,1,7])'))).toBe(true);
    await checkGraph(g, { x: randomData('f32', 105, 1) }, { rtol: 1e-5, atol: 1e-7 }, WITH_POISON);
  });

  test('layerNorm over the last two axes keeps a row of both', async () => {
    const g = new Graph();
    const x = g.input('x', [4, 3, 6]);
    const centered = x.sub(x.mean([1, 2], true));
    g.output('y', centered.mul(centered.mul(centered).mean([1, 2], true).add(1e-5).rsqrt()));
    expect(tempBytes(g)).toEqual([3 * 6 * 4]);
    await checkGraph(g, { x: randomData('f32', 72, 2) }, { rtol: 1e-4, atol: 1e-6 }, WITH_POISON);
  });

  test('a value read by another kernel or returned is stored whole', async () => {
    const g = new Graph();
    const x = g.input('x', [4, 8]);
    const e = x.sub(x.max(-1, true)).exp();
    const s = e.div(e.sum(-1, true));
    // e is also read by a later kernel (a reduction over the other axis): it needs every row
    g.output('y', s);
    g.output('col', e.sum(0));
    const buffers = planGraph(g).memory.plan.buffers;
    expect(buffers.filter((b) => b.kind === 'temp').map((b) => b.bytes)).not.toContain(8 * 4);
    await checkGraph(g, { x: randomData('f32', 32, 3) }, { rtol: 1e-5, atol: 1e-7 }, WITH_POISON);
    const h = new Graph();
    const hx = h.input('x', [4, 8]);
    const he = hx.sub(hx.max(-1, true)).exp();
    h.output('e', he);
    h.output('y', he.div(he.sum(-1, true)));
    expect(tempBytes(h)).toEqual([]);
    await checkGraph(h, { x: randomData('f32', 32, 4) }, { rtol: 1e-5, atol: 1e-7 }, WITH_POISON);
  });

  test('fuse: false keeps every value whole', () => {
    const g = new Graph();
    g.output('y', g.input('x', [3, 5]).softmax(-1));
    const sizes = planGraph(g, { fuse: false }).memory.plan.buffers.filter((b) => b.kind === 'temp');
    expect(sizes.every((b) => b.bytes >= 3 * 4)).toBe(true);
    expect(sizes.some((b) => b.bytes === 3 * 5 * 4)).toBe(true);
  });
});
