/**
 * Threads in Node through the public API: models compiled with threads: 2
 * give the same bits as with one thread (the split kernels keep each
 * element's order of summation), saved modules load on one or two threads,
 * threads that cannot be had are refused with the reason (or 'auto' falls
 * back), a failed check in a worker is an InputError, and workers that fail
 * to start or die are ThreadErrors, never a hang.
 */
import { afterAll, describe, expect, test } from 'vitest';
import {
  Graph,
  InputError,
  ThreadError,
  compile,
  load,
  type CompiledModel,
  type Tensor,
} from '../../src/index.js';
import { ThreadPool } from '../../src/runtime/thread-pool.js';
import { bitsOf } from '../support/differential.js';

function data(size: number, seed: number): Float32Array {
  return Float32Array.from({ length: size }, (_, i) => Math.sin(i * 0.37 + seed) * 2);
}

/** Graphs covering the kernel kinds: elementwise, matmul (scratch and prepacked B), rows, reductions. */
function graphs(): { name: string; graph: Graph; feeds: Record<string, Float32Array | Int32Array> }[] {
  const out: ReturnType<typeof graphs> = [];
  {
    const g = new Graph();
    const x = g.input('x', [37, 203]);
    g.output('y', x.mul(1.5).sub(0.25).relu().mul(x.sigmoid()));
    g.output('flat', x.reshape([-1]).exp());
    out.push({ name: 'elementwise', graph: g, feeds: { x: data(37 * 203, 1) } });
  }
  {
    const g = new Graph();
    const a = g.input('a', [133, 70]);
    const b = g.input('b', [70, 45]);
    const w = g.constant(data(45 * 29, 3), [45, 29]);
    const h = a.matmul(b).relu();
    g.output('h', h);
    g.output('o', h.matmul(w).add(0.5));
    out.push({ name: 'matmul', graph: g, feeds: { a: data(133 * 70, 4), b: data(70 * 45, 5) } });
  }
  {
    // layers whose threads read only their own rows: no barrier between them (ThreadPlan.joined)
    const g = new Graph();
    let h: Tensor = g.input('x', [93, 57]);
    for (const [k, n, seed] of [
      [57, 70, 11],
      [70, 45, 12],
      [45, 13, 13],
    ] as const)
      h = h
        .matmul(g.constant(data(k * n, seed), [k, n]))
        .add(g.constant(data(n, seed + 1), [n]))
        .relu();
    g.output('y', h.softmax(-1));
    out.push({ name: 'mlp', graph: g, feeds: { x: data(93 * 57, 14) } });
  }
  {
    const g = new Graph();
    const x = g.input('x', [61, 130]);
    g.output('s', x.softmax(-1));
    g.output('n', x.layerNorm());
    g.output('m', x.max(-1));
    g.output('total', x.sum());
    g.output('cols', x.sum(0));
    out.push({ name: 'rows and reductions', graph: g, feeds: { x: data(61 * 130, 6) } });
  }
  {
    const g = new Graph();
    const x = g.input('x', [3, 17, 29, 5]);
    const i = g.input('i', [11], 'i32');
    g.output('t', x.transpose([0, 2, 1, 3]).add(1).tanh());
    g.output('g', x.gather(i, 1).mul(2));
    out.push({
      name: 'views and gather',
      graph: g,
      feeds: { x: data(3 * 17 * 29 * 5, 7), i: Int32Array.from({ length: 11 }, (_, k) => (k * 5) % 17) },
    });
  }
  {
    const g = new Graph();
    const x = g.input('x', [1, 3, 23, 19]);
    const w = g.constant(data(8 * 3 * 3 * 3, 8), [8, 3, 3, 3]);
    const y = x.conv(w, g.constant(data(8, 9), [8]), { pads: [1, 1, 1, 1] }).relu();
    g.output('y', y);
    g.output('p', y.maxPool([2, 2], { strides: [2, 2] }));
    out.push({ name: 'conv and pool', graph: g, feeds: { x: data(3 * 23 * 19, 10) } });
  }
  {
    // a batch whose rows continue the matmul's rows (x[b, s, d] @ w): one matmul over all b·s rows
    const g = new Graph();
    const x = g.input('x', [3, 21, 37]);
    const w = g.constant(data(37 * 26, 17), [37, 26]);
    g.output(
      'y',
      x
        .matmul(w)
        .add(g.constant(data(26, 18), [26]))
        .relu(),
    );
    out.push({ name: 'batch folded into rows', graph: g, feeds: { x: data(3 * 21 * 37, 19) } });
  }
  {
    // a grouped conv: a matmul per group, each group's rows split among the threads
    const g = new Graph();
    const x = g.input('x', [1, 16, 13, 11]);
    const w = g.constant(data(36 * 8 * 3 * 3, 15), [36, 8, 3, 3]);
    g.output('y', x.conv(w, null, { pads: [1, 1, 1, 1], groups: 2 }).relu());
    out.push({ name: 'grouped conv', graph: g, feeds: { x: data(16 * 13 * 11, 16) } });
  }
  return out;
}

const models: CompiledModel[] = [];
afterAll(() => models.forEach((m) => m.dispose()));

describe('threads: 2 against threads: 1', () => {
  test.each(graphs().map((c) => [c.name, c] as const))(
    '%s: the same bits',
    async (_, c) => {
      const one = await compile(c.graph);
      const two = await compile(c.graph, { threads: 2, threadMinWork: 0 });
      models.push(one, two);
      expect(one.threads).toBe(1);
      expect(two.threads).toBe(2);
      expect(two.kernels.some((k) => k.split)).toBe(true);
      const want = one.run(c.feeds);
      for (let run = 0; run < 3; run++) {
        const got = two.run(c.feeds);
        for (const name of Object.keys(want)) expect(bitsOf(got[name]), name).toEqual(bitsOf(want[name]));
      }
    },
    120_000,
  );

  test('which kernels split: rows, matmul rows and elementwise; a whole reduction runs on thread 0', async () => {
    const rows = graphs().find((c) => c.name === 'rows and reductions');
    const model = await compile(rows!.graph, { threads: 2, threadMinWork: 0 });
    models.push(model);
    const total = model.kernels.find((k) => k.nodes.some((n) => n.endsWith('= sum')) && k.units === 1);
    expect(total?.split).toBe(false);
    expect(model.kernels.filter((k) => k.kind === 'row').every((k) => k.split)).toBe(true);
  }, 60_000);

  test('a matmul whose rows fold a batch splits by rows of the whole batch, with and without SIMD', async () => {
    const folded = graphs().find((c) => c.name === 'batch folded into rows')!;
    const model = await compile(folded.graph, { threads: 2, threadMinWork: 0 });
    models.push(model);
    const matmul = model.kernels.find((k) => k.kind === 'matmul');
    expect(matmul?.split).toBe(true);
    expect(matmul?.vectorMode).toBe('matmul-tiled');
    // 63 rows in tiles of 4
    expect(matmul?.units).toBe(16);
    // the scalar path reads the rows back through div/mod: the same bits as its one-thread build
    const scalar = await compile(folded.graph, { threads: 2, threadMinWork: 0, simd: false });
    const scalarOne = await compile(folded.graph, { simd: false });
    models.push(scalar, scalarOne);
    expect(scalar.kernels.find((k) => k.kind === 'matmul')?.split).toBe(true);
    const want = scalarOne.run(folded.feeds);
    expect(bitsOf(scalar.run(folded.feeds).y)).toEqual(bitsOf(want.y));
  }, 60_000);

  test('a grouped conv splits its matmul: each thread takes its rows of every group', async () => {
    const grouped = graphs().find((c) => c.name === 'grouped conv');
    const model = await compile(grouped!.graph, { threads: 2, threadMinWork: 0 });
    models.push(model);
    expect(model.kernels.find((k) => k.kind === 'matmul')?.split).toBe(true);
  }, 60_000);
});

test('kernels too small to pay for a barrier run on thread 0 (threadMinWork), the others split', async () => {
  const g = new Graph();
  const x = g.input('x', [40, 50]);
  const big = g.input('big', [300, 200]);
  g.output('small', x.exp());
  g.output('large', big.exp());
  const model = await compile(g, { threads: 2 });
  models.push(model);
  // 2,000 elements stay on thread 0, 60,000 split
  expect(model.kernels.map((k) => k.split).sort()).toEqual([false, true]);
  const all = await compile(g, { threads: 2, threadMinWork: 0 });
  models.push(all);
  expect(all.kernels.every((k) => k.split)).toBe(true);
  const feeds = { x: data(40 * 50, 3), big: data(300 * 200, 4) };
  const want = model.run(feeds);
  for (const name of ['small', 'large']) expect(bitsOf(all.run(feeds)[name])).toEqual(bitsOf(want[name]));
  await expect(compile(g, { threads: 2, threadMinWork: -1 })).rejects.toThrow(InputError);
}, 60_000);

test('a model none of whose kernels split runs on one thread (the others would only wait)', async () => {
  const g = new Graph();
  g.output('t', g.input('x', [5000]).sum());
  const model = await compile(g, { threads: 2, threadMinWork: 0 });
  models.push(model);
  expect(model.kernels.some((k) => k.split)).toBe(false);
  expect(model.threads).toBe(1);
  const again = await load(model.save(), { threads: 2 });
  expect(again.threads).toBe(1);
  expect(bitsOf(again.run({ x: data(5000, 1) }).t)).toEqual(bitsOf(model.run({ x: data(5000, 1) }).t));
  again.dispose();
}, 60_000);

test('a large whole-tensor reduction splits into partials: within the accuracy of blocked sums', async () => {
  const g = new Graph();
  const x = g.input('x', [3, 65536]);
  g.output('t', x.sum());
  g.output('m', x.max([0, 1], true));
  const X = data(3 * 65536, 3);
  const one = await compile(g);
  const two = await compile(g, { threads: 2, threadMinWork: 0 });
  models.push(one, two);
  expect(two.threads).toBe(2);
  expect(two.kernels.filter((k) => k.split)).toHaveLength(2);
  const want = one.run({ x: X });
  const got = two.run({ x: X });
  // max is exact whatever the order; the sum's order changes
  expect(bitsOf(got.m)).toEqual(bitsOf(want.m));
  expect(Array.from(got.m!)).toEqual([Math.max(...X)]);
  const exact = X.reduce((a, b) => a + b, 0);
  expect(Math.abs(got.t![0]! - exact)).toBeLessThan(1e-6 * X.reduce((a, b) => a + Math.abs(b), 0));
  expect(bitsOf(two.run({ x: X }).t)).toEqual(bitsOf(got.t));
}, 60_000);

describe('saved threaded modules', () => {
  test('load with threads: 1, 2 and auto gives the same bits; the file still loads on one thread', async () => {
    const [, matmul] = graphs();
    const compiled = await compile(matmul!.graph, { threads: 2, threadMinWork: 0 });
    models.push(compiled);
    const want = compiled.run(matmul!.feeds);
    const bytes = compiled.save();
    for (const threads of [1, 2, 'auto'] as const) {
      const model = await load(bytes, { threads });
      expect(model.threads).toBe(threads === 1 ? 1 : 2);
      const got = model.run(matmul!.feeds);
      for (const name of Object.keys(want)) expect(bitsOf(got[name]), name).toEqual(bitsOf(want[name]));
      model.dispose();
    }
    const plain = await load(bytes);
    expect(plain.threads).toBe(1);
    plain.dispose();
  }, 120_000);

  test('threads a module cannot have are refused with the reason; auto falls back to one', async () => {
    const g = new Graph();
    g.output('y', g.input('x', [64]).add(1));
    const single = (await compile(g)).save();
    await expect(load(single, { threads: 2 })).rejects.toThrow(ThreadError);
    await expect(load(single, { threads: 2 })).rejects.toThrow(
      /load: cannot run on 2 threads: the module was compiled without threads/,
    );
    const auto = await load(single, { threads: 'auto' });
    expect(auto.threads).toBe(1);
    auto.dispose();
    const two = await compile(g, { threads: 2, threadMinWork: 0 });
    const saved = two.save();
    two.dispose();
    await expect(load(saved, { threads: 3 })).rejects.toThrow(/compiled for at most 2 threads/);
    await expect(load(saved, { threads: 0 })).rejects.toThrow(InputError);
    await expect(compile(g, { threads: 1.5 })).rejects.toThrow(InputError);
    await expect(compile(g, { threads: 2, threadMinWork: 0, debugPoison: true })).rejects.toThrow(
      /debugPoison needs threads: 1/,
    );
  }, 60_000);
});

describe('waking the workers before a run', () => {
  test('run() wakes sleeping workers before it copies the feeds; a wake starts no run', async () => {
    const g = new Graph();
    g.output('y', g.input('x', [64, 130]).softmax(-1));
    const many = await compile(g, { threads: 2, threadMinWork: 0 });
    const one = await compile(g);
    models.push(many, one);
    for (let i = 0; i < 4; i++) {
      // past the worker's spin (~1 ms): it sleeps, and run() wakes it first
      await new Promise((r) => setTimeout(r, 10));
      const X = data(64 * 130, 20 + i);
      many.threadPool()?.wake();
      many.threadPool()?.wake();
      expect(bitsOf(many.run({ x: X }).y)).toEqual(bitsOf(one.run({ x: X }).y));
    }
  }, 60_000);
});

describe('faults', () => {
  test('a gather index out of range in any thread is an InputError, and the model keeps working', async () => {
    const g = new Graph();
    const x = g.input('x', [64, 33]);
    const i = g.input('i', [64], 'i32');
    g.output('y', x.gather(i, 0).add(1));
    const model = await compile(g, { threads: 2, threadMinWork: 0 });
    models.push(model);
    const X = data(64 * 33, 9);
    const good = Int32Array.from({ length: 64 }, (_, k) => 63 - k);
    const want = model.run({ x: X, i: good });
    for (const at of [0, 63]) {
      const bad = good.slice();
      bad[at] = 64;
      expect(() => model.run({ x: X, i: bad })).toThrow(/index 64 is out of range in gather/);
    }
    expect(bitsOf(model.run({ x: X, i: good }).y)).toEqual(bitsOf(want.y));
  }, 60_000);

  test('run after dispose is an InputError; a dead worker is a ThreadError, never a hang', async () => {
    const g = new Graph();
    g.output('y', g.input('x', [4096]).exp());
    const model = await compile(g, { threads: 2, threadMinWork: 0, threadTimeoutMs: 300 });
    const X = data(4096, 2);
    model.run({ x: X });
    model.threadPool()?.killWorker(1);
    await new Promise((r) => setTimeout(r, 50));
    expect(() => model.run({ x: X })).toThrow(ThreadError);
    expect(() => model.run({ x: X })).toThrow(ThreadError);
    model.dispose();
    expect(() => model.run({ x: X })).toThrow(/run: the model was disposed/);
  }, 60_000);

  test('a worker that fails to start, or never reports ready, is a ThreadError', async () => {
    const memory = new WebAssembly.Memory({ initial: 1, maximum: 1, shared: true });
    const module = new WebAssembly.Module(new Uint8Array([0, 97, 115, 109, 1, 0, 0, 0]));
    await expect(
      ThreadPool.start(module, memory, 0, 2, { startMs: 5000, runMs: 5000 }, 'throw new Error("boom")'),
    ).rejects.toThrow(/could not start 2 threads: worker 1 failed: boom/);
    await expect(
      ThreadPool.start(module, memory, 0, 2, { startMs: 200, runMs: 200 }, 'setInterval(() => {}, 1000)'),
    ).rejects.toThrow(/did not start within 200 ms/);
  }, 30_000);
});
