/**
 * Data movement in the interpreter: pad (with a value cast to the dtype),
 * gather (negative and out-of-range indices), concat with mixed dtypes, and
 * stack.
 */
import { describe, expect, it } from 'vitest';
import { Graph, InputError, interpret } from '../../src/index.js';
import { expectExact, run } from './helpers.js';

const M = { x: [1, 2, 3, 4, 5, 6] }; // [[1,2,3],[4,5,6]]

describe('pad', () => {
  it('pads before and after with a value', () => {
    expectExact(
      run((g) => g.input('x', [2]).pad([[1, 2]], 9), { x: [1, 2] }),
      'f32',
      [5],
      [9, 1, 2, 9, 9],
    );
    // [[1,2],[3,4]] with one row after and one column before, filled with 0
    expectExact(
      run(
        (g) =>
          g.input('x', [2, 2]).pad([
            [0, 1],
            [1, 0],
          ]),
        { x: [1, 2, 3, 4] },
      ),
      'f32',
      [3, 3],
      [0, 1, 2, 0, 3, 4, 0, 0, 0],
    );
  });

  it('the value is cast to the dtype (i32 truncates, bool is != 0, f32 rounds)', () => {
    expectExact(
      run((g) => g.input('x', [1], 'i32').pad([[1, 1]], 2.7), { x: [5] }),
      'i32',
      [3],
      [2, 5, 2],
    );
    expectExact(
      run((g) => g.input('x', [1], 'bool').pad([[1, 0]], 3), { x: [0] }),
      'bool',
      [2],
      [1, 0],
    );
    expectExact(
      run((g) => g.input('x', [1]).pad([[0, 1]], 0.1), { x: [1] }),
      'f32',
      [2],
      [1, 0.1],
    );
  });

  it('pads a zero-size axis and a rank-0 value', () => {
    expectExact(
      run((g) => g.input('x', [0]).pad([[1, 1]], -1), { x: [] }),
      'f32',
      [2],
      [-1, -1],
    );
    expectExact(
      run((g) => g.input('x', []).pad([], 3), { x: [4] }),
      'f32',
      [],
      [4],
    );
  });
});

describe('gather', () => {
  it('takes along an axis, negative indices from the end', () => {
    expectExact(
      run((g) => g.input('x', [2, 3]).gather([2, -3], 1), M),
      'f32',
      [2, 2],
      [3, 1, 6, 4],
    );
    expectExact(
      run((g) => g.input('x', [2, 3]).gather(-1, 0), M),
      'f32',
      [3],
      [4, 5, 6],
    );
  });

  it('result shape is x.shape[:axis] + indices.shape + x.shape[axis+1:]', () => {
    const r = run((g) => g.input('x', [2, 3]).gather(g.input('i', [2, 2], 'i32'), 0), {
      ...M,
      i: [0, 1, 1, 0],
    });
    expectExact(r, 'f32', [2, 2, 3], [1, 2, 3, 4, 5, 6, 4, 5, 6, 1, 2, 3]);
  });

  it('empty indices give an empty result; i32 data', () => {
    expectExact(
      run((g) => g.input('x', [3], 'i32').gather(g.input('i', [0], 'i32'), 0), { x: [1, 2, 3], i: [] }),
      'i32',
      [0],
      [],
    );
  });

  it('an out-of-range index is an InputError naming the index and the axis size', () => {
    const g = new Graph();
    g.output('y', g.input('x', [2, 3]).gather(g.input('i', [2], 'i32'), 1));
    for (const bad of [3, -4]) {
      const call = () => interpret(g, { ...M, i: [0, bad] });
      expect(call).toThrow(InputError);
      expect(call).toThrow(`index ${bad} is out of range for axis 1 of size 3`);
    }
    expect(() => interpret(g, { ...M, i: [0, 3] })).toThrow(expect.objectContaining({ code: 'E_INPUT' }));
  });
});

describe('concat and stack', () => {
  it('along axis 0 and a negative axis', () => {
    expectExact(
      run((g) => g.concat([g.input('a', [1, 2]), g.input('b', [2, 2])], 0), { a: [1, 2], b: [3, 4, 5, 6] }),
      'f32',
      [3, 2],
      [1, 2, 3, 4, 5, 6],
    );
    expectExact(
      run((g) => g.concat([g.input('a', [2, 1]), g.input('b', [2, 2])], -1), { a: [1, 2], b: [3, 4, 5, 6] }),
      'f32',
      [2, 3],
      [1, 3, 4, 2, 5, 6],
    );
  });

  it('promotes mixed dtypes: f32 + i32 -> f32, bool + i32 -> i32', () => {
    expectExact(
      run((g) => g.concat([g.input('a', [2]), g.input('b', [1], 'i32')], 0), {
        a: [0.5, 1.5],
        b: [16777217],
      }),
      'f32',
      [3],
      [0.5, 1.5, 16777216],
    );
    expectExact(
      run((g) => g.concat([g.input('a', [2], 'bool'), g.input('b', [1], 'i32')], 0), { a: [1, 0], b: [-7] }),
      'i32',
      [3],
      [1, 0, -7],
    );
  });

  it('with a zero-size part', () => {
    expectExact(
      run((g) => g.concat([g.input('a', [0, 2]), g.input('b', [1, 2])], 0), { a: [], b: [8, 9] }),
      'f32',
      [1, 2],
      [8, 9],
    );
  });

  it('stack adds an axis', () => {
    expectExact(
      run((g) => g.stack([g.input('a', [2]), g.input('b', [2])], 1), { a: [1, 2], b: [3, 4] }),
      'f32',
      [2, 2],
      [1, 3, 2, 4],
    );
  });
});
