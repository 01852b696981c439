/**
 * ONNX's node tests for Conv, ConvTranspose, MaxPool, AveragePool,
 * GlobalAveragePool, GlobalMaxPool and BatchNormalization, mapped onto the
 * builder calls by hand (attribute for attribute) and compiled; compared as
 * ONNX compares (rtol 1e-3, atol 1e-7). The interpreter is checked against the
 * same expected outputs. Skipped when the data directory is missing.
 */
import { describe, expect, test } from 'vitest';
import { Graph, compile, interpret, type AnyTensor, type AutoPad } from '../../src/index.js';
import { expectClose } from '../support/differential.js';
import { listNodeTests, readNodeTest, type AttrValue, type NodeTest } from '../support/onnx-node-test.js';

const ONNX_TOL = { rtol: 1e-3, atol: 1e-7 };

const PREFIXES = [
  'test_basic_conv_',
  'test_conv_with_',
  'test_convtranspose',
  'test_maxpool_',
  'test_averagepool_',
  'test_globalaveragepool',
  'test_globalmaxpool',
  'test_batchnorm_',
];

/** Why a test is out of scope, or undefined. */
function skipReason(c: NodeTest): string | undefined {
  if ([...c.inputs.values(), ...c.outputs].some((t) => t.type !== 'float32')) return 'not float32';
  if (c.outputs.length !== 1) return 'more than one output (MaxPool indices, training statistics)';
  if (c.attrs.training_mode === 1) return 'training mode';
  if (c.attrs.storage_order !== undefined) return 'storage_order (indices only)';
  return undefined;
}

const ints = (v: AttrValue | undefined): number[] | undefined => (Array.isArray(v) ? v : undefined);
const autoPad = (v: AttrValue | undefined): AutoPad | undefined =>
  typeof v === 'string' ? (v as AutoPad) : undefined;

/** ONNX attributes -> the builder's window options (absent attributes stay absent). */
function windowOptions(a: NodeTest['attrs']) {
  const o: Record<string, unknown> = {};
  if (ints(a.strides)) o.strides = ints(a.strides);
  if (ints(a.dilations)) o.dilations = ints(a.dilations);
  if (ints(a.pads)) o.pads = ints(a.pads);
  const pad = autoPad(a.auto_pad);
  if (pad !== undefined) o.autoPad = pad;
  return o;
}

/** Conv's and ConvTranspose's common options. */
function convOptions(a: NodeTest['attrs']): Record<string, unknown> {
  const o = windowOptions(a);
  if (typeof a.group === 'number') o.groups = a.group;
  if (ints(a.kernel_shape)) o.kernelShape = ints(a.kernel_shape);
  return o;
}

/** The node as builder calls over `args` (the node's inputs, undefined where omitted). */
function build(c: NodeTest, args: (AnyTensor | undefined)[]): AnyTensor {
  const a = c.attrs;
  const [x, w, b] = args as [AnyTensor, AnyTensor | undefined, AnyTensor | undefined];
  switch (c.opType) {
    case 'Conv':
      return x.conv(w as AnyTensor, b, convOptions(a));
    case 'ConvTranspose': {
      const o = convOptions(a);
      if (ints(a.output_padding)) o.outputPadding = ints(a.output_padding);
      if (ints(a.output_shape)) o.outputShape = ints(a.output_shape);
      return x.convTranspose(w as AnyTensor, b, o);
    }
    case 'MaxPool':
      return x.maxPool(ints(a.kernel_shape) ?? [], { ...windowOptions(a), ceilMode: a.ceil_mode === 1 });
    case 'AveragePool':
      return x.avgPool(ints(a.kernel_shape) ?? [], {
        ...windowOptions(a),
        ceilMode: a.ceil_mode === 1,
        countIncludePad: a.count_include_pad === 1,
      });
    case 'GlobalAveragePool':
      return x.globalAvgPool();
    case 'GlobalMaxPool':
      return x.globalMaxPool();
    case 'BatchNormalization': {
      const [, scale, bias, mean, variance] = args as AnyTensor[];
      return x.batchNorm(
        scale as AnyTensor,
        bias as AnyTensor,
        mean as AnyTensor,
        variance as AnyTensor,
        typeof a.epsilon === 'number' ? a.epsilon : 1e-5,
      );
    }
    default:
      throw new Error(`no mapping for ${c.opType}`);
  }
}

const names = listNodeTests(PREFIXES);

describe.skipIf(names.length === 0)('ONNX node tests', () => {
  test.for(names)('%s', async (name, context) => {
    const c = readNodeTest(name);
    if (c === undefined) throw new Error(`${name}: not a single-node test`);
    const reason = skipReason(c);
    if (reason !== undefined) {
      context.skip(reason);
      return;
    }
    const g = new Graph();
    const args = c.nodeInputs.map((input) => {
      const t = c.inputs.get(input);
      return t === undefined ? undefined : g.input(input, t.dims);
    });
    const y = build(c, args);
    g.output('y', y);
    const expected = c.outputs[0];
    expect(y.shape).toEqual(expected?.dims);
    const feeds = Object.fromEntries([...c.inputs].map(([k, t]) => [k, Float32Array.from(t.values)]));
    const want = Float32Array.from(expected?.values ?? []);
    const reference = interpret(g, feeds);
    expectClose(reference.y as Float32Array, want, ONNX_TOL, `${name} interpreter`);
    const model = await compile(g);
    expectClose(model.run(feeds).y as Float32Array, want, ONNX_TOL, `${name} compiled`);
    model.dispose();
  });
});
