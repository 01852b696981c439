/**
 * ONNX RNN, GRU and LSTM through fromOnnx on small odd sizes in every direction,
 * both layouts, partial sequence_lens and linear_before_reset, compared with
 * ONNX Runtime (an independent implementation) and, compiled, with the interpreter.
 */
import * as ort from 'onnxruntime-web';
import { beforeAll, describe, expect, test } from 'vitest';
import { compile, fromOnnx, interpret, UnsupportedError } from '../../src/index.js';
import { checkGraph, expectClose, randomData } from '../support/differential.js';
import { FLOAT, INT32, makeModel, type AttrValue, type ValueSpec } from './onnx-model.js';

interface Case {
  cell: 'RNN' | 'GRU' | 'LSTM';
  direction: 'forward' | 'reverse' | 'bidirectional';
  layout?: 0 | 1;
  lbr?: boolean;
  lens?: number[];
  /** sequence_lens as a graph input (read at run time) rather than an initializer. */
  lensInput?: boolean;
  bias?: boolean;
  init?: boolean;
  peepholes?: boolean;
  /** Further attributes (clip, input_forget, activations and their alpha/beta). */
  extra?: Record<string, AttrValue>;
}

const GATES = { RNN: 1, GRU: 3, LSTM: 4 };
const [SEQ, BATCH, INPUT, HIDDEN] = [5, 3, 7, 5];

/** The model and feeds of one case: every optional input a graph input, sequence_lens an initializer. */
function build(c: Case): {
  bytes: Uint8Array;
  feeds: Record<string, Float32Array>;
  lens: Int32Array | undefined;
  dims: Record<string, number[]>;
  outputs: string[];
} {
  const dirs = c.direction === 'bidirectional' ? 2 : 1;
  const rows = GATES[c.cell] * HIDDEN;
  const layout = c.layout ?? 0;
  const state = layout === 0 ? [dirs, BATCH, HIDDEN] : [BATCH, dirs, HIDDEN];
  const specs: [string, number[]][] = [
    ['X', layout === 0 ? [SEQ, BATCH, INPUT] : [BATCH, SEQ, INPUT]],
    ['W', [dirs, rows, INPUT]],
    ['R', [dirs, rows, HIDDEN]],
  ];
  const names = ['X', 'W', 'R', '', '', '', '', ''];
  const give = (slot: number, name: string, dims: number[]): void => {
    specs.push([name, dims]);
    names[slot] = name;
  };
  if (c.bias === true) give(3, 'B', [dirs, 2 * rows]);
  if (c.lens !== undefined) names[4] = 'L';
  if (c.init === true) give(5, 'H0', state);
  if (c.init === true && c.cell === 'LSTM') give(6, 'C0', state);
  if (c.peepholes === true) give(7, 'P', [dirs, 3 * HIDDEN]);
  while (names.at(-1) === '') names.pop();
  const outputs = c.cell === 'LSTM' ? ['Y', 'Yh', 'Yc'] : ['Y', 'Yh'];
  const yShape = layout === 0 ? [SEQ, dirs, BATCH, HIDDEN] : [BATCH, SEQ, dirs, HIDDEN];
  const attrs: Record<string, AttrValue> = { hidden_size: HIDDEN, direction: c.direction, layout };
  if (c.lbr === true) attrs.linear_before_reset = 1;
  Object.assign(attrs, c.extra ?? {});
  const inputs: ValueSpec[] = specs.map(([name, dims]) => ({ name, type: FLOAT, dims }));
  const lensInit = c.lens !== undefined && c.lensInput !== true;
  if (c.lens !== undefined && !lensInit) inputs.push({ name: 'L', type: INT32, dims: [BATCH] });
  const bytes = makeModel(
    {
      nodes: [{ op: c.cell, inputs: names, outputs, name: 'rec', attrs }],
      inputs,
      outputs: outputs.map((name, i) => ({ name, type: FLOAT, dims: i === 0 ? yShape : state })),
      initializers: lensInit ? [{ name: 'L', type: INT32, dims: [BATCH], values: c.lens ?? [] }] : [],
    },
    14,
  );
  const feeds = Object.fromEntries(
    specs.map(([name, dims], i) => [
      name,
      randomData(
        'f32',
        dims.reduce((a, b) => a * b, 1),
        11 + i,
        -1,
        1,
      ) as Float32Array,
    ]),
  );
  const lens = lensInit || c.lens === undefined ? undefined : Int32Array.from(c.lens);
  return { bytes, feeds, lens, dims: Object.fromEntries(specs), outputs };
}

const CASES: Case[] = [];
for (const cell of ['RNN', 'GRU', 'LSTM'] as const) {
  for (const direction of ['forward', 'reverse', 'bidirectional'] as const) {
    CASES.push({ cell, direction, bias: true, init: true, peepholes: cell === 'LSTM' });
    // (ORT refuses layout 1; ONNX's batchwise node tests cover it)
    CASES.push({ cell, direction, lens: [5, 2, 4], bias: true, init: true });
  }
  CASES.push({ cell, direction: 'forward' });
}
CASES.push({ cell: 'GRU', direction: 'bidirectional', lbr: true, bias: true, init: true, lens: [3, 5, 1] });
CASES.push({ cell: 'GRU', direction: 'forward', lbr: true });
CASES.push({ cell: 'LSTM', direction: 'bidirectional', lens: [4, 0, 2], lensInput: true, bias: true });
// clip, input_forget and activations with alpha/beta (consumed in order by the activations that take them)
const floats = (v: number[]): AttrValue => ({ floats: v });
const strings = (v: string[]): AttrValue => ({ strings: v });
CASES.push({ cell: 'LSTM', direction: 'forward', bias: true, init: true, extra: { clip: { float: 0.3 } } });
CASES.push({
  cell: 'GRU',
  direction: 'bidirectional',
  bias: true,
  init: true,
  extra: { clip: { float: 0.25 } },
});
CASES.push({ cell: 'RNN', direction: 'reverse', bias: true, extra: { clip: { float: 0.2 } } });
CASES.push({
  cell: 'LSTM',
  direction: 'bidirectional',
  bias: true,
  init: true,
  peepholes: true,
  extra: { input_forget: 1 },
});
CASES.push({
  cell: 'RNN',
  direction: 'bidirectional',
  bias: true,
  extra: {
    activations: strings(['LeakyRelu', 'ScaledTanh']),
    activation_alpha: floats([0.3, 1.5]),
    activation_beta: floats([0.7]),
  },
});
for (const [f, g] of [
  ['Affine', 'Elu'],
  ['HardSigmoid', 'ThresholdedRelu'],
  ['Sigmoid', 'Softsign'],
  ['Relu', 'Softplus'],
] as const) {
  CASES.push({
    cell: 'RNN',
    direction: 'forward',
    bias: true,
    init: true,
    extra: { activations: strings([g]), activation_alpha: floats([0.5]), activation_beta: floats([0.3]) },
  });
  CASES.push({
    cell: 'GRU',
    direction: 'forward',
    bias: true,
    init: true,
    extra: {
      activations: strings([f, g]),
      activation_alpha: floats([0.4, 0.6]),
      activation_beta: floats([0.2]),
    },
  });
}
// the defaults ONNX Runtime shares with ONNX's ops (it takes 0 for ThresholdedRelu's, ONNX 1)
CASES.push({
  cell: 'LSTM',
  direction: 'reverse',
  bias: true,
  extra: { activations: strings(['HardSigmoid', 'LeakyRelu', 'Elu']) },
});
CASES.push({
  cell: 'LSTM',
  direction: 'forward',
  bias: true,
  init: true,
  extra: {
    activations: strings(['HardSigmoid', 'ScaledTanh', 'Affine']),
    activation_alpha: floats([0.3, 0.9, 1.2]),
    activation_beta: floats([0.45, 1.1, -0.1]),
    clip: { float: 0.8 },
  },
});

beforeAll(() => {
  ort.env.wasm.numThreads = 1;
  ort.env.logLevel = 'error';
});

describe('recurrent ops against ONNX Runtime', () => {
  test.each(CASES.map((c) => [JSON.stringify(c), c] as const))('%s', async (_, c) => {
    const { bytes, feeds: floats, lens, dims, outputs } = build(c);
    const feeds = lens === undefined ? floats : { ...floats, L: lens };
    const session = await ort.InferenceSession.create(bytes, { executionProviders: ['wasm'] });
    const graph = await fromOnnx(bytes);
    const model = await compile(graph);
    const ours = model.run(feeds);
    const theirFeeds: Record<string, ort.Tensor> = Object.fromEntries(
      Object.entries(floats).map(([k, v]) => [k, new ort.Tensor('float32', v, dims[k])]),
    );
    if (lens !== undefined) theirFeeds.L = new ort.Tensor('int32', lens, [BATCH]);
    const theirs = await session.run(theirFeeds);
    for (const name of outputs) {
      expectClose(
        ours[name] as Float32Array,
        theirs[name]?.data as Float32Array,
        { rtol: 1e-4, atol: 1e-5 },
        name,
      );
    }
    await session.release();
    model.dispose();
    await checkGraph(graph, feeds, { rtol: 1e-4, atol: 1e-5 });
    expect(interpret(graph, feeds).Y?.length).toBe(ours.Y?.length);
  });
});

test('an unknown activation is refused naming the node', async () => {
  const x: ValueSpec = { name: 'X', type: FLOAT, dims: [2, 1, 3] };
  const w: ValueSpec = { name: 'W', type: FLOAT, dims: [1, 4, 3] };
  const r: ValueSpec = { name: 'R', type: FLOAT, dims: [1, 4, 4] };
  const bytes = makeModel({
    nodes: [
      {
        op: 'RNN',
        inputs: ['X', 'W', 'R'],
        outputs: ['Y'],
        name: 'rec',
        attrs: { activations: { strings: ['Gelu'] } },
      },
    ],
    inputs: [x, w, r],
    outputs: [{ name: 'Y', type: FLOAT, dims: [2, 1, 1, 4] }],
  });
  await expect(fromOnnx(bytes)).rejects.toThrow(UnsupportedError);
  await expect(fromOnnx(bytes)).rejects.toThrow(/"rec".*Gelu/);
});
