/**
 * The activations ONNX's recurrent ops (RNN, GRU, LSTM) apply to their gates:
 * names, alpha/beta defaults, checking them and building them on a tensor.
 */
import { ShapeError } from '../../common/errors.js';
import { describe } from '../shape.js';
import type { AnyTensor } from '../types/tensor-types.js';
import { elu, hardSigmoid, leakyRelu, softplus, softsign } from './activations.js';

/** The activation functions ONNX's recurrent ops accept (ONNX names Relu, Tanh, ..., in camel case). */
export type RecurrentActivationName =
  | 'sigmoid'
  | 'tanh'
  | 'relu'
  | 'softsign'
  | 'softplus'
  | 'affine'
  | 'leakyRelu'
  | 'thresholdedRelu'
  | 'scaledTanh'
  | 'hardSigmoid'
  | 'elu';

/**
 * An activation of a recurrent layer: a name, or a name with its alpha/beta
 * (defaults as ONNX's ops and ONNX Runtime: affine 1, 0; leakyRelu 0.01;
 * thresholdedRelu 1; scaledTanh 1, 1; hardSigmoid 0.2, 0.5; elu 1).
 */
export type RecurrentActivation =
  | RecurrentActivationName
  | { readonly name: RecurrentActivationName; readonly alpha?: number; readonly beta?: number };

/** Each activation's default [alpha, beta]; undefined where it takes none. */
export const ACTIVATION_PARAMETERS: Readonly<
  Record<RecurrentActivationName, readonly [alpha?: number, beta?: number]>
> = {
  sigmoid: [],
  tanh: [],
  relu: [],
  softsign: [],
  softplus: [],
  affine: [1, 0],
  leakyRelu: [0.01],
  thresholdedRelu: [1],
  scaledTanh: [1, 1],
  hardSigmoid: [0.2, 0.5],
  elu: [1],
};

/** The activation applied to a gate's input. */
export function applyActivation(activation: RecurrentActivation, x: AnyTensor): AnyTensor {
  const { name, alpha, beta } = typeof activation === 'string' ? { name: activation } : activation;
  const [a = 0, b = 0] = ACTIVATION_PARAMETERS[name];
  const alphaValue = alpha ?? a;
  const betaValue = beta ?? b;
  switch (name) {
    case 'sigmoid':
      return x.sigmoid();
    case 'tanh':
      return x.tanh();
    case 'relu':
      return x.relu();
    case 'softsign':
      return softsign(x);
    case 'softplus':
      return softplus(x);
    case 'affine':
      return x.mul(alphaValue).add(betaValue);
    case 'leakyRelu':
      return leakyRelu(x, alphaValue);
    case 'thresholdedRelu':
      // the recurrent ops' ThresholdedRelu keeps x at x == alpha (ONNX's standalone op does not)
      return x.graph.where(x.ge(alphaValue), x, 0);
    case 'scaledTanh':
      return x.mul(betaValue).tanh().mul(alphaValue);
    case 'hardSigmoid':
      return hardSigmoid(x, alphaValue, betaValue);
    case 'elu':
      return elu(x, alphaValue);
  }
}

/** Checks one activation: a known name, finite alpha/beta only where it takes them. */
export function checkActivation(op: string, activation: unknown): RecurrentActivation {
  const name =
    typeof activation === 'object' && activation !== null
      ? (activation as { name?: unknown }).name
      : activation;
  if (typeof name !== 'string' || !Object.hasOwn(ACTIVATION_PARAMETERS, name))
    fail(
      op,
      `unknown activation ${describe(name)} (expected one of ${Object.keys(ACTIVATION_PARAMETERS).join(', ')})`,
    );
  if (typeof activation === 'object' && activation !== null) {
    const params = ACTIVATION_PARAMETERS[name as RecurrentActivationName];
    const given = activation as { alpha?: unknown; beta?: unknown };
    (['alpha', 'beta'] as const).forEach((k, i) => {
      const v = given[k];
      if (v === undefined) return;
      if (params[i] === undefined) fail(op, `activation ${name} takes no ${k}`);
      if (typeof v !== 'number' || !Number.isFinite(v))
        fail(op, `activation ${name}: ${k} must be a finite number (got ${describe(v)})`);
    });
  }
  return activation as RecurrentActivation;
}

function fail(op: string, what: string): never {
  throw new ShapeError(`${op}: ${what}`, { op, shapes: [] });
}
