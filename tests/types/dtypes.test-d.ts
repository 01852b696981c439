/** Type-level dtype rules: promotion, numbers beside tensors, comparisons, cast, float ops, composites. */
import { describe, expectTypeOf, it } from 'vitest';
import { Graph, type DType, type Tensor } from '../../src/index.js';

const g = new Graph();
const f = g.input('f', [2, 3]);
const i = g.input('i', [2, 3], 'i32');
const b = g.input('b', [2, 3], 'bool');
declare const n: number;
declare const d: DType;
declare const anyDType: Tensor<[2, 3]>;

describe('promotion bool < i32 < f32', () => {
  it('takes the higher dtype', () => {
    expectTypeOf(f.add(i)).toEqualTypeOf<Tensor<[2, 3], 'f32'>>();
    expectTypeOf(i.mul(b)).toEqualTypeOf<Tensor<[2, 3], 'i32'>>();
    expectTypeOf(b.sub(f)).toEqualTypeOf<Tensor<[2, 3], 'f32'>>();
  });
  it('numbers take the tensor dtype; a fraction beside i32 gives f32', () => {
    expectTypeOf(f.add(1)).toEqualTypeOf<Tensor<[2, 3], 'f32'>>();
    expectTypeOf(i.add(1)).toEqualTypeOf<Tensor<[2, 3], 'i32'>>();
    expectTypeOf(i.mul(0.5)).toEqualTypeOf<Tensor<[2, 3], 'f32'>>();
    expectTypeOf(i.mul(n)).toEqualTypeOf<Tensor<[2, 3], 'f32' | 'i32'>>();
    expectTypeOf(b.add(2)).toEqualTypeOf<Tensor<[2, 3], 'i32'>>();
  });
  it('an unknown dtype stays a union', () => {
    expectTypeOf(anyDType.add(i)).toEqualTypeOf<Tensor<[2, 3], 'f32' | 'i32'>>();
  });
  it('rejects arithmetic on two bools', () => {
    // @ts-expect-error add: both operands are bool (expected f32 or i32)
    b.add(b);
  });
});

describe('comparisons and logic', () => {
  it('comparisons give bool', () => {
    expectTypeOf(f.gt(0)).toEqualTypeOf<Tensor<[2, 3], 'bool'>>();
    expectTypeOf(i.eq(f)).toEqualTypeOf<Tensor<[2, 3], 'bool'>>();
    expectTypeOf(b.and(f.lt(1))).toEqualTypeOf<Tensor<[2, 3], 'bool'>>();
    expectTypeOf(b.not()).toEqualTypeOf<Tensor<[2, 3], 'bool'>>();
  });
  it('and/or need bool', () => {
    // @ts-expect-error and: operands must be bool (got f32 and f32)
    f.and(f);
    // @ts-expect-error or: a number beside bool is i32
    b.or(1);
  });
});

describe('cast, float ops, reductions and composites', () => {
  it('cast gives the named dtype', () => {
    expectTypeOf(f.cast('i32')).toEqualTypeOf<Tensor<[2, 3], 'i32'>>();
    expectTypeOf(i.cast('bool')).toEqualTypeOf<Tensor<[2, 3], 'bool'>>();
    expectTypeOf(i.cast(d)).toEqualTypeOf<Tensor<[2, 3], DType>>();
    // @ts-expect-error not a dtype
    f.cast('f64');
  });
  it('transcendentals give f32; neg/abs/relu keep the dtype', () => {
    expectTypeOf(i.exp()).toEqualTypeOf<Tensor<[2, 3], 'f32'>>();
    expectTypeOf(i.sqrt()).toEqualTypeOf<Tensor<[2, 3], 'f32'>>();
    expectTypeOf(i.relu()).toEqualTypeOf<Tensor<[2, 3], 'i32'>>();
    expectTypeOf(i.neg().abs()).toEqualTypeOf<Tensor<[2, 3], 'i32'>>();
  });
  it('sum of bool is i32, mean is f32, max keeps', () => {
    expectTypeOf(b.sum()).toEqualTypeOf<Tensor<[], 'i32'>>();
    expectTypeOf(i.mean(0)).toEqualTypeOf<Tensor<[3], 'f32'>>();
    expectTypeOf(i.max(1)).toEqualTypeOf<Tensor<[2], 'i32'>>();
  });
  it('softmax, logSoftmax and layerNorm keep the shape (f32)', () => {
    expectTypeOf(f.softmax()).toEqualTypeOf<Tensor<[2, 3], 'f32'>>();
    expectTypeOf(i.logSoftmax(0)).toEqualTypeOf<Tensor<[2, 3], 'f32'>>();
    expectTypeOf(f.layerNorm(g.param('lw', [3]), g.param('lb', [3]))).toEqualTypeOf<Tensor<[2, 3], 'f32'>>();
  });
  it('matmul refuses bool', () => {
    expectTypeOf(i.matmul(g.input('m', [3, 2], 'i32'))).toEqualTypeOf<Tensor<[2, 2], 'i32'>>();
    // @ts-expect-error matmul: operands must be f32 or i32 (got f32 @ bool)
    f.matmul(g.input('mb', [3, 2], 'bool'));
  });
  it('constants take their dtype and shape from the data', () => {
    expectTypeOf(g.constant(new Int32Array(4))).toEqualTypeOf<Tensor<[number], 'i32'>>();
    expectTypeOf(g.constant(new Float32Array(6), [2, 3])).toEqualTypeOf<Tensor<[2, 3], 'f32'>>();
    expectTypeOf(g.constant([1, 2, 3])).toEqualTypeOf<Tensor<[3], 'f32'>>();
    expectTypeOf(g.constant(2)).toEqualTypeOf<Tensor<[], 'f32'>>();
    expectTypeOf(g.constant(true)).toEqualTypeOf<Tensor<[], 'bool'>>();
    expectTypeOf(g.constant([1, 2], [2], 'i32')).toEqualTypeOf<Tensor<[2], 'i32'>>();
  });
});
