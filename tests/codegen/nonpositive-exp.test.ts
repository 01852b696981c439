/**
 * exp(x - max(x)) takes exp's 'nonpositive' form: which arguments qualify,
 * and that softmax/logSoftmax through it agree with the interpreter at the
 * edges (infinities, NaN, results in the subnormal range).
 */
import { describe, expect, test } from 'vitest';
import { nanSafeMaxes, nonpositiveArgs, softmaxRows } from '../../src/codegen/binaryen/nonpositive-args.js';
import { Graph, compile, planGraph } from '../../src/index.js';
import { checkGraph, VARIANTS } from '../support/differential.js';

const found = (g: Graph): number =>
  planGraph(g).schedule.kernels.reduce((n, k) => n + nonpositiveArgs(k).size, 0);
const nanSafe = (g: Graph, options: { threads?: number } = {}): number =>
  planGraph(g, options).schedule.kernels.reduce((n, k) => n + nanSafeMaxes(k).size, 0);

describe('exp of x - max(x)', () => {
  test('softmax and logSoftmax rows qualify; a max over other values does not', () => {
    const g = new Graph();
    const x = g.input('x', [4, 9]);
    g.output('s', x.softmax(-1));
    expect(found(g)).toBe(1);
    const h = new Graph();
    h.output('l', h.input('x', [4, 9]).logSoftmax(-1));
    expect(found(h)).toBe(1);
    const k = new Graph();
    const a = k.input('a', [4, 9]);
    const b = k.input('b', [4, 9]);
    // a - max(b): not nonpositive
    k.output('y', a.sub(b.max(-1, true)).exp().sum(-1));
    expect(found(k)).toBe(0);
  });

  test('the emitted softmax exp has no overflow clamp (pmin), in plain and interleaved loops', async () => {
    const wat = async (op: 'softmax' | 'exp', width: number): Promise<string> => {
      const g = new Graph();
      const x = g.input('x', [4, width]);
      g.output('y', op === 'softmax' ? x.softmax(-1) : x.exp());
      return (await compile(g)).wat();
    };
    for (const width of [9, 64]) {
      // full-range exp clamps above with f32x4.pmin; x - max(x) <= 0 needs no clamp
      expect(await wat('softmax', width), `softmax ${width}`).not.toContain('f32x4.pmin');
      expect(await wat('exp', width), `exp ${width}`).toContain('f32x4.pmin');
    }
  });

  test('softmax and logSoftmax at the edges agree with the interpreter', async () => {
    const n = 21;
    const rows = [
      Array.from({ length: n }, (_, i) => Math.sin(i) * 30),
      Array.from({ length: n }, (_, i) => (i === 3 ? 0 : -100 - i)), // subnormal exps
      Array.from({ length: n }, (_, i) => (i % 4 === 0 ? -Infinity : i)),
      Array.from({ length: n }, () => -Infinity), // -inf - -inf = NaN
      Array.from({ length: n }, (_, i) => (i === 7 ? Infinity : i)), // inf - inf = NaN
      Array.from({ length: n }, (_, i) => (i === 17 ? NaN : i)),
      Array.from({ length: n }, (_, i) => 80 + i / 10),
    ];
    for (const op of ['softmax', 'logSoftmax'] as const) {
      const g = new Graph();
      g.output('y', g.input('x', [rows.length, n])[op](-1));
      expect(found(g), op).toBe(1);
      await checkGraph(g, { x: new Float32Array(rows.flat()) }, { rtol: 2e-6, atol: 1e-44 }, [
        ...VARIANTS,
        { debugPoison: true },
      ]);
    }
  });

  test("softmax's row max needs no NaN check; a max with any other use keeps it", () => {
    const soft = new Graph();
    soft.output('s', soft.input('x', [4, 9]).softmax(-1));
    expect(nanSafe(soft)).toBe(1);
    // its exp (the one computed as exp·2^25) is the stored row's value
    const rows = planGraph(soft).schedule.kernels.flatMap(softmaxRows);
    expect(rows).toHaveLength(1);
    expect(rows[0]?.exp).toMatchObject({ k: 'op', op: 'exp' });
    const log = new Graph();
    log.output('l', log.input('x', [4, 9]).logSoftmax(-1));
    expect(nanSafe(log)).toBe(0);
    // exp(x - max(x)) stored as a result: its NaN lanes would show
    const bare = new Graph();
    const x = bare.input('x', [4, 9]);
    bare.output('e', x.sub(x.max(-1, true)).exp());
    expect(nanSafe(bare)).toBe(0);
    // the row's exps also a result: not row-local, so not qualifying
    const both = new Graph();
    const y = both.input('x', [4, 9]);
    const e = y.sub(y.max(-1, true)).exp();
    both.output('e', e);
    both.output('s', e.div(e.sum(-1, true)));
    expect(nanSafe(both)).toBe(0);
  });

  test('softmax without the NaN check: NaN, infinities and signed zeros anywhere in a row, like the interpreter', async () => {
    for (const n of [5, 21, 67]) {
      const rows: number[][] = [];
      for (const at of [0, 1, 4, 15, 16, n - 1]) {
        if (at >= n) continue;
        rows.push(Array.from({ length: n }, (_, i) => (i === at ? NaN : Math.cos(i) * 5)));
        rows.push(Array.from({ length: n }, (_, i) => (i === at ? -0 : -Math.abs(Math.cos(i)) - 1)));
        rows.push(Array.from({ length: n }, (_, i) => (i === at ? Infinity : i % 3)));
      }
      rows.push(Array.from({ length: n }, (_, i) => (i % 2 === 0 ? -0 : 0)));
      rows.push(Array.from({ length: n }, () => NaN));
      rows.push(Array.from({ length: n }, (_, i) => (i % 2 === 0 ? NaN : -Infinity)));
      const g = new Graph();
      g.output('y', g.input('x', [rows.length, n]).softmax(-1));
      expect(nanSafe(g)).toBe(1);
      await checkGraph(g, { x: new Float32Array(rows.flat()) }, { rtol: 2e-6, atol: 1e-44 }, VARIANTS);
    }
  });
});
