/**
 * Tensor's convolution and pooling over [N, C, D...] (ONNX semantics; options
 * in build/conv-args.ts, nodes recorded by build/conv-build.ts). Declared on
 * Tensor by module augmentation, installed on its prototype here (see
 * tensor.ts for why).
 */
import type { DType } from '../common/dtype.js';
import type { AvgPoolOptions, ConvOptions, ConvTransposeOptions, PoolOptions } from './build/conv-args.js';
import { buildConv, buildConvTranspose, buildPool, spatialAxes } from './build/conv-build.js';
import { Tensor } from './tensor.js';
import { typed } from './tensor-record.js';
import type { Shape as ShapeType } from './types/shape-types.js';
import type { AnyTensor } from './types/tensor-types.js';

declare module './tensor.js' {
  // convolution and pooling over [N, C, D...] (ONNX semantics; options in build/conv-args.ts)
  // eslint-disable-next-line @typescript-eslint/no-unused-vars -- a merged declaration repeats all of the class's type parameters
  interface Tensor<S extends ShapeType = number[], D extends DType = DType> {
    /** ONNX Conv: weights [M, C/groups, k...], optional bias [M]. */
    conv(weight: AnyTensor, bias?: AnyTensor | null, options?: ConvOptions): Tensor<number[], 'f32'>;
    /** ONNX ConvTranspose: weights [C, M/groups, k...], optional bias [M]. */
    convTranspose(
      weight: AnyTensor,
      bias?: AnyTensor | null,
      options?: ConvTransposeOptions,
    ): Tensor<number[], 'f32'>;
    /** ONNX MaxPool over windows of `kernelShape` (one size per spatial axis). */
    maxPool(kernelShape: readonly number[], options?: PoolOptions): Tensor<number[], 'f32'>;
    /** ONNX AveragePool over windows of `kernelShape`. */
    avgPool(kernelShape: readonly number[], options?: AvgPoolOptions): Tensor<number[], 'f32'>;
    /** ONNX GlobalAveragePool: the mean over the spatial axes, kept as size 1. */
    globalAvgPool(): Tensor<number[], 'f32'>;
    /** ONNX GlobalMaxPool: the max over the spatial axes, kept as size 1. */
    globalMaxPool(): Tensor<number[], D>;
  }
}

/** Tensor.prototype, typed with Tensor's default type arguments (not `any`) so the implementations below are checked. */
const prototype = Tensor.prototype as AnyTensor;

prototype.conv = function (weight, bias, options) {
  return typed(buildConv(this, weight, bias, options));
};
prototype.convTranspose = function (weight, bias, options) {
  return typed(buildConvTranspose(this, weight, bias, options));
};
prototype.maxPool = function (kernelShape, options) {
  return typed(buildPool('maxPool', this, kernelShape, options));
};
prototype.avgPool = function (kernelShape, options) {
  return typed(buildPool('avgPool', this, kernelShape, options));
};
prototype.globalAvgPool = function () {
  return this.mean(spatialAxes('globalAvgPool', this), true);
};
prototype.globalMaxPool = function () {
  return this.max(spatialAxes('globalMaxPool', this), true);
};
