/**
 * A matmul operand that is a view reaching its source through div/mod (a
 * reshape of a transposed view: attention merging its heads) is copied first,
 * so the matmul runs as tiles instead of the generic loop. Results against the
 * interpreter; affine views (a plain transpose) are still read in place.
 */
import { describe, expect, test } from 'vitest';
import { Graph, compile } from '../../src/index.js';
import { checkGraph, randomData, VARIANTS } from '../support/differential.js';

const tolFor = (k: number) => ({ rtol: 1e-5, atol: 2e-7 * 16 * k });

describe('matmul operands read through div/mod are copied', () => {
  test.each([
    [4, 9, 8, 20],
    [8, 32, 16, 40],
    [2, 5, 3, 7],
  ])('heads %i x rows %i x %i merged, @ [., %i]; and as B, and batched', async (H, S, D, N) => {
    const g = new Graph();
    const o = g.input('o', [H, S, D]);
    const merged = o.transpose([1, 0, 2]).reshape([S, H * D]);
    g.output('a', merged.matmul(g.param('w', [H * D, N])).add(g.param('bias', [N])));
    // the same reshape as B: [S, H·D] read as [H·D, S]'s transpose is affine; as B of x @ merged.T
    // it reads through div/mod along k
    g.output('b', g.input('x', [3, H * D]).matmul(merged.transpose()));
    // batched: [B, H, S, D] -> [B, S, H·D]
    const ob = g.input('ob', [2, H, S, D]);
    g.output(
      'c',
      ob
        .transpose([0, 2, 1, 3])
        .reshape([2, S, H * D])
        .matmul(g.input('v', [H * D, N])),
    );
    await checkGraph(
      g,
      {
        o: randomData('f32', H * S * D, 1),
        w: randomData('f32', H * D * N, 2),
        bias: randomData('f32', N, 3),
        x: randomData('f32', 3 * H * D, 4),
        ob: randomData('f32', 2 * H * S * D, 5),
        v: randomData('f32', H * D * N, 6),
      },
      tolFor(H * D),
      [...VARIANTS, { debugPoison: true }],
    );
  });

  test('the merged heads are copied once and every matmul takes the tiles', async () => {
    const g = new Graph();
    const merged = g.input('o', [8, 16, 8]).transpose([1, 0, 2]).reshape([16, 64]);
    g.output('y', merged.matmul(g.param('w', [64, 32])));
    // a plain transpose is affine: read in place, no copy
    g.output(
      't',
      g
        .input('p', [64, 16])
        .transpose()
        .matmul(g.param('u', [64, 24])),
    );
    const model = await compile(g);
    expect(model.kernels.map((k) => [k.kind, k.vectorMode])).toEqual([
      ['copy', 'scalar'],
      ['matmul', 'matmul-tiled'],
      ['matmul', 'matmul-tiled'],
    ]);
  });
});
