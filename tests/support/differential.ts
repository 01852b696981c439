/**
 * Differential testing: compile a graph under several option sets and compare
 * every output with the reference interpreter.
 */
import { expect } from 'vitest';
import { compile, interpret, type CompileOptions, type Graph, type TypedArray } from '../../src/index.js';

export interface Tolerance {
  /** Relative tolerance for f32 (default 2e-6: a few ULP). */
  readonly rtol?: number;
  /** Absolute tolerance for f32 (default 1e-6). */
  readonly atol?: number;
}

/** The option sets every differential test runs. */
export const VARIANTS: readonly CompileOptions[] = [
  {},
  { simd: false },
  { fuse: false },
  { planner: 'bump', optimizeLevel: 0 },
];

/** Whether one element agrees: exactly for i32/bool, within tolerance for f32 (NaN equals NaN, infinities exactly). */
export function elementClose(a: number, e: number, float: boolean, tol: Tolerance = {}): boolean {
  if (!float) return a === e;
  if (Number.isNaN(e)) return Number.isNaN(a);
  if (!Number.isFinite(e)) return a === e;
  return Math.abs(a - e) <= (tol.atol ?? 1e-6) + (tol.rtol ?? 2e-6) * Math.abs(e);
}

/**
 * Asserts `actual` equals `expected`: exactly for i32/bool, within tolerance
 * for f32 (NaN equals NaN). `excused(i)`, when given, may let a disagreeing
 * element pass (see sensitivity.ts).
 */
export function expectClose(
  actual: TypedArray,
  expected: TypedArray,
  tol: Tolerance = {},
  label = '',
  excused?: (i: number) => boolean,
): void {
  expect(actual.constructor.name, `${label}: array class`).toBe(expected.constructor.name);
  expect(actual.length, `${label}: length`).toBe(expected.length);
  const float = expected instanceof Float32Array;
  if (!float && excused === undefined) {
    expect(Array.from(actual), label).toEqual(Array.from(expected));
    return;
  }
  for (let i = 0; i < expected.length; i++) {
    const a = actual[i] as number;
    const e = expected[i] as number;
    if (!elementClose(a, e, float, tol) && !(excused?.(i) ?? false)) {
      const diff = Number.isFinite(e) ? ` (|diff| ${Math.abs(a - e)})` : '';
      expect.fail(`${label}[${i}]: got ${a}, expected ${Number.isNaN(e) ? 'NaN' : e}${diff}`);
    }
  }
}

/** Compiles `graph` under every variant and compares all outputs with the interpreter. */
export async function checkGraph(
  graph: Graph,
  feeds: Record<string, TypedArray>,
  tol: Tolerance = {},
  variants: readonly CompileOptions[] = VARIANTS,
): Promise<void> {
  const expected = interpret(graph, feeds);
  const paramNames = new Set(
    graph.leaves.filter((n) => n.op === 'param').map((n) => (n.op === 'param' ? n.attrs.name : '')),
  );
  const params = Object.fromEntries(Object.entries(feeds).filter(([k]) => paramNames.has(k)));
  const inputs = Object.fromEntries(Object.entries(feeds).filter(([k]) => !paramNames.has(k)));
  for (const options of variants) {
    const model = await compile(graph, options);
    if (Object.keys(params).length > 0) model.setParams(params);
    const actual = model.run(inputs);
    for (const [name, value] of Object.entries(expected)) {
      expectClose(actual[name] as TypedArray, value, tol, `${name} ${JSON.stringify(options)}`);
    }
    model.dispose();
  }
}

/** A deterministic pseudo-random source (mulberry32). */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Random data of a dtype: f32 in [lo, hi), i32 small integers, bool 0/1. */
export function randomData(
  dtype: 'f32' | 'i32' | 'bool',
  size: number,
  seed = 1,
  lo = -4,
  hi = 4,
): TypedArray {
  const r = rng(seed);
  if (dtype === 'f32') return Float32Array.from({ length: size }, () => lo + (hi - lo) * r());
  if (dtype === 'i32')
    return Int32Array.from({ length: size }, () => Math.floor(lo * 3 + (hi - lo) * 3 * r()));
  return Uint8Array.from({ length: size }, () => (r() < 0.5 ? 1 : 0));
}

/** The bytes of a typed array (none for undefined), for bit-for-bit comparison with toEqual. */
export function bitsOf(a: TypedArray | undefined): number[] {
  if (a === undefined) return [];
  return Array.from(new Uint8Array(a.buffer, a.byteOffset, a.byteLength));
}
