/**
 * ONNX Attention and RotaryEmbedding through fromOnnx on small odd sizes,
 * compared with ONNX Runtime (an independent implementation) and, compiled,
 * with the interpreter.
 */
import * as ort from 'onnxruntime-web';
import { beforeAll, expect, test } from 'vitest';
import { compile, fromOnnx, UnsupportedError } from '../../src/index.js';
import { checkGraph, expectClose, randomData } from '../support/differential.js';
import { BOOL, FLOAT, INT64, makeModel, type AttrValue, type ValueSpec } from './onnx-model.js';

interface Input {
  name: string;
  type: number;
  dims: number[];
}

interface Case {
  op: 'Attention' | 'RotaryEmbedding';
  /** Node inputs in order ('' for an absent optional one). */
  slots: string[];
  inputs: Input[];
  outputs: { name: string; dims: number[] }[];
  attrs: Record<string, AttrValue>;
}

const f = (name: string, dims: number[]): Input => ({ name, type: FLOAT, dims });

const CASES: [string, Case][] = [
  [
    '3-D grouped-query, causal, with a cache',
    {
      op: 'Attention',
      slots: ['q', 'k', 'v', '', 'pk', 'pv'],
      inputs: [
        f('q', [2, 3, 12]),
        f('k', [2, 3, 4]),
        f('v', [2, 3, 6]),
        f('pk', [2, 2, 2, 2]),
        f('pv', [2, 2, 2, 3]),
      ],
      outputs: [
        { name: 'y', dims: [2, 3, 18] },
        { name: 'pk_out', dims: [2, 2, 5, 2] },
        { name: 'pv_out', dims: [2, 2, 5, 3] },
      ],
      attrs: { q_num_heads: 6, kv_num_heads: 2, is_causal: 1 },
    },
  ],
  [
    '4-D bool mask, scale',
    {
      op: 'Attention',
      slots: ['q', 'k', 'v', 'm'],
      inputs: [
        f('q', [1, 3, 5, 7]),
        f('k', [1, 3, 6, 7]),
        f('v', [1, 3, 6, 3]),
        { name: 'm', type: BOOL, dims: [5, 6] },
      ],
      outputs: [{ name: 'y', dims: [1, 3, 5, 3] }],
      attrs: { scale: { float: 0.3 } },
    },
  ],
  [
    '4-D float mask, softcap',
    {
      op: 'Attention',
      slots: ['q', 'k', 'v', 'm'],
      inputs: [f('q', [2, 1, 3, 5]), f('k', [2, 1, 4, 5]), f('v', [2, 1, 4, 5]), f('m', [2, 1, 3, 4])],
      outputs: [{ name: 'y', dims: [2, 1, 3, 5] }],
      attrs: { softcap: { float: 1.5 } },
    },
  ],
  [
    'rotary, interleaved, partial, position ids',
    {
      op: 'RotaryEmbedding',
      slots: ['x', 'c', 's', 'p'],
      inputs: [
        f('x', [2, 3, 5, 6]),
        f('c', [9, 2]),
        f('s', [9, 2]),
        { name: 'p', type: INT64, dims: [2, 5] },
      ],
      outputs: [{ name: 'y', dims: [2, 3, 5, 6] }],
      attrs: { interleaved: 1, rotary_embedding_dim: 4 },
    },
  ],
];

beforeAll(() => {
  ort.env.wasm.numThreads = 1;
  ort.env.logLevel = 'error';
});

test.each(CASES)('%s against ONNX Runtime', async (_, c) => {
  const inputs: ValueSpec[] = c.inputs;
  const bytes = makeModel(
    {
      nodes: [
        { op: c.op, inputs: c.slots, outputs: c.outputs.map((o) => o.name), name: 'n', attrs: c.attrs },
      ],
      inputs,
      outputs: c.outputs.map((o) => ({ name: o.name, type: FLOAT, dims: o.dims })),
    },
    23,
  );
  const ours: Record<string, Float32Array | Uint8Array | BigInt64Array> = {};
  const theirs: Record<string, ort.Tensor> = {};
  c.inputs.forEach((input, i) => {
    const count = input.dims.reduce((a, b) => a * b, 1);
    if (input.type === BOOL) {
      // every row keeps one key, so no row is masked entirely
      const data = randomData('bool', count, 5 + i) as Uint8Array;
      for (let r = 0; r < count; r += input.dims.at(-1) as number) data[r] = 1;
      ours[input.name] = data;
      theirs[input.name] = new ort.Tensor('bool', data, input.dims);
    } else if (input.type === INT64) {
      const data = BigInt64Array.from({ length: count }, (_, j) => BigInt((j * 7) % 9));
      ours[input.name] = data;
      theirs[input.name] = new ort.Tensor('int64', data, input.dims);
    } else {
      const data = randomData('f32', count, 5 + i) as Float32Array;
      ours[input.name] = data;
      theirs[input.name] = new ort.Tensor('float32', data, input.dims);
    }
  });
  const session = await ort.InferenceSession.create(bytes, { executionProviders: ['wasm'] });
  const expected = await session.run(theirs);
  await session.release();
  const graph = await fromOnnx(bytes);
  const model = await compile(graph);
  const actual = model.run(ours);
  for (const o of c.outputs) {
    expectClose(
      actual[o.name] as Float32Array,
      expected[o.name]?.data as Float32Array,
      { rtol: 1e-4, atol: 1e-5 },
      o.name,
    );
  }
  model.dispose();
  // (int64 inputs are fed to the interpreter as i32: sequence-ops.test.ts checks rotary there)
  if (c.inputs.every((input) => input.type !== INT64))
    await checkGraph(graph, ours as Record<string, Float32Array>, { rtol: 1e-4, atol: 1e-5 });
});

test('a qk_matmul_output mode ONNX versions disagree on is refused naming the node', async () => {
  const bytes = makeModel(
    {
      nodes: [
        {
          op: 'Attention',
          inputs: ['q', 'k', 'v'],
          outputs: ['y', '', '', 'qk'],
          name: 'att',
          attrs: { qk_matmul_output_mode: 1 },
        },
      ],
      inputs: [f('q', [1, 1, 2, 4]), f('k', [1, 1, 2, 4]), f('v', [1, 1, 2, 4])],
      outputs: [
        { name: 'y', type: FLOAT, dims: [1, 1, 2, 4] },
        { name: 'qk', type: FLOAT, dims: [1, 1, 2, 2] },
      ],
    },
    23,
  );
  await expect(fromOnnx(bytes)).rejects.toThrow(UnsupportedError);
  await expect(fromOnnx(bytes)).rejects.toThrow(/"att".*qk_matmul_output_mode=1/);
});
