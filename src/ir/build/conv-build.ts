/**
 * The builder calls behind Tensor's conv, convTranspose, pooling and batchNorm
 * methods: operands checked to belong to the graph, options normalized
 * (conv-args.ts), one node recorded. Tensor's methods stay one-liners.
 */
import { ShapeError } from '../../common/errors.js';
import type { Node } from '../node.js';
import { describe } from '../shape.js';
import type { Tensor } from '../tensor.js';
import { convAttrs, convTransposeAttrs, countIncludePadOf, poolAttrs } from './conv-args.js';

type AnyTensor = Tensor<number[]>;

function operandNodes(op: string, x: AnyTensor, tensors: readonly unknown[]): Node[] {
  return tensors.map((t) => {
    x.graph.own(op, t as AnyTensor);
    return (t as AnyTensor).node;
  });
}

function optionalBias(bias: unknown): AnyTensor[] {
  return bias === undefined || bias === null ? [] : [bias as AnyTensor];
}

/** conv(x, w, bias?) with ONNX Conv's options. */
export function buildConv(x: AnyTensor, w: unknown, bias: unknown, options: unknown): AnyTensor {
  const [wn, ...bn] = operandNodes('conv', x, [w, ...optionalBias(bias)]) as [Node, ...Node[]];
  const attrs = convAttrs(x.shape, wn.shape, options, bn.length > 0);
  return x.graph.wrap(x.graph.addNode('conv', [x.node, wn, ...bn], attrs));
}

/** convTranspose(x, w, bias?) with ONNX ConvTranspose's options. */
export function buildConvTranspose(x: AnyTensor, w: unknown, bias: unknown, options: unknown): AnyTensor {
  const [wn, ...bn] = operandNodes('convTranspose', x, [w, ...optionalBias(bias)]) as [Node, ...Node[]];
  const attrs = convTransposeAttrs(x.shape, wn.shape, options, bn.length > 0);
  return x.graph.wrap(x.graph.addNode('convTranspose', [x.node, wn, ...bn], attrs));
}

/** maxPool / avgPool over `kernelShape` windows with ONNX MaxPool's / AveragePool's options. */
export function buildPool(
  op: 'maxPool' | 'avgPool',
  x: AnyTensor,
  kernelShape: unknown,
  options: unknown,
): AnyTensor {
  const attrs = poolAttrs(op, x.shape, kernelShape, options);
  const node =
    op === 'maxPool'
      ? x.graph.addNode('maxPool', [x.node], attrs)
      : x.graph.addNode('avgPool', [x.node], { ...attrs, countIncludePad: countIncludePadOf(options) });
  return x.graph.wrap(node);
}

/** batchNorm(x, scale, bias, mean, var) in inference form. */
export function buildBatchNorm(x: AnyTensor, params: readonly unknown[], eps: unknown): AnyTensor {
  if (typeof eps !== 'number')
    throw new ShapeError(`batchNorm: eps must be a number (got ${describe(eps)})`, { op: 'batchNorm' });
  const nodes = operandNodes('batchNorm', x, params);
  return x.graph.wrap(x.graph.addNode('batchNorm', [x.node, ...nodes], { eps }));
}

/** The spatial axes 2.. of an [N, C, D...] tensor (global pooling reduces over them). */
export function spatialAxes(op: string, x: AnyTensor): number[] {
  if (x.rank < 3)
    throw new ShapeError(
      `${op}: input must be [N, C, D...] with at least one spatial axis (got rank ${x.rank})`,
      { op },
    );
  return Array.from({ length: x.rank - 2 }, (_, i) => i + 2);
}
