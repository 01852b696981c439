/** Builder API: every Graph and Tensor method records nodes with NumPy's shapes and dtypes (hand-computed). */
import { describe, expect, it } from 'vitest';
import { Graph } from '../../src/index.js';
import { typeOf } from './helpers.js';

function setup() {
  const g = new Graph();
  return {
    g,
    x: g.input('x', [2, 3]),
    i: g.input('i', [2, 3], 'i32'),
    b: g.input('b', [2, 3], 'bool'),
  };
}

describe('Graph leaves and constants', () => {
  it('input/param default to f32 and keep their shape', () => {
    const g = new Graph();
    const x = g.input('x', [128, 784]);
    const w = g.param('w', [784, 10], 'i32');
    expect([typeOf(x), typeOf(w)]).toEqual(['f32[128,784]', 'i32[784,10]']);
    expect([x.rank, x.size, g.input('s', []).size, g.input('z', [0, 4]).size]).toEqual([2, 128 * 784, 1, 0]);
    expect(g.leaves.map((l) => l.op)).toEqual(['input', 'param', 'input', 'input']);
  });

  it('constant takes the dtype of its typed array, f32 for numbers, or the dtype given', () => {
    const g = new Graph();
    expect(typeOf(g.constant(new Float32Array(6), [2, 3]))).toBe('f32[2,3]');
    expect(typeOf(g.constant(new Int32Array([1, 2])))).toBe('i32[2]');
    expect(typeOf(g.constant(new Uint8Array([1, 0, 1])))).toBe('bool[3]');
    expect(typeOf(g.constant([1, 2, 3, 4], [2, 2]))).toBe('f32[2,2]');
    expect(typeOf(g.constant([1, 2], undefined, 'i32'))).toBe('i32[2]');
    expect(typeOf(g.constant(0.5))).toBe('f32[]');
    expect(typeOf(g.constant(3, [], 'i32'))).toBe('i32[]');
    expect(typeOf(g.constant(true))).toBe('bool[]');
  });

  it('constant copies its data', () => {
    const g = new Graph();
    const data = new Float32Array([1, 2]);
    const c = g.constant(data);
    data[0] = 9;
    expect(c.node.op === 'constant' && Array.from(c.node.attrs.data)).toEqual([1, 2]);
  });
});

describe('elementwise ops', () => {
  it('broadcasts binary operands like NumPy', () => {
    const g = new Graph();
    const a = g.input('a', [2, 1, 3]);
    const b = g.input('b', [4, 3]);
    expect(typeOf(a.add(b))).toBe('f32[2,4,3]');
    expect(typeOf(b.mul(g.input('c', [4, 1])))).toBe('f32[4,3]');
    expect(typeOf(a.sub(g.input('s', [])))).toBe('f32[2,1,3]');
    expect(typeOf(g.input('z', [0, 1]).add(g.input('w', [5])))).toBe('f32[0,5]');
  });

  it('arithmetic keeps the higher dtype; comparisons give bool; and/or take bool', () => {
    const { x, i, b } = setup();
    for (const op of ['add', 'sub', 'mul', 'div', 'pow', 'maximum', 'minimum'] as const) {
      expect([typeOf(x[op](x)), typeOf(i[op](i)), typeOf(i[op](x)), typeOf(b[op](i))]).toEqual([
        'f32[2,3]',
        'i32[2,3]',
        'f32[2,3]',
        'i32[2,3]',
      ]);
    }
    for (const op of ['eq', 'ne', 'lt', 'le', 'gt', 'ge'] as const) {
      expect([typeOf(x[op](i)), typeOf(i[op](2)), typeOf(b[op](b))]).toEqual([
        'bool[2,3]',
        'bool[2,3]',
        'bool[2,3]',
      ]);
    }
    expect([typeOf(b.and(b)), typeOf(b.or(x.gt(0))), typeOf(b.not())]).toEqual([
      'bool[2,3]',
      'bool[2,3]',
      'bool[2,3]',
    ]);
  });

  it('a JS number takes the tensor dtype, except a non-integer with i32 gives f32', () => {
    const { x, i, b } = setup();
    expect(typeOf(x.add(1))).toBe('f32[2,3]');
    expect(typeOf(i.add(1))).toBe('i32[2,3]');
    expect(typeOf(i.mul(2.0))).toBe('i32[2,3]');
    expect(typeOf(i.add(1.5))).toBe('f32[2,3]');
    expect(typeOf(i.add(NaN))).toBe('f32[2,3]');
    expect(typeOf(b.add(1))).toBe('i32[2,3]');
    const one = i.add(1).node.inputs[1];
    expect([one?.op, one?.dtype, one?.shape]).toEqual(['constant', 'i32', []]);
  });

  it('unary ops: transcendentals give f32, the rest keep the dtype', () => {
    const { x, i } = setup();
    const floating = [
      'sqrt',
      'rsqrt',
      'exp',
      'log',
      'sin',
      'cos',
      'tanh',
      'sigmoid',
      'gelu',
      'erf',
      'reciprocal',
    ] as const;
    for (const op of floating) expect([typeOf(x[op]()), typeOf(i[op]())]).toEqual(['f32[2,3]', 'f32[2,3]']);
    const same = ['neg', 'abs', 'relu', 'square', 'floor', 'ceil', 'round', 'sign'] as const;
    for (const op of same) expect([typeOf(x[op]()), typeOf(i[op]())]).toEqual(['f32[2,3]', 'i32[2,3]']);
  });

  it('cast changes only the dtype', () => {
    const { x, b } = setup();
    expect([typeOf(x.cast('i32')), typeOf(x.cast('bool')), typeOf(b.cast('f32'))]).toEqual([
      'i32[2,3]',
      'bool[2,3]',
      'f32[2,3]',
    ]);
  });

  it('where broadcasts all three and promotes the branches', () => {
    const g = new Graph();
    const c = g.input('c', [2, 1], 'bool');
    const a = g.input('a', [3]);
    const k = g.input('k', [3], 'i32');
    expect(typeOf(g.where(c, a, 0))).toBe('f32[2,3]');
    expect(typeOf(g.where(c, k, 1))).toBe('i32[2,3]');
    expect(typeOf(g.where(c, k, 1.5))).toBe('f32[2,3]');
    expect(typeOf(g.where(c, 1, 2))).toBe('i32[2,1]');
  });
});

describe('reductions', () => {
  const g = new Graph();
  const x = g.input('x', [2, 3, 4]);
  it('reduce all axes by default, or the given ones (negative count from the end)', () => {
    expect(typeOf(x.sum())).toBe('f32[]');
    expect(typeOf(x.sum(1))).toBe('f32[2,4]');
    expect(typeOf(x.sum(-1))).toBe('f32[2,3]');
    expect(typeOf(x.max([0, -1]))).toBe('f32[3]');
    expect(typeOf(x.min(-2, true))).toBe('f32[2,1,4]');
    expect(typeOf(x.prod(undefined, true))).toBe('f32[1,1,1]');
    expect(typeOf(x.mean([2, 0], true))).toBe('f32[1,3,1]');
    expect(x.sum([-1, 0]).node.attrs).toEqual({ axes: [0, 2], keepdims: false });
  });

  it('sum/prod of bool give i32, mean of i32 gives f32, max keeps the dtype', () => {
    const b = g.input('b', [5], 'bool');
    const i = g.input('i', [5], 'i32');
    expect([typeOf(b.sum()), typeOf(b.prod()), typeOf(i.mean()), typeOf(i.max()), typeOf(i.sum())]).toEqual([
      'i32[]',
      'i32[]',
      'f32[]',
      'i32[]',
      'i32[]',
    ]);
  });

  it('argmax/argmin give i32 over one axis', () => {
    expect(typeOf(x.argmax(-1))).toBe('i32[2,3]');
    expect(typeOf(x.argmin(0, true))).toBe('i32[1,3,4]');
    expect(x.argmax(-1).node.attrs).toEqual({ axis: 2, keepdims: false });
  });

  it('sum over an empty axis is allowed (identity 0)', () => {
    expect(typeOf(g.input('e', [0, 3]).sum(0))).toBe('f32[3]');
  });
});

describe('recording', () => {
  it('methods only record nodes, and equal expressions are one node (hash-consing)', () => {
    const { g, x } = setup();
    const before = g.nodes.length;
    const a = x.add(1);
    expect(g.nodes.length).toBe(before + 2);
    expect(x.add(1).node).toBe(a.node);
    expect(g.nodes.length).toBe(before + 2);
    expect(x.sum(-1).node).toBe(x.sum(1).node);
    expect(x.add(2).node).not.toBe(a.node);
    expect(x.mul(x).node.inputs).toEqual([x.node, x.node]);
  });

  it('pad values NaN, Infinity, 0 and -0 stay distinct nodes', () => {
    const { x } = setup();
    const w = [
      [1, 1],
      [0, 0],
    ] as const;
    const nodes = [NaN, Infinity, -Infinity, 0, -0].map((v) => x.pad(w, v).node);
    expect(new Set(nodes).size).toBe(5);
  });

  it('node ids increase in creation order and Tensor.toString names the type', () => {
    const { g, x } = setup();
    const y = x.exp().add(x);
    expect(g.nodes.every((n, k) => n.id === k)).toBe(true);
    expect(y.node.inputs.every((n) => n.id < y.node.id)).toBe(true);
    expect(String(y)).toBe('Tensor<f32[2,3]>');
  });
});
