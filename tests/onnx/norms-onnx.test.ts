/**
 * fromOnnx on normalization nodes built in code: LayerNormalization's Mean and
 * InvStdDev outputs, GroupNormalization's per-group (opset 18) and per-channel
 * (opset 21) scale, LRN, against values computed here; stash_type refusals.
 */
import { describe, expect, test } from 'vitest';
import { compile, fromOnnx, interpret, UnsupportedError, type Graph } from '../../src/index.js';
import { FLOAT, makeModel } from './onnx-model.js';

async function run(graph: Graph, feeds: Record<string, number[]>): Promise<Record<string, Float32Array>> {
  const model = await compile(graph);
  const out = model.run(feeds) as Record<string, Float32Array>;
  model.dispose();
  const reference = interpret(graph, feeds) as Record<string, Float32Array>;
  for (const [name, values] of Object.entries(out)) {
    values.forEach((v, i) => expect(v).toBeCloseTo(reference[name]![i]!, 5));
  }
  return out;
}

/** mean and population variance of `values`. */
function stats(values: readonly number[]): [number, number] {
  const mean = values.reduce((a, b) => a + b, 0) / values.length;
  return [mean, values.reduce((a, b) => a + (b - mean) ** 2, 0) / values.length];
}

const x = [1, 2, 4, 8, -1, 0, 3, 3];

describe('LayerNormalization', () => {
  test('axis 1 of [2, 2, 2] with the Mean and InvStdDev outputs', async () => {
    const bytes = makeModel(
      {
        nodes: [
          {
            op: 'LayerNormalization',
            inputs: ['x', 's', 'b'],
            outputs: ['y', 'mean', 'inv'],
            attrs: { axis: 1, epsilon: { float: 0.5 } },
          },
        ],
        inputs: [{ name: 'x', type: FLOAT, dims: [2, 2, 2] }],
        outputs: ['y', 'mean', 'inv'].map((name) => ({ name, type: FLOAT })),
        initializers: [
          { name: 's', type: FLOAT, dims: [2, 2], values: [1, 2, 3, 4] },
          { name: 'b', type: FLOAT, dims: [2], values: [10, 20] },
        ],
      },
      17,
    );
    const out = await run(await fromOnnx(bytes), { x });
    const rows = [x.slice(0, 4), x.slice(4)];
    const [m0, v0] = stats(rows[0]!);
    const [m1, v1] = stats(rows[1]!);
    expect(Array.from(out.mean!)).toEqual([m0, m1]);
    const inv = [1 / Math.sqrt(v0 + 0.5), 1 / Math.sqrt(v1 + 0.5)];
    out.inv!.forEach((v, i) => expect(v).toBeCloseTo(inv[i]!, 6));
    const scale = [1, 2, 3, 4];
    const bias = [10, 20];
    out.y!.forEach((v, i) => {
      const r = Math.floor(i / 4);
      const want = (x[i]! - [m0, m1][r]!) * inv[r]! * scale[i % 4]! + bias[i % 2]!;
      expect(v).toBeCloseTo(want, 5);
    });
  });

  test('stash_type other than float is refused', async () => {
    const bytes = makeModel(
      {
        nodes: [{ op: 'RMSNormalization', inputs: ['x', 's'], outputs: ['y'], attrs: { stash_type: 11 } }],
        inputs: [{ name: 'x', type: FLOAT, dims: [2, 4] }],
        outputs: [{ name: 'y', type: FLOAT }],
        initializers: [{ name: 's', type: FLOAT, dims: [4], values: [1, 1, 1, 1] }],
      },
      23,
    );
    const error = await fromOnnx(bytes).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UnsupportedError);
    expect((error as Error).message).toMatch(/RMSNormalization, opset 23\): attribute stash_type=11/);
  });
});

describe('GroupNormalization', () => {
  const model = (opset: number, scale: number[], bias: number[]): Uint8Array =>
    makeModel(
      {
        nodes: [
          { op: 'GroupNormalization', inputs: ['x', 's', 'b'], outputs: ['y'], attrs: { num_groups: 2 } },
        ],
        inputs: [{ name: 'x', type: FLOAT, dims: [1, 4, 2] }],
        outputs: [{ name: 'y', type: FLOAT }],
        initializers: [
          { name: 's', type: FLOAT, dims: [scale.length], values: scale },
          { name: 'b', type: FLOAT, dims: [bias.length], values: bias },
        ],
      },
      opset,
    );

  test('opset 18 scales per group, opset 21 per channel', async () => {
    const perGroup = await run(await fromOnnx(model(18, [2, 3], [1, -1])), { x });
    const perChannel = await run(await fromOnnx(model(21, [2, 2, 3, 3], [1, 1, -1, -1])), { x });
    expect(Array.from(perGroup.y!)).toEqual(Array.from(perChannel.y!));
    const [m, v] = stats(x.slice(0, 4));
    expect(perGroup.y![0]).toBeCloseTo(((x[0]! - m) / Math.sqrt(v + 1e-5)) * 2 + 1, 5);
  });

  test('opset 18 with per-channel scale is invalid', async () => {
    await expect(fromOnnx(model(18, [1, 1, 1, 1], [0, 0, 0, 0]))).rejects.toThrow(/one per group/);
  });
});

test('LRN sums squares over the channels around each one', async () => {
  const bytes = makeModel(
    {
      nodes: [
        {
          op: 'LRN',
          inputs: ['x'],
          outputs: ['y'],
          attrs: { size: 3, alpha: { float: 0.3 }, beta: { float: 0.5 }, bias: { float: 2 } },
        },
      ],
      inputs: [{ name: 'x', type: FLOAT, dims: [1, 4, 1, 2] }],
      outputs: [{ name: 'y', type: FLOAT }],
    },
    13,
  );
  const out = await run(await fromOnnx(bytes), { x });
  // channel c of position p is x[c * 2 + p]; the window is channels c-1 … c+1
  out.y!.forEach((v, i) => {
    const [c, p] = [Math.floor(i / 2), i % 2];
    let sum = 0;
    for (let j = Math.max(0, c - 1); j <= Math.min(3, c + 1); j++) sum += x[j * 2 + p]! ** 2;
    expect(v).toBeCloseTo(x[i]! / Math.sqrt(2 + (0.3 / 3) * sum), 5);
  });
});
