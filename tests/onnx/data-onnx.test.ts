/**
 * fromOnnx on data-movement nodes built in code: Split's three opset forms,
 * Pad's modes and a run-time constant_value, CumSum, Trilu and integer Mod,
 * against values computed here; what the opset or the builder lacks is refused.
 */
import { describe, expect, test } from 'vitest';
import { compile, fromOnnx, OnnxError, UnsupportedError, type Graph } from '../../src/index.js';
import { FLOAT, INT64, makeModel, type GraphSpec } from './onnx-model.js';

async function run(graph: Graph, feeds: Record<string, unknown>): Promise<Record<string, number[]>> {
  const model = await compile(graph);
  const out = model.run(feeds as never) as Record<string, ArrayLike<number | bigint>>;
  model.dispose();
  return Object.fromEntries(Object.entries(out).map(([k, v]) => [k, Array.from(v, Number)]));
}

const x6 = { name: 'x', type: FLOAT, dims: [5] };
const data = [1, 2, 3, 4, 5];

describe('Split', () => {
  const model = (opset: number, spec: Partial<GraphSpec['nodes'][number]>, outputs = 2): Uint8Array => {
    const names = Array.from({ length: outputs }, (_, i) => `y${i}`);
    return makeModel(
      {
        nodes: [{ op: 'Split', inputs: ['x'], outputs: names, ...spec }],
        inputs: [x6],
        outputs: names.map((name) => ({ name, type: FLOAT })),
        initializers: [{ name: 'sizes', type: INT64, dims: [2], values: [1, 4] }],
      },
      opset,
    );
  };

  test('sizes as an attribute (opset 2), as an input (13), or ceil-sized parts (num_outputs, 18)', async () => {
    expect(await run(await fromOnnx(model(2, { attrs: { split: { ints: [3, 2] } } })), { x: data })).toEqual({
      y0: [1, 2, 3],
      y1: [4, 5],
    });
    expect(await run(await fromOnnx(model(13, { inputs: ['x', 'sizes'] })), { x: data })).toEqual({
      y0: [1],
      y1: [2, 3, 4, 5],
    });
    expect(await run(await fromOnnx(model(18, { attrs: { num_outputs: 3 } }, 3)), { x: data })).toEqual({
      y0: [1, 2],
      y1: [3, 4],
      y2: [5],
    });
  });

  test('mismatched counts are invalid; parts that overrun the axis are refused', async () => {
    await expect(fromOnnx(model(18, { attrs: { num_outputs: 3 } }, 2))).rejects.toThrow(OnnxError);
    await expect(fromOnnx(model(13, { inputs: ['x', 'sizes'] }, 3))).rejects.toThrow(/2 sizes for 3 outputs/);
    // 5 into 4 parts of ceil(5/4) = 2 would need 6 elements
    await expect(fromOnnx(model(18, { attrs: { num_outputs: 4 } }, 4))).rejects.toThrow(UnsupportedError);
  });
});

describe('Pad', () => {
  const model = (opset: number, mode: string, valueInput = false): Uint8Array =>
    makeModel(
      {
        nodes: [
          { op: 'Pad', inputs: ['x', 'pads', ...(valueInput ? ['v'] : [])], outputs: ['y'], attrs: { mode } },
        ],
        inputs: [x6, ...(valueInput ? [{ name: 'v', type: FLOAT, dims: [] }] : [])],
        outputs: [{ name: 'y', type: FLOAT }],
        initializers: [{ name: 'pads', type: INT64, dims: [2], values: [2, 3] }],
      },
      opset,
    );

  test('reflect, edge and (from opset 19) wrap', async () => {
    expect((await run(await fromOnnx(model(11, 'reflect')), { x: data })).y).toEqual([
      3, 2, 1, 2, 3, 4, 5, 4, 3, 2,
    ]);
    expect((await run(await fromOnnx(model(11, 'edge')), { x: data })).y).toEqual([
      1, 1, 1, 2, 3, 4, 5, 5, 5, 5,
    ]);
    expect((await run(await fromOnnx(model(19, 'wrap')), { x: data })).y).toEqual([
      4, 5, 1, 2, 3, 4, 5, 1, 2, 3,
    ]);
    await expect(fromOnnx(model(18, 'wrap'))).rejects.toThrow(
      /mode="wrap" \(expected constant, reflect, edge\)/,
    );
  });

  test('a constant_value fed at run time fills the padding', async () => {
    const out = await run(await fromOnnx(model(11, 'constant', true)), { x: data, v: [-7] });
    expect(out.y).toEqual([-7, -7, 1, 2, 3, 4, 5, -7, -7, -7]);
  });
});

describe('CumSum, Trilu, Mod', () => {
  test('CumSum with its axis as an input, exclusive and reverse', async () => {
    const bytes = makeModel(
      {
        nodes: [{ op: 'CumSum', inputs: ['x', 'axis'], outputs: ['y'], attrs: { exclusive: 1, reverse: 1 } }],
        inputs: [{ name: 'x', type: FLOAT, dims: [2, 3] }],
        outputs: [{ name: 'y', type: FLOAT }],
        initializers: [{ name: 'axis', type: INT64, dims: [], values: [-1] }],
      },
      14,
    );
    expect((await run(await fromOnnx(bytes), { x: [1, 2, 3, 4, 5, 6] })).y).toEqual([5, 3, 0, 11, 6, 0]);
  });

  test('Trilu lower with k = -1', async () => {
    const bytes = makeModel(
      {
        nodes: [{ op: 'Trilu', inputs: ['x', 'k'], outputs: ['y'], attrs: { upper: 0 } }],
        inputs: [{ name: 'x', type: FLOAT, dims: [3, 3] }],
        outputs: [{ name: 'y', type: FLOAT }],
        initializers: [{ name: 'k', type: INT64, dims: [], values: [-1] }],
      },
      14,
    );
    const out = await run(await fromOnnx(bytes), { x: [1, 2, 3, 4, 5, 6, 7, 8, 9] });
    expect(out.y).toEqual([0, 0, 0, 4, 0, 0, 7, 8, 0]);
  });

  test('Mod on int64 takes the divisor sign, or with fmod=1 the dividend sign; float needs fmod=1', async () => {
    const model = (fmod: number, type = INT64): Uint8Array =>
      makeModel(
        {
          nodes: [{ op: 'Mod', inputs: ['a', 'b'], outputs: ['y'], attrs: { fmod } }],
          inputs: [
            { name: 'a', type, dims: [4] },
            { name: 'b', type, dims: [4] },
          ],
          outputs: [{ name: 'y', type }],
        },
        13,
      );
    const feeds = { a: new BigInt64Array([7n, -7n, 7n, -7n]), b: new BigInt64Array([3n, 3n, -3n, -3n]) };
    expect((await run(await fromOnnx(model(0)), feeds)).y).toEqual([1, 2, -2, -1]);
    expect((await run(await fromOnnx(model(1)), feeds)).y).toEqual([1, -1, 1, -1]);
    const floats = { a: [7.5, -7.5, 7.5, -7.5], b: [2, 2, -2, -2] };
    expect((await run(await fromOnnx(model(1, FLOAT)), floats)).y).toEqual([1.5, -1.5, 1.5, -1.5]);
    await expect(fromOnnx(model(0, FLOAT))).rejects.toThrow(/fmod=0 on floating-point inputs/);
  });
});

describe('TopK and Einsum', () => {
  test('TopK: k as an attribute (opset 1) or an input (11, smallest first); indices are int64', async () => {
    const old = makeModel(
      {
        nodes: [{ op: 'TopK', inputs: ['x'], outputs: ['v', 'i'], attrs: { k: 2 } }],
        inputs: [x6],
        outputs: [
          { name: 'v', type: FLOAT },
          { name: 'i', type: INT64 },
        ],
      },
      1,
    );
    expect(await run(await fromOnnx(old), { x: [3, 9, 1, 9, 4] })).toEqual({ v: [9, 9], i: [1, 3] });
    const smallest = makeModel(
      {
        nodes: [{ op: 'TopK', inputs: ['x', 'k'], outputs: ['v', 'i'], attrs: { largest: 0, sorted: 1 } }],
        inputs: [x6],
        outputs: [
          { name: 'v', type: FLOAT },
          { name: 'i', type: INT64 },
        ],
        initializers: [{ name: 'k', type: INT64, dims: [1], values: [3] }],
      },
      11,
    );
    expect(await run(await fromOnnx(smallest), { x: [3, 9, 1, 9, 4] })).toEqual({
      v: [1, 3, 4],
      i: [2, 0, 4],
    });
  });

  test('Einsum contracts by its equation', async () => {
    const bytes = makeModel(
      {
        nodes: [{ op: 'Einsum', inputs: ['a', 'b'], outputs: ['y'], attrs: { equation: 'ij,jk->ik' } }],
        inputs: [
          { name: 'a', type: FLOAT, dims: [1, 2] },
          { name: 'b', type: FLOAT, dims: [2, 2] },
        ],
        outputs: [{ name: 'y', type: FLOAT }],
      },
      12,
    );
    expect((await run(await fromOnnx(bytes), { a: [1, 2], b: [1, 2, 3, 4] })).y).toEqual([7, 10]);
  });
});

describe('Upsample and Resize-10', () => {
  const model = (op: string, opset: number, mode: string, scalesAttr: boolean): Uint8Array =>
    makeModel(
      {
        nodes: [
          {
            op,
            inputs: scalesAttr ? ['x'] : ['x', 's'],
            outputs: ['y'],
            attrs: scalesAttr ? { mode, scales: { floats: [1, 2] } } : { mode },
          },
        ],
        inputs: [{ name: 'x', type: FLOAT, dims: [2, 2] }],
        outputs: [{ name: 'y', type: FLOAT }],
        initializers: scalesAttr ? [] : [{ name: 's', type: FLOAT, dims: [2], values: [1, 2] }],
      },
      opset,
    );
  const x = { x: [1, 3, 5, 9] };
  test.each([
    ['Upsample', 7, true],
    ['Upsample', 9, false],
    ['Resize', 10, false],
  ] as const)(
    '%s-%i: asymmetric, nearest rounding down (a repeat), linear clamped at the edge',
    async (op, opset, attr) => {
      expect((await run(await fromOnnx(model(op, opset, 'nearest', attr)), x)).y).toEqual([
        1, 1, 3, 3, 5, 5, 9, 9,
      ]);
      expect((await run(await fromOnnx(model(op, opset, 'linear', attr)), x)).y).toEqual([
        1, 2, 3, 3, 5, 7, 9, 9,
      ]);
      await expect(fromOnnx(model(op, opset, 'cubic', attr))).rejects.toThrow(OnnxError);
    },
  );
});
