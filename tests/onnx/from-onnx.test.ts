/**
 * fromOnnx on small models built in code: elementwise math, opset-dependent
 * forms, shape folding, the int64 boundary, If, weights as params, and every
 * typed refusal (class, code, and the node, op type and opset it names).
 */
import { describe, expect, test } from 'vitest';
import {
  compile,
  fromOnnx,
  interpret,
  load,
  ArtifactError,
  InputError,
  OnnxError,
  UnsupportedError,
  type Graph,
} from '../../src/index.js';
import { checkManifest } from '../../src/runtime/check-manifest.js';
import { decodeArtifact } from '../../src/runtime/decode-artifact.js';
import { BOOL, DOUBLE, FLOAT, INT64, makeModel, oneNode, type GraphSpec } from './onnx-model.js';

async function run(graph: Graph, feeds: Record<string, unknown>): Promise<Record<string, unknown>> {
  const model = await compile(graph);
  const out = model.run(feeds as never) as Record<string, unknown>;
  model.dispose();
  return out;
}

const x23 = { name: 'x', type: FLOAT, dims: [2, 3] };

describe('elementwise and nn ops', () => {
  test('Add with broadcasting computes what the interpreter does, names and order kept', async () => {
    const bytes = oneNode('Add', [x23, { name: 'b', type: FLOAT, dims: [3] }], { name: 'sum', type: FLOAT });
    const g = await fromOnnx(bytes);
    expect(g.leaves.map((l) => l.attrs.name)).toEqual(['x', 'b']);
    expect(g.outputs.map(([n]) => n)).toEqual(['sum']);
    const feeds = { x: new Float32Array([1, 2, 3, 4, 5, 6]), b: new Float32Array([10, 20, 30]) };
    const out = await run(g, feeds);
    expect(Array.from(out.sum as Float32Array)).toEqual([11, 22, 33, 14, 25, 36]);
    expect(interpret(g, feeds).sum).toEqual(out.sum);
  });

  test('names that are not tensorwasm names get a leading _ (PyTorch names inputs "0")', async () => {
    const bytes = oneNode('Relu', [{ name: '0', type: FLOAT, dims: [2] }], {
      name: '/out/Relu:0',
      type: FLOAT,
    });
    const g = await fromOnnx(bytes);
    expect(g.leaves.map((l) => l.attrs.name)).toEqual(['_0']);
    expect(g.outputs.map(([n]) => n)).toEqual(['_out_Relu:0']);
    expect(Array.from((await run(g, { _0: [-1, 2] }))['_out_Relu:0'] as Float32Array)).toEqual([0, 2]);
  });

  test('legacy broadcast with axis (opset 6) broadcasts B from the axis', async () => {
    const bytes = oneNode(
      'Mul',
      [x23, { name: 'b', type: FLOAT, dims: [2] }],
      { name: 'y', type: FLOAT },
      { broadcast: 1, axis: 0 },
      6,
    );
    const out = await run(await fromOnnx(bytes), { x: [1, 1, 1, 1, 1, 1], b: [2, 3] });
    expect(Array.from(out.y as Float32Array)).toEqual([2, 2, 2, 3, 3, 3]);
  });

  test('Gemm with alpha, beta, transB', async () => {
    const bytes = makeModel({
      nodes: [
        {
          op: 'Gemm',
          inputs: ['a', 'w', 'c'],
          outputs: ['y'],
          attrs: { alpha: { float: 2 }, beta: { float: 0.5 }, transB: 1 },
        },
      ],
      inputs: [{ name: 'a', type: FLOAT, dims: [1, 2] }],
      outputs: [{ name: 'y', type: FLOAT }],
      initializers: [
        { name: 'w', type: FLOAT, dims: [2, 2], values: [1, 2, 3, 4] },
        { name: 'c', type: FLOAT, dims: [2], values: [10, 20] },
      ],
    });
    const out = await run(await fromOnnx(bytes), { a: [1, 1] });
    // a @ w^T = [3, 7]; 2*[3,7] + 0.5*[10,20]
    expect(Array.from(out.y as Float32Array)).toEqual([11, 24]);
  });

  test('Softmax flattens at axis before opset 13 and normalizes one axis from 13', async () => {
    const x = { name: 'x', type: FLOAT, dims: [1, 2, 2] };
    const data = [0, 1, 2, 3];
    const old = await run(
      await fromOnnx(oneNode('Softmax', [x], { name: 'y', type: FLOAT }, { axis: 1 }, 11)),
      { x: data },
    );
    const now = await run(
      await fromOnnx(oneNode('Softmax', [x], { name: 'y', type: FLOAT }, { axis: 1 }, 13)),
      { x: data },
    );
    const e = data.map(Math.exp);
    const all = e.reduce((a, b) => a + b);
    // opset 11: one softmax over the flattened [2, 2] (all four values)
    Array.from(old.y as Float32Array).forEach((v, i) => expect(v).toBeCloseTo(e[i]! / all, 6));
    // opset 13: over axis 1 only (pairs 0,2 and 1,3)
    Array.from(now.y as Float32Array).forEach((v, i) =>
      expect(v).toBeCloseTo(e[i]! / (e[i % 2]! + e[(i % 2) + 2]!), 6),
    );
  });
});

describe('opset-dependent forms and shape folding', () => {
  const slice9 = oneNode(
    'Slice',
    [x23],
    { name: 'y', type: FLOAT },
    { starts: { ints: [1] }, ends: { ints: [3] }, axes: { ints: [1] } },
    9,
  );
  test('Slice takes attributes before opset 10 and known inputs after', async () => {
    expect(
      Array.from((await run(await fromOnnx(slice9), { x: [1, 2, 3, 4, 5, 6] })).y as Float32Array),
    ).toEqual([2, 3, 5, 6]);
    const bytes = makeModel({
      nodes: [
        { op: 'Constant', inputs: [], outputs: ['s'], attrs: { value_ints: { ints: [-1] } } },
        {
          op: 'Constant',
          inputs: [],
          outputs: ['e'],
          attrs: { value_ints: { ints: [-9223372036854775807] } },
        },
        { op: 'Constant', inputs: [], outputs: ['a'], attrs: { value_int: 1 } },
        { op: 'Unsqueeze', inputs: ['a', 'zero'], outputs: ['axes'] },
        { op: 'Constant', inputs: [], outputs: ['step'], attrs: { value_ints: { ints: [-1] } } },
        { op: 'Slice', inputs: ['x', 's', 'e', 'axes', 'step'], outputs: ['y'] },
      ],
      inputs: [x23],
      outputs: [{ name: 'y', type: FLOAT }],
      initializers: [{ name: 'zero', type: INT64, dims: [1], values: [0] }],
    });
    expect(
      Array.from((await run(await fromOnnx(bytes), { x: [1, 2, 3, 4, 5, 6] })).y as Float32Array),
    ).toEqual([3, 2, 1, 6, 5, 4]);
  });

  test('Shape -> Gather -> Unsqueeze -> Concat -> Reshape folds to a constant shape', async () => {
    const bytes = makeModel({
      nodes: [
        { op: 'Shape', inputs: ['x'], outputs: ['s'] },
        { op: 'Gather', inputs: ['s', 'i0'], outputs: ['d0'] },
        { op: 'Unsqueeze', inputs: ['d0', 'zero'], outputs: ['d0v'] },
        { op: 'Concat', inputs: ['d0v', 'minus1'], outputs: ['shape'], attrs: { axis: 0 } },
        { op: 'Reshape', inputs: ['x', 'shape'], outputs: ['y'] },
      ],
      inputs: [{ name: 'x', type: FLOAT, dims: ['batch', 2, 3] }],
      outputs: [{ name: 'y', type: FLOAT }],
      initializers: [
        { name: 'i0', type: INT64, dims: [], values: [0] },
        { name: 'zero', type: INT64, dims: [1], values: [0] },
        { name: 'minus1', type: INT64, dims: [1], values: [-1] },
      ],
    });
    const g = await fromOnnx(bytes, { shapes: { x: [4, 2, 3] } });
    expect(g.outputs[0]![1].shape).toEqual([4, 6]);
    // the shape arithmetic left no node behind: reshape of the input only
    expect(g.toString()).not.toMatch(/gather|concat/);
  });

  test('values folds an input into a constant; ReduceSum takes axes as an input from opset 13', async () => {
    const bytes = oneNode(
      'ReduceSum',
      [x23, { name: 'axes', type: INT64, dims: [1] }],
      { name: 'y', type: FLOAT },
      { keepdims: 0 },
      13,
    );
    await expect(fromOnnx(bytes)).rejects.toThrow(/input 1 \(axes\) must be known at import/);
    const g = await fromOnnx(bytes, { values: { axes: [1] } });
    expect(g.leaves.map((l) => l.attrs.name)).toEqual(['x']);
    expect(Array.from((await run(g, { x: [1, 2, 3, 4, 5, 6] })).y as Float32Array)).toEqual([6, 15]);
  });
});

describe('int64 at the boundary', () => {
  const bytes = oneNode(
    'Add',
    [
      { name: 'a', type: INT64, dims: [3] },
      { name: 'b', type: INT64, dims: [3] },
    ],
    { name: 'c', type: INT64 },
  );

  test('int64 inputs and outputs are BigInt64Arrays; a feed beyond i32 is an InputError', async () => {
    const model = await compile(await fromOnnx(bytes));
    expect(model.inputs[0]).toMatchObject({ name: 'a', dtype: 'i32', external: 'int64' });
    const out = model.run({ a: BigInt64Array.of(1n, -2n, 3n), b: BigInt64Array.of(10n, 20n, 30n) });
    expect(out.c).toBeInstanceOf(BigInt64Array);
    expect(Array.from(out.c as unknown as BigInt64Array)).toEqual([11n, 18n, 33n]);
    expect(() =>
      model.run({ a: BigInt64Array.of(2n ** 40n, 0n, 0n), b: BigInt64Array.of(0n, 0n, 0n) }),
    ).toThrow(InputError);
    expect(() => model.run({ a: new Int32Array(3), b: new Int32Array(3) })).toThrow(/is int64/);
    // the saved module keeps the boundary type (manifest format 3)
    const again = await load(model.save());
    expect(Array.from(again.run({ a: [1, 2, 3], b: [1, 1, 1] }).c as unknown as BigInt64Array)).toEqual([
      2n,
      3n,
      4n,
    ]);
  });

  test('the manifest marks int64 slots; a bad external field is refused by load', async () => {
    const model = await compile(await fromOnnx(bytes));
    const { manifest } = decodeArtifact(model.save());
    expect(manifest.format).toBe(3);
    expect(manifest.inputs.map((s) => s.external)).toEqual(['int64', 'int64']);
    const bad = { ...manifest, inputs: manifest.inputs.map((s) => ({ ...s, external: 'int4' })) };
    expect(() => checkManifest(bad)).toThrow(ArtifactError);
    expect(() => checkManifest(bad)).toThrow(/inputs\[0\]\.external/);
  });

  test('an int64 initializer that does not fit i32 is refused naming the node', async () => {
    const big = makeModel({
      nodes: [{ op: 'Add', name: 'add_big', inputs: ['a', 'k'], outputs: ['c'] }],
      inputs: [{ name: 'a', type: INT64, dims: [1] }],
      outputs: [{ name: 'c', type: INT64 }],
      initializers: [{ name: 'k', type: INT64, dims: [1], values: [2 ** 40] }],
    });
    const error = await fromOnnx(big).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UnsupportedError);
    expect((error as UnsupportedError).code).toBe('E_UNSUPPORTED');
    expect((error as Error).message).toMatch(
      /node "add_big" \(#0, Add, opset 18\).*initializer "k".*does not fit in 32 bits/,
    );
  });
});

describe('If, Constant, weights', () => {
  const branch = (value: number): GraphSpec => ({
    nodes: [{ op: 'Add', inputs: ['x', `k${value}`], outputs: [`o${value}`] }],
    inputs: [],
    outputs: [{ name: `o${value}`, type: FLOAT }],
    initializers: [{ name: `k${value}`, type: FLOAT, dims: [], values: [value] }],
  });
  const ifModel = makeModel({
    nodes: [
      {
        op: 'If',
        inputs: ['c'],
        outputs: ['y'],
        attrs: { then_branch: { graph: branch(1) }, else_branch: { graph: branch(2) } },
      },
    ],
    inputs: [x23, { name: 'c', type: BOOL, dims: [] }],
    outputs: [{ name: 'y', type: FLOAT }],
  });

  test('If with a known condition becomes its branch; a data-dependent one selects', async () => {
    const folded = await fromOnnx(ifModel, { values: { c: 0 } });
    expect(Array.from((await run(folded, { x: [0, 0, 0, 0, 0, 0] })).y as Float32Array)).toEqual([
      2, 2, 2, 2, 2, 2,
    ]);
    const selected = await fromOnnx(ifModel);
    const out = await run(selected, { x: [0, 0, 0, 0, 0, 0], c: [1] });
    expect(Array.from(out.y as Float32Array)).toEqual([1, 1, 1, 1, 1, 1]);
  });

  test('Constant value_float(s)/value_int(s)/value tensor; weights as params', async () => {
    const bytes = makeModel({
      nodes: [
        { op: 'Constant', inputs: [], outputs: ['f'], attrs: { value_floats: { floats: [1, 2, 3] } } },
        {
          op: 'Constant',
          inputs: [],
          outputs: ['t'],
          attrs: { value: { tensor: { type: FLOAT, dims: [3], values: [1, 1, 1] } } },
        },
        { op: 'Add', inputs: ['x', 'f'], outputs: ['s'] },
        { op: 'Add', inputs: ['s', 't'], outputs: ['u'] },
        { op: 'Mul', inputs: ['u', 'w'], outputs: ['y'] },
      ],
      inputs: [x23],
      outputs: [{ name: 'y', type: FLOAT }],
      initializers: [{ name: 'w', type: FLOAT, dims: [3], values: [1, 10, 100] }],
    });
    const model = await compile(await fromOnnx(bytes, { weights: 'params' }));
    expect(model.params.map((p) => p.name)).toEqual(['w']);
    model.setParams({ w: new Float32Array([1, 10, 100]) });
    expect(Array.from(model.run({ x: [0, 0, 0, 1, 1, 1] }).y as Float32Array)).toEqual([
      2, 30, 400, 3, 40, 500,
    ]);
  });
});

describe('typed refusals', () => {
  test('an unsupported op names the node, op type and opset', async () => {
    const error = await fromOnnx(oneNode('Det', [x23], { name: 'y', type: FLOAT })).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UnsupportedError);
    expect((error as Error).message).toBe('node "det_node" (#0, Det, opset 18): the op Det is not supported');
    expect((error as UnsupportedError).details).toMatchObject({ opType: 'Det', opset: 18 });
  });

  test('an attribute value that is not supported, and an unknown attribute, are refused', async () => {
    const layerNorm = oneNode(
      'LayerNormalization',
      [x23, { name: 's', type: FLOAT, dims: [3] }],
      { name: 'y', type: FLOAT },
      { stash_type: 0 },
    );
    await expect(fromOnnx(layerNorm)).rejects.toThrow(/stash_type=0 is not supported/);
    const odd = oneNode('Relu', [x23], { name: 'y', type: FLOAT }, { alpha: { float: 0.1 } });
    await expect(fromOnnx(odd)).rejects.toThrow(/Relu, opset 18\): attribute alpha is not supported/);
  });

  test('element types, symbolic dims, domains, sparse constants, sequences', async () => {
    const double = oneNode('Relu', [{ name: 'x', type: DOUBLE, dims: [2] }], { name: 'y', type: DOUBLE });
    await expect(fromOnnx(double)).rejects.toThrow(/input "x" has element type double/);
    const symbolic = oneNode('Relu', [{ name: 'x', type: FLOAT, dims: ['n', 3] }], {
      name: 'y',
      type: FLOAT,
    });
    await expect(fromOnnx(symbolic)).rejects.toThrow(/symbolic dimension "n"/);
    expect((await fromOnnx(symbolic, { shapes: { x: [2, 3] } })).leaves[0]!.shape).toEqual([2, 3]);
    const custom = makeModel({
      nodes: [{ op: 'Gelu', domain: 'com.microsoft', inputs: ['x'], outputs: ['y'] }],
      inputs: [x23],
      outputs: [{ name: 'y', type: FLOAT }],
    });
    await expect(fromOnnx(custom)).rejects.toThrow(/domain "com.microsoft" is not supported/);
    const sparse = makeModel({
      nodes: [{ op: 'Constant', inputs: [], outputs: ['y'], attrs: { sparse_value: { sparse: true } } }],
      inputs: [],
      outputs: [{ name: 'y', type: FLOAT }],
    });
    await expect(fromOnnx(sparse)).rejects.toThrow(UnsupportedError);
    const seq = oneNode('Identity', [{ name: 'x', type: FLOAT, kind: 'sequence' }], {
      name: 'y',
      type: FLOAT,
    });
    await expect(fromOnnx(seq)).rejects.toThrow(/is a sequence, not a tensor/);
  });

  test('bytes that are not a model, bad options and requested extra outputs', async () => {
    const error = await fromOnnx(new Uint8Array([0xff, 0xff, 0xff])).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(OnnxError);
    expect((error as OnnxError).code).toBe('E_ONNX');
    const relu = oneNode('Relu', [x23], { name: 'y', type: FLOAT });
    await expect(fromOnnx(relu, { shapes: { nope: [1] } })).rejects.toThrow(/has no input "nope"/);
    await expect(fromOnnx(relu, { shapes: { x: [3, 2] } })).rejects.toThrow(OnnxError);
    const extra = makeModel({
      nodes: [{ op: 'Relu', inputs: ['x'], outputs: ['y', 'more'] }],
      inputs: [x23],
      outputs: [{ name: 'y', type: FLOAT }],
    });
    await expect(fromOnnx(extra)).rejects.toThrow(/output 1 \("more"\) is not supported/);
  });
});
