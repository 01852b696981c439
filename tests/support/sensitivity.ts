/**
 * How sensitive a graph's outputs are to rounding inside it: the reference
 * interpreter re-run with every intermediate f32 value nudged by one ulp up or
 * down (a seeded choice per element). Compiled code rounds differently from the
 * float64 oracle (f32 sums, polynomial transcendentals), so where an output
 * moves by more than the comparison's tolerance under such nudges (a sum that
 * cancels and then a sqrt, an argmin between values an ulp apart), a mismatch
 * there says nothing about the compiler. The random-graph checker uses this to
 * excuse exactly those elements, and only when the compiled value lies within
 * what the nudged references span.
 */
import type { TypedArray } from '../../src/index.js';
import type { Graph } from '../../src/ir/graph.js';
import { checkFeeds } from '../../src/ir/interpret/feeds.js';
import { evaluateWithHook } from '../../src/ir/interpret/interpret.js';
import { elementClose, rng, type Tolerance } from './differential.js';

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

/**
 * `data` rounded to the grid of one ulp of its largest finite magnitude: the
 * absolute error of ops computed relative to their largest value (logSoftmax's
 * log of a sum that rounds to 1 gives 0 where the oracle has -1.9e-12).
 */
function snapped(data: Float32Array): Float32Array {
  let largest = 0;
  for (const v of data) if (Number.isFinite(v)) largest = Math.max(largest, Math.abs(v));
  if (largest === 0) return data;
  const grid = 2 ** (Math.floor(Math.log2(largest)) - 23);
  return Float32Array.from(data, (v) => (Number.isFinite(v) ? Math.round(v / grid) * grid : v));
}

/**
 * The graph's outputs from `count` evaluations with every intermediate f32
 * value changed: even runs nudge each element an ulp (seeded), odd runs snap
 * each value to the grid of its tensor's largest magnitude.
 */
export function nudgedReferences(
  graph: Graph,
  feeds: Readonly<Record<string, TypedArray>>,
  count: number,
): Record<string, TypedArray>[] {
  const leaves = checkFeeds('interpret', graph.leaves, feeds);
  return Array.from({ length: count }, (_, n) => {
    const random = rng(n + 1);
    return evaluateWithHook(graph.outputs, leaves, (node, data) => {
      if (node.dtype !== 'f32') return data;
      return n % 2 === 0 ? nudged(data as Float32Array, random) : snapped(data as Float32Array);
    });
  });
}

/**
 * For output `name`: whether element i of `actual`, which disagrees with
 * `expected`, is excused. It is when the nudged references show the element
 * is sensitive (one of them moved out of tolerance of `expected`) and
 * `actual` lies within what they span (with `expected`, plus tolerance); a
 * NaN, an infinity or an integer must equal one of them. The nudged runs are
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
      refs ??= nudgedReferences(graph, feeds, runs);
      const e = expected[i] as number;
      const a = actual[i] as number;
      const moved = refs.map((ref) => (ref[name] as TypedArray)[i] as number);
      if (!moved.some((v) => !elementClose(v, e, float, tol))) return false;
      if (!float || !Number.isFinite(a)) return moved.some((v) => elementClose(a, v, float, tol));
      const span = [e, ...moved].filter((v) => Number.isFinite(v));
      const slack = (tol.atol ?? 0) + (tol.rtol ?? 0) * Math.abs(a);
      return a >= Math.min(...span) - slack && a <= Math.max(...span) + slack;
    };
  };
}
