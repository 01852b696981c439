/**
 * Feeding the interpreter: InputError (class, code, message) for unknown and
 * missing names, wrong lengths and wrong typed array classes; plain number
 * arrays converted with the dtype's rounding; params fed beside inputs;
 * outputs returned as fresh copies; evaluate() on nodes directly.
 */
import { describe, expect, it } from 'vitest';
import { Graph, InputError, evaluate, interpret, type TypedArray } from '../../src/index.js';
import { expectExact, run } from './helpers.js';

/** A graph y = x * w + 1 with an f32 input x [2,3] and an f32 param w [3]. */
function affine(): Graph {
  const g = new Graph();
  g.output(
    'y',
    g
      .input('x', [2, 3])
      .mul(g.param('w', [3]))
      .add(1),
  );
  return g;
}

const X = new Float32Array([1, 2, 3, 4, 5, 6]);
const W = new Float32Array([1, 0, -1]);

/** Asserts `call` throws an InputError with code E_INPUT whose message contains `text`. */
function expectInputError(call: () => unknown, text: string): void {
  let thrown: unknown;
  try {
    call();
  } catch (error) {
    thrown = error;
  }
  expect(thrown).toBeInstanceOf(InputError);
  expect(thrown).toMatchObject({ code: 'E_INPUT', name: 'InputError' });
  expect((thrown as Error).message).toContain(text);
}

describe('interpret feeds', () => {
  it('inputs and params go through one record', () => {
    const out = interpret(affine(), { x: X, w: W });
    expect(Object.keys(out)).toEqual(['y']);
    expect(Array.from(out['y'] ?? [])).toEqual([2, 1, -2, 5, 1, -5]);
  });

  it('an unknown name is an InputError listing the expected names', () => {
    expectInputError(
      () => interpret(affine(), { x: X, w: W, z: [1] }),
      'unknown input "z" (expected one of: x, w)',
    );
  });

  it('a missing input or param is an InputError naming it and its type', () => {
    expectInputError(() => interpret(affine(), { w: W }), 'missing input "x" (f32[2,3])');
    expectInputError(() => interpret(affine(), { x: X }), 'missing param "w" (f32[3])');
  });

  it('an input no output uses must still be fed', () => {
    const g = new Graph();
    g.input('unused', [1]);
    g.output('y', g.input('x', [1]).neg());
    expectInputError(() => interpret(g, { x: [1] }), 'missing input "unused"');
  });

  it('a wrong length is an InputError, for typed and plain arrays', () => {
    expectInputError(
      () => interpret(affine(), { x: new Float32Array(5), w: W }),
      'input "x" has 5 elements (expected 6 for f32[2,3])',
    );
    expectInputError(
      () => interpret(affine(), { x: X, w: [1, 2] }),
      'param "w" has 2 elements (expected 3 for f32[3])',
    );
  });

  it('a wrong typed array class is an InputError', () => {
    expectInputError(
      () => interpret(affine(), { x: new Int32Array(6), w: W }),
      'got Int32Array; expected Float32Array for f32[2,3]',
    );
    const wide = new Float64Array(6) as unknown as TypedArray;
    expectInputError(() => interpret(affine(), { x: wide, w: W }), 'got Float64Array');
    const g = new Graph();
    g.output('y', g.input('b', [2], 'bool').not());
    const clamped = new Uint8ClampedArray(2) as unknown as TypedArray;
    expectInputError(
      () => interpret(g, { b: clamped }),
      'got Uint8ClampedArray; expected Uint8Array for bool[2]',
    );
    expectInputError(() => interpret(g, { b: 'no' as unknown as TypedArray }), 'got "no"');
  });

  it('a non-number in a plain array, or feeds that are not an object, are InputErrors', () => {
    expectInputError(
      () => interpret(affine(), { x: [1, 2, 'a', 4, 5, 6] as unknown as number[], w: W }),
      'non-number at index 2',
    );
    expectInputError(
      () => interpret(affine(), null as unknown as Record<string, TypedArray>),
      'feeds must be an object',
    );
  });
});

describe('plain number arrays are converted with the dtype rounding', () => {
  it('f32 rounds to nearest', () => {
    expectExact(
      run((g) => g.input('x', [1]), { x: [0.1] }),
      'f32',
      [1],
      [0.1],
    );
  });

  it('i32 truncates toward zero (saturating, NaN -> 0)', () => {
    expectExact(
      run((g) => g.input('x', [4], 'i32'), { x: [1.7, -1.7, 3e9, NaN] }),
      'i32',
      [4],
      [1, -1, 2147483647, 0],
    );
  });

  it('bool is x != 0; booleans are accepted', () => {
    expectExact(
      run((g) => g.input('x', [3], 'bool'), { x: [2, 0, -1] }),
      'bool',
      [3],
      [1, 0, 1],
    );
    expectExact(
      run((g) => g.input('x', [2], 'bool'), { x: [true, false] as unknown as number[] }),
      'bool',
      [2],
      [1, 0],
    );
  });

  it('bool bytes other than 0/1 are read as true', () => {
    expectExact(
      run((g) => g.input('x', [3], 'bool').not(), { x: new Uint8Array([2, 0, 255]) }),
      'bool',
      [3],
      [0, 1, 0],
    );
  });
});

describe('outputs', () => {
  it('are fresh copies: not the feed, and not shared between two names for one value', () => {
    const g = new Graph();
    const x = g.input('x', [2]);
    g.output('a', x);
    g.output('b', x);
    const feed = new Float32Array([1, 2]);
    const out = interpret(g, { x: feed });
    expect(out['a']).not.toBe(feed);
    expect(out['a']).not.toBe(out['b']);
    (out['a'] as Float32Array)[0] = 99;
    expect(Array.from(out['b'] ?? [])).toEqual([1, 2]);
    expect(Array.from(feed)).toEqual([1, 2]);
  });

  it('constants need no feeds; a graph without outputs gives {}', () => {
    expectExact(
      run((g) => g.constant([1, 2]).add(g.constant(1))),
      'f32',
      [2],
      [2, 3],
    );
    expectExact(
      run((g) => g.constant(new Int32Array([5, 6]), [2, 1])),
      'i32',
      [2, 1],
      [5, 6],
    );
    expect(interpret(new Graph(), {})).toEqual({});
  });
});

describe('evaluate', () => {
  it('evaluates the nodes reachable from the given outputs', () => {
    const g = new Graph();
    const x = g.input('x', [2]);
    const unrelated = g.input('u', [1]);
    const out = evaluate([['y', x.mul(3).node]], new Map([['x', new Float32Array([1, -2])]]));
    expect(Array.from(out['y'] ?? [])).toEqual([3, -6]);
    // `u` is not needed by `y`, so it need not be given
    expect(unrelated.shape).toEqual([1]);
  });

  it('throws InputError for a missing leaf the outputs need', () => {
    const g = new Graph();
    const y = g.input('x', [2]).add(g.param('w', [2]));
    expectInputError(
      () => evaluate([['y', y.node]], new Map([['x', new Float32Array(2)]])),
      'missing param "w"',
    );
  });

  it('throws InputError for a leaf of the wrong class or length', () => {
    const g = new Graph();
    const y = g.input('x', [2]).neg();
    expectInputError(
      () => evaluate([['y', y.node]], new Map([['x', new Float32Array(3)]])),
      'has 3 elements',
    );
    expectInputError(() => evaluate([['y', y.node]], new Map([['x', new Int32Array(2)]])), 'got Int32Array');
  });
});
