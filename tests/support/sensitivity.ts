/**
 * How sensitive a graph's outputs are to rounding inside it: the reference
 * interpreter re-run with every intermediate f32 value nudged by one ulp up or
 * down (a seeded choice per element). Compiled code rounds differently from the
 * float64 oracle (f32 sums, polynomial transcendentals), so where an output
 * moves by more than the comparison's tolerance under such nudges (a sum that
 * cancels and then a sqrt, an argmin between values an ulp apart), a mismatch
 * there says nothing about the compiler. The random-graph checker uses this to
 * excuse exactly those elements, and only when a nudged reference agrees with
 * the compiled value.
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

/** The graph's outputs from `count` nudged evaluations (seeds 1..count). */
export function nudgedReferences(
  graph: Graph,
  feeds: Readonly<Record<string, TypedArray>>,
  count: number,
): Record<string, TypedArray>[] {
  const leaves = checkFeeds('interpret', graph.leaves, feeds);
  return Array.from({ length: count }, (_, n) => {
    const random = rng(n + 1);
    return evaluateWithHook(graph.outputs, leaves, (node, data) =>
      node.dtype === 'f32' ? nudged(data as Float32Array, random) : data,
    );
  });
}

/**
 * For output `name`: whether element i of `actual`, which disagrees with
 * `expected`, is excused — some nudged reference moved out of tolerance of
 * `expected` there and onto `actual`. The nudged runs are made on first use.
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
    return (i) =>
      (refs ??= nudgedReferences(graph, feeds, runs)).some((ref) => {
        const moved = (ref[name] as TypedArray)[i] as number;
        return (
          !elementClose(moved, expected[i] as number, float, tol) &&
          elementClose(actual[i] as number, moved, float, tol)
        );
      });
  };
}
