/**
 * How sensitive a graph's outputs are to rounding inside it: the reference
 * interpreter re-run with every intermediate f32 value nudged by one ulp up or
 * down (a seeded choice per element), with sums, products and dot
 * products accumulated in f32 (f32-accumulation.ts: where partial results
 * overflow or underflow), and with argmax/argmin breaking near-ties to another
 * candidate (arg-ties.ts). Compiled code rounds differently from the
 * float64 oracle (f32 sums, polynomial transcendentals), so where an output
 * moves by more than the comparison's tolerance under such nudges (a sum that
 * cancels and then a sqrt, an argmin between values an ulp apart), a mismatch
 * there says nothing about the compiler. The random-graph checker uses this to
 * excuse exactly those elements, and only when the compiled value lies within
 * what the nudged references span.
 */
import type { TypedArray } from '../../src/index.js';
import type { Graph } from '../../src/ir/graph.js';
import { elementClose, rng, type Tolerance } from './differential.js';
import { tieReferences } from './arg-ties.js';
import { f32AccumulationReferences } from './f32-accumulation.js';
import { hookedReferences, type ValueHook } from './hooked-references.js';

/** `data` with each finite element moved one f32 ulp up or down at random. */
function nudged(data: Float32Array, random: () => number): Float32Array {
  const out = Float32Array.from(data);
  const bits = new Int32Array(out.buffer);
  for (let i = 0; i < out.length; i++) {
    const v = out[i] as number;
    if (!Number.isFinite(v)) continue;
    const up = random() < 0.5;
    if (v === 0) out[i] = up ? 1.4e-45 : -1.4e-45;
    // away from zero adds one to the magnitude's bit pattern, toward zero subtracts one
    else bits[i] = (bits[i] as number) + (v > 0 === up ? 1 : -1);
  }
  return out;
}

/** One ulp of the largest finite magnitude in `data` (0 when it has none). */
function tensorUlp(data: Float32Array): number {
  let largest = 0;
  for (const v of data) if (Number.isFinite(v)) largest = Math.max(largest, Math.abs(v));
  return largest === 0 ? 0 : 2 ** (Math.floor(Math.log2(largest)) - 23);
}

/**
 * `data` rounded to a grid of `grid` (snap: exact zeros, as where a log of a
 * sum rounds to 1 or a dot product cancels to 0) or moved by up to `grid` at
 * random (dither: the values in between). `grid` is a few ulps of the
 * tensor's largest value: the absolute error of ops whose result is computed
 * relative to their largest value (logSoftmax, sums, dot products).
 */
function onGrid(data: Float32Array, grid: number, random: (() => number) | undefined): Float32Array {
  if (grid === 0) return data;
  return Float32Array.from(data, (v) => {
    if (!Number.isFinite(v)) return v;
    // a snapped zero is +0, as a cancellation rounds in f32 (x - x, a log of exactly 1):
    // Math.round(-0.4) is -0, whose reciprocal has the other sign
    return random === undefined ? Math.round(v / grid) * grid + 0 : v + (2 * random() - 1) * grid;
  });
}

/**
 * The graph's outputs from `count` evaluations with every intermediate f32
 * value changed. Runs cycle through four kinds: an ulp nudge per element
 * (twice), a snap to the grid of 2^c ulps of the tensor's largest value, and a
 * dither by up to that much (c = 0..3 over the cycles).
 */
export function nudgedReferences(
  graph: Graph,
  feeds: Readonly<Record<string, TypedArray>>,
  count: number,
): Record<string, TypedArray>[] {
  const hooks = Array.from({ length: count }, (_, n): ValueHook => {
    const random = rng(n + 1);
    const kind = n % 4;
    const coarser = 2 ** ((n >> 2) % 4);
    return (node, data) => {
      if (node.dtype !== 'f32') return data;
      const values = data as Float32Array;
      if (kind === 0 || kind === 2) return nudged(values, random);
      return onGrid(values, tensorUlp(values) * coarser, kind === 1 ? undefined : random);
    };
  });
  return hookedReferences(graph, feeds, hooks);
}

/**
 * For output `name`: whether element i of `actual`, which disagrees with
 * `expected`, is excused. It is when the changed references (`runs` nudged
 * ones, the f32-accumulation ones and the arg-tie ones) show the element
 * is sensitive (one of them moved out of tolerance of `expected`) and
 * `actual` lies within what they span (with `expected`, and 0 when NaN and
 * numbers are both among them, plus tolerance); a NaN, an infinity or an
 * integer must equal one of them. The nudged runs are
 * made on first use.
 */
export function sensitivityExcuse(
  graph: Graph,
  feeds: Readonly<Record<string, TypedArray>>,
  runs: number,
  tol: Tolerance,
): (name: string, expected: TypedArray, actual: TypedArray) => (i: number) => boolean {
  let refs: Record<string, TypedArray>[] | undefined;
  return (name, expected, actual) => {
    const float = expected instanceof Float32Array;
    return (i) => {
      refs ??= [
        ...nudgedReferences(graph, feeds, runs),
        ...f32AccumulationReferences(graph, feeds),
        ...tieReferences(graph, feeds),
      ];
      const e = expected[i] as number;
      const a = actual[i] as number;
      const moved = refs.map((ref) => (ref[name] as TypedArray)[i] as number);
      if (!moved.some((v) => !elementClose(v, e, float, tol))) return false;
      if (!float || !Number.isFinite(a)) return moved.some((v) => elementClose(a, v, float, tol));
      // NaN beside numbers (the reference or a changed one) means a domain boundary was crossed
      // (sqrt, log or pow of a value that reached below 0): the boundary, 0, is within reach too
      const all = [e, ...moved];
      const crossed = all.some((v) => Number.isNaN(v)) && all.some((v) => !Number.isNaN(v));
      // (a changed reference at ±inf, as rsqrt of a product that cancelled to 0, opens the span)
      const span = [...all, ...(crossed ? [0] : [])].filter((v) => !Number.isNaN(v));
      const slack = (tol.atol ?? 0) + (tol.rtol ?? 0) * Math.abs(a);
      return a >= Math.min(...span) - slack && a <= Math.max(...span) + slack;
    };
  };
}
