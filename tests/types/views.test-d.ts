/** Type-level rules for views and data movement: squeeze, unsqueeze, expand, flatten, slice, pad, gather, concat, stack, where. */
import { describe, expectTypeOf, it } from 'vitest';
import { Graph, type Tensor } from '../../src/index.js';
import type { ConcatShape, StackShape } from '../../src/ir/types/view-types.js';

const g = new Graph();
const x = g.input('x', [2, 3]);
const ones = g.input('ones', [1, 3, 1]);
const idx = g.input('idx', [4], 'i32');

describe('squeeze and unsqueeze', () => {
  it('drop size-1 axes and insert one', () => {
    expectTypeOf(ones.squeeze()).toEqualTypeOf<Tensor<[3], 'f32'>>();
    expectTypeOf(ones.squeeze(0)).toEqualTypeOf<Tensor<[3, 1], 'f32'>>();
    expectTypeOf(ones.squeeze([0, -1])).toEqualTypeOf<Tensor<[3], 'f32'>>();
    expectTypeOf(x.unsqueeze(0)).toEqualTypeOf<Tensor<[1, 2, 3], 'f32'>>();
    expectTypeOf(x.unsqueeze(-1)).toEqualTypeOf<Tensor<[2, 3, 1], 'f32'>>();
    expectTypeOf(x.unsqueeze(1)).toEqualTypeOf<Tensor<[2, 1, 3], 'f32'>>();
  });
  it('reject a size that is not 1 and an axis out of range', () => {
    // @ts-expect-error squeeze: axis 0 of [2,3] has size 2 (expected 1)
    x.squeeze(0);
    // @ts-expect-error squeeze: axis 1 of [1,3,1] has size 3 (expected 1)
    ones.squeeze([0, 1]);
    // @ts-expect-error unsqueeze: axis 4 is out of range for rank 3
    x.unsqueeze(4);
  });
});

describe('expand and flatten', () => {
  it('expand broadcasts, -1 keeps a dimension', () => {
    expectTypeOf(g.input('e', [3, 1]).expand([2, 3, 4])).toEqualTypeOf<Tensor<[2, 3, 4], 'f32'>>();
    expectTypeOf(g.input('e2', [3, 1]).expand([-1, 5])).toEqualTypeOf<Tensor<[3, 5], 'f32'>>();
  });
  it('expand rejects a dimension that is neither equal nor 1', () => {
    // @ts-expect-error expand: [2,3] cannot be broadcast to [2,4]
    x.expand([2, 4]);
    // @ts-expect-error fewer dimensions than the tensor
    x.expand([3]);
  });
  it('flatten merges the trailing axes', () => {
    const t = g.input('f', [2, 3, 4]);
    expectTypeOf(t.flatten()).toEqualTypeOf<Tensor<[24], 'f32'>>();
    expectTypeOf(t.flatten(1)).toEqualTypeOf<Tensor<[2, 12], 'f32'>>();
    expectTypeOf(t.flatten(-1)).toEqualTypeOf<Tensor<[2, 3, 4], 'f32'>>();
    expectTypeOf(g.input('f0', []).flatten()).toEqualTypeOf<Tensor<[1], 'f32'>>();
    // @ts-expect-error flatten: axis 3 is out of range for rank 3
    t.flatten(3);
  });
});

describe('slice, pad and gather', () => {
  const t = g.input('s', [5, 6, 7]);
  it('slice: numbers drop axes, ranges clamp, other steps give number', () => {
    expectTypeOf(t.slice([1])).toEqualTypeOf<Tensor<[6, 7], 'f32'>>();
    expectTypeOf(t.slice([[1, 3], null, -1])).toEqualTypeOf<Tensor<[2, 6], 'f32'>>();
    expectTypeOf(
      t.slice([
        [-2, null],
        [0, 100],
      ]),
    ).toEqualTypeOf<Tensor<[2, 6, 7], 'f32'>>();
    expectTypeOf(t.slice([[4, 1]])).toEqualTypeOf<Tensor<[0, 6, 7], 'f32'>>();
    expectTypeOf(t.slice([[0, 5, 2]])).toEqualTypeOf<Tensor<[number, 6, 7], 'f32'>>();
    // @ts-expect-error slice: expected at most 3 ranges
    t.slice([0, 0, 0, 0]);
  });
  it('pad adds before and after per axis', () => {
    expectTypeOf(
      x.pad([
        [1, 1],
        [0, 2],
      ]),
    ).toEqualTypeOf<Tensor<[4, 5], 'f32'>>();
    // @ts-expect-error pad: 1 widths for rank 2 ([2,3])
    x.pad([[1, 1]]);
  });
  it('gather replaces the axis by the indices shape', () => {
    expectTypeOf(t.gather(idx, 1)).toEqualTypeOf<Tensor<[5, 4, 7], 'f32'>>();
    expectTypeOf(t.gather([0, 2], 0)).toEqualTypeOf<Tensor<[2, 6, 7], 'f32'>>();
    expectTypeOf(t.gather(3, -1)).toEqualTypeOf<Tensor<[5, 6], 'f32'>>();
    // @ts-expect-error gather: indices must be i32 (got f32)
    t.gather(x, 0);
    // @ts-expect-error gather: axis 3 is out of range for rank 3
    t.gather(idx, 3);
  });
});

describe('concat and stack', () => {
  const y = g.input('y', [4, 3]);
  it('concat sums the axis; stack adds one', () => {
    expectTypeOf(g.concat([x, y], 0)).toEqualTypeOf<Tensor<[6, 3], 'f32'>>();
    expectTypeOf(g.concat([x, x, x], -1)).toEqualTypeOf<Tensor<[2, 9], 'f32'>>();
    expectTypeOf(g.stack([x, x], 0)).toEqualTypeOf<Tensor<[2, 2, 3], 'f32'>>();
    expectTypeOf(g.stack([x, x, x], -1)).toEqualTypeOf<Tensor<[2, 3, 3], 'f32'>>();
    expectTypeOf(g.concat([x, idx.cast('f32').reshape([4, 1]).expand([4, 3])], 0)).toEqualTypeOf<
      Tensor<[6, 3], 'f32'>
    >();
    expectTypeOf(g.concat([x, g.input('xi', [2, 3], 'i32')], 0)).toEqualTypeOf<Tensor<[4, 3], 'f32'>>();
  });
  it('reject mismatched shapes', () => {
    expectTypeOf<
      ConcatShape<[[2, 3], [2, 4]], 0>
    >().toEqualTypeOf<'concat: shapes differ off axis 0: [2,3] and [2,4]'>();
    expectTypeOf<StackShape<[[2, 3], [3, 2]], 0>>().toEqualTypeOf<'stack: shapes differ: [2,3] and [3,2]'>();
    // @ts-expect-error concat: shapes differ off axis 1
    g.concat([x, y], 1);
    // @ts-expect-error stack: shapes differ
    g.stack([x, y], 0);
    // @ts-expect-error concat: axis 2 is out of range for rank 2
    g.concat([x, x], 2);
  });
});

describe('where', () => {
  const c = x.gt(0);
  it('broadcasts all three and promotes the values', () => {
    expectTypeOf(g.where(c, x, 0)).toEqualTypeOf<Tensor<[2, 3], 'f32'>>();
    expectTypeOf(g.where(c.slice([0]), 1, 0)).toEqualTypeOf<Tensor<[3], 'i32'>>();
    expectTypeOf(g.where(c, g.input('wr', [3]), g.input('wc', [2, 1], 'i32'))).toEqualTypeOf<
      Tensor<[2, 3], 'f32'>
    >();
  });
  it('rejects a non-bool condition and unbroadcastable operands', () => {
    // @ts-expect-error where: condition must be bool (got f32)
    g.where(x, 1, 0);
    // @ts-expect-error where: shapes cannot be broadcast
    g.where(c, x, g.input('w4', [4]));
  });
});
