/** Builder API: matmul, views, data movement and composites infer NumPy's shapes and dtypes (hand-computed). */
import { describe, expect, it } from 'vitest';
import { Graph } from '../../src/index.js';
import { typeOf } from './helpers.js';

describe('matmul', () => {
  const g = new Graph();
  const t = (...shape: number[]) => g.constant(new Float32Array(shape.reduce((a, b) => a * b, 1)), shape);
  it.each([
    [[3], [3], 'f32[]'],
    [[2, 3], [3], 'f32[2]'],
    [[3], [3, 4], 'f32[4]'],
    [[2, 3], [3, 4], 'f32[2,4]'],
    [[5, 2, 3], [5, 3, 4], 'f32[5,2,4]'],
    [[5, 1, 2, 3], [6, 3, 4], 'f32[5,6,2,4]'],
    [[3], [5, 3, 4], 'f32[5,4]'],
    [[5, 2, 3], [3], 'f32[5,2]'],
    [[0, 3], [3, 2], 'f32[0,2]'],
  ])('%j @ %j -> %s', (a, b, expected) => {
    expect(typeOf(t(...a).matmul(t(...b)))).toBe(expected);
  });

  it('promotes i32 @ f32 to f32 and keeps i32 @ i32', () => {
    const i = g.input('i', [2, 3], 'i32');
    expect([typeOf(i.matmul(g.input('j', [3, 2], 'i32'))), typeOf(i.matmul(t(3, 2)))]).toEqual([
      'i32[2,2]',
      'f32[2,2]',
    ]);
  });
});

describe('views and data movement', () => {
  const g = new Graph();
  const x = g.input('x', [2, 3, 4]);
  it('reshape resolves one -1', () => {
    expect(typeOf(x.reshape([-1, 4]))).toBe('f32[6,4]');
    expect(typeOf(x.reshape([4, -1]))).toBe('f32[4,6]');
    expect(typeOf(x.reshape([24]))).toBe('f32[24]');
    expect(typeOf(g.input('z', [0, 3]).reshape([-1, 3]))).toBe('f32[0,3]');
    expect(x.reshape([-1]).node).toBe(x.reshape([24]).node);
  });

  it('transpose reverses by default or follows perm (negative axes allowed)', () => {
    expect(typeOf(x.transpose())).toBe('f32[4,3,2]');
    expect(typeOf(x.transpose([0, 2, 1]))).toBe('f32[2,4,3]');
    expect(x.transpose([-1, 0, 1]).node.attrs).toEqual({ perm: [2, 0, 1] });
  });

  it('expand broadcasts (-1 keeps a dimension)', () => {
    const c = g.input('c', [3, 1]);
    expect(typeOf(c.expand([2, 3, 4]))).toBe('f32[2,3,4]');
    expect(typeOf(c.expand([5, -1, 2]))).toBe('f32[5,3,2]');
  });

  it('squeeze, unsqueeze and flatten record reshape nodes', () => {
    const y = g.input('y', [1, 3, 1]);
    expect(typeOf(y.squeeze())).toBe('f32[3]');
    expect(typeOf(y.squeeze(0))).toBe('f32[3,1]');
    expect(typeOf(y.squeeze([-1, 0]))).toBe('f32[3]');
    expect(typeOf(x.unsqueeze(0))).toBe('f32[1,2,3,4]');
    expect(typeOf(x.unsqueeze(-1))).toBe('f32[2,3,4,1]');
    expect(typeOf(x.flatten())).toBe('f32[24]');
    expect(typeOf(x.flatten(1))).toBe('f32[2,12]');
    expect(typeOf(x.flatten(-1))).toBe('f32[2,3,4]');
    for (const v of [y.squeeze(), x.unsqueeze(1), x.flatten()]) expect(v.node.op).toBe('reshape');
  });

  it('slice follows Python: picks drop the axis, negative indices and steps, clamped bounds', () => {
    const s = g.input('s', [5, 6]);
    expect(typeOf(s.slice([[1, 3]]))).toBe('f32[2,6]');
    expect(typeOf(s.slice([2]))).toBe('f32[6]');
    expect(typeOf(s.slice([-1, [null, null, -1]]))).toBe('f32[6]');
    expect(typeOf(s.slice([null, [1, null, 2]]))).toBe('f32[5,3]');
    expect(typeOf(s.slice([[-2, null]]))).toBe('f32[2,6]');
    expect(typeOf(s.slice([[0, 100]]))).toBe('f32[5,6]');
    expect(typeOf(s.slice([[3, 1]]))).toBe('f32[0,6]');
    expect(typeOf(s.slice([[4, 0, -2], 0]))).toBe('f32[2]');
    const rev = s.slice([[null, null, -2]]);
    expect(rev.node.attrs).toEqual({
      axes: [
        { start: 4, step: -2, size: 3 },
        { start: 0, step: 1, size: 6 },
      ],
    });
    expect(s.slice([[-100, -3]]).node.attrs).toEqual({
      axes: [
        { start: 0, step: 1, size: 2 },
        { start: 0, step: 1, size: 6 },
      ],
    });
    expect(s.slice([[3, 1]]).node.attrs).toEqual({
      axes: [
        { start: 0, step: 1, size: 0 },
        { start: 0, step: 1, size: 6 },
      ],
    });
    const picked = s.slice([1, 2]);
    expect([typeOf(picked), picked.node.op, picked.node.inputs[0]?.op]).toEqual([
      'f32[]',
      'reshape',
      'slice',
    ]);
  });

  it('pad adds [before, after] per axis', () => {
    expect(
      typeOf(
        g.input('p', [2, 3]).pad([
          [1, 2],
          [0, 0],
        ]),
      ),
    ).toBe('f32[5,3]');
    expect(typeOf(g.input('q', [2], 'i32').pad([[0, 3]], 7))).toBe('i32[5]');
  });

  it('gather replaces the axis by the indices shape', () => {
    const t = g.input('t', [5, 4]);
    const idx = g.input('idx', [2, 3], 'i32');
    expect(typeOf(t.gather(idx, 0))).toBe('f32[2,3,4]');
    expect(typeOf(t.gather(idx, -1))).toBe('f32[5,2,3]');
    expect(typeOf(t.gather([0, -1], 1))).toBe('f32[5,2]');
    expect(typeOf(t.gather(2, 0))).toBe('f32[4]');
  });

  it('concat joins along an existing axis and promotes; stack along a new one', () => {
    const a = g.input('a', [2, 3]);
    const b = g.input('b', [4, 3], 'i32');
    expect(typeOf(g.concat([a, b], 0))).toBe('f32[6,3]');
    expect(typeOf(g.concat([a, a, a], -1))).toBe('f32[2,9]');
    expect(typeOf(g.stack([a, a, a], 0))).toBe('f32[3,2,3]');
    const st = g.stack([a, a], -1);
    expect(typeOf(st)).toBe('f32[2,3,2]');
    expect([st.node.op, st.node.inputs.map((n) => n.op)]).toEqual(['concat', ['reshape', 'reshape']]);
  });
});

describe('composites', () => {
  it('softmax, logSoftmax and layerNorm keep the shape and give f32', () => {
    const g = new Graph();
    const x = g.input('x', [4, 8]);
    const i = g.input('i', [4, 8], 'i32');
    expect([typeOf(x.softmax()), typeOf(i.softmax(0)), typeOf(x.logSoftmax(-2))]).toEqual([
      'f32[4,8]',
      'f32[4,8]',
      'f32[4,8]',
    ]);
    expect(x.softmax().node.attrs).toEqual({ axis: 1 });
    const ln = x.layerNorm(g.param('w', [8]), g.param('b', [8]));
    expect([typeOf(ln), ln.node.inputs.length, ln.node.attrs]).toEqual([
      'f32[4,8]',
      3,
      { eps: 1e-5, hasWeight: true, hasBias: true },
    ]);
    expect(x.layerNorm(null, g.param('b2', [8]), 1e-3).node.attrs).toEqual({
      eps: 1e-3,
      hasWeight: false,
      hasBias: true,
    });
  });
});
