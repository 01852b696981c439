/**
 * Tensor's normalizations (ONNX semantics): batchNorm (recorded by
 * build/conv-build.ts) and layerNorm, rmsNorm, instanceNorm, groupNorm, lrn
 * (built from primitives by build/normalize.ts). Declared on Tensor by module
 * augmentation, installed on its prototype here (see tensor.ts for why).
 */
import type { DType } from '../common/dtype.js';
import { buildBatchNorm } from './build/conv-build.js';
import * as norm from './build/normalize.js';
import { Tensor } from './tensor.js';
import { typed } from './tensor-record.js';
import type { Shape as ShapeType } from './types/shape-types.js';
import type { AnyTensor } from './types/tensor-types.js';

declare module './tensor.js' {
  // eslint-disable-next-line @typescript-eslint/no-unused-vars -- a merged declaration repeats all of the class's type parameters
  interface Tensor<S extends ShapeType = number[], D extends DType = DType> {
    /** ONNX BatchNormalization (inference): (x - mean) / sqrt(var + eps) · scale + bias per channel (axis 1). */
    batchNorm(
      scale: AnyTensor,
      bias: AnyTensor,
      mean: AnyTensor,
      variance: AnyTensor,
      eps?: number,
    ): Tensor<S, 'f32'>;
    /**
     * ONNX LayerNormalization: normalizes over axes `axis … rank-1` (default the last), then
     * scales by `weight` and shifts by `bias` when given (each broadcast to x's shape).
     */
    layerNorm(
      weight?: AnyTensor | null,
      bias?: AnyTensor | null,
      eps?: number,
      axis?: number,
    ): Tensor<S, 'f32'>;
    /** ONNX LayerNormalization's Mean and InvStdDev outputs over axes `axis…`, with size-1 axes kept. */
    layerNormStats(axis?: number, eps?: number): [Tensor<number[], 'f32'>, Tensor<number[], 'f32'>];
    /** ONNX RMSNormalization: x / sqrt(mean(x², axes axis…) + eps) · scale. */
    rmsNorm(scale?: AnyTensor | null, eps?: number, axis?: number): Tensor<S, 'f32'>;
    /** ONNX InstanceNormalization of [N, C, D…]: per (n, c) over the spatial axes, then · scale[c] + bias[c]. */
    instanceNorm(scale: AnyTensor, bias: AnyTensor, eps?: number): Tensor<S, 'f32'>;
    /** ONNX GroupNormalization (opset 21) of [N, C, …]: per group of channels, then · scale[c] + bias[c]. */
    groupNorm(numGroups: number, scale: AnyTensor, bias: AnyTensor, eps?: number): Tensor<S, 'f32'>;
    /** ONNX LRN across channels (axis 1): x / (bias + alpha/size · Σ x²)^beta. */
    lrn(size: number, alpha?: number, beta?: number, bias?: number): Tensor<S, 'f32'>;
  }
}

/** Tensor.prototype, typed with Tensor's default type arguments (not `any`) so the implementations below are checked. */
const prototype = Tensor.prototype as AnyTensor;

prototype.batchNorm = function (scale, bias, mean, variance, eps = 1e-5) {
  return typed(buildBatchNorm(this, [scale, bias, mean, variance], eps));
};
prototype.layerNorm = function (weight, bias, eps = 1e-5, axis = -1) {
  return typed(norm.layerNorm(this, weight, bias, eps, axis));
};
prototype.layerNormStats = function (axis = -1, eps = 1e-5) {
  return norm.layerNormStats(this, axis, eps) as [Tensor<number[], 'f32'>, Tensor<number[], 'f32'>];
};
prototype.rmsNorm = function (scale, eps = 1e-5, axis = -1) {
  return typed(norm.rmsNorm(this, scale, eps, axis));
};
prototype.instanceNorm = function (scale, bias, eps = 1e-5) {
  return typed(norm.instanceNorm(this, scale, bias, eps));
};
prototype.groupNorm = function (numGroups, scale, bias, eps = 1e-5) {
  return typed(norm.groupNorm(this, numGroups, scale, bias, eps));
};
prototype.lrn = function (size, alpha = 1e-4, beta = 0.75, bias = 1) {
  return typed(norm.lrn(this, size, alpha, beta, bias));
};
