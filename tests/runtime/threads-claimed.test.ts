/**
 * Claimed kernels (planner/claim-kernels.ts, the layout in passes/thread-claims.ts): the threads split
 * a kernel's leading units up front and claim its last half chunk by
 * chunk from a shared counter, so which thread computes a chunk changes
 * from run to run. Each unit is still computed by one call over the same
 * tiles, so 2 and 3 threads give the 1-thread bits: an elementwise kernel,
 * a matmul and a 1x1 conv with 1024+ rows packing B per run, a matmul whose
 * B is packed once, a pool, and a softmax and a layerNorm whose row
 * buffers hold a row per thread, over odd sizes; a matmul with fewer rows
 * packing B per run keeps fixed parts.
 */
import { describe, expect, test } from 'vitest';
import { compile, Graph, type KernelInfo } from '../../src/index.js';
import { ControlWord } from '../../src/common/thread-control.js';
import { bitsOf } from '../support/differential.js';
import { claimLayout } from '../../src/passes/thread-claims.js';
import {
  disposedAfterAll,
  sineData as data,
  testThreadedBits,
  type NamedCase,
} from '../support/thread-differential.js';

interface Case extends NamedCase {
  /** Picks the kernel under test. */
  readonly pick: (k: KernelInfo) => boolean;
  /** Its range's units, and whether the threads claim part of it. */
  readonly units: number;
  readonly claimed: boolean;
}

function cases(): Case[] {
  const out: Case[] = [];
  {
    const g = new Graph();
    g.output('y', g.input('x', [37, 53]).mul(1.5).tanh());
    out.push({
      name: 'elementwise, 37 rows',
      graph: g,
      feeds: { x: data(37 * 53, 1) },
      pick: (k) => k.kind === 'elementwise',
      units: 37,
      claimed: true,
    });
  }
  {
    // 1030 rows in 258 tiles, B an input packed per run: each claimed piece packs it again
    const g = new Graph();
    const y = g
      .input('a', [1030, 72])
      .matmul(g.input('b', [72, 45]))
      .add(g.constant(data(45, 3), [45]))
      .relu();
    g.output('y', y);
    out.push({
      name: 'matmul, 1030 rows',
      graph: g,
      feeds: { a: data(1030 * 72, 1), b: data(72 * 45, 2) },
      pick: (k) => k.kind === 'matmul',
      units: 258,
      claimed: true,
    });
  }
  {
    // a 1x1 conv to 1028 channels over 9x11 pixels: a matmul of 1028 rows over x's columns
    const g = new Graph();
    const w = g.constant(data(1028 * 24, 4), [1028, 24, 1, 1]);
    g.output(
      'y',
      g
        .input('x', [1, 24, 9, 11])
        .conv(w, g.constant(data(1028, 5), [1028]))
        .relu(),
    );
    out.push({
      name: '1x1 conv, 1028 channels',
      graph: g,
      feeds: { x: data(24 * 9 * 11, 6) },
      pick: (k) => k.kind === 'matmul',
      units: 257,
      claimed: true,
    });
  }
  {
    const g = new Graph();
    g.output('y', g.input('x', [1, 19, 23, 17]).maxPool([3, 3], { strides: [2, 2], pads: [1, 1, 1, 1] }));
    out.push({
      name: 'max pool, 19 channels',
      graph: g,
      feeds: { x: data(19 * 23 * 17, 7) },
      pick: (k) => k.kind === 'pool',
      units: 19,
      claimed: true,
    });
  }
  {
    // 260 rows, B an input packed per run: each thread packs all of B (2 k-blocks by 2 n-blocks,
    // the last strip padded) in its first call, and its claimed pieces read that copy
    // (passes/matmul-shape.ts packsWholeB)
    const g = new Graph();
    g.output('y', g.input('a', [260, 300]).matmul(g.input('b', [300, 270])));
    out.push({
      name: 'matmul, 260 rows, B packed whole per thread',
      graph: g,
      feeds: { a: data(260 * 300, 8), b: data(300 * 270, 9) },
      pick: (k) => k.kind === 'matmul',
      units: 65,
      claimed: true,
    });
  }
  {
    // a 3x3 conv's windows packed from x (implicit GEMM), 64 rows over 14x14 pixels: too few
    // columns to split by, so rows; pieces after a thread's first read its packed windows
    const g = new Graph();
    const w = g.constant(data(64 * 16 * 9, 12), [64, 16, 3, 3]);
    g.output(
      'y',
      g.input('x', [1, 16, 14, 14]).conv(w, g.constant(data(64, 13), [64]), { pads: [1, 1, 1, 1] }),
    );
    out.push({
      name: '3x3 conv, 64 channels at 14x14, windows packed whole per thread',
      graph: g,
      feeds: { x: data(16 * 14 * 14, 14) },
      pick: (k) => k.kind === 'matmul',
      units: 16,
      claimed: true,
    });
  }
  {
    // a 1x1 conv from 520 to 300 channels over 7x7 pixels: 75 tiles of rows, B (x, 3 k-blocks)
    // packed whole per thread
    const g = new Graph();
    const w = g.constant(data(300 * 520, 15), [300, 520, 1, 1]);
    g.output(
      'y',
      g
        .input('x', [1, 520, 7, 7])
        .conv(w, g.constant(data(300, 16), [300]))
        .relu(),
    );
    out.push({
      name: '1x1 conv, 520 to 300 channels at 7x7',
      graph: g,
      feeds: { x: data(520 * 49, 17) },
      pick: (k) => k.kind === 'matmul',
      units: 75,
      claimed: true,
    });
  }
  {
    // row kernels whose one-row buffers (exp(x - max), x - mean) hold a row per thread, indexed by
    // the thread variable: whichever chunk a thread claims uses its own row
    const g = new Graph();
    g.output('y', g.input('x', [45, 131]).softmax(-1));
    out.push({
      name: 'softmax, 45 rows, a row buffer per thread',
      graph: g,
      feeds: { x: data(45 * 131, 18) },
      pick: (k) => k.kind === 'row',
      units: 45,
      claimed: true,
    });
  }
  {
    const g = new Graph();
    g.output(
      'y',
      g
        .input('x', [39, 70])
        .layerNorm(g.constant(data(70, 19), [70]), g.constant(data(70, 20), [70]))
        .mul(0.5),
    );
    out.push({
      name: 'layerNorm, 39 rows, a row buffer per thread',
      graph: g,
      feeds: { x: data(39 * 70, 21) },
      pick: (k) => k.kind === 'row',
      units: 39,
      claimed: true,
    });
  }
  {
    // 64 rows with B a constant, packed once before the runs: pieces pack nothing, so they claim
    const g = new Graph();
    g.output('y', g.input('a', [64, 72]).matmul(g.constant(data(72 * 45, 10), [72, 45])));
    out.push({
      name: 'matmul, 64 rows, B packed once',
      graph: g,
      feeds: { a: data(64 * 72, 11) },
      pick: (k) => k.kind === 'matmul',
      units: 16,
      claimed: true,
    });
  }
  return out;
}

const models = disposedAfterAll();

describe('claimed chunks: any thread may compute the last units', () => {
  testThreadedBits(cases(), models, 1e-4, (many, c) => {
    const kernel = many.kernels.find(c.pick)!;
    expect([kernel.split, kernel.claimed, kernel.units]).toEqual([true, c.claimed, c.units]);
    // the claimed half is cut into several chunks
    if (c.claimed) expect(claimLayout(c.units).chunks).toBeGreaterThan(1);
  });
});

describe('the claim counter', () => {
  test('a counter left behind (a runtime that did not reset it after an abandoned run) skips no chunk', async () => {
    // one claimed kernel, first in the run: its own barrier sets the counter to 0 before anyone claims
    const g = new Graph();
    g.output('y', g.input('x', [37, 53]).mul(1.5).tanh());
    const one = await compile(g);
    const many = await compile(g, { threads: 2, threadMinWork: 0 });
    models.push(one, many);
    expect(many.kernels[0]!.claimed).toBe(true);
    // the model's shared memory and control block (private to Model: a test's look inside)
    const inner = many as unknown as { memory: WebAssembly.Memory; control: number };
    const claim = new Int32Array(inner.memory.buffer, inner.control + 4 * ControlWord.claim, 1);
    // new inputs each run, so a skipped chunk would leave the last run's values behind
    for (const stale of [1, 3, 1000]) {
      const feeds = { x: data(37 * 53, stale) };
      Atomics.store(claim, 0, stale);
      expect(bitsOf(many.run(feeds).y)).toEqual(bitsOf(one.run(feeds).y));
      expect(Atomics.load(claim, 0)).toBe(0);
    }
  });
});

describe('B packed whole per thread', () => {
  test('each run packs its own B: new inputs every run give the 1-thread bits', async () => {
    // two row-split matmuls whose threads pack all of B in their first call: a copy kept from the
    // run before (or from the kernel before) would show as the last run's or kernel's values
    const g = new Graph();
    const h = g
      .input('a', [260, 300])
      .matmul(g.input('b', [300, 270]))
      .relu();
    g.output('y', h.matmul(g.input('c', [270, 36])));
    const one = await compile(g);
    const many = await compile(g, { threads: 2, threadMinWork: 0 });
    models.push(one, many);
    expect(many.kernels.filter((k) => k.kind === 'matmul').map((k) => [k.split, k.claimed])).toEqual([
      [true, true],
      [true, true],
    ]);
    for (const seed of [1, 2, 3]) {
      const feeds = { a: data(260 * 300, seed), b: data(300 * 270, seed + 10), c: data(270 * 36, seed + 20) };
      expect(bitsOf(many.run(feeds).y)).toEqual(bitsOf(one.run(feeds).y));
    }
  });
});
