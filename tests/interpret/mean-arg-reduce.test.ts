/**
 * mean, argmax and argmin in the interpreter: f32 results for i32, NaN over
 * an empty axis, and argmax/argmin's first-index rule for ties and NaN.
 */
import { describe, it } from 'vitest';
import { expectExact, run } from './helpers.js';

const M = { x: [1, 2, 3, 4, 5, 6] }; // [[1,2,3],[4,5,6]]

describe('mean', () => {
  it('over axes gives f32, also for i32', () => {
    expectExact(
      run((g) => g.input('x', [2, 3]).mean(0), M),
      'f32',
      [3],
      [2.5, 3.5, 4.5],
    );
    expectExact(
      run((g) => g.input('x', [2, 3]).mean(), M),
      'f32',
      [],
      [3.5],
    );
    expectExact(
      run((g) => g.input('x', [2, 2], 'i32').mean(1, true), { x: [1, 2, 3, 6] }),
      'f32',
      [2, 1],
      [1.5, 4.5],
    );
  });

  it('over an empty axis is NaN (0/0)', () => {
    expectExact(
      run((g) => g.input('x', [2, 0]).mean(1), { x: [] }),
      'f32',
      [2],
      [NaN, NaN],
    );
  });

  it('a third: 1/3 rounded once', () => {
    expectExact(
      run((g) => g.input('x', [3]).mean(), { x: [0, 0, 1] }),
      'f32',
      [],
      [1 / 3],
    );
  });
});

describe('argmax and argmin', () => {
  it('give the first index of the extreme value', () => {
    expectExact(
      run((g) => g.input('x', [4]).argmax(0), { x: [1, 3, 3, 2] }),
      'i32',
      [],
      [1],
    );
    expectExact(
      run((g) => g.input('x', [4]).argmin(0), { x: [2, 1, 1, 5] }),
      'i32',
      [],
      [1],
    );
    expectExact(
      run((g) => g.input('x', [3], 'i32').argmax(-1), { x: [7, 7, 7] }),
      'i32',
      [],
      [0],
    );
  });

  it('give the first NaN when a lane holds one', () => {
    expectExact(
      run((g) => g.input('x', [4]).argmax(0), { x: [1, NaN, 5, NaN] }),
      'i32',
      [],
      [1],
    );
    expectExact(
      run((g) => g.input('x', [4]).argmin(0), { x: [1, 0, NaN, NaN] }),
      'i32',
      [],
      [2],
    );
  });

  it('along an axis of a matrix, with a negative axis and keepdims', () => {
    const x = [3, 9, 2, 8, 1, 9]; // [[3,9,2],[8,1,9]]
    expectExact(
      run((g) => g.input('x', [2, 3]).argmax(0), { x }),
      'i32',
      [3],
      [1, 0, 1],
    );
    expectExact(
      run((g) => g.input('x', [2, 3]).argmax(-1), { x }),
      'i32',
      [2],
      [1, 2],
    );
    expectExact(
      run((g) => g.input('x', [2, 3]).argmin(1, true), { x }),
      'i32',
      [2, 1],
      [2, 1],
    );
  });

  it('treat -0 and +0 as equal (first wins) and handle infinities', () => {
    expectExact(
      run((g) => g.input('x', [3]).argmax(0), { x: [-0, 0, -Infinity] }),
      'i32',
      [],
      [0],
    );
    expectExact(
      run((g) => g.input('x', [3]).argmin(0), { x: [0, -Infinity, -Infinity] }),
      'i32',
      [],
      [1],
    );
  });

  it('reduce nothing over a zero-size kept axis', () => {
    expectExact(
      run((g) => g.input('x', [0, 3]).argmax(1), { x: [] }),
      'i32',
      [0],
      [],
    );
  });
});
