/**
 * Matmuls that pack B per run with few rows (at most MAX_BLOCK_SPLIT_ROWS)
 * and many columns (MIN_SPLIT_UNITS half blocks or more) split among
 * threads over their n-blocks in half blocks (passes/kernel-range.ts), so
 * each thread packs only its own columns of B: with threads on they give
 * the 1-thread bits and agree with the interpreter — an input B with a last
 * narrow block, exactly 16 units, a stem-like conv (im2col copy, bias,
 * relu) — on 2 and 3 threads; the kernel called over any two or three
 * pieces of its range (cut inside whole blocks and inside the last one)
 * gives the bits of one call; one row more than the limit, or too few
 * columns, and the split stays by rows.
 */
import { describe, expect, test } from 'vitest';
import { Graph, compile } from '../../src/index.js';
import { BLOCK_SPLIT_UNIT, MAX_BLOCK_SPLIT_ROWS, MIN_SPLIT_UNITS } from '../../src/passes/kernel-range.js';
import { BLOCK_N, TILE_ROWS } from '../../src/passes/matmul-shape.js';
import { bitsOf } from '../support/differential.js';
import {
  disposedAfterAll,
  sineData as data,
  testThreadedBits,
  type NamedCase,
} from '../support/thread-differential.js';

interface Case extends NamedCase {
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
    units: Math.ceil(n / BLOCK_SPLIT_UNIT),
  };
}

function cases(): Case[] {
  const n = MIN_SPLIT_UNITS * BLOCK_SPLIT_UNIT;
  const out = [
    product(45, 37, n + 93, 1),
    product(MAX_BLOCK_SPLIT_ROWS, 19, n, 2),
    product(9, 300, n + 3, 3),
  ];
  {
    // a stem conv over an odd image: 66 × 65 = 4290 output pixels, 34 half blocks
    const g = new Graph();
    const x = g.input('x', [1, 3, 131, 129]);
    const w = g.constant(data(16 * 3 * 7 * 7, 5), [16, 3, 7, 7]);
    const y = x.conv(w, g.constant(data(16, 6), [16]), { strides: [2, 2], pads: [3, 3, 3, 3] }).relu();
    g.output('y', y);
    out.push({
      name: 'stem conv (im2col copy, bias, relu)',
      graph: g,
      feeds: { x: data(3 * 131 * 129, 7) },
      units: Math.ceil((66 * 65) / BLOCK_SPLIT_UNIT),
    });
  }
  return out;
}

const models = disposedAfterAll();

describe('matmuls packing B per run, split by n-blocks', () => {
  testThreadedBits(cases(), models, 1e-3, (many, c) => {
    const matmul = many.kernels.find((k) => k.kind === 'matmul');
    expect(matmul?.split).toBe(true);
    expect(matmul?.units).toBe(c.units);
    expect(matmul?.vectorMode).toBe('matmul-tiled');
  });

  test('the kernel over any two or three pieces of its range gives the bits of one call', async () => {
    // 7 whole blocks and a last one of 201 columns (more than half a block): 16 units
    const c = product(45, 37, 7 * BLOCK_N + 201, 8);
    const model = await compile(c.graph);
    models.push(model);
    const info = model.kernels.find((k) => k.kind === 'matmul')!;
    expect(info.units).toBe(16);
    const want = model.run(c.feeds).c!;
    const exports = (
      model as unknown as { instanceExports(why: string): Record<string, unknown> }
    ).instanceExports('test');
    const kernel = exports[info.name] as (start: number, end: number) => void;
    const out = model.view('c') as Float32Array;
    const units = info.units;
    const cuts: number[][] = [];
    for (let a = 1; a < units; a++) {
      cuts.push([a]);
      for (let b = a + 1; b < units; b++) cuts.push([a, b]);
    }
    for (const cut of cuts) {
      out.fill(Number.NaN);
      const bounds = [0, ...cut, units];
      for (let i = 0; i + 1 < bounds.length; i++) kernel(bounds[i]!, bounds[i + 1]!);
      // bytes compared at once (120 cuts of 90K values: an element-wise toEqual takes minutes)
      const same = Buffer.from(out.buffer, out.byteOffset, out.byteLength).equals(
        Buffer.from(want.buffer, want.byteOffset, want.byteLength),
      );
      if (!same) expect(bitsOf(out), `pieces ${bounds.join(' ')}`).toEqual(bitsOf(want));
    }
  }, 120_000);

  test('one row more than the limit, or one unit fewer: split by row tiles', async () => {
    const n = MIN_SPLIT_UNITS * BLOCK_SPLIT_UNIT;
    for (const [c, units] of [
      [product(MAX_BLOCK_SPLIT_ROWS + 1, 19, n, 4), Math.ceil((MAX_BLOCK_SPLIT_ROWS + 1) / TILE_ROWS)],
      [product(45, 19, n - BLOCK_SPLIT_UNIT, 5), Math.ceil(45 / TILE_ROWS)],
    ] as const) {
      const model = await compile(c.graph, { threads: 2, threadMinWork: 0 });
      models.push(model);
      const matmul = model.kernels.find((k) => k.kind === 'matmul');
      expect(matmul?.split).toBe(true);
      expect(matmul?.units).toBe(units);
    }
  }, 60_000);
});
