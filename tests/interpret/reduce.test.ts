/**
 * Reductions in the interpreter: axes (negative, several, all), keepdims,
 * dtypes (bool sums to i32, i32 wraps, f32 accumulates in float64), empty
 * axes, NaN, and argmax/argmin's first-index rule.
 */
import { describe, it } from 'vitest';
import { expectExact, run } from './helpers.js';

const M = { x: [1, 2, 3, 4, 5, 6] }; // [[1,2,3],[4,5,6]]

describe('sum', () => {
  it('over one axis, a negative axis, several axes and all axes', () => {
    expectExact(
      run((g) => g.input('x', [2, 3]).sum(0), M),
      'f32',
      [3],
      [5, 7, 9],
    );
    expectExact(
      run((g) => g.input('x', [2, 3]).sum(-1), M),
      'f32',
      [2],
      [6, 15],
    );
    expectExact(
      run((g) => g.input('x', [2, 3]).sum([0, 1]), M),
      'f32',
      [],
      [21],
    );
    expectExact(
      run((g) => g.input('x', [2, 3]).sum(), M),
      'f32',
      [],
      [21],
    );
  });

  it('keepdims keeps size-1 axes', () => {
    expectExact(
      run((g) => g.input('x', [2, 3]).sum(1, true), M),
      'f32',
      [2, 1],
      [6, 15],
    );
    expectExact(
      run((g) => g.input('x', [2, 3]).sum(undefined, true), M),
      'f32',
      [1, 1],
      [21],
    );
  });

  it('middle axis of a 3-D tensor', () => {
    // x[i,j,k] = 4i + 2j + k over [2,2,2]; sum over j: x[i,0,k] + x[i,1,k]
    const x = [0, 1, 2, 3, 4, 5, 6, 7];
    expectExact(
      run((g) => g.input('x', [2, 2, 2]).sum(1), { x }),
      'f32',
      [2, 2],
      [2, 4, 10, 12],
    );
  });

  it('f32 accumulates in float64 and rounds once: 1 + 2^-24 + 2^-24 = 1 + 2^-23', () => {
    // summed in f32 step by step, each 1 + 2^-24 would tie back to 1
    expectExact(
      run((g) => g.input('x', [3]).sum(), { x: [1, 2 ** -24, 2 ** -24] }),
      'f32',
      [],
      [1 + 2 ** -23],
    );
  });

  it('i32 wraps; bool sums to i32', () => {
    expectExact(
      run((g) => g.input('x', [2], 'i32').sum(), { x: [2147483647, 1] }),
      'i32',
      [],
      [-2147483648],
    );
    expectExact(
      run((g) => g.input('x', [4], 'bool').sum(), { x: [1, 0, 1, 1] }),
      'i32',
      [],
      [3],
    );
  });

  it('over an empty axis is 0; a rank-0 sum is the value', () => {
    expectExact(
      run((g) => g.input('x', [2, 0]).sum(1), { x: [] }),
      'f32',
      [2],
      [0, 0],
    );
    expectExact(
      run((g) => g.input('x', [2, 0]).sum(0), { x: [] }),
      'f32',
      [0],
      [],
    );
    expectExact(
      run((g) => g.input('x', [0]).sum(), { x: [] }),
      'f32',
      [],
      [0],
    );
    expectExact(
      run((g) => g.input('x', []).sum(), { x: [7] }),
      'f32',
      [],
      [7],
    );
  });

  it('propagates NaN and infinities', () => {
    expectExact(
      run((g) => g.input('x', [2, 2]).sum(1), { x: [1, NaN, Infinity, 1] }),
      'f32',
      [2],
      [NaN, Infinity],
    );
  });
});

describe('prod', () => {
  it('f32 over an axis; over an empty axis is 1', () => {
    expectExact(
      run((g) => g.input('x', [2, 3]).prod(1), M),
      'f32',
      [2],
      [6, 120],
    );
    expectExact(
      run((g) => g.input('x', [3, 0]).prod(-1), { x: [] }),
      'f32',
      [3],
      [1, 1, 1],
    );
  });

  it('i32 wraps (65536 * 65536 = 0); bool gives i32', () => {
    expectExact(
      run((g) => g.input('x', [2], 'i32').prod(), { x: [65536, 65536] }),
      'i32',
      [],
      [0],
    );
    expectExact(
      run((g) => g.input('x', [3], 'i32').prod(), { x: [-2, 3, 5] }),
      'i32',
      [],
      [-30],
    );
    expectExact(
      run((g) => g.input('x', [2, 2], 'bool').prod(1), { x: [1, 1, 1, 0] }),
      'i32',
      [2],
      [1, 0],
    );
  });
});

describe('max and min', () => {
  it('over axes, f32 and i32', () => {
    const x = [3, -1, 7, 0, 2, -5];
    expectExact(
      run((g) => g.input('x', [2, 3]).max(1), { x }),
      'f32',
      [2],
      [7, 2],
    );
    expectExact(
      run((g) => g.input('x', [2, 3]).min(0), { x }),
      'f32',
      [3],
      [0, -1, -5],
    );
    expectExact(
      run((g) => g.input('x', [2, 3], 'i32').max(), { x }),
      'i32',
      [],
      [7],
    );
    expectExact(
      run((g) => g.input('x', [2, 3], 'i32').min(-1, true), { x }),
      'i32',
      [2, 1],
      [-1, -5],
    );
  });

  it('propagate NaN', () => {
    const x = [1, NaN, 3, 4];
    expectExact(
      run((g) => g.input('x', [2, 2]).max(1), { x }),
      'f32',
      [2],
      [NaN, 4],
    );
    expectExact(
      run((g) => g.input('x', [2, 2]).min(1), { x }),
      'f32',
      [2],
      [NaN, 3],
    );
  });

  it('bool max is any, min is all', () => {
    const x = [0, 1, 1, 1];
    expectExact(
      run((g) => g.input('x', [2, 2], 'bool').max(1), { x }),
      'bool',
      [2],
      [1, 1],
    );
    expectExact(
      run((g) => g.input('x', [2, 2], 'bool').min(1), { x }),
      'bool',
      [2],
      [0, 1],
    );
  });
});
