/**
 * Convolution and pooling ONNX ops (Conv, ConvTranspose, MaxPool,
 * AveragePool, GlobalAveragePool, GlobalMaxPool, BatchNormalization in
 * inference form) through the builder's conv and pool methods. Attributes are
 * read only in the opsets that define them (ceil_mode from 10, AveragePool's
 * dilations from 19, …), so one set on an older node is refused.
 */
import type { AutoPad } from '../../ir/build/conv-args.js';
import type { Tensor } from '../../ir/tensor.js';
import { ElemType as E } from '../elem-types.js';
import type { NodeContext } from '../node-context.js';
import type { OpTable } from '../op-entry.js';

const FLOAT = [E.float];
const AUTO_PADS: readonly string[] = ['NOTSET', 'SAME_UPPER', 'SAME_LOWER', 'VALID'];

/** The window attributes every conv and pool has: strides, pads, auto_pad (and dilations where `dilations`). */
interface Window {
  strides?: number[];
  dilations?: number[];
  pads?: number[];
  autoPad?: AutoPad;
}

function windowOf(n: NodeContext, dilations: boolean): Window {
  const o: Window = {};
  const strides = n.ints('strides');
  if (strides !== undefined) o.strides = strides;
  if (dilations) {
    const d = n.ints('dilations');
    if (d !== undefined) o.dilations = d;
  }
  const autoPad = n.string('auto_pad', 'NOTSET');
  if (!AUTO_PADS.includes(autoPad)) n.invalid(`auto_pad="${autoPad}" (expected ${AUTO_PADS.join(', ')})`);
  if (autoPad !== 'NOTSET') o.autoPad = autoPad as AutoPad;
  const pads = n.ints('pads');
  // exporters write zero pads beside auto_pad; only nonzero pads contradict it (the builder refuses those)
  if (pads !== undefined && (autoPad === 'NOTSET' || pads.some((p) => p !== 0))) o.pads = pads;
  return o;
}

/** Conv and ConvTranspose's common attributes. */
function convOptions(n: NodeContext): Window & { groups: number; kernelShape?: number[] } {
  const o: Window & { groups: number; kernelShape?: number[] } = {
    ...windowOf(n, true),
    groups: n.int('group', 1),
  };
  const k = n.ints('kernel_shape');
  if (k !== undefined) o.kernelShape = k;
  return o;
}

function conv(n: NodeContext): Tensor {
  n.checkTypes(FLOAT);
  const bias = n.has(2) ? n.tensor(2) : null;
  return n.tensor(0).conv(n.tensor(1), bias, convOptions(n));
}

function convTranspose(n: NodeContext): Tensor {
  n.checkTypes(FLOAT);
  const o: ReturnType<typeof convOptions> & { outputPadding?: number[]; outputShape?: number[] } =
    convOptions(n);
  const outputPadding = n.ints('output_padding');
  if (outputPadding !== undefined) o.outputPadding = outputPadding;
  const outputShape = n.ints('output_shape');
  if (outputShape !== undefined) {
    // output_shape may list the whole [N, C, D...] shape or the spatial axes only
    const spatial = n.shape(0).length - 2;
    o.outputShape = outputShape.length === spatial + 2 ? outputShape.slice(2) : outputShape;
  }
  const bias = n.has(2) ? n.tensor(2) : null;
  return n.tensor(0).convTranspose(n.tensor(1), bias, o);
}

function kernelShapeOf(n: NodeContext): number[] {
  return n.ints('kernel_shape') ?? n.invalid('attribute kernel_shape is required');
}

/**
 * MaxPool: ceil_mode and dilations from opset 10; storage_order (8+) only
 * orders the Indices output, which is not supported (asking for it is refused).
 */
function maxPool(n: NodeContext): Tensor {
  n.checkTypes(FLOAT);
  if (n.opset >= 8) n.ignore('storage_order');
  const options = { ...windowOf(n, n.opset >= 10), ceilMode: n.opset >= 10 && n.int('ceil_mode', 0) !== 0 };
  return n.tensor(0).maxPool(kernelShapeOf(n), options);
}

/** AveragePool: count_include_pad from opset 7, ceil_mode from 10, dilations from 19. */
function avgPool(n: NodeContext): Tensor {
  n.checkTypes(FLOAT);
  const options = {
    ...windowOf(n, n.opset >= 19),
    ceilMode: n.opset >= 10 && n.int('ceil_mode', 0) !== 0,
    countIncludePad: n.opset >= 7 && n.int('count_include_pad', 0) !== 0,
  };
  return n.tensor(0).avgPool(kernelShapeOf(n), options);
}

/**
 * BatchNormalization in inference form: before opset 7 is_test must be 1,
 * before 9 spatial must be 1 (per-activation statistics are not supported),
 * from 14 training_mode must be 0; the running-statistics outputs (training
 * mode) are refused when asked for. momentum only updates those outputs.
 */
function batchNorm(n: NodeContext): Tensor {
  n.checkTypes(FLOAT);
  n.ignore('momentum');
  if (n.opset < 6) n.ignore('consumed_inputs');
  if (n.opset < 7) n.requireInt('is_test', 1, 'training mode');
  if (n.opset < 9) n.requireInt('spatial', 1, 'per-activation statistics');
  if (n.opset >= 14) n.requireInt('training_mode', 0, 'training mode');
  const [scale, bias, mean, variance] = [1, 2, 3, 4].map((i) => n.tensor(i)) as [
    Tensor,
    Tensor,
    Tensor,
    Tensor,
  ];
  return n.tensor(0).batchNorm(scale, bias, mean, variance, n.float('epsilon', 1e-5));
}

function floatOp(since: number, build: (n: NodeContext) => Tensor): OpTable[string] {
  return { since, run: (n) => n.out(build(n), E.float) };
}

export const convOps: OpTable = {
  Conv: floatOp(1, conv),
  ConvTranspose: floatOp(1, convTranspose),
  MaxPool: floatOp(1, maxPool),
  AveragePool: floatOp(1, avgPool),
  GlobalAveragePool: floatOp(1, (n) => {
    n.checkTypes(FLOAT);
    return n.tensor(0).globalAvgPool();
  }),
  GlobalMaxPool: floatOp(1, (n) => {
    n.checkTypes(FLOAT);
    return n.tensor(0).globalMaxPool();
  }),
  BatchNormalization: floatOp(1, batchNorm),
};
