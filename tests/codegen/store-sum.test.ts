/**
 * Softmax's row sum accumulated by the loops that store t = exp(x − max)
 * (emit-store-sum.ts): found for softmax rows only, and compiled results
 * equal the interpreter's within the sum's tolerance for every row width —
 * no interleaved loop (< 20), the interleaved loop with and without the
 * one-vector loop and the scalar tail — including NaN and infinite rows.
 */
import { describe, expect, test } from 'vitest';
import { softmaxRows } from '../../src/codegen/binaryen/nonpositive-args.js';
import { Graph, planGraph } from '../../src/index.js';
import { checkGraph, VARIANTS } from '../support/differential.js';

describe("softmax's sum in the store loop", () => {
  test('each softmax row names the store of t and the sum over it; logSoftmax has none', () => {
    const soft = new Graph();
    soft.output('y', soft.input('x', [3, 40]).softmax(-1));
    const rows = planGraph(soft).schedule.kernels.flatMap(softmaxRows);
    expect(rows).toHaveLength(1);
    const row = rows[0];
    expect(row?.sum.reduction.kind).toBe('sum');
    expect(row?.sum.body.k === 'load' && row.sum.body.node.id).toBe(row?.store.node.id);
    const log = new Graph();
    log.output('y', log.input('x', [3, 40]).logSoftmax(-1));
    expect(planGraph(log).schedule.kernels.flatMap(softmaxRows)).toHaveLength(0);
  });

  test.each([1, 3, 4, 7, 19, 20, 23, 24, 41, 64, 101, 1000])(
    'rows of %i agree with the interpreter',
    async (n) => {
      const rows = [
        Array.from({ length: n }, (_, i) => Math.sin(i * 1.7) * 20),
        Array.from({ length: n }, (_, i) => (i % 5) - 2 + i / n),
        Array.from({ length: n }, (_, i) => (i === n - 1 ? NaN : i)),
        Array.from({ length: n }, (_, i) => (i % 3 === 0 ? -Infinity : -i)),
      ];
      const g = new Graph();
      g.output('y', g.input('x', [rows.length, n]).softmax(-1));
      // rtol: x - max rounds in f32 (|x - max| up to 40 here: up to 2.4e-6 relative in its exp)
      await checkGraph(g, { x: new Float32Array(rows.flat()) }, { rtol: 1e-5, atol: 1e-44 }, [
        ...VARIANTS,
        { debugPoison: true },
      ]);
    },
  );
});
