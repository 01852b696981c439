/**
 * fromOnnx on convolution and pooling nodes built in code: Conv with groups
 * and auto_pad beside exporters' zero pads, ConvTranspose's output_shape,
 * pools by opset, BatchNormalization's opset-6 form, against values computed
 * here; the Indices output, training mode and attributes an opset lacks are refused.
 */
import { describe, expect, test } from 'vitest';
import { compile, fromOnnx, interpret, UnsupportedError, type Graph } from '../../src/index.js';
import { FLOAT, INT64, makeModel, oneNode } from './onnx-model.js';

async function run(graph: Graph, feeds: Record<string, number[]>): Promise<Float32Array> {
  const model = await compile(graph);
  const out = model.run(feeds).y as Float32Array;
  model.dispose();
  expect(out).toEqual(interpret(graph, feeds).y);
  return out;
}

const x = { name: 'x', type: FLOAT, dims: [1, 2, 3, 3] };
const y = { name: 'y', type: FLOAT };
/** Channel 0 holds 0..8, channel 1 holds 10 * (0..8). */
const data = [...Array.from({ length: 9 }, (_, i) => i), ...Array.from({ length: 9 }, (_, i) => 10 * i)];

describe('Conv', () => {
  test('depthwise 2x2 sums with SAME_UPPER (zero pads beside it are accepted) and a bias', async () => {
    const bytes = makeModel({
      nodes: [
        {
          op: 'Conv',
          inputs: ['x', 'w', 'b'],
          outputs: ['y'],
          attrs: {
            group: 2,
            auto_pad: 'SAME_UPPER',
            pads: { ints: [0, 0, 0, 0] },
            kernel_shape: { ints: [2, 2] },
          },
        },
      ],
      inputs: [x],
      outputs: [y],
      initializers: [
        { name: 'w', type: FLOAT, dims: [2, 1, 2, 2], values: [1, 1, 1, 1, 1, 1, 1, 1] },
        { name: 'b', type: FLOAT, dims: [2], values: [0.5, 0] },
      ],
    });
    const out = await run(await fromOnnx(bytes), { x: data });
    // SAME_UPPER with a 2x2 kernel pads one row and column at the end
    const plane = (c: number, r: number, col: number): number =>
      r < 3 && col < 3 ? (c === 0 ? 1 : 10) * (r * 3 + col) : 0;
    const want: number[] = [];
    for (let c = 0; c < 2; c++)
      for (let r = 0; r < 3; r++)
        for (let col = 0; col < 3; col++)
          want.push(
            plane(c, r, col) +
              plane(c, r, col + 1) +
              plane(c, r + 1, col) +
              plane(c, r + 1, col + 1) +
              (c === 0 ? 0.5 : 0),
          );
    expect(Array.from(out)).toEqual(want);
  });

  test('ConvTranspose takes output_shape as spatial or whole [N, C, …] shape', async () => {
    const model = (outputShape: number[]): Uint8Array =>
      makeModel({
        nodes: [
          {
            op: 'ConvTranspose',
            inputs: ['x', 'w'],
            outputs: ['y'],
            attrs: { strides: { ints: [2, 2] }, output_shape: { ints: outputShape } },
          },
        ],
        inputs: [x],
        outputs: [y],
        initializers: [{ name: 'w', type: FLOAT, dims: [2, 1, 1, 1], values: [1, 1] }],
      });
    const spatial = await run(await fromOnnx(model([6, 6])), { x: data });
    const whole = await run(await fromOnnx(model([1, 1, 6, 6])), { x: data });
    expect(Array.from(whole)).toEqual(Array.from(spatial));
    // a 1x1 kernel with stride 2 scatters x[c][r][col] + x[c'][r][col] to (2r, 2col) (pads split evenly)
    expect(spatial.length).toBe(36);
    expect(spatial[0]).toBe(0);
    expect(spatial[2 * 6 + 2]).toBe(data[4]! + data[13]!);
  });
});

describe('pooling and batch normalization', () => {
  test('MaxPool with ceil_mode (opset 10+) and AveragePool counting pads (opset 7+)', async () => {
    const max = oneNode(
      'MaxPool',
      [x],
      y,
      { kernel_shape: { ints: [2, 2] }, strides: { ints: [2, 2] }, ceil_mode: 1 },
      12,
    );
    expect(Array.from(await run(await fromOnnx(max), { x: data }))).toEqual([4, 5, 7, 8, 40, 50, 70, 80]);
    const avg = oneNode(
      'AveragePool',
      [x],
      y,
      { kernel_shape: { ints: [2, 2] }, pads: { ints: [1, 1, 0, 0] }, count_include_pad: 1 },
      7,
    );
    const out = await run(await fromOnnx(avg), { x: data });
    expect(Array.from(out.slice(0, 4))).toEqual([0, 0.25, 0.75, 0.75]);
  });

  test('BatchNormalization at opset 6 in test mode', async () => {
    const bytes = makeModel(
      {
        nodes: [
          {
            op: 'BatchNormalization',
            inputs: ['x', 's', 'b', 'm', 'v'],
            outputs: ['y'],
            attrs: { is_test: 1, epsilon: { float: 0 }, momentum: { float: 0.5 } },
          },
        ],
        inputs: [x],
        outputs: [y],
        initializers: [
          { name: 's', type: FLOAT, dims: [2], values: [2, 1] },
          { name: 'b', type: FLOAT, dims: [2], values: [1, 0] },
          { name: 'm', type: FLOAT, dims: [2], values: [4, 0] },
          { name: 'v', type: FLOAT, dims: [2], values: [4, 100] },
        ],
      },
      6,
    );
    const out = await run(await fromOnnx(bytes), { x: data });
    out.forEach((v, i) => expect(v).toBeCloseTo(i < 9 ? data[i]! - 3 : data[i]! / 10, 5));
  });

  test('Indices, training mode and attributes the opset lacks are refused', async () => {
    const indices = makeModel({
      nodes: [
        { op: 'MaxPool', inputs: ['x'], outputs: ['y', 'i'], attrs: { kernel_shape: { ints: [2, 2] } } },
      ],
      inputs: [x],
      outputs: [y, { name: 'i', type: INT64 }],
    });
    await expect(fromOnnx(indices)).rejects.toThrow(/output 1 \("i"\) is not supported/);
    const oldCeil = oneNode('MaxPool', [x], y, { kernel_shape: { ints: [2, 2] }, ceil_mode: 1 }, 9);
    await expect(fromOnnx(oldCeil)).rejects.toThrow(/opset 9\): attribute ceil_mode is not supported/);
    const training = makeModel(
      {
        nodes: [
          {
            op: 'BatchNormalization',
            inputs: ['x', 's', 's', 's', 's'],
            outputs: ['y'],
            attrs: { is_test: 0 },
          },
        ],
        inputs: [x],
        outputs: [y],
        initializers: [{ name: 's', type: FLOAT, dims: [2], values: [1, 1] }],
      },
      6,
    );
    const error = await fromOnnx(training).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UnsupportedError);
    expect((error as Error).message).toMatch(/is_test=0 is not supported \(training mode\)/);
  });
});
