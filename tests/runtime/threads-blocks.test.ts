/**
 * Matmuls that pack B per run with few rows (at most MAX_BLOCK_SPLIT_ROWS)
 * and many columns (MIN_SPLIT_UNITS units or more: half blocks, or halves
 * of those down to 32 columns) split among threads over their n-blocks
 * (passes/kernel-range.ts blockSplitUnit), so each thread packs only its own
 * columns of B: with threads on they give the 1-thread bits and agree with
 * the interpreter — an input B with a last narrow block, exactly 16 units, a
 * stem-like conv (im2col copy, bias, relu), a stride-2 conv to 28x28, units
 * of a quarter and an eighth of a block with a padded last strip or a
 * 4-column tail — on 2 and 3 threads; the kernel called over any two or
 * three pieces of its range (cut inside whole blocks and inside the last
 * one) gives the bits of one call; one row more than the limit, or too few
 * columns (ResNet-50's 14x14 layers), and the split stays by rows. Since
 * session 14 the same for a conv's windows packed straight from x (implicit
 * GEMM, units of 32 columns, half its 64-column blocks): padded 3x3 convs
 * whose last block is whole, wider or narrower than half a block, with and
 * without a fused epilogue, and the kernel over any two or three pieces.
 * Since session 18 the same for a B packed once before the runs (a param or
 * a constant): each thread reads only its columns of the packed copy.
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

/** a[m, k] @ b[k, n] + 0.25, relu: b an input (packed per run), or with `once` a constant (packed once before the runs). */
function product(m: number, k: number, n: number, seed: number, once = false): Case {
  const g = new Graph();
  const a = g.input('a', [m, k]);
  const b = once ? g.constant(data(k * n, seed + 1), [k, n]) : g.input('b', [k, n]);
  g.output('c', a.matmul(b).add(0.25).relu());
  return {
    name: `${m}x${k} @ ${k}x${n} (B ${once ? 'a constant, packed once' : 'an input'})`,
    graph: g,
    feeds: once ? { a: data(m * k, seed) } : { a: data(m * k, seed), b: data(k * n, seed + 1) },
    units: Math.ceil(n / BLOCK_SPLIT_UNIT),
  };
}

/**
 * B packed once before the runs (a constant), split by n-blocks since
 * session 18: each thread reads only its columns' strips of the packed copy
 * (emit-matmul-pack.ts packedStripAt), pieces starting inside blocks, in a
 * later k-block, and in a last block narrower than the others.
 */
function packedOnceCases(): Case[] {
  const n = MIN_SPLIT_UNITS * BLOCK_SPLIT_UNIT;
  return [
    // 2 k-blocks, 16 whole blocks and a last one of 93 columns (a padded strip)
    product(45, 300, n + 93, 21, true),
    // as W5's layers: 128 rows, 1024 columns (4 whole blocks, 16 units of 64), 2 k-blocks
    { ...product(128, 260, 1024, 22, true), units: 16 },
    // units of a quarter block, a 4-column tail
    { ...product(20, 29, 1100, 23, true), units: 18 },
    // units of 32 columns, 2 k-blocks, the last block 99 columns (3 in a padded strip)
    { ...product(40, 300, 611, 24, true), units: 20 },
  ];
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
  {
    // a stride-2 3x3 conv (its windows stored) to 28x28 = 784 pixels: 25 units of 32 columns
    const g = new Graph();
    const x = g.input('x', [1, 4, 56, 56]);
    const w = g.constant(data(24 * 4 * 9, 8), [24, 4, 3, 3]);
    g.output('y', x.conv(w, g.constant(data(24, 9), [24]), { strides: [2, 2], pads: [1, 1, 1, 1] }).relu());
    out.push({ name: 'stride-2 conv to 28x28', graph: g, feeds: { x: data(4 * 56 * 56, 10) }, units: 25 });
  }
  // units of a quarter block (a 4-column tail), of an eighth (a padded last strip, or a 4-column tail)
  out.push({ ...product(20, 29, 1100, 11), units: 18 });
  out.push({ ...product(40, 33, 611, 12), units: 20 });
  out.push({ ...product(12, 300, 500, 13), units: 16 });
  return out;
}

/** Columns per unit of a window B's range (half its 64-column block). */
const WINDOW_UNIT = 32;

/**
 * A padded 3x3 conv of `c` channels to `rows` over an h × w image (its
 * windows packed straight from x: implicit GEMM), with bias and relu when
 * `epilogue`.
 */
function windowConv(c: number, rows: number, h: number, w: number, epilogue: boolean, seed: number): Case {
  const g = new Graph();
  const x = g.input('x', [1, c, h, w]);
  const weights = g.constant(data(rows * c * 9, seed), [rows, c, 3, 3]);
  const bias = epilogue ? g.constant(data(rows, seed + 1), [rows]) : null;
  const y = x.conv(weights, bias, { pads: [1, 1, 1, 1] });
  g.output('y', epilogue ? y.relu() : y);
  return {
    name: `3x3 window conv ${c} -> ${rows} over ${h}x${w}${epilogue ? ' (bias, relu)' : ''}`,
    graph: g,
    feeds: { x: data(c * h * w, seed + 2) },
    units: unitsOf(h * w, WINDOW_UNIT),
  };
}

/** Units of a range over `n` columns in the largest of half a block (`half`), halved down to 32 columns, giving MIN_SPLIT_UNITS. */
function unitsOf(n: number, half: number): number {
  let unit = half;
  while (unit > 32 && Math.ceil(n / unit) < MIN_SPLIT_UNITS) unit /= 2;
  return Math.ceil(n / unit);
}

function windowCases(): Case[] {
  return [
    // 1024 columns: 16 whole blocks
    windowConv(4, 8, 32, 32, true, 11),
    // 675 columns: 10 blocks and a last one of 35 columns (more than half a block)
    windowConv(6, 12, 27, 25, false, 12),
    // 784 columns (ResNet-50's 28x28): 12 blocks and a last one of 16 (less than half)
    windowConv(5, 20, 28, 28, true, 13),
  ];
}

const models = disposedAfterAll();

/**
 * Compiles `c` on one thread and calls its matmul kernel over every cut of
 * its range into two or three pieces (after a whole run: each piece then
 * runs on scratch a whole call filled): each cut must give the whole call's
 * bits in output `name`.
 */
async function expectPiecesBits(c: Case, name: string): Promise<void> {
  const model = await compile(c.graph);
  models.push(model);
  const info = model.kernels.find((k) => k.kind === 'matmul')!;
  expect(info.units).toBe(c.units);
  const want = model.run(c.feeds)[name]!;
  const exports = (
    model as unknown as { instanceExports(why: string): Record<string, unknown> }
  ).instanceExports('test');
  const kernel = exports[info.name] as (start: number, end: number) => void;
  const out = model.view(name) as Float32Array;
  const units = info.units;
  for (let a = 1; a < units; a++)
    for (let b = a; b < units; b++) {
      out.fill(Number.NaN);
      const bounds = a === b ? [0, a, units] : [0, a, b, units];
      for (let i = 0; i + 1 < bounds.length; i++) kernel(bounds[i]!, bounds[i + 1]!);
      // bytes compared at once (hundreds of cuts: an element-wise toEqual takes minutes)
      const same = Buffer.from(out.buffer, out.byteOffset, out.byteLength).equals(
        Buffer.from(want.buffer, want.byteOffset, want.byteLength),
      );
      if (!same) expect(bitsOf(out), `pieces ${bounds.join(' ')}`).toEqual(bitsOf(want));
    }
}

describe('convs packing their windows from x per run, split by half n-blocks', () => {
  testThreadedBits(windowCases(), models, 1e-3, (many, c) => {
    // one kernel: the windows are not stored (an im2col copy would be a kernel of its own)
    expect(many.kernels).toHaveLength(1);
    const matmul = many.kernels[0]!;
    expect(matmul.split).toBe(true);
    expect(matmul.units).toBe(c.units);
    expect(matmul.vectorMode).toBe('matmul-tiled');
  });

  test('the window kernel over any two or three pieces of its range gives the bits of one call', () =>
    expectPiecesBits(windowConv(6, 12, 27, 25, true, 14), 'y'));
});

describe('matmuls reading B packed once, split by n-blocks', () => {
  testThreadedBits(packedOnceCases(), models, 1e-3, (many, c) => {
    const matmul = many.kernels.find((k) => k.kind === 'matmul');
    expect([matmul?.split, matmul?.units, matmul?.vectorMode]).toEqual([true, c.units, 'matmul-tiled']);
  });
});

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
    expect(c.units).toBe(16);
    await expectPiecesBits(c, 'c');
  }, 120_000);

  test('units of fewer columns than half a block: any two or three pieces give the bits of one call', async () => {
    // 1100 columns: 18 units of 64 (a quarter block), the last block 76 columns, its last 4 a
    // 4-column tile reading B in place
    await expectPiecesBits({ ...product(20, 29, 1100, 9), units: 18 }, 'c');
    // 611 columns: 20 units of 32, the last 3 columns in a padded strip
    await expectPiecesBits({ ...product(20, 29, 611, 10), units: 20 }, 'c');
    // a window B over 784 columns: 25 units of 32, the last block 16 columns
    await expectPiecesBits(windowConv(5, 12, 28, 28, false, 16), 'y');
  }, 120_000);

  test('B packed once: the kernel over any two or three pieces of its range gives the bits of one call', async () => {
    // 2 k-blocks; 20 units of 32 columns, pieces inside the whole blocks and the last one of 99
    await expectPiecesBits({ ...product(40, 300, 611, 25, true), units: 20 }, 'c');
  }, 120_000);

  test('one row more than the limit, or too few columns for 16 units of 32: split by row tiles', async () => {
    const n = MIN_SPLIT_UNITS * BLOCK_SPLIT_UNIT;
    for (const [c, units] of [
      [product(MAX_BLOCK_SPLIT_ROWS + 1, 19, n, 4), Math.ceil((MAX_BLOCK_SPLIT_ROWS + 1) / TILE_ROWS)],
      [product(45, 19, (MIN_SPLIT_UNITS - 1) * 32, 5), Math.ceil(45 / TILE_ROWS)],
      // ResNet-50's 14x14 layers: 196 columns, 7 units of 32 (single strips would share C's lines)
      [product(12, 300, 196, 6), Math.ceil(12 / TILE_ROWS)],
      [windowConv(7, 16, 14, 14, true, 7), Math.ceil(16 / TILE_ROWS)],
      [product(MAX_BLOCK_SPLIT_ROWS + 1, 19, n, 8, true), Math.ceil((MAX_BLOCK_SPLIT_ROWS + 1) / TILE_ROWS)],
    ] as const) {
      const model = await compile(c.graph, { threads: 2, threadMinWork: 0 });
      models.push(model);
      const matmul = model.kernels.find((k) => k.kind === 'matmul');
      expect(matmul?.split).toBe(true);
      expect(matmul?.units).toBe(units);
    }
  }, 60_000);
});
