/**
 * matmul in the interpreter with NumPy semantics: 2-D, 1-D operands (the added
 * axis removed), batched with broadcasting, i32 wrap-around, mixed dtypes,
 * zero-size inner and outer dimensions.
 */
import { describe, it } from 'vitest';
import { expectExact, run } from './helpers.js';

describe('matmul', () => {
  it('2-D @ 2-D', () => {
    // [[1,2],[3,4]] @ [[5,6],[7,8]] = [[1*5+2*7, 1*6+2*8], [3*5+4*7, 3*6+4*8]]
    const r = run((g) => g.input('a', [2, 2]).matmul(g.input('b', [2, 2])), {
      a: [1, 2, 3, 4],
      b: [5, 6, 7, 8],
    });
    expectExact(r, 'f32', [2, 2], [19, 22, 43, 50]);
  });

  it('non-square: [2,3] @ [3,1]', () => {
    const r = run((g) => g.input('a', [2, 3]).matmul(g.input('b', [3, 1])), {
      a: [1, 2, 3, 4, 5, 6],
      b: [1, 0, -1],
    });
    expectExact(r, 'f32', [2, 1], [-2, -2]);
  });

  it('1-D @ 1-D is a rank-0 dot product', () => {
    const r = run((g) => g.input('a', [3]).matmul(g.input('b', [3])), { a: [1, 2, 3], b: [4, 5, 6] });
    expectExact(r, 'f32', [], [32]);
  });

  it('1-D @ 2-D and 2-D @ 1-D drop the added axis', () => {
    const b = [1, 2, 3, 4, 5, 6]; // [[1,2,3],[4,5,6]]
    expectExact(
      run((g) => g.input('a', [2]).matmul(g.input('b', [2, 3])), { a: [1, 2], b }),
      'f32',
      [3],
      [9, 12, 15],
    );
    expectExact(
      run((g) => g.input('b', [2, 3]).matmul(g.input('v', [3])), { b, v: [1, 0, -1] }),
      'f32',
      [2],
      [-2, -2],
    );
  });

  it('batched: [2,1,2] @ [2,2] broadcasts the matrix over the batch', () => {
    // batch 0: [1,2] @ 2I = [2,4]; batch 1: [3,4] @ 2I = [6,8]
    const r = run((g) => g.input('a', [2, 1, 2]).matmul(g.input('b', [2, 2])), {
      a: [1, 2, 3, 4],
      b: [2, 0, 0, 2],
    });
    expectExact(r, 'f32', [2, 1, 2], [2, 4, 6, 8]);
  });

  it('batch dims broadcast against each other: [1,2,2] @ [3,2,1] -> [3,2,1]', () => {
    // a = [[1,2],[3,4]]; b_t = [[1],[t]]: a @ b_t = [[1 + 2t], [3 + 4t]]
    const r = run((g) => g.input('a', [1, 2, 2]).matmul(g.input('b', [3, 2, 1])), {
      a: [1, 2, 3, 4],
      b: [1, 0, 1, 1, 1, 2],
    });
    expectExact(r, 'f32', [3, 2, 1], [1, 3, 3, 7, 5, 11]);
  });

  it('batched 1-D right operand: [2,2,3] @ [3] -> [2,2]', () => {
    const a = [1, 0, 0, 0, 1, 0, 0, 0, 1, 1, 1, 1];
    expectExact(
      run((g) => g.input('a', [2, 2, 3]).matmul(g.input('v', [3])), { a, v: [1, 2, 3] }),
      'f32',
      [2, 2],
      [1, 2, 3, 6],
    );
  });

  it('i32 wraps; i32 @ f32 gives f32', () => {
    expectExact(
      run((g) => g.input('a', [1], 'i32').matmul(g.input('b', [1], 'i32')), { a: [65536], b: [65536] }),
      'i32',
      [],
      [0],
    );
    // 2147483647 + 1 wraps in the accumulation
    expectExact(
      run((g) => g.input('a', [2], 'i32').matmul(g.input('b', [2], 'i32')), {
        a: [2147483647, 1],
        b: [1, 1],
      }),
      'i32',
      [],
      [-2147483648],
    );
    expectExact(
      run((g) => g.input('a', [2], 'i32').matmul(g.input('b', [2])), { a: [1, 2], b: [0.5, 0.25] }),
      'f32',
      [],
      [1],
    );
  });

  it('f32 accumulates in float64 and rounds once', () => {
    // 1*1 + 2^-24*1 + 2^-24*1 = 1 + 2^-23 exactly, representable in f32
    const r = run((g) => g.input('a', [3]).matmul(g.input('b', [3])), {
      a: [1, 2 ** -24, 2 ** -24],
      b: [1, 1, 1],
    });
    expectExact(r, 'f32', [], [1 + 2 ** -23]);
  });

  it('zero-size inner dimension gives zeros; zero-size outer gives an empty result', () => {
    expectExact(
      run((g) => g.input('a', [2, 0]).matmul(g.input('b', [0, 3])), { a: [], b: [] }),
      'f32',
      [2, 3],
      [0, 0, 0, 0, 0, 0],
    );
    expectExact(
      run((g) => g.input('a', [0, 2]).matmul(g.input('b', [2, 3])), { a: [], b: [1, 2, 3, 4, 5, 6] }),
      'f32',
      [0, 3],
      [],
    );
  });
});
