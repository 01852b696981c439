/**
 * fromOnnx on activation nodes built in code: the opset forms (Clip's bounds
 * as attributes before 11 and as inputs after, Selu's old defaults, PRelu's
 * slope before 7) against values computed here, and the typed refusals.
 */
import { describe, expect, test } from 'vitest';
import { compile, fromOnnx, interpret, OnnxError, UnsupportedError, type Graph } from '../../src/index.js';
import { FLOAT, INT64, makeModel, oneNode } from './onnx-model.js';

/** Compiles and runs; with f32 feeds the result is also the interpreter's (int64 feeds are compiled-only). */
async function run(graph: Graph, feeds: Record<string, unknown>): Promise<Record<string, unknown>> {
  const model = await compile(graph);
  const out = model.run(feeds as never) as Record<string, unknown>;
  model.dispose();
  if (!Object.values(feeds).some((f) => f instanceof BigInt64Array))
    expect(out).toEqual(interpret(graph, feeds as never));
  return out;
}

const x = { name: 'x', type: FLOAT, dims: [5] };
const y = { name: 'y', type: FLOAT };
const data = [-3, -0.5, 0, 0.5, 3];

describe('Clip', () => {
  test('opset 6 reads min/max attributes; an absent bound does not clip', async () => {
    const both = oneNode('Clip', [x], y, { min: { float: -1 }, max: { float: 1 } }, 6);
    expect(Array.from((await run(await fromOnnx(both), { x: data })).y as Float32Array)).toEqual([
      -1, -0.5, 0, 0.5, 1,
    ]);
    const onlyMax = oneNode('Clip', [x], y, { max: { float: 0 } }, 6);
    expect(Array.from((await run(await fromOnnx(onlyMax), { x: data })).y as Float32Array)).toEqual([
      -3, -0.5, 0, 0, 0,
    ]);
  });

  test('opset 13 takes bounds as inputs: a known constant, a run-time scalar, or none', async () => {
    const bytes = makeModel(
      {
        nodes: [{ op: 'Clip', inputs: ['x', 'lo', 'hi'], outputs: ['y'] }],
        inputs: [x, { name: 'hi', type: FLOAT, dims: [] }],
        outputs: [y],
        initializers: [{ name: 'lo', type: FLOAT, dims: [], values: [-2] }],
      },
      13,
    );
    const out = await run(await fromOnnx(bytes), { x: data, hi: [0.25] });
    expect(Array.from(out.y as Float32Array)).toEqual([-2, -0.5, 0, 0.25, 0.25]);
    const maxOnly = makeModel(
      {
        nodes: [{ op: 'Clip', inputs: ['x', '', 'hi'], outputs: ['y'] }],
        inputs: [{ name: 'x', type: INT64, dims: [3] }],
        outputs: [{ name: 'y', type: INT64 }],
        initializers: [{ name: 'hi', type: INT64, dims: [], values: [4] }],
      },
      13,
    );
    const ints = await run(await fromOnnx(maxOnly), { x: new BigInt64Array([-7n, 3n, 9n]) });
    expect(Array.from(ints.y as BigInt64Array)).toEqual([-7n, 3n, 4n]);
  });

  test('a bound of another element type is invalid', async () => {
    const bytes = makeModel(
      {
        nodes: [{ op: 'Clip', inputs: ['x', 'lo'], outputs: ['y'] }],
        inputs: [x],
        outputs: [y],
        initializers: [{ name: 'lo', type: INT64, dims: [], values: [0] }],
      },
      13,
    );
    await expect(fromOnnx(bytes)).rejects.toThrow(OnnxError);
  });
});

describe('parameterized activations', () => {
  test('Selu before opset 6 uses its rounded defaults 1.6732 and 1.0507', async () => {
    const old = await run(await fromOnnx(oneNode('Selu', [x], y, {}, 1)), { x: data });
    const now = await run(await fromOnnx(oneNode('Selu', [x], y, {}, 6)), { x: data });
    const selu = (v: number, a: number, g: number): number => g * (v > 0 ? v : a * (Math.exp(v) - 1));
    data.forEach((v, i) => {
      expect((old.y as Float32Array)[i]).toBeCloseTo(selu(v, 1.6732, 1.0507), 6);
      expect((now.y as Float32Array)[i]).toBeCloseTo(selu(v, 1.6732632423543772, 1.0507009873554805), 6);
    });
  });

  test('LeakyRelu, HardSigmoid and ThresholdedRelu read their attributes', async () => {
    const leaky = oneNode('LeakyRelu', [x], y, { alpha: { float: 0.5 } }, 16);
    expect(Array.from((await run(await fromOnnx(leaky), { x: data })).y as Float32Array)).toEqual([
      -1.5, -0.25, 0, 0.5, 3,
    ]);
    const hard = oneNode('HardSigmoid', [x], y, { alpha: { float: 0.25 }, beta: { float: 0.5 } }, 22);
    expect(Array.from((await run(await fromOnnx(hard), { x: data })).y as Float32Array)).toEqual([
      0, 0.375, 0.5, 0.625, 1,
    ]);
    const thresholded = oneNode('ThresholdedRelu', [x], y, { alpha: { float: 0.5 } }, 22);
    expect(Array.from((await run(await fromOnnx(thresholded), { x: data })).y as Float32Array)).toEqual([
      0, 0, 0, 0, 3,
    ]);
  });

  test('PRelu before opset 7: one shared slope value, X-shaped, or per channel; others are refused', async () => {
    const model = (dims: number[], values: number[], xDims = [5]): Uint8Array =>
      makeModel(
        {
          nodes: [{ op: 'PRelu', inputs: ['x', 's'], outputs: ['y'] }],
          inputs: [{ name: 'x', type: FLOAT, dims: xDims }],
          outputs: [y],
          initializers: [{ name: 's', type: FLOAT, dims, values }],
        },
        6,
      );
    const shared = await run(await fromOnnx(model([1], [0.5])), { x: data });
    expect(Array.from(shared.y as Float32Array)).toEqual([-1.5, -0.25, 0, 0.5, 3]);
    const each = await run(await fromOnnx(model([5], [1, 2, 3, 4, 5])), { x: data });
    expect(Array.from(each.y as Float32Array)).toEqual([-3, -1, 0, 0.5, 3]);
    // [1, 2, 2] with slope [2]: per channel (axis 1) as PyTorch exported it, not along the last axis
    const channels = await run(await fromOnnx(model([2], [2, 3], [1, 2, 3])), { x: [-1, -1, -1, -1, 1, -1] });
    expect(Array.from(channels.y as Float32Array)).toEqual([-2, -2, -2, -3, 1, -3]);
    await expect(fromOnnx(model([2], [1, 2]))).rejects.toThrow(UnsupportedError);
    await expect(fromOnnx(model([2], [1, 2], [1, 2, 2]))).rejects.toThrow(/one per channel/);
  });

  test('unknown attributes and unsupported element types are refused, naming the node', async () => {
    const odd = oneNode('Elu', [x], y, { beta: { float: 2 } }, 22);
    await expect(fromOnnx(odd)).rejects.toThrow(/Elu, opset 22\): attribute beta is not supported/);
    const ints = oneNode(
      'Softplus',
      [{ name: 'x', type: INT64, dims: [2] }],
      { name: 'y', type: INT64 },
      {},
      22,
    );
    const error = await fromOnnx(ints).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UnsupportedError);
    expect((error as Error).message).toMatch(/input 0 has element type int64/);
  });
});
