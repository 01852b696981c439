/**
 * Matmuls with too few rows to pack B (a classifier on one image: M = 1..7)
 * split among threads by columns (passes/kernel-range.ts COLUMN_UNIT): with
 * threads on they give the 1-thread bits and agree with the interpreter —
 * odd N, M = 1..3, 6 and 7, bias and activation epilogues (one reading the value
 * twice, one that does not vectorize), a transposed B (constant: folded;
 * an input: the generic loops), batches, a vector times a matrix, and two
 * layers in a row (the second reads every thread's columns of the first,
 * so the barrier between them stays).
 */
import { describe, expect, test } from 'vitest';
import { Graph, compile, interpret, type Tensor } from '../../src/index.js';
import { COLUMN_UNIT } from '../../src/passes/matmul-shape.js';
import { bitsOf, expectClose } from '../support/differential.js';
import {
  disposedAfterAll,
  sineData as data,
  testThreadedBits,
  type NamedCase,
} from '../support/thread-differential.js';

interface Case extends NamedCase {
  /** Units of the matmul's range: COLUMN_UNITs of its columns (the generic loops': single columns). */
  readonly units: number;
  /** The matmul takes the tiled kernel (else the generic loops honour the column range). */
  readonly tiled: boolean;
}

function fc(m: number, k: number, n: number, epilogue: (y: Tensor, g: Graph) => Tensor): Case {
  const g = new Graph();
  const x = g.input('x', [m, k]);
  g.output('y', epilogue(x.matmul(g.constant(data(k * n, m + 2), [k, n])), g));
  return { name: '', graph: g, feeds: { x: data(m * k, m) }, units: Math.ceil(n / COLUMN_UNIT), tiled: true };
}

function cases(): Case[] {
  const out: Case[] = [];
  const bias = (n: number) => (y: Tensor, g: Graph) => y.add(g.constant(data(n, 7), [n]));
  for (const [m, k, n] of [
    [1, 131, 203],
    [2, 77, 97],
    [3, 64, 1001],
  ] as const) {
    out.push({ ...fc(m, k, n, (y) => y), name: `${m}x${k} @ ${k}x${n}` });
    out.push({ ...fc(m, k, n, (y, g) => bias(n)(y, g).relu()), name: `${m}x${k} @ ${k}x${n} + bias, relu` });
    // the epilogue reads the value twice (x · sigmoid(x))
    out.push({
      ...fc(m, k, n, (y, g) => {
        const z = bias(n)(y, g);
        return z.mul(z.sigmoid());
      }),
      name: `${m}x${k} @ ${k}x${n} + bias, swish`,
    });
  }
  // 6 and 7 rows (the relaxed build's 6-row tiles; split 4 + rest by rows before)
  for (const [m, k, n] of [
    [6, 45, 70],
    [7, 33, 95],
  ] as const)
    out.push({ ...fc(m, k, n, (y, g) => bias(n)(y, g).relu()), name: `${m}x${k} @ ${k}x${n} + bias, relu` });
  {
    // a bias read with stride 2 along n: the epilogue does not vectorize, the generic loops run
    const [k, n] = [90, 157];
    const g = new Graph();
    const r = g.input('r', [2 * n]);
    const y = g
      .input('x', [1, k])
      .matmul(g.constant(data(k * n, 3), [k, n]))
      .add(r.slice([[0, 2 * n, 2]]));
    g.output('y', y.tanh());
    out.push({
      name: 'strided bias (generic loops)',
      graph: g,
      feeds: { x: data(k, 1), r: data(2 * n, 2) },
      units: Math.ceil(n / COLUMN_UNIT),
      tiled: false,
    });
  }
  {
    // Gemm's transB: a constant B transposed is folded to row-major; an input B is read strided
    const [k, n] = [75, 133];
    const g = new Graph();
    const x = g.input('x', [1, k]);
    g.output('c', x.matmul(g.constant(data(n * k, 4), [n, k]).transpose([1, 0])).add(0.5));
    out.push({
      name: 'constant transposed B',
      graph: g,
      feeds: { x: data(k, 5) },
      units: Math.ceil(n / COLUMN_UNIT),
      tiled: true,
    });
    // (k >= 320: a point is dear enough that the generic range takes single columns)
    const [k2, n2] = [333, 133];
    const h = new Graph();
    const w = h.input('w', [n2, k2]);
    h.output(
      'c',
      h
        .input('x', [1, k2])
        .matmul(w.transpose([1, 0]))
        .relu(),
    );
    out.push({
      name: 'input transposed B (generic loops)',
      graph: h,
      feeds: { x: data(k2, 6), w: data(n2 * k2, 7) },
      units: n2,
      tiled: false,
    });
  }
  {
    // a batch of single rows over one B (its rows fold into one 3-row matmul), and per-batch B
    const [k, n] = [58, 99];
    const g = new Graph();
    g.output(
      'y',
      g
        .input('x', [3, 1, k])
        .matmul(g.constant(data(k * n, 8), [k, n]))
        .add(1)
        .relu(),
    );
    out.push({
      name: 'batch of rows, shared B',
      graph: g,
      feeds: { x: data(3 * k, 9) },
      units: Math.ceil(n / COLUMN_UNIT),
      tiled: true,
    });
    const h = new Graph();
    h.output('y', h.input('a', [2, 1, k]).matmul(h.input('b', [2, k, n])));
    out.push({
      name: 'batched, a B per batch',
      graph: h,
      feeds: { a: data(2 * k, 10), b: data(2 * k * n, 11) },
      units: Math.ceil(n / COLUMN_UNIT),
      tiled: true,
    });
  }
  {
    // a vector times a matrix (no row variable)
    const [k, n] = [49, 77];
    const g = new Graph();
    g.output('v', g.input('x', [k]).matmul(g.constant(data(k * n, 12), [k, n])));
    out.push({
      name: 'vector @ matrix',
      graph: g,
      feeds: { x: data(k, 13) },
      units: Math.ceil(n / COLUMN_UNIT),
      tiled: true,
    });
  }
  return out;
}

const models = disposedAfterAll();

describe('single-row matmuls split by columns', () => {
  testThreadedBits(cases(), models, 1e-4, (many, c) => {
    const matmul = many.kernels.find((k) => k.kind === 'matmul');
    expect(matmul?.split).toBe(true);
    expect(matmul?.units).toBe(c.units);
    expect(matmul?.vectorMode === 'matmul-tiled').toBe(c.tiled);
  });

  test('fewer columns than two units run whole on thread 0', async () => {
    const c = fc(1, 40, COLUMN_UNIT + 5, (y) => y.relu());
    const model = await compile(c.graph, { threads: 2, threadMinWork: 0 });
    models.push(model);
    // 37 columns: 2 units, split; 32 columns would be one unit
    expect(model.kernels.find((k) => k.kind === 'matmul')?.split).toBe(true);
    const small = fc(1, 40, COLUMN_UNIT, (y) => y.relu());
    const whole = await compile(small.graph, { threads: 2, threadMinWork: 0 });
    models.push(whole);
    expect(whole.kernels.find((k) => k.kind === 'matmul')?.split).toBe(false);
  }, 60_000);

  test('two layers in a row: both split by columns, with a barrier between them, the same bits', async () => {
    const g = new Graph();
    const x = g.input('x', [1, 150]);
    const h = x
      .matmul(g.constant(data(150 * 211, 1), [150, 211]))
      .add(g.constant(data(211, 2), [211]))
      .relu();
    g.output('y', h.matmul(g.constant(data(211 * 67, 3), [211, 67])).add(0.25));
    const feeds = { x: data(150, 4) };
    const one = await compile(g);
    const two = await compile(g, { threads: 2, threadMinWork: 0 });
    models.push(one, two);
    expect(two.kernels.filter((k) => k.kind === 'matmul').map((k) => k.split)).toEqual([true, true]);
    for (let run = 0; run < 3; run++) expect(bitsOf(two.run(feeds).y)).toEqual(bitsOf(one.run(feeds).y));
    expectClose(two.run(feeds).y!, interpret(g, feeds).y!, { atol: 1e-4, rtol: 1e-4 }, 'y');
  }, 60_000);
});
