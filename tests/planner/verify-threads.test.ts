/**
 * The thread half of the plan verifier refuses splits that race: a row
 * kernel whose row-local buffer all rows share, a matmul whose packing
 * scratch all threads share, a kernel without a range — and accepts the
 * plans compile makes for threads.
 */
import { describe, expect, test } from 'vitest';
import { Graph, PlanError, planGraph } from '../../src/index.js';
import { verifyThreads } from '../../src/planner/verify-threads.js';
import { planThreads, threadUnits } from '../../src/passes/thread-split.js';
import { storedShape } from '../../src/passes/kernel.js';

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
      const planned = planGraph(graph, { threads: 4 });
      expect(planned.threads.split.some((s) => s)).toBe(true);
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
});
