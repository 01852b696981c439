/**
 * Binary elementwise ops and where in the interpreter: f32 and i32 arithmetic
 * (wrap-around, truncating division, integer pow), NaN rules, comparisons in
 * the promoted dtype, bool logic, NumPy broadcasting and mixed dtypes.
 */
import { describe, it } from 'vitest';
import type { Graph } from '../../src/index.js';
import { expectExact, run } from './helpers.js';

const INT_MIN = -2147483648;
const INT_MAX = 2147483647;

describe('f32 arithmetic', () => {
  it('add sub mul div', () => {
    const feeds = { a: [1.5, -2, 6], b: [0.25, 3, -4] };
    expectExact(
      run((g) => g.input('a', [3]).add(g.input('b', [3])), feeds),
      'f32',
      [3],
      [1.75, 1, 2],
    );
    expectExact(
      run((g) => g.input('a', [3]).sub(g.input('b', [3])), feeds),
      'f32',
      [3],
      [1.25, -5, 10],
    );
    expectExact(
      run((g) => g.input('a', [3]).mul(g.input('b', [3])), feeds),
      'f32',
      [3],
      [0.375, -6, -24],
    );
    expectExact(
      run((g) => g.input('a', [3]).div(g.input('b', [3])), feeds),
      'f32',
      [3],
      [6, -2 / 3, -1.5],
    );
  });

  it('division by zero gives ±inf and 0/0 gives NaN', () => {
    expectExact(
      run((g) => g.input('a', [3]).div(0), { a: [1, -1, 0] }),
      'f32',
      [3],
      [Infinity, -Infinity, NaN],
    );
  });

  it('each result is rounded to f32: 1 + 2^-24 ties to 1, 1 + 3*2^-24 rounds up', () => {
    expectExact(
      run((g) => g.input('a', [2]).add(g.input('b', [2])), { a: [1, 1], b: [2 ** -24, 3 * 2 ** -24] }),
      'f32',
      [2],
      [1, 1 + 2 ** -22],
    );
  });

  it('pow follows C: pow(x, 0) = 1, pow(1, NaN) = 1, pow(-1, inf) = 1, negative base to a fraction is NaN', () => {
    const a = [2, 9, NaN, 1, -1, -8, 0, 2];
    const b = [0.5, -0.5, 0, NaN, Infinity, 1 / 3, -1, 10];
    expectExact(
      run((g) => g.input('a', [8]).pow(g.input('b', [8])), { a, b }),
      'f32',
      [8],
      [1.4142135623730951, 1 / 3, 1, 1, 1, NaN, Infinity, 1024],
    );
  });

  it('maximum and minimum propagate NaN and order -0 < +0', () => {
    const feeds = { a: [1, NaN, 3, -0], b: [2, 1, NaN, 0] };
    expectExact(
      run((g) => g.input('a', [4]).maximum(g.input('b', [4])), feeds),
      'f32',
      [4],
      [2, NaN, NaN, 0],
    );
    expectExact(
      run((g) => g.input('a', [4]).minimum(g.input('b', [4])), feeds),
      'f32',
      [4],
      [1, NaN, NaN, -0],
    );
  });
});

describe('i32 arithmetic wraps around', () => {
  const i32 = (name: string) => (g: Graph) => g.input(name, [4], 'i32');

  it('add, sub and mul wrap', () => {
    const feeds = { a: [INT_MAX, INT_MIN, 65536, INT_MAX], b: [1, 1, 65536, 2] };
    // INT_MAX + 1 = 2^31 wraps to INT_MIN; INT_MAX + 2 = 2^31 + 1 wraps to INT_MIN + 1
    expectExact(
      run((g) => i32('a')(g).add(i32('b')(g)), feeds),
      'i32',
      [4],
      [INT_MIN, INT_MIN + 1, 131072, INT_MIN + 1],
    );
    expectExact(
      run((g) => i32('a')(g).sub(i32('b')(g)), feeds),
      'i32',
      [4],
      [INT_MAX - 1, INT_MAX, 0, INT_MAX - 2],
    );
    // 65536 * 65536 = 2^32 wraps to 0; INT_MAX * 2 = 2^32 - 2 wraps to -2
    expectExact(
      run((g) => i32('a')(g).mul(i32('b')(g)), feeds),
      'i32',
      [4],
      [INT_MAX, INT_MIN, 0, -2],
    );
  });

  it('div truncates toward zero; x / 0 = 0; INT_MIN / -1 = INT_MIN', () => {
    const a = [7, -7, 7, -7, 5, 0, INT_MIN, INT_MIN];
    const b = [2, 2, -2, -2, 0, 0, -1, 2];
    expectExact(
      run((g) => g.input('a', [8], 'i32').div(g.input('b', [8], 'i32')), { a, b }),
      'i32',
      [8],
      [3, -3, -3, 3, 0, 0, INT_MIN, -1073741824],
    );
  });

  it('pow is an integer power with wrap-around; negative exponents give 0 except for bases ±1', () => {
    const a = [2, -3, 2, 2, 3, 3, 1, -1, -1, 0, 0, -2];
    const b = [10, 3, 31, 32, 20, -1, -5, -3, -2, -1, 0, 0];
    // 2^31 wraps to INT_MIN, 2^32 to 0, 3^20 = 3486784401 to 3486784401 - 2^32 = -808182895
    expectExact(
      run((g) => g.input('a', [12], 'i32').pow(g.input('b', [12], 'i32')), { a, b }),
      'i32',
      [12],
      [1024, -27, INT_MIN, 0, -808182895, 0, 1, -1, 1, 0, 1, 1],
    );
  });

  it('maximum and minimum', () => {
    const feeds = { a: [1, -5, INT_MIN, 0], b: [2, -6, INT_MAX, 0] };
    expectExact(
      run((g) => i32('a')(g).maximum(i32('b')(g)), feeds),
      'i32',
      [4],
      [2, -5, INT_MAX, 0],
    );
    expectExact(
      run((g) => i32('a')(g).minimum(i32('b')(g)), feeds),
      'i32',
      [4],
      [1, -6, INT_MIN, 0],
    );
  });
});

describe('comparisons and logic', () => {
  it('f32 comparisons: NaN compares false except ne; -0 == +0', () => {
    const feeds = { a: [1, 2, NaN, -0], b: [2, 2, NaN, 0] };
    const cmp = (op: 'eq' | 'ne' | 'lt' | 'le' | 'gt' | 'ge') =>
      run((g) => g.input('a', [4])[op](g.input('b', [4])), feeds);
    expectExact(cmp('eq'), 'bool', [4], [0, 1, 0, 1]);
    expectExact(cmp('ne'), 'bool', [4], [1, 0, 1, 0]);
    expectExact(cmp('lt'), 'bool', [4], [1, 0, 0, 0]);
    expectExact(cmp('le'), 'bool', [4], [1, 1, 0, 1]);
    expectExact(cmp('gt'), 'bool', [4], [0, 0, 0, 0]);
    expectExact(cmp('ge'), 'bool', [4], [0, 1, 0, 1]);
  });

  it('i32 comparisons, and i32 against f32 compare after promotion to f32', () => {
    expectExact(
      run((g) => g.input('a', [3], 'i32').lt(g.input('b', [3], 'i32')), { a: [1, 2, -3], b: [2, 2, -4] }),
      'bool',
      [3],
      [1, 0, 0],
    );
    // 16777217 becomes the f32 16777216 before comparing
    expectExact(
      run((g) => g.input('a', [1], 'i32').eq(g.input('b', [1])), { a: [16777217], b: [16777216] }),
      'bool',
      [1],
      [1],
    );
    // a non-integer number next to an i32 tensor is f32
    expectExact(
      run((g) => g.input('a', [2], 'i32').lt(1.5), { a: [1, 2] }),
      'bool',
      [2],
      [1, 0],
    );
  });

  it('bool comparisons order false < true', () => {
    expectExact(
      run((g) => g.input('a', [2], 'bool').gt(g.input('b', [2], 'bool')), { a: [1, 1], b: [0, 1] }),
      'bool',
      [2],
      [1, 0],
    );
  });

  it('and / or truth tables, with broadcasting', () => {
    const feeds = { a: [0, 0, 1, 1], b: [0, 1, 0, 1] };
    expectExact(
      run((g) => g.input('a', [4], 'bool').and(g.input('b', [4], 'bool')), feeds),
      'bool',
      [4],
      [0, 0, 0, 1],
    );
    expectExact(
      run((g) => g.input('a', [4], 'bool').or(g.input('b', [4], 'bool')), feeds),
      'bool',
      [4],
      [0, 1, 1, 1],
    );
    expectExact(
      run((g) => g.input('a', [2, 1], 'bool').and(g.input('b', [2], 'bool')), { a: [0, 1], b: [1, 1] }),
      'bool',
      [2, 2],
      [0, 0, 1, 1],
    );
  });
});

describe('broadcasting and promotion', () => {
  it('[2,1] + [3] -> [2,3]', () => {
    expectExact(
      run((g) => g.input('a', [2, 1]).add(g.input('b', [3])), { a: [10, 20], b: [1, 2, 3] }),
      'f32',
      [2, 3],
      [11, 12, 13, 21, 22, 23],
    );
  });

  it('rank 0 against rank 2, and a number operand', () => {
    expectExact(
      run((g) => g.input('s', []).mul(g.input('m', [2, 2])), { s: [3], m: [1, 2, 3, 4] }),
      'f32',
      [2, 2],
      [3, 6, 9, 12],
    );
    expectExact(
      run((g) => g.input('a', [3]).sub(1), { a: [1, 2, 3] }),
      'f32',
      [3],
      [0, 1, 2],
    );
  });

  it('zero-size dims broadcast to zero-size results', () => {
    expectExact(
      run((g) => g.input('a', [0, 3]).add(g.input('b', [3])), { a: [], b: [1, 2, 3] }),
      'f32',
      [0, 3],
      [],
    );
    expectExact(
      run((g) => g.input('a', [2, 1]).add(g.input('b', [0])), { a: [1, 2], b: [] }),
      'f32',
      [2, 0],
      [],
    );
  });

  it('i32 with a non-integer number gives f32; i32 with f32 gives f32', () => {
    expectExact(
      run((g) => g.input('a', [2], 'i32').add(0.5), { a: [1, -3] }),
      'f32',
      [2],
      [1.5, -2.5],
    );
    expectExact(
      run((g) => g.input('a', [2], 'i32').div(g.input('b', [2])), { a: [7, 1], b: [2, 4] }),
      'f32',
      [2],
      [3.5, 0.25],
    );
  });

  it('bool with an i32 number gives i32 (bool read as 0/1)', () => {
    expectExact(
      run((g) => g.input('a', [2], 'bool').add(2), { a: [1, 0] }),
      'i32',
      [2],
      [3, 2],
    );
  });
});

describe('where', () => {
  it('selects per element, broadcasting cond, a and b', () => {
    // cond [1,3], a [2,1], b scalar -> [2,3]
    const r = run((g) => g.where(g.input('c', [1, 3], 'bool'), g.input('a', [2, 1]), -1), {
      c: [1, 0, 1],
      a: [5, 6],
    });
    expectExact(r, 'f32', [2, 3], [5, -1, 5, 6, -1, 6]);
  });

  it('promotes a and b: i32 and f32 give f32', () => {
    const r = run((g) => g.where(g.input('c', [2], 'bool'), g.input('a', [2], 'i32'), g.input('b', [2])), {
      c: [1, 0],
      a: [3, 4],
      b: [0.5, 1.5],
    });
    expectExact(r, 'f32', [2], [3, 1.5]);
  });

  it('i32 where stays i32; NaN in the unselected branch does not matter', () => {
    expectExact(
      run((g) => g.where(g.input('c', [2], 'bool'), g.input('a', [2], 'i32'), 0), { c: [0, 1], a: [8, 9] }),
      'i32',
      [2],
      [0, 9],
    );
    expectExact(
      run((g) => g.where(g.input('c', [2], 'bool'), g.input('a', [2]), NaN), { c: [1, 1], a: [8, 9] }),
      'f32',
      [2],
      [8, 9],
    );
  });
});
