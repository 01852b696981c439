/**
 * Small models for the AOT tests, each with params and fixed inputs: an MLP,
 * an attention-like block, and one with bool and i32 outputs and a gather.
 */
import { Graph, type TypedArray } from '../../src/index.js';

/** A model to compile, with its param values and one set of inputs. */
export interface TestModel {
  readonly name: string;
  readonly graph: Graph;
  readonly params: Record<string, TypedArray>;
  readonly inputs: Record<string, TypedArray>;
}

/** Deterministic values in [-scale, scale) from a linear congruential generator. */
export function random(size: number, seed: number, scale = 1): Float32Array {
  let s = seed >>> 0;
  return Float32Array.from({ length: size }, () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return ((s / 2 ** 32) * 2 - 1) * scale;
  });
}

function mlp(): TestModel {
  const g = new Graph();
  const x = g.input('x', [8, 32]);
  const w1 = g.param('w1', [32, 64]);
  const b1 = g.param('b1', [64]);
  const w2 = g.param('w2', [64, 10]);
  const b2 = g.constant(new Float32Array(10).fill(0.1), [10]);
  const h = x.matmul(w1).add(b1).relu();
  g.output('probs', h.matmul(w2).add(b2).softmax(-1));
  g.output('hidden', h);
  return {
    name: 'mlp',
    graph: g,
    params: { w1: random(32 * 64, 1, 0.2), b1: random(64, 2, 0.1), w2: random(64 * 10, 3, 0.2) },
    inputs: { x: random(8 * 32, 4) },
  };
}

function attention(): TestModel {
  const [seq, dim, heads] = [16, 32, 4];
  const hd = dim / heads;
  const g = new Graph();
  const x = g.input('x', [seq, dim]);
  const wq = g.param('wq', [dim, dim]);
  const wk = g.param('wk', [dim, dim]);
  const wv = g.param('wv', [dim, dim]);
  const lnW = g.param('ln_w', [dim]);
  const split = (t: ReturnType<Graph['input']>) => t.reshape([seq, heads, hd]).transpose([1, 0, 2]);
  const h = x.layerNorm(lnW);
  const q = split(h.matmul(wq));
  const k = split(h.matmul(wk));
  const v = split(h.matmul(wv));
  const scores = q
    .matmul(k.transpose([0, 2, 1]))
    .mul(1 / Math.sqrt(hd))
    .softmax(-1);
  g.output('y', x.add(scores.matmul(v).transpose([1, 0, 2]).reshape([seq, dim]).gelu()));
  return {
    name: 'attention',
    graph: g,
    params: {
      wq: random(dim * dim, 11, 0.2),
      wk: random(dim * dim, 12, 0.2),
      wv: random(dim * dim, 13, 0.2),
      ln_w: random(dim, 14, 1),
    },
    inputs: { x: random(seq * dim, 5) },
  };
}

function gatherBoolInt(): TestModel {
  const g = new Graph();
  const table = g.param('table', [10, 6]);
  const idx = g.input('idx', [5], 'i32');
  const scale = g.input('scale', [6]);
  const rows = table.gather(idx, 0).mul(scale);
  g.output('rows', rows);
  g.output('positive', rows.gt(0));
  g.output('best', rows.argmax(-1));
  g.output('count', rows.gt(0).sum(-1));
  return {
    name: 'gather-bool-i32',
    graph: g,
    params: { table: random(60, 21, 3) },
    inputs: { idx: Int32Array.from([0, 9, -1, 3, 3]), scale: random(6, 22, 2) },
  };
}

/** Every test model, freshly built. */
export function testModels(): TestModel[] {
  return [mlp(), attention(), gatherBoolInt()];
}

/** The raw bytes of a typed array (for bit-identical comparisons, NaN and -0 included). */
export function bytesOf(array: TypedArray): number[] {
  return Array.from(new Uint8Array(array.buffer, array.byteOffset, array.byteLength));
}
