/**
 * The narrow integer types (int8, uint8, int16, uint16) and uint32 through
 * fromOnnx + compile: arithmetic wraps as ONNX's does (checked against JS
 * typed arrays, which wrap the same way), Cast wraps, feeds and results use
 * the matching typed arrays, a feed the type cannot hold is an InputError that
 * leaves the model as it was, and ops that do not take the types refuse them.
 */
import { describe, expect, test } from 'vitest';
import { compile, fromOnnx, InputError, load, UnsupportedError, type Graph } from '../../src/index.js';
import { decodeArtifact } from '../../src/runtime/decode-artifact.js';
import {
  BOOL,
  FLOAT,
  INT16,
  INT32,
  INT64,
  INT8,
  makeModel,
  oneNode,
  UINT16,
  UINT32,
  UINT8,
} from './onnx-model.js';

type IntArrayClass =
  | Int8ArrayConstructor
  | Uint8ArrayConstructor
  | Int16ArrayConstructor
  | Uint16ArrayConstructor
  | Uint32ArrayConstructor;

/** Each narrow type: its code, typed array class and the values a feed may hold. */
const TYPES: readonly { name: string; code: number; cls: IntArrayClass; min: number; max: number }[] = [
  { name: 'int8', code: INT8, cls: Int8Array, min: -128, max: 127 },
  { name: 'uint8', code: UINT8, cls: Uint8Array, min: 0, max: 255 },
  { name: 'int16', code: INT16, cls: Int16Array, min: -32768, max: 32767 },
  { name: 'uint16', code: UINT16, cls: Uint16Array, min: 0, max: 65535 },
  { name: 'uint32', code: UINT32, cls: Uint32Array, min: 0, max: 2 ** 31 - 1 },
];

/** A deterministic pseudo-random integer stream (LCG) over [min, max]. */
function randomInts(count: number, min: number, max: number, seed: number): number[] {
  let state = seed >>> 0;
  return Array.from({ length: count }, () => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    return min + Math.floor((state / 2 ** 32) * (max - min + 1));
  });
}

async function runOnce(graph: Graph, feeds: Record<string, unknown>): Promise<Record<string, unknown>> {
  const model = await compile(graph);
  const out = model.run(feeds as never) as Record<string, unknown>;
  model.dispose();
  return out;
}

const binary = (op: string, type: number, out = type, n = 37): Uint8Array =>
  oneNode(
    op,
    [
      { name: 'a', type, dims: [n] },
      { name: 'b', type, dims: [n] },
    ],
    { name: 'c', type: out },
  );

describe('arithmetic wraps as ONNX does', () => {
  const ops: readonly [string, (a: number, b: number) => number][] = [
    ['Add', (a, b) => a + b],
    ['Sub', (a, b) => a - b],
    ['Mul', (a, b) => a * b],
    // integer Div truncates toward zero (ONNX's reference: float division cast back)
    ['Div', (a, b) => Math.trunc(a / b)],
  ];
  for (const t of TYPES) {
    for (const [op, f] of ops) {
      test(`${op} on ${t.name} over the whole range`, async () => {
        // uint32 stays below 2^16 where products must not pass 2^31 (an i32 comparison would see them negative)
        const max = t.name === 'uint32' ? 65535 : t.max;
        const a = randomInts(37, t.min, max, 1 + op.length);
        const b = randomInts(37, t.min, max, 7 + t.code).map((v) => (op === 'Div' && v === 0 ? 1 : v));
        const out = await runOnce(await fromOnnx(binary(op, t.code)), { a: t.cls.from(a), b: t.cls.from(b) });
        expect(out.c).toBeInstanceOf(t.cls);
        // every exact result is a safe integer; storing it into the typed array wraps it as ONNX does
        const exact = a.map((x, i) => f(x, b[i] as number));
        expect(exact.every(Number.isSafeInteger)).toBe(true);
        const expected = t.cls.from(exact);
        expect(Array.from(out.c as ArrayLike<number>)).toEqual(Array.from(expected));
      });
    }
  }

  test('results at the edges: uint8 200 + 100 = 44, int8 -128 - 1 = 127, uint16 65535 * 65535 = 1', async () => {
    const edge = async (op: string, type: number, cls: IntArrayClass, a: number, b: number) =>
      Array.from(
        (await runOnce(await fromOnnx(binary(op, type, type, 1)), { a: cls.of(a), b: cls.of(b) }))
          .c as ArrayLike<number>,
      );
    expect(await edge('Add', UINT8, Uint8Array, 200, 100)).toEqual([44]);
    expect(await edge('Sub', INT8, Int8Array, -128, 1)).toEqual([127]);
    expect(await edge('Mul', UINT16, Uint16Array, 65535, 65535)).toEqual([1]);
    expect(await edge('Add', INT16, Int16Array, 32767, 1)).toEqual([-32768]);
    // uint32: the i32 bit pattern, so 3 - 5 is 2^32 - 2 as ONNX computes it
    expect(await edge('Sub', UINT32, Uint32Array, 3, 5)).toEqual([2 ** 32 - 2]);
  });

  test('inside the graph: a wrapped sum is what the next node reads', async () => {
    // the boundary alone would wrap an output; here Cast to float and Less see the wrapped value
    const model = makeModel({
      nodes: [
        { op: 'Add', inputs: ['a', 'b'], outputs: ['s'] },
        { op: 'Cast', inputs: ['s'], outputs: ['f'], attrs: { to: FLOAT } },
        { op: 'Less', inputs: ['s', 'a'], outputs: ['wrapped'] },
      ],
      inputs: [
        { name: 'a', type: INT8, dims: [4] },
        { name: 'b', type: INT8, dims: [4] },
      ],
      outputs: [
        { name: 'f', type: FLOAT },
        { name: 'wrapped', type: BOOL },
      ],
    });
    const out = await runOnce(await fromOnnx(model), {
      a: Int8Array.of(100, -100, 5, 127),
      b: Int8Array.of(100, -100, 5, 1),
    });
    expect(Array.from(out.f as Float32Array)).toEqual([-56, 56, 10, -128]);
    expect(Array.from(out.wrapped as Uint8Array)).toEqual([1, 0, 0, 1]);
  });

  test('comparisons, Max and Min read the values as the type holds them', async () => {
    const a = Uint8Array.of(0, 200, 255, 7);
    const b = Uint8Array.of(1, 100, 255, 9);
    const less = await runOnce(await fromOnnx(binary('Less', UINT8, BOOL, 4)), { a, b });
    expect(Array.from(less.c as Uint8Array)).toEqual([1, 0, 0, 1]);
    const max = await runOnce(await fromOnnx(binary('Max', UINT8, UINT8, 4)), { a, b });
    expect(Array.from(max.c as Uint8Array)).toEqual([1, 200, 255, 9]);
  });
});

describe('Cast', () => {
  const cast = (from: number, to: number): Uint8Array =>
    oneNode('Cast', [{ name: 'x', type: from, dims: [5] }], { name: 'y', type: to }, { to });

  test('between integer types: the low bits, reinterpreted (200 as int8 is -56)', async () => {
    const toInt8 = await runOnce(await fromOnnx(cast(INT32, INT8)), {
      x: Int32Array.of(200, -129, 127, 256, -1),
    });
    expect(Array.from(toInt8.y as Int8Array)).toEqual([-56, 127, 127, 0, -1]);
    const toUint16 = await runOnce(await fromOnnx(cast(INT8, UINT16)), {
      x: Int8Array.of(-1, 0, 5, -128, 127),
    });
    expect(Array.from(toUint16.y as Uint16Array)).toEqual([65535, 0, 5, 65408, 127]);
    const toUint32 = await runOnce(await fromOnnx(cast(INT64, UINT32)), {
      x: BigInt64Array.of(-1n, 0n, 5n, 7n, 2n ** 31n - 1n),
    });
    expect(Array.from(toUint32.y as Uint32Array)).toEqual([2 ** 32 - 1, 0, 5, 7, 2 ** 31 - 1]);
  });

  test('from float truncates; to float is exact', async () => {
    const toUint8 = await runOnce(await fromOnnx(cast(FLOAT, UINT8)), {
      x: Float32Array.of(3.7, 0, 254.9, 1.5, 9),
    });
    expect(Array.from(toUint8.y as Uint8Array)).toEqual([3, 0, 254, 1, 9]);
    const toFloat = await runOnce(await fromOnnx(cast(INT16, FLOAT)), {
      x: Int16Array.of(-32768, 32767, 0, 1, -1),
    });
    expect(Array.from(toFloat.y as Float32Array)).toEqual([-32768, 32767, 0, 1, -1]);
  });
});

describe('the boundary', () => {
  const bytes = binary('Add', UINT8, UINT8, 3);

  test('feeds and results are the typed arrays; model.inputs says which', async () => {
    const model = await compile(await fromOnnx(bytes));
    expect(model.inputs[0]).toMatchObject({ name: 'a', dtype: 'i32', external: 'uint8' });
    expect(model.outputs[0]).toMatchObject({ name: 'c', dtype: 'i32', external: 'uint8' });
    const out = model.run({ a: Uint8Array.of(1, 2, 250), b: [1, 1, 10] });
    expect(out.c).toBeInstanceOf(Uint8Array);
    expect(Array.from(out.c as unknown as Uint8Array)).toEqual([2, 3, 4]);
    model.dispose();
  });

  test('a feed the type cannot hold is an InputError, and the model is left as it was', async () => {
    const model = await compile(await fromOnnx(bytes));
    const good = { a: Uint8Array.of(1, 2, 3), b: Uint8Array.of(4, 5, 6) };
    const before = Array.from(model.run(good).c as unknown as Uint8Array);
    expect(() => model.run({ a: [1, 300, 2], b: good.b })).toThrow(InputError);
    expect(() => model.run({ a: [1, 300, 2], b: good.b })).toThrow(
      /"a"\[1\] = 300 is outside the uint8 range/,
    );
    expect(() => model.run({ a: [1, -1, 2], b: good.b })).toThrow(InputError);
    expect(() => model.run({ a: Int8Array.of(1, 2, 3), b: good.b })).toThrow(
      /is uint8 .*expected a Uint8Array/,
    );
    expect(() => model.run({ a: Float32Array.of(1, 2, 3), b: good.b })).toThrow(InputError);
    expect(Array.from(model.view('a'))).toEqual([1, 2, 3]);
    expect(Array.from(model.run(good).c as unknown as Uint8Array)).toEqual(before);
    model.dispose();
  });

  test('a uint32 feed at or past 2^31 does not fit i32: an InputError', async () => {
    const model = await compile(await fromOnnx(binary('Add', UINT32, UINT32, 2)));
    expect(() => model.run({ a: Uint32Array.of(2 ** 31, 0), b: Uint32Array.of(0, 0) })).toThrow(
      /does not fit in 32 bits/,
    );
    expect(
      Array.from(
        model.run({ a: Uint32Array.of(2 ** 31 - 1, 0), b: Uint32Array.of(0, 9) }).c as unknown as Uint32Array,
      ),
    ).toEqual([2 ** 31 - 1, 9]);
    model.dispose();
  });

  test('saved modules keep the types (manifest format 4; int64 alone stays format 3)', async () => {
    const model = await compile(await fromOnnx(bytes));
    const saved = model.save();
    expect(decodeArtifact(saved).manifest.format).toBe(4);
    const again = await load(saved);
    expect(Array.from(again.run({ a: [255, 0, 1], b: [1, 0, 1] }).c as unknown as Uint8Array)).toEqual([
      0, 0, 2,
    ]);
    const int64 = await compile(await fromOnnx(binary('Add', INT64, INT64, 1)));
    expect(decodeArtifact(int64.save()).manifest.format).toBe(3);
  });
});

describe('refusals', () => {
  test('an op that does not take the narrow types refuses them, naming the node', async () => {
    const relu = oneNode('Relu', [{ name: 'x', type: INT8, dims: [3] }], { name: 'y', type: INT8 });
    const error = await fromOnnx(relu).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UnsupportedError);
    expect((error as Error).message).toMatch(
      /relu_node.*Relu.*input 0 has element type int8, which Relu does not support/,
    );
  });

  test('an initializer value outside its type is refused', async () => {
    const model = makeModel({
      nodes: [{ op: 'Add', name: 'add_k', inputs: ['a', 'k'], outputs: ['c'] }],
      inputs: [{ name: 'a', type: UINT8, dims: [1] }],
      outputs: [{ name: 'c', type: UINT8 }],
      initializers: [{ name: 'k', type: UINT8, dims: [1], values: [300] }],
    });
    await expect(fromOnnx(model)).rejects.toThrow(
      /initializer "k" holds 300 at index 0, outside the uint8 range/,
    );
  });

  test('uint8 initializers import as constants and fold, wrapped', async () => {
    const model = makeModel({
      nodes: [
        { op: 'Add', inputs: ['k', 'k'], outputs: ['kk'] },
        { op: 'Add', inputs: ['a', 'kk'], outputs: ['c'] },
        { op: 'Cast', inputs: ['kk'], outputs: ['f'], attrs: { to: FLOAT } },
      ],
      inputs: [{ name: 'a', type: UINT8, dims: [2] }],
      outputs: [
        { name: 'c', type: UINT8 },
        { name: 'f', type: FLOAT },
      ],
      initializers: [{ name: 'k', type: UINT8, dims: [2], values: [200, 3] }],
    });
    // 200 + 200 folds to 144 (wrapped at import), then 1 + 144 and 2 + 6
    const out = await runOnce(await fromOnnx(model), { a: Uint8Array.of(1, 2) });
    expect(Array.from(out.c as Uint8Array)).toEqual([145, 8]);
    expect(Array.from(out.f as Float32Array)).toEqual([144, 6]);
  });
});
