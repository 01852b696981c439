/**
 * The runtime Model through the public API: feeds are checked before anything
 * is written (a failed call changes nothing), runs repeat exactly, models
 * coexist, view()+execute() work in place, params persist, dispose() ends use.
 */
import { describe, expect, test } from 'vitest';
import { Graph, InputError, compile, interpret } from '../../src/index.js';

async function mlp() {
  const g = new Graph();
  const x = g.input('x', [2, 3]);
  const w = g.param('w', [3, 4]);
  const idx = g.input('idx', [2], 'i32');
  const h = x.matmul(w).relu();
  g.output('h', h);
  g.output('rows', h.gather(idx, 0).sum(-1));
  const model = await compile(g);
  return { g, model };
}

const X = new Float32Array([1, -2, 3, 0.5, 4, -1]);
const W = Float32Array.from({ length: 12 }, (_, i) => (i % 5) - 2);
const IDX = new Int32Array([1, -2]);

describe('Model', () => {
  test('metadata, plan, and a run equal to the interpreter', async () => {
    const { g, model } = await mlp();
    expect(model.inputs).toEqual([
      { name: 'x', shape: [2, 3], dtype: 'f32' },
      { name: 'idx', shape: [2], dtype: 'i32' },
    ]);
    expect(model.params).toEqual([{ name: 'w', shape: [3, 4], dtype: 'f32' }]);
    expect(model.outputs.map((o) => o.name)).toEqual(['h', 'rows']);
    expect(model.plan.buffers.some((b) => b.kind === 'output' && b.name === 'h')).toBe(true);
    model.setParams({ w: W });
    const out = model.run({ x: X, idx: IDX });
    const expected = interpret(g, { x: X, w: W, idx: IDX });
    expect(Array.from(out.h!)).toEqual(Array.from(expected.h!));
    expect(Array.from(out.rows!)).toEqual(Array.from(expected.rows!));
  });

  test('bad feeds throw InputError before anything is written', async () => {
    const { model } = await mlp();
    model.setParams({ w: W });
    const good = model.run({ x: X, idx: IDX });
    const bad: unknown[] = [
      {},
      { x: X },
      { x: X, idx: IDX, extra: X },
      { x: X.subarray(1), idx: IDX },
      { x: new Int32Array(6), idx: IDX },
      { x: X, idx: new Float32Array(2) },
      { x: { length: 6 }, idx: IDX },
      { x: null, idx: IDX },
      null,
      { x: X, idx: IDX, w: W },
      { x: ['a', 1, 2, 3, 4, 5], idx: IDX },
    ];
    for (const feeds of bad) {
      expect(() => model.run(feeds as never), JSON.stringify(feeds)).toThrow(InputError);
    }
    // a failed call changed nothing: the input region still holds the last good feed
    expect(Array.from(model.view('x'))).toEqual(Array.from(X));
    expect(model.run({ x: X, idx: IDX })).toEqual(good);
    expect(() => model.setParams({ w: W.subarray(2) })).toThrow(InputError);
    expect(() => model.setParams({ nope: W })).toThrow(/unknown name "nope"/);
    expect(() => model.view('nope')).toThrow(InputError);
    expect(model.run({ x: X, idx: IDX })).toEqual(good);
  });

  test('a gather index out of range is an InputError at run time, and the model still works', async () => {
    const { model } = await mlp();
    model.setParams({ w: W });
    const good = model.run({ x: X, idx: IDX });
    expect(() => model.run({ x: X, idx: new Int32Array([0, 2]) })).toThrow(
      /index 2 is out of range in gather on axis 0 of size 2/,
    );
    expect(() => model.run({ x: X, idx: new Int32Array([-3, 0]) })).toThrow(InputError);
    expect(model.run({ x: X, idx: IDX })).toEqual(good);
  });

  test('plain number arrays are accepted and converted', async () => {
    const { model } = await mlp();
    model.setParams({ w: Array.from(W) });
    const a = model.run({ x: Array.from(X), idx: [1, -2] });
    const b = model.run({ x: X, idx: IDX });
    expect(a).toEqual(b);
  });

  test('params must be set before running', async () => {
    const { model } = await mlp();
    expect(() => model.run({ x: X, idx: IDX })).toThrow(/params never set: w/);
  });

  test('view() + execute() run in place; repeated runs are identical', async () => {
    const { model } = await mlp();
    model.view('w').set(W);
    model.view('x').set(X);
    model.view('idx').set(IDX);
    model.execute();
    const first = model.view('h').slice();
    model.execute();
    expect(model.view('h')).toEqual(first);
    expect(model.run({ x: X, idx: IDX }).h).toEqual(first);
  });

  test('many models coexist with their own memory', async () => {
    const models = await Promise.all(
      [1, 2, 3].map(async (k) => {
        const g = new Graph();
        g.output('y', g.input('x', [4]).mul(k));
        return compile(g);
      }),
    );
    const x = new Float32Array([1, 2, 3, 4]);
    models.forEach((m, i) =>
      expect(Array.from(m.run({ x }).y!)).toEqual([1, 2, 3, 4].map((v) => v * (i + 1))),
    );
  });

  test('dispose() ends use with a clear error', async () => {
    const { model } = await mlp();
    model.dispose();
    expect(() => model.run({ x: X, idx: IDX })).toThrow(/disposed/);
    expect(() => model.view('x')).toThrow(/disposed/);
  });
});
