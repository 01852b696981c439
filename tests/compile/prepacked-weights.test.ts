/**
 * Matmuls whose B is a param or a constant read B from a copy packed once
 * (the module's `pack` export), not per run: results against the interpreter
 * over the tile and block edges, and the runtime's duty to re-pack whenever
 * params may have changed (setParams, a param view, load with saved params).
 */
import { describe, expect, test } from 'vitest';
import { Graph, compile, interpret, load, type TypedArray } from '../../src/index.js';
import { checkGraph, expectClose, randomData, VARIANTS } from '../support/differential.js';

const tolFor = (k: number) => ({ rtol: 1e-5, atol: 2e-7 * 16 * k });

describe('matmul with a param or constant B, packed once', () => {
  // strips of 8 and a last strip padded with zero columns (fewer than 8 columns: that strip
  // alone; 4 leftover columns of w: a 4-column tile in place), several k- and n-blocks, row tails
  const cases: [number, number, number][] = [
    [8, 8, 1],
    [9, 17, 33],
    [12, 7, 20],
    [11, 300, 600],
    [13, 524, 257],
    // the last n-block narrower than a strip: only the padded strip
    [9, 260, 40],
    [128, 64, 784],
  ];
  test.each(cases)('M=%i N=%i K=%i: param B, constant B, param w.T, with epilogues', async (M, N, K) => {
    const g = new Graph();
    const x = g.input('x', [M, K]);
    const w = g.param('w', [K, N]);
    const wt = g.param('wt', [N, K]);
    const c = g.constant(randomData('f32', K * N, 4) as Float32Array, [K, N]);
    g.output(
      'y',
      x
        .matmul(w)
        .add(g.param('bias', [N]))
        .relu(),
    );
    g.output('yt', x.matmul(wt.transpose()));
    g.output('yc', x.matmul(c).mul(0.5));
    await checkGraph(
      g,
      {
        x: randomData('f32', M * K, 1),
        w: randomData('f32', K * N, 2),
        wt: randomData('f32', N * K, 3),
        bias: randomData('f32', N, 5),
      },
      tolFor(K),
      [...VARIANTS, { debugPoison: true }],
    );
  });

  test('a batched A over a shared param B is packed once; a B per batch is packed per run', async () => {
    const [batch, M, K, N] = [3, 16, 300, 40];
    const g = new Graph();
    const a = g.input('a', [batch, M, K]);
    g.output('shared', a.matmul(g.param('w', [K, N])));
    g.output('per', a.matmul(g.param('wb', [batch, K, N])));
    const feeds = {
      a: randomData('f32', batch * M * K, 1),
      w: randomData('f32', K * N, 2),
      wb: randomData('f32', batch * K * N, 3),
    };
    await checkGraph(g, feeds, tolFor(K), [...VARIANTS, { debugPoison: true }]);
    const model = await compile(g);
    const own = model.plan.buffers.filter((b) => /\.(packed|scratch)$/.test(b.name));
    expect(own.map((b) => [b.name.replace(/^k\d+_\w+?\./, ''), b.kind])).toEqual([
      ['packed', 'param'],
      ['scratch', 'temp'],
    ]);
  });

  test('the packed copy sits with the params, sized to the strips of B (the last padded), read until its kernel', async () => {
    const g = new Graph();
    const h = g.input('x', [16, 300]).matmul(g.param('w', [300, 46]));
    g.output('y', h.matmul(g.constant(randomData('f32', 46 * 20, 3) as Float32Array, [46, 20])));
    const model = await compile(g);
    const packed = model.plan.buffers.filter((b) => b.name.endsWith('.packed'));
    expect(packed).toEqual([
      // 20 columns: 2 strips of 8 (the last 4 columns take a 4-column tile in place), all 46 rows of k
      expect.objectContaining({ kind: 'const', bytes: 16 * 46 * 4, firstUse: 0, lastUse: 1 }),
      // 46 columns: 5 strips and the last 6 columns padded to a sixth, all 300 rows
      expect.objectContaining({ kind: 'param', bytes: 48 * 300 * 4, firstUse: 0, lastUse: 0 }),
    ]);
    // no per-run scratch, and nothing in the arena for it
    expect(model.plan.buffers.some((b) => b.name.endsWith('.scratch'))).toBe(false);
    expect(packed.every((b) => b.offset + b.bytes <= model.plan.memoryBytes - model.plan.arenaBytes)).toBe(
      true,
    );
  });
});

describe('the runtime re-packs whenever params may have changed', () => {
  const [M, K, N] = [12, 40, 24];
  function graph(): Graph {
    const g = new Graph();
    g.output('y', g.input('x', [M, K]).matmul(g.param('w', [K, N])));
    return g;
  }
  const x = randomData('f32', M * K, 1);
  const w1 = randomData('f32', K * N, 2) as Float32Array;
  const w2 = randomData('f32', K * N, 3) as Float32Array;
  const want = (w: Float32Array): TypedArray => interpret(graph(), { x, w }).y as TypedArray;

  test('setParams, run, setParams again, run', async () => {
    const model = await compile(graph());
    model.setParams({ w: w1 });
    expectClose(model.run({ x }).y!, want(w1), tolFor(K));
    model.setParams({ w: w2 });
    expectClose(model.run({ x }).y!, want(w2), tolFor(K));
  });

  test('a param written through its view between executes', async () => {
    const model = await compile(graph());
    (model.view('x') as Float32Array).set(x);
    const view = model.view('w') as Float32Array;
    view.set(w1);
    model.execute();
    expectClose(Float32Array.from(model.view('y')), want(w1), tolFor(K));
    view.set(w2);
    model.execute();
    expectClose(Float32Array.from(model.view('y')), want(w2), tolFor(K));
    // setParams after a view was handed out still re-packs
    model.setParams({ w: w1 });
    expectClose(model.run({ x }).y!, want(w1), tolFor(K));
  });

  test('load() of a module saved with its params, then new params', async () => {
    const model = await compile(graph());
    model.setParams({ w: w1 });
    const loaded = await load(model.save({ params: true }));
    expectClose(loaded.run({ x }).y!, want(w1), tolFor(K));
    loaded.setParams({ w: w2 });
    expectClose(loaded.run({ x }).y!, want(w2), tolFor(K));
  });
});
