/**
 * Shared helpers of the interpreter tests: build a one-output graph, run it in
 * the interpreter, and compare results exactly (sign of zero and NaN included)
 * or within a relative tolerance.
 */
import { expect } from 'vitest';
import { Graph, interpret, type DType, type Tensor, type TypedArray } from '../../src/index.js';

/** A result with the static shape of the tensor that produced it. */
export interface Result {
  readonly data: TypedArray;
  readonly shape: readonly number[];
  readonly dtype: DType;
}

/** Builds a graph whose single output `y` is `build(g)` and interprets it with `feeds`. */
export function run(
  build: (g: Graph) => Tensor,
  feeds: Readonly<Record<string, TypedArray | readonly number[]>> = {},
): Result {
  const g = new Graph();
  const y = build(g);
  g.output('y', y);
  const data = interpret(g, feeds)['y'];
  if (data === undefined) throw new Error('interpret returned no output "y"');
  return { data, shape: y.shape, dtype: y.dtype };
}

const CLASS = { f32: Float32Array, i32: Int32Array, bool: Uint8Array } as const;

/** `-0` spelled out, so an expectation tells +0 from -0. */
function show(v: number): string {
  return Object.is(v, -0) ? '-0' : String(v);
}

/**
 * Asserts the dtype, the shape and every element exactly. For f32, each
 * expected number is first rounded to f32 (the hand-computed value, stored).
 */
export function expectExact(
  actual: Result,
  dtype: DType,
  shape: readonly number[],
  expected: readonly number[],
): void {
  expect(actual.dtype).toBe(dtype);
  expect(actual.shape).toEqual(shape);
  expect(actual.data).toBeInstanceOf(CLASS[dtype]);
  const want = expected.map((v) => (dtype === 'f32' ? Math.fround(v) : v));
  expect(Array.from(actual.data, show)).toEqual(want.map(show));
}

/** Asserts f32 results within `relative` error of float64 reference values (NaN must match NaN). */
export function expectClose(actual: Result, expected: readonly number[], relative: number): void {
  expect(actual.dtype).toBe('f32');
  expect(actual.data.length).toBe(expected.length);
  expected.forEach((want, i) => {
    const got = actual.data[i] ?? NaN;
    if (Number.isNaN(want)) {
      expect(got, `element ${i}`).toBeNaN();
    } else {
      const tolerance = Math.abs(want) * relative;
      expect(Math.abs(got - want), `element ${i}: got ${got}, expected ${want}`).toBeLessThanOrEqual(
        tolerance,
      );
    }
  });
}
