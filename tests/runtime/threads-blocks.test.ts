/**
 * Matmuls that pack B per run with few rows (at most MAX_BLOCK_SPLIT_ROWS)
 * and many n-blocks (MIN_SPLIT_BLOCKS or more) split among threads by whole
 * n-blocks (passes/kernel-range.ts), so each thread packs only its own
 * columns of B: with threads on they give the 1-thread bits and agree with
 * the interpreter — an input B with a last narrow block, exactly 16 blocks,
 * a stem-like conv (im2col copy, bias, relu) — on 2 and 3 threads; one row
 * more than the limit, or too few blocks, and the split stays by rows.
 */
import { afterAll, describe, expect, test } from 'vitest';
import { Graph, compile, interpret, type CompiledModel } from '../../src/index.js';
import { MAX_BLOCK_SPLIT_ROWS, MIN_SPLIT_BLOCKS } from '../../src/passes/kernel-range.js';
import { BLOCK_N, TILE_ROWS } from '../../src/passes/matmul-shape.js';
import { bitsOf, expectClose } from '../support/differential.js';

function data(size: number, seed: number): Float32Array {
  return Float32Array.from({ length: size }, (_, i) => Math.sin(i * 0.37 + seed));
}

interface Case {
  readonly name: string;
  readonly graph: Graph;
  readonly feeds: Record<string, Float32Array>;
  /** The matmul's range units: n-blocks, or row tiles. */
  readonly units: number;
}

function product(m: number, k: number, n: number, seed: number): Case {
  const g = new Graph();
  const a = g.input('a', [m, k]);
  const b = g.input('b', [k, n]);
  g.output('c', a.matmul(b).add(0.25).relu());
  return {
    name: `${m}x${k} @ ${k}x${n} (B an input)`,
    graph: g,
    feeds: { a: data(m * k, seed), b: data(k * n, seed + 1) },
    units: Math.ceil(n / BLOCK_N),
  };
}

function cases(): Case[] {
  const n = MIN_SPLIT_BLOCKS * BLOCK_N;
  const out = [
    product(45, 37, n + 93, 1),
    product(MAX_BLOCK_SPLIT_ROWS, 19, n, 2),
    product(9, 300, n + 3, 3),
  ];
  {
    // a stem conv over an odd image: 66 × 65 = 4290 output pixels, 17 blocks
    const g = new Graph();
    const x = g.input('x', [1, 3, 131, 129]);
    const w = g.constant(data(16 * 3 * 7 * 7, 5), [16, 3, 7, 7]);
    const y = x.conv(w, g.constant(data(16, 6), [16]), { strides: [2, 2], pads: [3, 3, 3, 3] }).relu();
    g.output('y', y);
    out.push({
      name: 'stem conv (im2col copy, bias, relu)',
      graph: g,
      feeds: { x: data(3 * 131 * 129, 7) },
      units: Math.ceil((66 * 65) / BLOCK_N),
    });
  }
  return out;
}

const models: CompiledModel[] = [];
afterAll(() => models.forEach((m) => m.dispose()));

describe('matmuls packing B per run, split by n-blocks', () => {
  test.each(cases().map((c) => [c.name, c] as const))(
    '%s: threads 2 and 3 give the 1-thread bits and agree with the interpreter',
    async (_, c) => {
      const one = await compile(c.graph);
      models.push(one);
      const want = one.run(c.feeds);
      const expected = interpret(c.graph, c.feeds);
      for (const threads of [2, 3]) {
        const many = await compile(c.graph, { threads, threadMinWork: 0 });
        models.push(many);
        const matmul = many.kernels.find((k) => k.kind === 'matmul');
        expect(matmul?.split).toBe(true);
        expect(matmul?.units).toBe(c.units);
        expect(matmul?.vectorMode).toBe('matmul-tiled');
        for (let run = 0; run < 2; run++) {
          const got = many.run(c.feeds);
          for (const name of Object.keys(want)) {
            expect(bitsOf(got[name]), name).toEqual(bitsOf(want[name]));
            expectClose(got[name]!, expected[name]!, { atol: 1e-3, rtol: 1e-3 }, name);
          }
        }
      }
    },
    120_000,
  );

  test('one row more than the limit, or one block fewer: split by row tiles', async () => {
    const n = MIN_SPLIT_BLOCKS * BLOCK_N;
    for (const [c, units] of [
      [product(MAX_BLOCK_SPLIT_ROWS + 1, 19, n, 4), Math.ceil((MAX_BLOCK_SPLIT_ROWS + 1) / TILE_ROWS)],
      [product(45, 19, n - BLOCK_N, 5), Math.ceil(45 / TILE_ROWS)],
    ] as const) {
      const model = await compile(c.graph, { threads: 2, threadMinWork: 0 });
      models.push(model);
      const matmul = model.kernels.find((k) => k.kind === 'matmul');
      expect(matmul?.split).toBe(true);
      expect(matmul?.units).toBe(units);
    }
  }, 60_000);
});
