/**
 * Bad input at every public entry (run, setParams, view, execute, the graph
 * builder, compile, interpret, load) is a typed error with a stable code and
 * changes nothing: afterwards the same model or graph still computes the
 * interpreter's answer, and no input or param region was written.
 */
import { beforeAll, describe, expect, test } from 'vitest';
import {
  ArtifactError,
  DTypeError,
  ErrorCode,
  Graph,
  GraphError,
  InputError,
  ShapeError,
  compile,
  interpret,
  load,
  type CompiledModel,
  type Tensor,
  type TypedArray,
} from '../../src/index.js';
import { expectClose } from '../support/differential.js';
import { expectTypedError } from './expect-error.js';

const X = new Float32Array([1, -2, 3, 0.5, 4, -1]);
const IDX = new Int32Array([1, -2]);
const FLAG = new Uint8Array([1, 0, 1]);
const W = Float32Array.from({ length: 12 }, (_, i) => (i % 5) - 2);
const GOOD = { x: X, idx: IDX, flag: FLAG };

/** Inputs of every dtype, a param, a gather with run-time indices, a where and a reduction. */
function buildGraph(): Graph {
  const g = new Graph();
  const x = g.input('x', [2, 3]);
  const idx = g.input('idx', [2], 'i32');
  const flag = g.input('flag', [3], 'bool');
  const w = g.param('w', [3, 4]);
  const h = x.matmul(w).relu();
  g.output('h', h);
  g.output('rows', h.gather(idx, 0).sum(-1));
  g.output('masked', g.where(flag, x, 0));
  g.output('count', flag.cast('i32').sum());
  return g;
}

let g: Graph;
let model: CompiledModel;

beforeAll(async () => {
  g = buildGraph();
  model = await compile(g);
  model.setParams({ w: W });
  model.run(GOOD);
});

/** The model's run on GOOD equals the interpreter's, and its input and param regions hold GOOD and W. */
function expectUnchanged(label: string): void {
  expect(Array.from(model.view('w')), `${label}: param w`).toEqual(Array.from(W));
  const out = model.run(GOOD);
  const expected = interpret(g, { ...GOOD, w: W });
  for (const [name, value] of Object.entries(expected)) {
    expectClose(out[name] as TypedArray, value, {}, `${label}: ${name}`);
  }
}

const badFeeds: [string, unknown][] = [
  ['no feeds', {}],
  ['missing x', { idx: IDX, flag: FLAG }],
  ['unknown name', { ...GOOD, extra: X }],
  ['a param passed to run', { ...GOOD, w: W }],
  ['x too short', { ...GOOD, x: X.subarray(1) }],
  ['x too long', { ...GOOD, x: new Float32Array(7) }],
  ['x empty', { ...GOOD, x: new Float32Array(0) }],
  ['x as Int32Array', { ...GOOD, x: new Int32Array(6) }],
  ['x as Float64Array', { ...GOOD, x: new Float64Array(6) }],
  ['flag as Uint8ClampedArray', { ...GOOD, flag: new Uint8ClampedArray(3) }],
  ['idx as Float32Array', { ...GOOD, idx: new Float32Array(2) }],
  ['x as DataView', { ...GOOD, x: new DataView(new ArrayBuffer(24)) }],
  ['x as ArrayBuffer', { ...GOOD, x: new ArrayBuffer(24) }],
  ['x as a plain object', { ...GOOD, x: { length: 6, 0: 1 } }],
  ['x null', { ...GOOD, x: null }],
  ['x undefined', { ...GOOD, x: undefined }],
  ['x a string', { ...GOOD, x: '1,2,3,4,5,6' }],
  ['x a number', { ...GOOD, x: 6 }],
  [
    'x nested arrays',
    {
      ...GOOD,
      x: [
        [1, 2, 3],
        [4, 5, 6],
      ],
    },
  ],
  ['x with a string element', { ...GOOD, x: ['a', 1, 2, 3, 4, 5] }],
  ['feeds null', null],
  ['feeds undefined', undefined],
  ['feeds an array', [X, IDX, FLAG]],
  ['feeds a typed array', X],
  ['feeds a string', 'x'],
];

describe('run()', () => {
  test.each(badFeeds)('%s: InputError, nothing written', async (label, feeds) => {
    // a different valid flag alongside the bad value: it must not be written either
    const record = typeof feeds === 'object' && feeds !== null ? (feeds as Record<string, unknown>) : {};
    const withNewFlag = record.flag === FLAG ? { ...record, flag: FLAG.map((v) => 1 - v) } : feeds;
    await expectTypedError(label, () => model.run(withNewFlag as never), InputError, ErrorCode.input);
    expect(Array.from(model.view('x')), `${label}: x region`).toEqual(Array.from(X));
    expect(Array.from(model.view('flag')), `${label}: flag region`).toEqual(Array.from(FLAG));
    expectUnchanged(label);
  });

  test('plain number arrays are converted (not an error)', () => {
    const out = model.run({ x: Array.from(X), idx: [1, -2], flag: [true, false, true] as never });
    expect(Array.from(out.rows!)).toEqual(Array.from(model.run(GOOD).rows!));
  });

  test('an input named like an Object.prototype member is still required', async () => {
    const h = new Graph();
    h.output('y', h.input('toString', [2]).add(1));
    const m = await compile(h);
    await expectTypedError('missing toString', () => m.run({}), InputError, ErrorCode.input, /missing/);
    expect(Array.from(m.run({ toString: new Float32Array([1, 2]) }).y!)).toEqual([2, 3]);
    m.dispose();
  });

  test.each([
    ['above the table', [2, 0]],
    ['below -rows', [-3, 0]],
    ['i32 max', [2 ** 31 - 1, 0]],
    ['i32 min', [-(2 ** 31), 1]],
  ])('gather index %s: InputError at run time, from the interpreter too', async (label, idx) => {
    const feeds = { ...GOOD, idx: Int32Array.from(idx) };
    await expectTypedError(
      label,
      () => model.run(feeds),
      InputError,
      ErrorCode.input,
      /out of range in gather/,
    );
    await expectTypedError(label, () => interpret(g, { ...feeds, w: W }), InputError, ErrorCode.input);
    expectUnchanged(label);
  });

  test('execute() after a refused run computes the last good inputs', () => {
    const before = model.run(GOOD);
    expect(() => model.run({ ...GOOD, x: X.map((v) => -v), idx: new Int32Array(1) })).toThrow(InputError);
    expect(() => model.run({ ...GOOD, x: null } as never)).toThrow(InputError);
    model.execute();
    for (const name of ['h', 'rows', 'masked', 'count']) {
      expect(Array.from(model.view(name)), name).toEqual(Array.from(before[name]!));
    }
  });

  test('a gather index caught inside the module: its feeds were written, the next good run is right', () => {
    expect(() => model.run({ ...GOOD, idx: new Int32Array([5, 5]) })).toThrow(InputError);
    expect(Array.from(model.view('idx'))).toEqual([5, 5]); // the check runs in Wasm, after the copy-in
    expect(() => model.execute()).toThrow(InputError);
    expectUnchanged('after a gather failure');
  });
});

describe('setParams(), view()', () => {
  const badParams: [string, unknown][] = [
    ['unknown name', { w: W.map((v) => v + 1), bogus: W }],
    ['an input name', { w: W.map((v) => v + 1), x: X }],
    ['w too short', { w: new Float32Array(11) }],
    ['w too long', { w: new Float32Array(13) }],
    ['w as Int32Array', { w: new Int32Array(12) }],
    ['w null', { w: null }],
    ['w a plain object', { w: { length: 12 } }],
    ['values null', null],
    ['values a typed array', W],
  ];
  test.each(badParams)('setParams %s: InputError, params unchanged', async (label, values) => {
    await expectTypedError(label, () => model.setParams(values as never), InputError, ErrorCode.input);
    expectUnchanged(label);
  });

  test.each([['nope'], [''], [5], [undefined], [null], ['__proto__'], ['toString']])(
    'view(%j): InputError',
    async (name) => {
      await expectTypedError(String(name), () => model.view(name as never), InputError, ErrorCode.input);
      expectUnchanged(`view ${String(name)}`);
    },
  );

  test('every call on a disposed model is an InputError', async () => {
    const m = await compile(g);
    m.setParams({ w: W });
    m.dispose();
    for (const [label, call] of [
      ['run', () => m.run(GOOD)],
      ['setParams', () => m.setParams({ w: W })],
      ['view', () => m.view('x')],
      ['execute', () => m.execute()],
      ['save with params', () => m.save({ params: true })],
    ] as const) {
      await expectTypedError(label, call, InputError, ErrorCode.input, /disposed/);
    }
    expectUnchanged('after another model was disposed');
  });
});

describe('the graph builder', () => {
  test('each bad call is a typed error and the program is unchanged', async () => {
    const b = buildGraph();
    const other = new Graph().input('o', [2, 3]);
    const dims: number[] = [2, 3]; // number[]: the run-time checks, not the type-level ones
    const x: Tensor = b.input('x2', dims);
    const printed = b.toString();
    const cases: [string, () => unknown, typeof ShapeError | typeof DTypeError | typeof GraphError][] = [
      ['NaN dim', () => b.input('a', [NaN]), ShapeError],
      ['fractional dim', () => b.input('a', [1.5, 2]), ShapeError],
      ['negative dim', () => b.input('a', [-1, 3]), ShapeError],
      ['infinite dim', () => b.input('a', [Infinity]), ShapeError],
      ['enormous shape', () => b.input('a', [2 ** 20, 2 ** 20]), ShapeError],
      ['enormous param', () => b.param('a', [2 ** 33]), ShapeError],
      ['shape null', () => b.input('a', null as never), ShapeError],
      ['shape a string', () => b.input('a', '2,3' as never), ShapeError],
      ['dim a string', () => b.input('a', ['2'] as never), ShapeError],
      ['unknown dtype', () => b.input('a', [2], 'f64' as never), DTypeError],
      ['repeated name', () => b.input('x', [2]), GraphError],
      ['bad name', () => b.input('2x', [2]), GraphError],
      ['name null', () => b.param(null as never, [2]), GraphError],
      ['sum axis 2', () => x.sum(2), ShapeError],
      ['sum axis -3', () => x.sum(-3), ShapeError],
      ['sum axis 1.5', () => x.sum(1.5), ShapeError],
      ['argmax axis NaN', () => x.argmax(NaN), ShapeError],
      ['softmax axis 5', () => x.softmax(5), ShapeError],
      ['transpose repeated', () => x.transpose([0, 0]), ShapeError],
      ['transpose short', () => x.transpose([0]), ShapeError],
      ['concat axis 2', () => b.concat([x, x], 2), ShapeError],
      ['gather axis 2', () => x.gather([0], 2), ShapeError],
      ['unsqueeze axis 4', () => x.unsqueeze(4), ShapeError],
      ['squeeze a non-1 axis', () => x.squeeze(0), ShapeError],
      ['flatten axis 3', () => x.flatten(3), ShapeError],
      ['reshape count', () => x.reshape([4]), ShapeError],
      ['reshape NaN', () => x.reshape([NaN, 6]), ShapeError],
      ['slice step 0', () => x.slice([[0, 2, 0]]), ShapeError],
      [
        'pad negative',
        () =>
          x.pad([
            [0, -1],
            [0, 0],
          ]),
        ShapeError,
      ],
      ['constant short', () => b.constant([1, 2, 3], [2, 2]), ShapeError],
      ['operand from another graph', () => x.add(other), GraphError],
      ['output from another graph', () => b.output('y', other), GraphError],
      ['output a number', () => b.output('y', 5 as never), GraphError],
      ['output null', () => b.output('y', null as never), GraphError],
      ['output a look-alike', () => b.output('y', { node: x.node } as never), GraphError],
      ['output name taken', () => b.output('h', x), GraphError],
      ['where on f32', () => b.where(x, x, 0), DTypeError],
      ['matmul of bool', () => x.gt(0).matmul(x.gt(0).transpose() as Tensor as never), DTypeError],
    ];
    for (const [label, call, cls] of cases) {
      const code = new cls('probe').code;
      await expectTypedError(label, call, cls, code);
      expect(b.toString(), `${label}: program`).toBe(printed);
    }
    const m = await compile(b);
    m.setParams({ w: W });
    const out = m.run({ ...GOOD, x2: X });
    const expected = interpret(b, { ...GOOD, x2: X, w: W });
    for (const [name, value] of Object.entries(expected))
      expectClose(out[name] as TypedArray, value, {}, name);
    m.dispose();
  });
});

describe('compile(), interpret(), load()', () => {
  test.each([
    ['an empty graph', () => compile(new Graph()), GraphError, /no outputs/],
    ['null', () => compile(null as never), GraphError, /expected a Graph/],
    ['a look-alike', () => compile({ outputs: [], leaves: [] } as never), GraphError, /expected a Graph/],
  ] as const)('compile(%s): GraphError', async (label, call, cls, message) => {
    await expectTypedError(label, call, cls, ErrorCode.graph, message);
  });

  test.each([
    ['planner nope', { planner: 'nope' }, /option planner must be 'best-fit' or 'bump' \(got "nope"\)/],
    ['optimizeLevel 9', { optimizeLevel: 9 }, /optimizeLevel must be an integer from 0 to 4/],
    ['optimizeLevel -1', { optimizeLevel: -1 }, /optimizeLevel/],
    ['optimizeLevel 1.5', { optimizeLevel: 1.5 }, /optimizeLevel/],
    ['simd "yes"', { simd: 'yes' }, /option simd must be true or false/],
    ['fuse 1', { fuse: 1 }, /option fuse/],
    ['a typo', { planer: 'bump' }, /unknown option "planer"/],
    ['options null', null, /options must be an object/],
    ['options a string', 'fast', /options must be an object/],
  ])('compile options %s: InputError, and compile still works', async (label, options, message) => {
    await expectTypedError(label, () => compile(g, options as never), InputError, ErrorCode.input, message);
  });

  test('valid options still compile to the right answer', async () => {
    const m = await compile(g, { planner: 'bump', optimizeLevel: 0, simd: false, fuse: false });
    m.setParams({ w: W });
    expect(Array.from(m.run(GOOD).h!)).toEqual(Array.from(model.run(GOOD).h!));
    m.dispose();
  });

  test.each([
    ['missing w', { ...GOOD }],
    ['x too short', { ...GOOD, w: W, x: X.subarray(1) }],
    ['x as Int32Array', { ...GOOD, w: W, x: new Int32Array(6) }],
    ['unknown name', { ...GOOD, w: W, extra: X }],
    ['x null', { ...GOOD, w: W, x: null }],
    ['feeds null', null],
  ])('interpret %s: InputError', async (label, feeds) => {
    await expectTypedError(label, () => interpret(g, feeds as never), InputError, ErrorCode.input);
  });

  test.each([[null], ['model.wasm'], [42], [{ byteLength: 8 }]])('load(%j): ArtifactError', async (bytes) => {
    await expectTypedError(
      JSON.stringify(bytes),
      () => load(bytes as never),
      ArtifactError,
      ErrorCode.artifact,
    );
  });
});

test('__proto__ is not a valid tensor name', async () => {
  const { Graph, GraphError } = await import('../../src/index.js');
  const g = new Graph();
  const x = g.input('x', [2]);
  expect(() => g.output('__proto__', x)).toThrow(GraphError);
  expect(() => g.input('__proto__', [2])).toThrow(GraphError);
});
