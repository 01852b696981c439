/**
 * The thread half of the plan verifier refuses splits that race: a row
 * kernel whose row-local buffer all rows share, a matmul whose packing
 * scratch all threads share, a kernel without a range, two single-row
 * layers split by columns joined without the barrier between them — and
 * accepts the plans compile makes for threads.
 */
import { describe, expect, test } from 'vitest';
import { Graph, PlanError, planGraph, type Tensor } from '../../src/index.js';
import { verifyThreads } from '../../src/planner/verify-threads.js';
import { claimPieces, claimSubPieces } from '../../src/passes/thread-claims.js';
import { planThreads, threadAccessSpans, threadUnits } from '../../src/passes/thread-split.js';
import { mapExpr, mapStepExprs, storedShape } from '../../src/passes/kernel.js';
import * as ix from '../../src/passes/index-expr.js';
import { THREAD_VAR_ID, threadVar } from '../../src/passes/thread-var.js';
import { threadRowStride } from '../../src/passes/localize-rows.js';
import { crossRace, overlaps, type OwnedSpan } from '../../src/passes/access-span.js';
import { kernelRange } from '../../src/passes/kernel-range.js';
import { BLOCK_N, COLUMN_UNIT } from '../../src/passes/matmul-shape.js';

function softmax(): Graph {
  const g = new Graph();
  g.output('s', g.input('x', [40, 96]).softmax(-1));
  return g;
}

function matmul(): Graph {
  const g = new Graph();
  g.output('c', g.input('a', [64, 48]).matmul(g.input('b', [48, 40])));
  return g;
}

describe('verifyThreads', () => {
  test('the plans compile makes for threads verify, and split what they can', () => {
    for (const graph of [softmax(), matmul()]) {
      const planned = planGraph(graph, { threads: 4, threadMinWork: 0 });
      expect(planned.threads.split.some((s) => s)).toBe(true);
    }
  });

  test('a threaded build gives each thread its own row of a row-local buffer, and still splits', () => {
    const planned = planGraph(softmax(), { threads: 4, threadMinWork: 0 });
    expect(planned.threads.split).toEqual([true]);
    // rows of 384 bytes, thread t's at row 2t: a free row (>= a cache line) between two threads' rows
    expect(planned.notes.some((n) => n.includes('one row at a time ([7,96])'))).toBe(true);
    // one thread: one row
    const one = planGraph(softmax());
    expect(one.notes.some((n) => n.includes('one row at a time ([1,96])'))).toBe(true);
  });

  test('threads rows of a row-local buffer are spaced so that no cache line holds two of them', () => {
    expect(threadRowStride(384)).toBe(2);
    expect(threadRowStride(4096)).toBe(2);
    expect(threadRowStride(16)).toBe(5);
    expect(threadRowStride(40)).toBe(3);
    // a long row shares at most one line per pass: not worth a spare row
    expect(threadRowStride(65536)).toBe(1);
    for (const bytes of [4, 16, 40, 384, 4096, 8192]) {
      const stride = threadRowStride(bytes);
      expect((stride - 1) * bytes).toBeGreaterThanOrEqual(64);
    }
  });

  test('a row-local buffer shared by all rows cannot be split: a race on its bytes', () => {
    // one thread's plan localizes exp(x - max) to one row: every thread would write that row
    const { schedule, memory } = planGraph(softmax());
    const split = schedule.kernels.map(() => true);
    expect(() => verifyThreads(schedule, memory, { maxThreads: 2, split }, new Map())).toThrow(PlanError);
    expect(() => verifyThreads(schedule, memory, { maxThreads: 2, split }, new Map())).toThrow(
      /with 2 threads, thread 0 stores bytes \[\d+, \d+\] of %\d+ while thread 1 (stores|loads)/,
    );
    // the split pass itself keeps it on one thread
    expect(planThreads(schedule, 2, (n) => storedShape(schedule, n)).split).toEqual([false]);
  });

  test('a matmul packing B into one scratch for all threads is a race; a slice per thread is planned', () => {
    const { schedule, memory } = planGraph(matmul());
    const split = schedule.kernels.map(() => true);
    expect(() => verifyThreads(schedule, memory, { maxThreads: 2, split }, new Map())).toThrow(
      /stores bytes .* of k0_\w+\.scratch while thread 1 stores/,
    );
    const scratch = memory.temps.find((t) => t.name.endsWith('.scratch'))!;
    // slices that do not fit the planned scratch
    expect(() =>
      verifyThreads(schedule, memory, { maxThreads: 2, split }, new Map([[0, scratch.bytes]])),
    ).toThrow(/cannot hold 2 thread slices/);
  });

  test('a kernel without a range cannot be split', () => {
    const g = new Graph();
    g.output('t', g.input('x', [1000]).sum());
    const { schedule, memory } = planGraph(g);
    const split = schedule.kernels.map(() => true);
    expect(() => verifyThreads(schedule, memory, { maxThreads: 2, split }, new Map())).toThrow(
      /split among threads without a range/,
    );
  });

  test('threadUnits cuts a range into contiguous parts that cover it once', () => {
    for (const units of [0, 1, 5, 17, 64])
      for (const threads of [1, 2, 3, 8]) {
        const parts = Array.from({ length: threads }, (_, t) => threadUnits(units, t, threads));
        let next = 0;
        for (const [s, e] of parts) {
          expect(s).toBe(Math.min(next, units));
          expect(e).toBeGreaterThanOrEqual(s);
          next = e;
        }
        expect(next).toBe(units);
      }
  });

  test("split kernels that read only their own threads' rows share a barrier interval; others keep theirs", () => {
    // an MLP: each thread's rows of a layer read only its own rows of the layer before
    const g = new Graph();
    let h: Tensor = g.input('x', [72, 33]);
    for (const [k, n] of [
      [33, 48],
      [48, 40],
      [40, 10],
    ] as const)
      h = h
        .matmul(g.param(`w${k}x${n}`, [k, n]))
        .add(0.5)
        .relu();
    g.output('y', h.softmax(-1));
    const mlp = planGraph(g, { threads: 2, threadMinWork: 0 });
    expect(mlp.threads.split.every((s) => s)).toBe(true);
    expect(mlp.threads.joined?.some((j) => j)).toBe(true);
    expect(() => verifyThreads(mlp.schedule, mlp.memory, mlp.threads, new Map())).not.toThrow();
    // a transpose between the layers: each thread reads the other's columns, so the barrier stays
    const t = new Graph();
    const a = t
      .input('a', [64, 64])
      .matmul(t.param('w', [64, 64]))
      .relu();
    t.output('y', a.transpose([1, 0]).matmul(t.param('v', [64, 64])));
    const crossed = planGraph(t, { threads: 2, threadMinWork: 0 });
    expect(crossed.threads.split.filter((s) => s).length).toBeGreaterThanOrEqual(2);
    expect(crossed.threads.joined?.some((j) => j)).toBe(false);
    // joining them anyway is a race the verifier refuses
    const joined = crossed.threads.split.map(() => true);
    expect(() =>
      verifyThreads(
        crossed.schedule,
        crossed.memory,
        { ...crossed.threads, joined, claimed: joined.map(() => false) },
        new Map(),
      ),
    ).toThrow(/with 2 threads, thread \d stores bytes .* while thread \d (loads|stores)/);
  });

  test('single-row layers split by columns; the next layer reads every column, so the barrier stays', () => {
    // a classifier on one image: x[1, 96] @ w1 -> relu -> @ w2, each split by COLUMN_UNITs of n
    const g = new Graph();
    const h = g
      .input('x', [1, 96])
      .matmul(g.param('w1', [96, 200]))
      .relu();
    g.output('y', h.matmul(g.param('w2', [200, 70])));
    const planned = planGraph(g, { threads: 4, threadMinWork: 0 });
    const matmuls = planned.schedule.kernels.filter((k) => k.kind === 'matmul');
    expect(matmuls.map((k) => kernelRange(k)?.columns)).toEqual([true, true]);
    expect(matmuls.map((k) => planned.threads.split[k.index])).toEqual([true, true]);
    // each thread stores its own columns: verified for 2..4 threads
    expect(() => verifyThreads(planned.schedule, planned.memory, planned.threads, new Map())).not.toThrow();
    expect(planned.threads.joined?.some((j) => j)).toBe(false);
    // joined, a thread of the second layer reads columns of h another thread stores
    const joined = planned.threads.split.map(() => true);
    expect(() =>
      verifyThreads(planned.schedule, planned.memory, { ...planned.threads, joined }, new Map()),
    ).toThrow(/with 2 threads, thread \d stores bytes .* while thread \d loads/);
    // a range over columns in units no thread boundary may split: whole units cover n once
    const range = kernelRange(matmuls[0]!)!;
    expect([range.v.extent, range.unit, range.units]).toEqual([
      200,
      COLUMN_UNIT,
      Math.ceil(200 / COLUMN_UNIT),
    ]);
    // eight rows pack B and split by rows instead
    const tall = new Graph();
    tall.output('y', tall.input('x', [8, 96]).matmul(tall.param('w', [96, 200])));
    const rows = planGraph(tall, { threads: 2, threadMinWork: 0 });
    expect(kernelRange(rows.schedule.kernels[0]!)?.columns).toBeUndefined();
    expect(kernelRange(rows.schedule.kernels[0]!)?.v.extent).toBe(8);
  });

  test('a range over a later axis (a short outermost one) verifies per point outside it, for 2..4 threads', () => {
    // ResNet's stem im2col copy: [1, 3, 7, 7, oh, ow] takes oh as its range, 3·7·7 points outside it
    const g = new Graph();
    const x = g.input('x', [1, 3, 45, 37]);
    g.output('y', x.conv(g.param('w', [16, 3, 7, 7]), null, { strides: [2, 2], pads: [3, 3, 3, 3] }));
    const planned = planGraph(g, { threads: 4, threadMinWork: 0 });
    const unfold = planned.schedule.kernels.find((k) => k.kind === 'elementwise')!;
    const range = kernelRange(unfold)!;
    expect([range.v.extent, range.units]).toEqual([23, 23]);
    expect(unfold.domain.indexOf(range.v)).toBe(4);
    expect(planned.threads.split[unfold.index]).toBe(true);
    // (planGraph verified the plan for 2..4 threads, the matmul's per-thread scratch slices included)
    // one interval over all 147 points would cover every thread's rows: each point is checked apart
    const spans = threadAccessSpans(unfold, range, 1, 2, (n) => storedShape(planned.schedule, n));
    expect(spans.filter((s) => s.write)).toHaveLength(147);
  });

  test('a matmul packing B per run with few rows splits over its n-blocks: verified for 2..4 threads', () => {
    const g = new Graph();
    g.output('c', g.input('a', [45, 37]).matmul(g.input('b', [37, 17 * BLOCK_N + 93])));
    const planned = planGraph(g, { threads: 4, threadMinWork: 0 });
    const matmul = planned.schedule.kernels.find((k) => k.kind === 'matmul')!;
    const range = kernelRange(matmul)!;
    expect([range.columns, range.unit, range.units]).toEqual([true, BLOCK_N / 2, 35]);
    expect(planned.threads.split[matmul.index]).toBe(true);
    // each thread packs into its own scratch slice: one slice for all is a race on the packed bytes
    const split = planned.schedule.kernels.map((k) => k.index === matmul.index);
    expect(() =>
      verifyThreads(planned.schedule, planned.memory, { maxThreads: 2, split }, new Map()),
    ).toThrow(/stores bytes .* of k\d+_\w+\.scratch while thread 1 stores/);
  });

  test('a split kernel joined to one thread 0 runs whole is refused', () => {
    const g = new Graph();
    const x = g.input('x', [40, 96]);
    g.output('s', x.softmax(-1));
    g.output('t', x.sum());
    const { schedule, memory, threads } = planGraph(g, { threads: 2, threadMinWork: 0 });
    expect(threads.split.some((s) => !s)).toBe(true);
    const joined = threads.split.map(() => true);
    expect(() => verifyThreads(schedule, memory, { ...threads, joined }, new Map())).toThrow(
      /a split kernel without a barrier on each side/,
    );
  });

  test('claimed kernels: their pieces verify for 2..4 threads; a shared row buffer, a shared scratch or a join is refused', () => {
    // one kernel per graph: independent kernels would share a barrier interval (joined), which keeps fixed parts
    const alone = (out: (g: Graph) => Tensor): ReturnType<typeof planGraph> => {
      const g = new Graph();
      g.output('y', out(g));
      return planGraph(g, { threads: 4, threadMinWork: 0 });
    };
    const elementwise = alone((g) => g.input('x', [37, 53]).mul(2).add(1));
    // 1028 rows (257 units) of a matmul packing B per run: each piece packs B again, which 1024+ rows repay
    const matmul = alone((g) => g.input('a', [1028, 72]).matmul(g.input('b', [72, 45])));
    const rows = alone((g) => g.input('x', [37, 53]).softmax(-1));
    expect([elementwise, matmul, rows].map((p) => [p.threads.split, p.threads.claimed])).toEqual([
      [[true], [true]],
      [[true], [true]],
      // the softmax's row buffer holds one row per thread: whichever chunks a thread runs use its row
      [[true], [true]],
    ]);
    // one thread's plan: one row for all, which every piece would write
    const oneRow = planGraph(softmax());
    expect(() =>
      verifyThreads(
        oneRow.schedule,
        oneRow.memory,
        { maxThreads: 2, split: [true], claimed: [true] },
        new Map(),
      ),
    ).toThrow(
      /k0_\w+: claimed among up to 2 threads, the piece of units \[\d+, \d+\) stores bytes \[\d+, \d+\] of %\d+ while the piece of units \[\d+, \d+\) (stores|loads)/,
    );
    // without a scratch slice per thread the pieces share the packed B
    expect(() => verifyThreads(matmul.schedule, matmul.memory, matmul.threads, new Map())).toThrow(
      /claimed among up to 4 threads, its pieces share one scratch/,
    );
    // a claimed kernel in a joined interval: the threads' parts no longer match kernel to kernel
    const g = new Graph();
    const x = g.input('x', [37, 53]);
    g.output('e', x.mul(2));
    g.output('f', x.add(1));
    const two = planGraph(g, { threads: 2, threadMinWork: 0 });
    expect(two.threads.split).toEqual([true, true]);
    expect(two.threads.joined?.[0]).toBe(true);
    expect(two.threads.claimed).toEqual([false, false]);
    expect(() =>
      verifyThreads(two.schedule, two.memory, { ...two.threads, claimed: [true, false] }, new Map()),
    ).toThrow(/a claimed kernel shares its barrier interval/);
  });

  test("a claimed row kernel: each thread's own row may meet no other thread's", () => {
    const g = new Graph();
    g.output('y', g.input('x', [37, 53]).softmax(-1));
    const planned = planGraph(g, { threads: 4, threadMinWork: 0 });
    expect(planned.threads.claimed).toEqual([true]);
    // threads 2t and 2t+1 on one row: t -> floor(t / 2) in every index of the row buffer
    const halve = new Map([[THREAD_VAR_ID, ix.floorDiv(ix.variable(threadVar(4)), 2)]]);
    const move = (index: readonly ix.IndexExpr[]): ix.IndexExpr[] =>
      index.map((e) => ix.substitute(e, halve));
    const [kernel] = planned.schedule.kernels;
    const steps = kernel!.steps.map((step) =>
      mapStepExprs(
        step,
        (e) =>
          mapExpr(
            e,
            (x) => x,
            (slot) => slot,
            (l) => ({ ...l, index: move(l.index) }),
          ),
        (index) => move(index),
      ),
    );
    const shared = { ...planned.schedule, kernels: [{ ...kernel!, steps }] };
    expect(() => verifyThreads(shared, planned.memory, planned.threads, new Map())).toThrow(
      /claimed among up to 4 threads, thread [0-3]'s own copy stores bytes \[\d+, \d+\] of %\d+ while thread [0-3]'s own copy (stores|loads)/,
    );
    expect(() => verifyThreads(planned.schedule, planned.memory, planned.threads, new Map())).not.toThrow();
  });

  test('a row-split matmul of fewer than 1024 rows packing B per call claims only where its threads pack B once (up to 8 MB)', () => {
    const rows = (k: number, n: number): Graph => {
      const g = new Graph();
      g.output('c', g.input('a', [300, k]).matmul(g.input('b', [k, n])));
      return g;
    };
    // B of 72 x 45: each thread packs all of it in its first call, its pieces read it
    const small = planGraph(rows(72, 45), { threads: 2, threadMinWork: 0 });
    expect([small.threads.split, small.threads.claimed]).toEqual([[true], [true]]);
    // B of 1024 x 1000 (4.1 MB packed, as W1's): packed whole per thread too
    const middle = planGraph(rows(1024, 1000), { threads: 2, threadMinWork: 0 });
    expect([middle.threads.split, middle.threads.claimed]).toEqual([[true], [true]]);
    // B of 2100 x 1000 (8.4 MB packed): each piece would pack all of it again
    const large = planGraph(rows(2100, 1000), { threads: 2, threadMinWork: 0 });
    expect([large.threads.split, large.threads.claimed]).toEqual([[true], [false]]);
  });

  test('crossRace finds two owners sharing a stored point exactly when comparing every pair does', () => {
    let seed = 7;
    const next = (n: number): number => {
      seed = (seed * 1103515245 + 12345) % 2147483648;
      return seed % n;
    };
    for (let trial = 0; trial < 400; trial++) {
      const spans: OwnedSpan[] = Array.from({ length: 1 + next(9) }, () => {
        const lo = next(60);
        return { lo, hi: lo + next(12), write: next(3) === 0, owner: next(4) - 1 };
      });
      const brute = spans.some((a, i) =>
        spans.some((b, j) => i !== j && a.owner !== b.owner && (a.write || b.write) && overlaps(a, b)),
      );
      const found = crossRace(spans);
      expect(found !== undefined).toBe(brute);
      if (found !== undefined) {
        const [a, b] = found;
        expect([a.owner !== b.owner, a.write || b.write, overlaps(a, b)]).toEqual([true, true, true]);
      }
    }
  });

  test('claimSubPieces cut the pieces of every thread count at one another: each piece is a run of them', () => {
    for (const units of [8, 9, 25, 37, 64, 98, 257]) {
      for (const maxThreads of [2, 3, 8]) {
        const subs = claimSubPieces(units, maxThreads);
        // contiguous, covering [0, units), none empty
        expect(subs[0]![0]).toBe(0);
        expect(subs[subs.length - 1]![1]).toBe(units);
        subs.forEach(([s, e], i) => expect([e > s, i === 0 || subs[i - 1]![1] === s]).toEqual([true, true]));
        const starts = new Set(subs.map(([s]) => s));
        for (let threads = 2; threads <= maxThreads; threads++) {
          const pieces = claimPieces(units, threads);
          // the pieces of one count cover the range once, and each starts and ends on a sub-piece bound
          expect(pieces.reduce((n, [s, e]) => n + e - s, 0)).toBe(units);
          for (const [s, e] of pieces)
            expect([starts.has(s), e === units || starts.has(e)]).toEqual([true, true]);
        }
      }
    }
  });
});
