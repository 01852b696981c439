/** The ONNX-semantics methods keep literal shapes where the shape does not change (activations, norms). */
import { expectTypeOf, it } from 'vitest';
import { Graph, type Tensor } from '../../src/index.js';

it('activations and normalizations keep the shape; data movement falls back to number[]', () => {
  const g = new Graph();
  const x = g.input('x', [2, 3]);
  const i = g.input('i', [2, 3], 'i32');
  expectTypeOf(x.leakyRelu(0.1)).toEqualTypeOf<Tensor<[2, 3], 'f32'>>();
  expectTypeOf(i.clip(0, 4)).toEqualTypeOf<Tensor<[2, 3], 'i32'>>();
  expectTypeOf(i.softplus()).toEqualTypeOf<Tensor<[2, 3], 'f32'>>();
  expectTypeOf(x.gelu('tanh')).toEqualTypeOf<Tensor<[2, 3], 'f32'>>();
  expectTypeOf(x.layerNorm(null, null, 1e-5, 0)).toEqualTypeOf<Tensor<[2, 3], 'f32'>>();
  expectTypeOf(x.rmsNorm()).toEqualTypeOf<Tensor<[2, 3], 'f32'>>();
  expectTypeOf(x.trilu()).toEqualTypeOf<Tensor<[2, 3], 'f32'>>();
  expectTypeOf(x.cumsum(1)).toEqualTypeOf<Tensor<[2, 3], 'f32'>>();
  expectTypeOf(x.tile([2, 1])).toEqualTypeOf<Tensor<number[], 'f32'>>();
  expectTypeOf(x.split(3, 1)).toEqualTypeOf<Tensor<number[], 'f32'>[]>();
  expectTypeOf(x.topK(2)).toEqualTypeOf<[Tensor<number[], 'f32'>, Tensor<number[], 'i32'>]>();
  expectTypeOf(
    x.pad(
      [
        [1, 1],
        [0, 2],
      ],
      0,
      'reflect',
    ),
  ).toEqualTypeOf<Tensor<[4, 5], 'f32'>>();
});
