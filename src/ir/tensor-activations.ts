/**
 * Tensor's softmax family and ONNX activations: softmax and logSoftmax
 * (composites lowered by passes/lower-composites.ts) and the activations
 * built from primitives by build/activations.ts. Declared on Tensor by module
 * augmentation, installed on its prototype here (see tensor.ts for why).
 */
import type { DType } from '../common/dtype.js';
import * as act from './build/activations.js';
import { normalizeAxis } from './shape.js';
import { Tensor, type Operand } from './tensor.js';
import { record, typed } from './tensor-record.js';
import type { Shape as ShapeType } from './types/shape-types.js';
import type { AnyTensor } from './types/tensor-types.js';

declare module './tensor.js' {
  interface Tensor<S extends ShapeType = number[], D extends DType = DType> {
    // composites (lowered to primitives by passes/lower-composites.ts)
    softmax(axis?: number): Tensor<S, 'f32'>;
    logSoftmax(axis?: number): Tensor<S, 'f32'>;

    // activations, built from primitives by build/activations.ts (ONNX semantics)
    /** ONNX Clip: min(max(x, min), max); a bound is a number, a tensor of x's dtype, or null (none). */
    clip(min?: Operand | null, max?: Operand | null): Tensor<S, D>;
    /** ONNX LeakyRelu: x < 0 ? alpha·x : x. */
    leakyRelu(alpha?: number): Tensor<S, 'f32'>;
    /** ONNX PRelu: x < 0 ? slope·x : x, slope broadcast to x's shape. */
    prelu(slope: AnyTensor | number): Tensor<S, 'f32'>;
    /** ONNX Elu: x < 0 ? alpha·(exp(x) - 1) : x. */
    elu(alpha?: number): Tensor<S, 'f32'>;
    /** ONNX Selu: gamma·(x <= 0 ? alpha·(exp(x) - 1) : x). */
    selu(alpha?: number, gamma?: number): Tensor<S, 'f32'>;
    /** ONNX HardSigmoid: max(0, min(1, alpha·x + beta)). */
    hardSigmoid(alpha?: number, beta?: number): Tensor<S, 'f32'>;
    /** ONNX HardSwish: x·max(0, min(1, x/6 + 1/2)). */
    hardSwish(): Tensor<S, 'f32'>;
    /** ONNX Softplus: log(1 + exp(x)), computed stably. */
    softplus(): Tensor<S, 'f32'>;
    /** ONNX Softsign: x / (1 + |x|). */
    softsign(): Tensor<S, 'f32'>;
    /** SiLU (swish): x·sigmoid(x). */
    silu(): Tensor<S, 'f32'>;
    /** ONNX Mish: x·tanh(softplus(x)). */
    mish(): Tensor<S, 'f32'>;
    /** ONNX Celu: max(0, x) + min(0, alpha·(exp(x/alpha) - 1)). */
    celu(alpha?: number): Tensor<S, 'f32'>;
    /** ONNX ThresholdedRelu: x > alpha ? x : 0. */
    thresholdedRelu(alpha?: number): Tensor<S, 'f32'>;
    /** ONNX Shrink: x < -lambd ? x + bias : x > lambd ? x - bias : 0. */
    shrink(lambd?: number, bias?: number): Tensor<S, D>;
  }
}

/** Tensor.prototype, typed with Tensor's default type arguments (not `any`) so the implementations below are checked. */
const prototype = Tensor.prototype as AnyTensor;

prototype.softmax = function (axis = -1) {
  return record(this, 'softmax', [this.node], { axis: normalizeAxis('softmax', axis, this.rank) });
};
prototype.logSoftmax = function (axis = -1) {
  return record(this, 'logSoftmax', [this.node], { axis: normalizeAxis('logSoftmax', axis, this.rank) });
};

prototype.clip = function (min, max) {
  return typed(act.clip(this, min, max));
};
prototype.leakyRelu = function (alpha = 0.01) {
  return typed(act.leakyRelu(this, alpha));
};
prototype.prelu = function (slope) {
  return typed(act.prelu(this, slope));
};
prototype.elu = function (alpha = 1) {
  return typed(act.elu(this, alpha));
};
prototype.selu = function (alpha = act.SELU_ALPHA, gamma = act.SELU_GAMMA) {
  return typed(act.selu(this, alpha, gamma));
};
prototype.hardSigmoid = function (alpha = 0.2, beta = 0.5) {
  return typed(act.hardSigmoid(this, alpha, beta));
};
prototype.hardSwish = function () {
  return typed(act.hardSwish(this));
};
prototype.softplus = function () {
  return typed(act.softplus(this));
};
prototype.softsign = function () {
  return typed(act.softsign(this));
};
prototype.silu = function () {
  return typed(act.silu(this));
};
prototype.mish = function () {
  return typed(act.mish(this));
};
prototype.celu = function (alpha = 1) {
  return typed(act.celu(this, alpha));
};
prototype.thresholdedRelu = function (alpha = 1) {
  return typed(act.thresholdedRelu(this, alpha));
};
prototype.shrink = function (lambd = 0.5, bias = 0) {
  return typed(act.shrink(this, lambd, bias));
};
