/**
 * The warm-up (src/runtime/warm-up.ts): the module's warm_kernel export calls
 * each kernel over its first chunk and changes no result; tier_kernel's empty
 * calls change nothing at all; warmKernels keeps the kernels worth waiting
 * for; awaitOptimizedCode stops as soon as every kernel runs fast (by chunks,
 * or by empty calls where startTierUp timed them), and otherwise at its
 * budget; waitsForOptimizedCode weighs a run's work against the code's size.
 */
import { describe, expect, test } from 'vitest';
import { Graph, compile, interpret, load } from '../../src/index.js';
import { TIER_KERNEL_EXPORT, WARM_KERNEL_EXPORT } from '../../src/common/manifest.js';
import {
  WAIT_LIMIT_MS,
  awaitOptimizedCode,
  startTierUp,
  TURBOFAN_RATES,
  TURBOSHAFT_RATES,
  waitBudgetMs,
  waitsForOptimizedCode,
  warmKernels,
} from '../../src/runtime/warm-up.js';
import { expectClose, randomData } from '../support/differential.js';

/** Spins for `ms` (a kernel call of that length). */
function busy(ms: number): void {
  const end = performance.now() + ms;
  while (performance.now() < end);
}

/** A fake warm_kernel: kernel k makes counts[k] warm-up calls of 4 chunks and takes `ms(k, call)` per call. */
function fakeKernels(counts: readonly number[], ms: (k: number, call: number) => number, chunks = 4) {
  const calls = counts.map(() => 0);
  const warmKernel = (k: number): number => {
    if (k >= counts.length) return 0;
    const call = (calls[k] = (calls[k] ?? 0) + 1);
    busy(ms(k, call));
    return (chunks << 8) | (counts[k] ?? 0);
  };
  return { warmKernel, calls };
}

describe('the warm_kernel export', () => {
  test('warms a matmul that runs whole over its first rows only (no on-stack replacement: a whole call ran all of it in the baseline tier)', async () => {
    const g = new Graph();
    const a = g.input('a', [512, 512]);
    const b = g.input('b', [512, 512]);
    g.output('y', a.matmul(b));
    const model = await compile(g);
    const info = model.kernels[0];
    expect(info?.kind).toBe('matmul');
    // it packs B in each call, so run() calls it whole (one chunk)
    expect(info?.chunks).toBe(1);
    const feeds = {
      a: randomData('f32', 512 * 512, 5) as Float32Array,
      b: randomData('f32', 512 * 512, 6) as Float32Array,
    };
    (model.view('a') as Float32Array).set(feeds.a);
    (model.view('b') as Float32Array).set(feeds.b);
    const y = model.view('y') as Float32Array;
    y.fill(0);
    const exports = (model as unknown as { exports: Record<string, unknown> }).exports;
    const warmKernel = exports[WARM_KERNEL_EXPORT] as (k: number) => number;
    warmKernel(0);
    const rowsWritten = Array.from({ length: 512 }, (_, r) =>
      y.subarray(r * 512, r * 512 + 512).some((v) => v !== 0),
    ).filter(Boolean).length;
    expect(rowsWritten).toBeGreaterThan(0);
    expect(rowsWritten).toBeLessThan(512);
    const expected = interpret(g, feeds);
    expectClose(model.run(feeds).y as Float32Array, expected.y as Float32Array, { rtol: 1e-4, atol: 2e-3 });
  });

  test('calls each kernel over its first chunk, returns its call count, 0 past the end; results unchanged', async () => {
    const g = new Graph();
    const x = g.input('x', [300, 400]);
    const e = x.exp();
    g.output('y', e);
    g.output('s', e.sum(-1));
    const model = await compile(g);
    const loaded = await load(model.save());
    for (const m of [model, loaded]) {
      // the export is internal: reached through the instance, as the runtime does
      const exports = (m as unknown as { exports: Record<string, unknown> }).exports;
      const warmKernel = exports[WARM_KERNEL_EXPORT] as (k: number) => number;
      const kernels = model.kernels.length;
      expect(kernels).toBeGreaterThan(0);
      for (let k = 0; k < kernels; k++) {
        const reply = warmKernel(k);
        // chunks << 8 | warm-up calls, as run() calls it (model.kernels)
        expect(reply >> 8).toBe(model.kernels[k]?.chunks);
        expect(reply & 0xff).toBeGreaterThanOrEqual(1);
        expect(reply & 0xff).toBeLessThanOrEqual(reply >> 8);
      }
      expect(warmKernel(kernels)).toBe(0);
      expect(warmKernel(kernels + 5)).toBe(0);
      const feeds = { x: randomData('f32', 300 * 400, 3) as Float32Array };
      const expected = interpret(g, feeds);
      const out = m.run(feeds);
      expectClose(out.y as Float32Array, expected.y as Float32Array, { rtol: 1e-5 });
      expectClose(out.s as Float32Array, expected.s as Float32Array, { rtol: 1e-5 });
    }
    loaded.dispose();
    model.dispose();
  });
});

describe('warmKernels', () => {
  test('makes each kernel its count of calls and keeps those worth waiting for', () => {
    // kernel 0: 1 ms a call (kept); kernel 1: instant (too short to time); kernel 2: traps
    const { warmKernel, calls } = fakeKernels([3, 4, 2], (k) => (k === 0 ? 1 : 0));
    const trapping = (k: number): number => {
      if (k === 2) throw new Error('unreachable');
      return warmKernel(k);
    };
    const kept = warmKernels(trapping);
    expect(calls.slice(0, 2)).toEqual([3, 4]);
    expect(kept.map((t) => [t.kernel, t.chunks])).toEqual([[0, 4]]);
    expect(kept[0]?.ms).toBeGreaterThanOrEqual(1);
  });
});

describe('warmKernels on whole-kernel calls', () => {
  test('never calls a kernel more often than it has chunks: one chunk is one call, not waited for', () => {
    const { warmKernel, calls } = fakeKernels([1, 1], () => 1, 1);
    expect(warmKernels(warmKernel)).toEqual([]);
    expect(calls).toEqual([1, 1]);
    // two chunks: at most two calls (the second timed, unless preemption made the first look too
    // long to wait for: then one call and nothing kept; a preempted timed call is not kept either)
    const two = fakeKernels([1], () => 1, 2);
    const kept = warmKernels(two.warmKernel);
    expect(two.calls[0]).toBeLessThanOrEqual(2);
    if (two.calls[0] === 1) expect(kept).toEqual([]);
    expect(kept.map((t) => [t.kernel, t.chunks])).toEqual(kept.length === 0 ? [] : [[0, 2]]);
  });
});

describe('awaitOptimizedCode', () => {
  test('returns as soon as every kernel runs several times faster than in its baseline', async () => {
    // fast from the second probe on
    const { warmKernel, calls } = fakeKernels([1], (_, call) => (call === 1 ? 2 : 0));
    const waited = await awaitOptimizedCode(warmKernel, [{ kernel: 0, ms: 2, chunks: 4 }], 5_000);
    expect(calls[0]).toBe(2);
    expect(waited).toBeLessThan(5_000);
  });

  test('stops at its budget when a kernel never gets faster, and drops a kernel that traps', async () => {
    const { warmKernel } = fakeKernels([1, 1], () => 1);
    const trapping = (k: number): number => {
      if (k === 1) throw new Error('unreachable');
      return warmKernel(k);
    };
    const waited = await awaitOptimizedCode(
      trapping,
      [
        { kernel: 0, ms: 1, chunks: 4 },
        { kernel: 1, ms: 1, chunks: 4 },
      ],
      30,
    );
    expect(waited).toBeGreaterThanOrEqual(30);
  });

  test('by default waits at most what the kernels would run in the baseline tier, and at most 100 ms', () => {
    expect(
      waitBudgetMs([
        { kernel: 0, ms: 1, chunks: 16 },
        { kernel: 2, ms: 0.5, chunks: 4 },
      ]),
    ).toBe(18);
    expect(waitBudgetMs([{ kernel: 0, ms: 8, chunks: 32 }])).toBe(WAIT_LIMIT_MS);
    expect(waitBudgetMs([])).toBe(0);
  });

  test('does not wait in a hidden page (its timers are throttled)', async () => {
    const { warmKernel, calls } = fakeKernels([1], () => 1);
    const g = globalThis as { document?: unknown };
    g.document = { hidden: true };
    try {
      await awaitOptimizedCode(warmKernel, [{ kernel: 0, ms: 1, chunks: 4 }], 5_000);
    } finally {
      delete g.document;
    }
    expect(calls[0]).toBe(0);
  });

  test('waits for nothing when no kernel is worth it', async () => {
    expect(await awaitOptimizedCode(() => 1, [], 5_000)).toBeLessThan(5_000);
  });
});

describe('the tier_kernel export', () => {
  test('empty calls change no byte of memory, even a matmul that packs B in each call; 1 with a range, 2 without, 3 for a light kernel, 4 for a minor one, 0 past the end', async () => {
    const g = new Graph();
    const a = g.input('a', [96, 256]);
    const b = g.input('b', [256, 128]);
    const c = g.input('c', [512, 256]);
    const y = a.matmul(b).relu();
    g.output('y', y);
    g.output('m', y.max(-1));
    g.output('t', a.sum());
    // 131K iterations: above LIGHT_WORK (64K), below WAIT_WORK (512K)
    g.output('c2', c.mul(2));
    const model = await compile(g);
    const feeds = {
      a: randomData('f32', 96 * 256, 8) as Float32Array,
      b: randomData('f32', 256 * 128, 9) as Float32Array,
      c: randomData('f32', 512 * 256, 10) as Float32Array,
    };
    const expected = interpret(g, feeds);
    // the feeds in place but never run: an empty call that packed B would write the packed copy
    (model.view('a') as Float32Array).set(feeds.a);
    (model.view('b') as Float32Array).set(feeds.b);
    (model.view('c') as Float32Array).set(feeds.c);
    const exports = (model as unknown as { exports: Record<string, unknown> }).exports;
    const { memory } = model as unknown as { memory: WebAssembly.Memory };
    const bytes = (): Uint8Array => new Uint8Array(memory.buffer).slice();
    const before = bytes();
    const tierKernel = exports[TIER_KERNEL_EXPORT] as (k: number, n: number) => number;
    const replies = model.kernels.map((_, k) => tierKernel(k, 50));
    expect(replies.every((r) => r >= 1 && r <= 4)).toBe(true);
    // every kernel with a range (units > 1) takes empty calls, but a light one (3: under 64K iterations)
    model.kernels.forEach((k, i) => {
      if (k.units > 1) expect([1, 3, 4]).toContain(replies[i]);
    });
    // the matmul (3M multiply-adds) is neither light nor minor; c * 2 is minor
    expect(replies[model.kernels.findIndex((k) => k.kind === 'matmul')]).toBe(1);
    expect(replies[model.kernels.findIndex((k) => k.bytesWritten === 512 * 256 * 4)]).toBe(4);
    expect(tierKernel(model.kernels.length, 1)).toBe(0);
    expect(bytes()).toEqual(before);
    const out = model.run(feeds);
    expectClose(out.y as Float32Array, expected.y as Float32Array, { rtol: 1e-4, atol: 2e-3 });
    expectClose(out.m as Float32Array, expected.m as Float32Array, { rtol: 1e-4, atol: 2e-3 });
    expectClose(out.c2 as Float32Array, expected.c2 as Float32Array);
    model.dispose();
  });
});

describe('startTierUp', () => {
  test('compiles, times and spends the budget of each kernel with a range; skips those without and the light ones', () => {
    const made: [number, number][] = [];
    // kernel 1 has no range (2), kernel 3 is light (3), kernel 4 minor (4)
    const replies = [1, 2, 1, 3, 4];
    const tierKernel = (k: number, n: number): number => {
      if (k >= replies.length) return 0;
      const reply = replies[k] ?? 0;
      if (reply === 1 || reply === 4) made.push([k, n]);
      return reply;
    };
    const { emptyMs, light, minor } = startTierUp(tierKernel);
    expect([...emptyMs.keys()]).toEqual([0, 2]);
    expect([...light]).toEqual([3]);
    expect([...(minor ?? [])]).toEqual([4]);
    // a minor kernel: the query and the budget's calls, no timed probes
    expect(made.filter(([k]) => k === 4).map(([, n]) => n)).toEqual([0, 2000]);
    // per kernel with a range: a query, one call to compile, two timed probes, then the budget's calls
    expect(made.filter(([k]) => k === 0).length).toBe(5);
    expect(made.filter(([k]) => k === 0).reduce((sum, [, n]) => sum + n, 0)).toBeGreaterThan(1000);
  });

  test('warmKernels neither calls nor waits for a light kernel', () => {
    const { warmKernel, calls } = fakeKernels([3, 3], () => 0.5);
    const kept = warmKernels(warmKernel, {
      emptyMs: new Map([[0, 0.01]]),
      light: new Set([1]),
      minor: new Set(),
    });
    expect(calls).toEqual([1, 0]);
    expect(kept.map((t) => t.kernel)).toEqual([0]);
  });

  test('warmKernels neither calls nor waits for a minor kernel (its compile started)', () => {
    const { warmKernel, calls } = fakeKernels([3, 3, 3], () => 0.5);
    const kept = warmKernels(warmKernel, {
      emptyMs: new Map([[0, 0.01]]),
      light: new Set(),
      minor: new Set([1]),
    });
    expect(calls).toEqual([1, 0, 3]);
    expect(kept.map((t) => t.kernel)).toEqual([0, 2]);
  });
});

describe('awaitOptimizedCode on empty calls', () => {
  test('probes a kernel whose compile startTierUp started with empty calls, not chunks of work', async () => {
    const { warmKernel, calls } = fakeKernels([1], () => 0);
    let probes = 0;
    // the empty calls take 2 ms until the third probe, then none
    const tierKernel = (k: number): number => {
      probes++;
      busy(probes < 3 ? 2 : 0);
      return k === 0 ? 1 : 0;
    };
    const waited = await awaitOptimizedCode(
      warmKernel,
      [{ kernel: 0, ms: 1, chunks: 4, emptyMs: 2 }],
      5_000,
      tierKernel,
    );
    expect(calls[0]).toBe(0);
    expect(probes).toBe(3);
    expect(waited).toBeLessThan(5_000);
  });
});

describe('waitsForOptimizedCode', () => {
  test('waits where the run saves more than the compile costs, by each engine generation; and for files without the estimate', () => {
    const [turboshaft, turbofan] = [TURBOSHAFT_RATES, TURBOFAN_RATES];
    // ShuffleNet: 0.26 GFLOP over 102 KB of code: measured faster without the wait on Node 26, with it on Node 20
    expect(waitsForOptimizedCode(0.257e9, 102_000, turboshaft)).toBe(false);
    expect(waitsForOptimizedCode(0.257e9, 102_000, turbofan)).toBe(true);
    // SqueezeNet (0.71 GFLOP, 78 KB) and AlexNet (1.3 GFLOP, 93 KB) wait on both
    for (const rates of [turboshaft, turbofan]) {
      expect(waitsForOptimizedCode(0.707e9, 78_000, rates)).toBe(true);
      expect(waitsForOptimizedCode(1.316e9, 93_000, rates)).toBe(true);
      // a small module waits: its wait costs a few ms, its first run would be several times its steady time
      expect(waitsForOptimizedCode(5e6, 2_500, rates)).toBe(true);
      // the audio stack: 0.032 GFLOP over 38 KB
      expect(waitsForOptimizedCode(0.032e9, 38_000, rates)).toBe(false);
    }
    expect(waitsForOptimizedCode(undefined, 1_000_000)).toBe(true);
  });

  test('a model whose code costs more to compile than its first run saves starts the compile after its first run, and computes the same', async () => {
    // 49 small kernels: ~30 KB of code for ~0.1 MFLOP a run
    const g = new Graph();
    const shape: number[] = [16, 40];
    let x = g.input('x', shape);
    for (let i = 0; i < 16; i++)
      x = x
        .softmax(i % 2 === 0 ? -1 : 0)
        .tanh()
        .mul(x.sigmoid())
        .add(x.sum(i % 2, true));
    g.output('y', x);
    const model = await compile(g);
    const loaded = await load(model.save());
    const feeds = { x: randomData('f32', 16 * 40, 4) as Float32Array };
    const expected = interpret(g, feeds);
    for (const m of [model, loaded]) {
      const state = (m as unknown as { tiering: { when: string } }).tiering;
      // no wait: the first run starts the compile, then it has started
      for (let i = 0; i < 3; i++) {
        expect(state.when).toBe(i === 0 ? 'after-first-run' : 'started');
        expectClose(m.run(feeds).y as Float32Array, expected.y as Float32Array, { rtol: 1e-4, atol: 1e-5 });
      }
    }
    loaded.dispose();
    model.dispose();
  });
});
