/**
 * Long kernels run in chunks of their range (passes/kernel-range.ts,
 * codegen/binaryen/emit-run.ts): results against the interpreter where the
 * chunks end inside a vector step, a tile or a row group and the last chunk
 * is partial; run() calls them in a loop; the warm-up at compile and load
 * changes no result; the verifier's range check.
 */
import { describe, expect, test } from 'vitest';
import { Graph, compile, load, type CompiledModel } from '../../src/index.js';
import { PlanError } from '../../src/common/errors.js';
import { checkKernelRange, kernelRange } from '../../src/passes/kernel-range.js';
import type { Kernel } from '../../src/passes/kernel.js';
import { checkGraph, expectClose, randomData, VARIANTS } from '../support/differential.js';

/** The kernels run() calls in more than one chunk, by name (chunks > 1 under the default options). */
async function chunked(g: Graph): Promise<Map<string, number>> {
  const model = await compile(g);
  const out = new Map(model.kernels.filter((k) => k.chunks > 1).map((k) => [k.name, k.chunks]));
  model.dispose();
  return out;
}

describe('chunked kernels agree with the interpreter', () => {
  test('1-D elementwise of an odd length: vector groups, a partial last chunk, a scalar tail', async () => {
    const n = 100_003;
    const g = new Graph();
    const x = g.input('x', [n]);
    g.output('y', x.mul(1.5).add(-0.25).relu().mul(x.sigmoid()));
    expect((await chunked(g)).size).toBe(1);
    await checkGraph(g, { x: randomData('f32', n, 1) }, { rtol: 1e-5, atol: 1e-6 });
  });

  test('2-D elementwise: chunks of rows, the last shorter', async () => {
    const g = new Graph();
    const x = g.input('x', [515, 301]);
    const y = g.input('y', [301]);
    g.output('z', x.add(y).exp().mul(x));
    expect((await chunked(g)).size).toBe(1);
    await checkGraph(g, { x: randomData('f32', 515 * 301, 2), y: randomData('f32', 301, 3) }, { rtol: 1e-5 });
  });

  test('softmax rows and a row sum: chunks of rows', async () => {
    const g = new Graph();
    const x = g.input('x', [257, 513]);
    g.output('p', x.softmax(-1));
    g.output('s', x.sum(1));
    expect((await chunked(g)).size).toBeGreaterThanOrEqual(1);
    await checkGraph(g, { x: randomData('f32', 257 * 513, 4) }, { rtol: 1e-5, atol: 1e-4 });
  });

  test('a reduction across the output axis: chunks ending inside a vector, and in vector groups', async () => {
    const g = new Graph();
    // 500 terms per output: one output per unit, 999 / 15 = 67 per chunk (not a multiple of 4)
    const a = g.input('a', [500, 999]);
    // 200 terms per output: groups of vectors, the last partial
    const b = g.input('b', [200, 1001]);
    g.output('sa', a.sum(0));
    g.output('sb', b.sum(0));
    expect((await chunked(g)).size).toBe(2);
    await checkGraph(
      g,
      { a: randomData('f32', 500 * 999, 5), b: randomData('f32', 200 * 1001, 6) },
      { rtol: 1e-5, atol: 1e-4 },
    );
  });

  test('matmul: chunks of row tiles with a row tail, B packed once, per run, and in place', async () => {
    // 203 rows in chunks of 28 (7 units of 4): the relaxed build's 6-row tiles then a 4-row tile; the last chunk 7 rows
    const [M, K, N] = [203, 100, 300];
    const g = new Graph();
    const x = g.input('x', [M, K]);
    const w = g.param('w', [K, N]);
    const b = g.input('b', [K, N]);
    g.output(
      'yw',
      x
        .matmul(w)
        .add(g.param('bias', [N]))
        .relu(),
    );
    g.output('yb', x.matmul(b));
    g.output('yc', x.matmul(g.constant(randomData('f32', K * 37, 7) as Float32Array, [K, 37])));
    const chunks = await chunked(g);
    expect([...chunks.values()].some((c) => c >= 8)).toBe(true);
    await checkGraph(
      g,
      {
        x: randomData('f32', M * K, 8),
        w: randomData('f32', K * N, 9),
        b: randomData('f32', K * N, 10),
        bias: randomData('f32', N, 11),
      },
      { rtol: 1e-5, atol: 1e-4 },
      [...VARIANTS, { debugPoison: true }],
    );
  });
});

describe('run() calls long kernels in chunks', () => {
  test('each chunked kernel is called in a loop of run(); a short one once, over its whole range', async () => {
    const g = new Graph();
    // 1M elements: 32 chunks (the most) of 103 groups of 320 elements
    const x = g.input('x', [1 << 20]);
    g.output('y', x.sigmoid());
    g.output('s', g.input('t', [7]).neg());
    const model = await compile(g);
    const [long, short] = model.kernels;
    expect(long?.chunks).toBe(32);
    expect(long?.units).toBe(Math.ceil((1 << 20) / 320));
    expect(short?.chunks).toBe(1);
    const wat = await model.wat();
    const run = (wat.split('(func $run\n')[1]?.split('(func ')[0] ?? '').replace(/\s+/g, ' ');
    // a loop of calls over (start, end) locals, chunks of ceil(units / 32) units, up to the units
    expect(run).toContain('(loop ');
    expect(run).toContain(`(i32.const ${Math.ceil(long!.units / 32)})`);
    expect(run).toContain(`(call $${long?.name} (local.get $0) (local.get $1) )`);
    expect(run).toContain(`(i32.lt_s (local.get $0) (i32.const ${long?.units}) )`);
    expect(run).toContain(`(call $${short?.name} (i32.const 0) (i32.const ${short?.units}) )`);
    model.dispose();
  });

  test('profile() times each kernel over its whole range', async () => {
    const g = new Graph();
    const x = g.input('x', [300, 400]);
    g.output('y', x.exp());
    const model = await compile(g);
    const feeds = { x: randomData('f32', 300 * 400, 12) as Float32Array };
    expect(model.profile(feeds, { repeats: 2 }).kernels).toHaveLength(1);
    // the profile's calls computed the whole output, as run() does
    const expected = Float32Array.from(feeds.x, Math.exp);
    model.view('y').fill(0);
    model.profile(feeds, { repeats: 1 });
    expectClose(model.view('y'), expected, { rtol: 1e-6 });
    model.dispose();
  });
});

describe('the warm-up at compile and load', () => {
  test('a kernel that traps on the memory it finds (integer division by zero) does not fail load', async () => {
    const g = new Graph();
    const a = g.input('a', [70_000], 'i32');
    const b = g.input('b', [70_000], 'i32');
    g.output('q', a.div(b));
    const model: CompiledModel = await compile(g);
    const loaded = await load(model.save());
    const feeds = {
      a: Int32Array.from({ length: 70_000 }, (_, i) => i * 7 - 3),
      b: Int32Array.from({ length: 70_000 }, (_, i) => (i % 13) + 1),
    };
    expectClose(loaded.run(feeds).q as Int32Array, model.run(feeds).q as Int32Array);
    loaded.dispose();
    model.dispose();
  });
});

describe('the verifier checks a range covers the domain', () => {
  const kernel = { name: 'k0_test', domain: [{ id: 1, extent: 10 }] } as unknown as Kernel;
  const fail = (why: string): never => {
    throw new PlanError(why);
  };
  test('a range over the domain variable, whole units and one partial, passes', () => {
    expect(() =>
      checkKernelRange(kernel, { v: { id: 1, extent: 10 }, unit: 4, units: 3 }, fail),
    ).not.toThrow();
  });
  test.each([
    ['another variable', { v: { id: 2, extent: 10 }, unit: 1, units: 10 }],
    ['another extent', { v: { id: 1, extent: 12 }, unit: 1, units: 12 }],
    ['too few units', { v: { id: 1, extent: 10 }, unit: 4, units: 2 }],
    ['too many units', { v: { id: 1, extent: 10 }, unit: 4, units: 4 }],
    ['a fractional unit', { v: { id: 1, extent: 10 }, unit: 2.5, units: 4 }],
  ])('%s is a PlanError', (_, range) => {
    expect(() => checkKernelRange(kernel, range, fail)).toThrow(PlanError);
  });
  test('kernelRange of a kernel with an empty axis is none', () => {
    expect(kernelRange({ ...kernel, domain: [{ id: 1, extent: 0 }], steps: [] })).toBeUndefined();
  });
});
