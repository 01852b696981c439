/**
 * A batched A over a shared B whose rows continue from batch to batch
 * (x[b, s, d] @ w[d, n], x and the result contiguous) runs as one matmul of
 * b·s rows: full tiles and packing where each batch alone has too few rows.
 * Results against the interpreter, with epilogues that move with the rows and
 * ones that must keep the batch apart (those are not folded).
 */
import { describe, expect, test } from 'vitest';
import { Graph, compile } from '../../src/index.js';
import { checkGraph, randomData, VARIANTS } from '../support/differential.js';

const tolFor = (k: number) => ({ rtol: 1e-5, atol: 2e-7 * 16 * k });
const scratchOf = async (g: Graph): Promise<string[]> =>
  (await compile(g)).plan.buffers.filter((b) => /\.(packed|scratch)$/.test(b.name)).map((b) => b.name);

describe('batch folded into the rows of a shared-B matmul', () => {
  test.each([
    [8, 3, 64, 24],
    [5, 1, 40, 17],
    [2, 7, 300, 33],
    [3, 2, 20, 8],
  ])('%i batches of %i rows, K=%i N=%i: bias and residual epilogues', async (batch, S, K, N) => {
    const g = new Graph();
    const x = g.input('x', [batch, S, K]);
    const w = g.input('w', [K, N]);
    const r = g.input('r', [batch, S, N]);
    g.output('plain', x.matmul(w));
    // a residual indexed by (b, s, n) moves with the folded rows
    g.output(
      'fused',
      x
        .matmul(w)
        .add(g.input('bias', [N]))
        .add(r)
        .relu(),
    );
    g.output('param', x.matmul(g.param('p', [K, N])));
    await checkGraph(
      g,
      {
        x: randomData('f32', batch * S * K, 1),
        w: randomData('f32', K * N, 2),
        r: randomData('f32', batch * S * N, 3),
        bias: randomData('f32', N, 4),
        p: randomData('f32', K * N, 5),
      },
      tolFor(K),
      [...VARIANTS, { debugPoison: true }],
    );
  });

  test('8 batches of 3 rows pack B like one matmul of 24 rows', async () => {
    const g = new Graph();
    g.output('y', g.input('x', [8, 3, 64]).matmul(g.input('w', [64, 24])));
    // 3 rows alone read B in place (no scratch); 24 rows pack it
    expect(await scratchOf(g)).toEqual(['k0_matmul.scratch']);
    const one = new Graph();
    one.output('y', one.input('x', [3, 64]).matmul(one.input('w', [64, 24])));
    expect(await scratchOf(one)).toEqual([]);
  });

  test('rows that do not continue across batches stay batched, and stay right', async () => {
    const [batch, S, K, N] = [6, 3, 48, 16];
    const g = new Graph();
    // a slice: batch b's rows end one row before batch b + 1's begin
    const x = g.input('x', [batch, S + 1, K]).slice([
      [0, batch],
      [0, S],
      [0, K],
    ]);
    const w = g.input('w', [K, N]);
    g.output('sliced', x.matmul(w));
    // an epilogue broadcast along the batch but not the rows (a position table) cannot fold
    const pos = g.input('pos', [S, N]);
    g.output('withPos', g.input('x2', [batch, S, K]).matmul(w).add(pos));
    await checkGraph(
      g,
      {
        x: randomData('f32', batch * (S + 1) * K, 1),
        x2: randomData('f32', batch * S * K, 2),
        w: randomData('f32', K * N, 3),
        pos: randomData('f32', S * N, 4),
      },
      tolFor(K),
      [...VARIANTS, { debugPoison: true }],
    );
    expect(await scratchOf(g)).toEqual([]);
  });
});
