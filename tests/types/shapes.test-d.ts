/** Type-level shape rules: broadcasting, matmul, reshape, transpose and reductions, accepted and rejected. */
import { describe, expectTypeOf, it } from 'vitest';
import { Graph, type Tensor } from '../../src/index.js';
import type { MatmulShape } from '../../src/ir/types/shape-types.js';

const g = new Graph();
const x = g.input('x', [2, 3]);
const row = g.input('row', [3]);
const col = g.input('col', [2, 1]);
const w = g.param('w', [3, 4]);
declare const dims: number[];
declare const keep: boolean;

describe('literal shapes are inferred', () => {
  it('from array literals and as const', () => {
    expectTypeOf(x).toEqualTypeOf<Tensor<[2, 3], 'f32'>>();
    expectTypeOf(g.input('c', [2, 3] as const)).toEqualTypeOf<Tensor<[2, 3], 'f32'>>();
    expectTypeOf(g.input('i', [4], 'i32')).toEqualTypeOf<Tensor<[4], 'i32'>>();
    expectTypeOf(x.shape).toEqualTypeOf<readonly [2, 3]>();
    expectTypeOf(x.dtype).toEqualTypeOf<'f32'>();
  });
  it('number[] falls back to number[], never any', () => {
    const d = g.input('d', dims);
    expectTypeOf(d).toEqualTypeOf<Tensor<number[], 'f32'>>();
    expectTypeOf(d.add(x)).toEqualTypeOf<Tensor<number[], 'f32'>>();
    expectTypeOf(d.matmul(w)).toEqualTypeOf<Tensor<number[], 'f32'>>();
    expectTypeOf(d.reshape([6])).toEqualTypeOf<Tensor<[6], 'f32'>>(); // the target is known
    expectTypeOf(d.shape).not.toBeAny();
  });
  it('typed tensors are assignable to the loose Tensor', () => {
    const loose: Tensor = x;
    expectTypeOf(loose).toEqualTypeOf<Tensor>();
    expectTypeOf(x).toMatchTypeOf<Tensor>();
  });
  it('unknown dimensions inside a tuple defer to the run-time checks', () => {
    const n = dims.length;
    const v = g.input('v', [n, 3]);
    expectTypeOf(v).toEqualTypeOf<Tensor<[number, 3], 'f32'>>();
    expectTypeOf(v.matmul(w)).toEqualTypeOf<Tensor<[number, 4], 'f32'>>();
    expectTypeOf(v.add(x)).toEqualTypeOf<Tensor<[2, 3], 'f32'>>();
  });
});

describe('broadcasting binary ops', () => {
  it('accepts NumPy broadcasting', () => {
    expectTypeOf(x.add(row)).toEqualTypeOf<Tensor<[2, 3], 'f32'>>();
    expectTypeOf(col.mul(row)).toEqualTypeOf<Tensor<[2, 3], 'f32'>>();
    expectTypeOf(x.sub(1)).toEqualTypeOf<Tensor<[2, 3], 'f32'>>();
    expectTypeOf(g.input('s', []).div(row)).toEqualTypeOf<Tensor<[3], 'f32'>>();
    expectTypeOf(g.input('b', [4, 1, 1]).maximum(x)).toEqualTypeOf<Tensor<[4, 2, 3], 'f32'>>();
  });
  it('rejects mismatches with a sentence', () => {
    // @ts-expect-error add: shapes cannot be broadcast: [2,3] and [4] (axis -1: 3 vs 4)
    x.add(g.input('t', [4]));
    // @ts-expect-error axis -2: 2 vs 3
    x.pow(g.input('u', [3, 3]));
    // @ts-expect-error comparisons broadcast too
    x.lt(w);
  });
});

describe('matmul', () => {
  it('2-D, 1-D and batched with broadcasting', () => {
    expectTypeOf(x.matmul(w)).toEqualTypeOf<Tensor<[2, 4], 'f32'>>();
    expectTypeOf(row.matmul(w)).toEqualTypeOf<Tensor<[4], 'f32'>>();
    expectTypeOf(x.matmul(row)).toEqualTypeOf<Tensor<[2], 'f32'>>();
    expectTypeOf(row.matmul(row)).toEqualTypeOf<Tensor<[], 'f32'>>();
    const a = g.input('a', [5, 1, 2, 3]);
    const b = g.input('bb', [7, 3, 4]);
    expectTypeOf(a.matmul(b)).toEqualTypeOf<Tensor<[5, 7, 2, 4], 'f32'>>();
    expectTypeOf(a.matmul(w)).toEqualTypeOf<Tensor<[5, 1, 2, 4], 'f32'>>();
  });
  it('names the inner dimensions in the message', () => {
    expectTypeOf<
      MatmulShape<[2, 3], [4, 5]>
    >().toEqualTypeOf<'matmul: inner dimensions differ (3 vs 4) in [2,3] @ [4,5]'>();
    expectTypeOf<
      MatmulShape<[], [3]>
    >().toEqualTypeOf<'matmul: operands must have rank >= 1 (got [] @ [3])'>();
    // @ts-expect-error matmul: inner dimensions differ (3 vs 2)
    x.matmul(x);
    // @ts-expect-error batch dimensions must broadcast
    g.input('p', [2, 2, 3]).matmul(g.input('q', [3, 3, 4]));
  });
});

describe('reshape', () => {
  it('keeps the element count and infers one -1', () => {
    expectTypeOf(x.reshape([3, 2])).toEqualTypeOf<Tensor<[3, 2], 'f32'>>();
    expectTypeOf(x.reshape([-1])).toEqualTypeOf<Tensor<[6], 'f32'>>();
    expectTypeOf(x.reshape([3, -1, 1])).toEqualTypeOf<Tensor<[3, 2, 1], 'f32'>>();
    const big = g.input('big', [128, 784]);
    expectTypeOf(big.reshape([-1, 49, 16])).toEqualTypeOf<Tensor<[128, 49, 16], 'f32'>>();
    expectTypeOf(big.reshape(dims)).toEqualTypeOf<Tensor<number[], 'f32'>>();
  });
  it('rejects a bad count, two -1 and an uninferable -1', () => {
    // @ts-expect-error reshape: element count differs: [2,3] (6) -> [4] (4)
    x.reshape([4]);
    // @ts-expect-error reshape: at most one -1 allowed
    x.reshape([-1, -1]);
    // @ts-expect-error reshape: cannot infer -1
    x.reshape([-1, 4]);
  });
});

describe('transpose', () => {
  const t = g.input('t3', [2, 3, 4]);
  it('reverses by default and follows a permutation (negative axes too)', () => {
    expectTypeOf(t.transpose()).toEqualTypeOf<Tensor<[4, 3, 2], 'f32'>>();
    expectTypeOf(t.transpose([0, 2, 1])).toEqualTypeOf<Tensor<[2, 4, 3], 'f32'>>();
    expectTypeOf(t.transpose([-1, 0, 1])).toEqualTypeOf<Tensor<[4, 2, 3], 'f32'>>();
  });
  it('rejects what is not a permutation', () => {
    // @ts-expect-error transpose: perm [0,0] is not a permutation of the 2 axes of [2,3]
    x.transpose([0, 0]);
    // @ts-expect-error wrong length
    t.transpose([0, 1]);
    // @ts-expect-error axis out of range
    x.transpose([0, 2]);
  });
});

describe('reductions', () => {
  const t = g.input('r3', [2, 3, 4]);
  it('axes, negative axes and keepdims', () => {
    expectTypeOf(t.sum()).toEqualTypeOf<Tensor<[], 'f32'>>();
    expectTypeOf(t.sum(undefined, true)).toEqualTypeOf<Tensor<[1, 1, 1], 'f32'>>();
    expectTypeOf(t.mean(1)).toEqualTypeOf<Tensor<[2, 4], 'f32'>>();
    expectTypeOf(t.max(-1)).toEqualTypeOf<Tensor<[2, 3], 'f32'>>();
    expectTypeOf(t.min([0, -1], true)).toEqualTypeOf<Tensor<[1, 3, 1], 'f32'>>();
    expectTypeOf(t.prod([0, 2])).toEqualTypeOf<Tensor<[3], 'f32'>>();
    expectTypeOf(t.argmax(1)).toEqualTypeOf<Tensor<[2, 4], 'i32'>>();
    expectTypeOf(t.argmin(-1, true)).toEqualTypeOf<Tensor<[2, 3, 1], 'i32'>>();
    expectTypeOf(t.sum(0, keep)).toEqualTypeOf<Tensor<number[], 'f32'>>();
  });
  it('rejects out-of-range and repeated axes', () => {
    // @ts-expect-error sum: axis 3 is out of range for rank 3
    t.sum(3);
    // @ts-expect-error argmax: axis -4 is out of range for rank 3
    t.argmax(-4);
    // @ts-expect-error sum: repeated axis in [1,-2]
    t.sum([1, -2]);
    // @ts-expect-error fractional axis
    t.mean(1.5);
  });
});
