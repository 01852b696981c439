/**
 * Movement ops in the interpreter: reshape (and squeeze, unsqueeze,
 * flatten), transpose, expand, slice (negative indices and steps, picks,
 * empty ranges).
 */
import { describe, it } from 'vitest';
import { expectExact, run } from './helpers.js';

const M = { x: [1, 2, 3, 4, 5, 6] }; // [[1,2,3],[4,5,6]]

describe('reshape family', () => {
  it('reshape keeps row-major order (one -1 inferred)', () => {
    expectExact(
      run((g) => g.input('x', [2, 3]).reshape([3, -1]), M),
      'f32',
      [3, 2],
      [1, 2, 3, 4, 5, 6],
    );
  });

  it('rank 0 <-> rank 2, and zero-size', () => {
    expectExact(
      run((g) => g.input('x', []).reshape([1, 1]), { x: [5] }),
      'f32',
      [1, 1],
      [5],
    );
    expectExact(
      run((g) => g.input('x', [1, 1], 'i32').reshape([]), { x: [5] }),
      'i32',
      [],
      [5],
    );
    expectExact(
      run((g) => g.input('x', [0, 3]).reshape([3, 0]), { x: [] }),
      'f32',
      [3, 0],
      [],
    );
  });

  it('squeeze, unsqueeze and flatten', () => {
    expectExact(
      run((g) => g.input('x', [1, 3, 1]).squeeze(), { x: [1, 2, 3] }),
      'f32',
      [3],
      [1, 2, 3],
    );
    expectExact(
      run((g) => g.input('x', [3]).unsqueeze(-1), { x: [1, 2, 3] }),
      'f32',
      [3, 1],
      [1, 2, 3],
    );
    expectExact(
      run((g) => g.input('x', [2, 1, 3]).flatten(1), M),
      'f32',
      [2, 3],
      [1, 2, 3, 4, 5, 6],
    );
  });
});

describe('transpose', () => {
  it('reverses the axes by default', () => {
    expectExact(
      run((g) => g.input('x', [2, 3]).transpose(), M),
      'f32',
      [3, 2],
      [1, 4, 2, 5, 3, 6],
    );
  });

  it('out axis i is input axis perm[i] (3-D)', () => {
    // x[i,0,k] = 3i + k over [2,1,3]; perm [2,0,1] gives out[k,i,0] = x[i,0,k]
    const r = run((g) => g.input('x', [2, 1, 3]).transpose([2, 0, 1]), { x: [0, 1, 2, 3, 4, 5] });
    expectExact(r, 'f32', [3, 2, 1], [0, 3, 1, 4, 2, 5]);
  });

  it('negative axes in perm; bool data', () => {
    expectExact(
      run((g) => g.input('x', [2, 2], 'bool').transpose([-1, 0]), { x: [1, 1, 0, 0] }),
      'bool',
      [2, 2],
      [1, 0, 1, 0],
    );
  });
});

describe('expand', () => {
  it('NumPy broadcast_to: [3] -> [2,3], [2,1] -> [2,3], rank 0 -> [2]', () => {
    expectExact(
      run((g) => g.input('x', [3]).expand([2, 3]), { x: [1, 2, 3] }),
      'f32',
      [2, 3],
      [1, 2, 3, 1, 2, 3],
    );
    expectExact(
      run((g) => g.input('x', [2, 1], 'i32').expand([2, 3]), { x: [7, 8] }),
      'i32',
      [2, 3],
      [7, 7, 7, 8, 8, 8],
    );
    expectExact(
      run((g) => g.input('x', []).expand([2]), { x: [4] }),
      'f32',
      [2],
      [4, 4],
    );
    expectExact(
      run((g) => g.input('x', [1]).expand([0]), { x: [4] }),
      'f32',
      [0],
      [],
    );
  });
});

describe('slice', () => {
  it('ranges, null and a picked index (which drops the axis)', () => {
    expectExact(
      run((g) => g.input('x', [2, 3]).slice([null, [1, null]]), M),
      'f32',
      [2, 2],
      [2, 3, 5, 6],
    );
    expectExact(
      run((g) => g.input('x', [2, 3]).slice([1]), M),
      'f32',
      [3],
      [4, 5, 6],
    );
    expectExact(
      run((g) => g.input('x', [2, 3]).slice([0, 2]), M),
      'f32',
      [],
      [3],
    );
  });

  it('negative indices count from the end', () => {
    expectExact(
      run((g) => g.input('x', [2, 3]).slice([-1, [-2, null]]), M),
      'f32',
      [2],
      [5, 6],
    );
    expectExact(
      run((g) => g.input('x', [5]).slice([[-4, -1]]), { x: [0, 1, 2, 3, 4] }),
      'f32',
      [3],
      [1, 2, 3],
    );
  });

  it('steps, including negative steps', () => {
    const x = { x: [0, 1, 2, 3, 4] };
    expectExact(
      run((g) => g.input('x', [5]).slice([[null, null, 2]]), x),
      'f32',
      [3],
      [0, 2, 4],
    );
    expectExact(
      run((g) => g.input('x', [5]).slice([[null, null, -1]]), x),
      'f32',
      [5],
      [4, 3, 2, 1, 0],
    );
    expectExact(
      run((g) => g.input('x', [5]).slice([[-1, 0, -2]]), x),
      'f32',
      [2],
      [4, 2],
    );
    expectExact(
      run((g) => g.input('x', [5]).slice([[3, null, -3]]), x),
      'f32',
      [2],
      [3, 0],
    );
    expectExact(
      run(
        (g) =>
          g.input('x', [2, 3]).slice([
            [null, null, -1],
            [null, null, -1],
          ]),
        M,
      ),
      'f32',
      [2, 3],
      [6, 5, 4, 3, 2, 1],
    );
  });

  it('empty ranges give zero-size results', () => {
    expectExact(
      run((g) => g.input('x', [5]).slice([[2, 2]]), { x: [0, 1, 2, 3, 4] }),
      'f32',
      [0],
      [],
    );
    expectExact(
      run((g) => g.input('x', [5]).slice([[1, 3, -1]]), { x: [0, 1, 2, 3, 4] }),
      'f32',
      [0],
      [],
    );
  });
});
