/**
 * Near-ties in argmax and argmin outputs. Where two candidates are equal in
 * exact arithmetic (two lanes of a logSoftmax over the same values in another
 * order), the float64 oracle rounds them alike and returns the first, while
 * compiled f32 code may round them an ulp apart and return another. A
 * compiled index is excused when the reference's own value there is within
 * the comparison's tolerance of the reference's extreme in that lane: the
 * compiled code picked a value the checker would call equal to the best.
 * The nudged references (sensitivity.ts) break such ties only by chance.
 */
import type { TypedArray } from '../../src/index.js';
import type { Graph } from '../../src/ir/graph.js';
import { checkFeeds } from '../../src/ir/interpret/feeds.js';
import { evaluateWithHook } from '../../src/ir/interpret/interpret.js';
import type { Operand } from '../../src/ir/interpret/operands.js';

/** How many ulps of a lane's largest magnitude two candidates may differ by and tie (f32 rounding in a few ops). */
const TIE_ULPS = 4;

/** For each output that is an argmax or argmin: whether index `a` at output element `i` is a near-tie. */
export function argTies(
  graph: Graph,
  feeds: Readonly<Record<string, TypedArray>>,
): Map<string, (i: number, a: number) => boolean> {
  const argOutputs = graph.outputs.filter(([, node]) => node.op === 'argmax' || node.op === 'argmin');
  const ties = new Map<string, (i: number, a: number) => boolean>();
  if (argOutputs.length === 0) return ties;
  const inputs = new Map<number, Operand>();
  const leaves = checkFeeds('interpret', graph.leaves, feeds);
  evaluateWithHook(graph.outputs, leaves, (node, data, args) => {
    if ((node.op === 'argmax' || node.op === 'argmin') && args[0] !== undefined) inputs.set(node.id, args[0]);
    return data;
  });
  for (const [name, node] of argOutputs) {
    const x = inputs.get(node.id);
    if (x === undefined || (node.op !== 'argmax' && node.op !== 'argmin')) continue;
    const axis = node.attrs.axis < 0 ? node.attrs.axis + x.shape.length : node.attrs.axis;
    const n = x.shape[axis] as number;
    const inner = x.shape.slice(axis + 1).reduce((p, d) => p * d, 1);
    const better = node.op === 'argmax' ? (v: number, w: number) => v > w : (v: number, w: number) => v < w;
    ties.set(name, (i, a) => {
      if (!Number.isInteger(a) || a < 0 || a >= n) return false;
      const start = Math.floor(i / inner) * n * inner + (i % inner);
      const at = (t: number): number => x.data[start + t * inner] as number;
      let best = at(0);
      let largest = 0;
      for (let t = 0; t < n; t++) {
        // a NaN decides the result by itself: no tie to speak of
        if (Number.isNaN(at(t))) return false;
        if (better(at(t), best)) best = at(t);
        if (Number.isFinite(at(t))) largest = Math.max(largest, Math.abs(at(t)));
      }
      const slack =
        x.dtype === 'f32' && largest > 0 ? TIE_ULPS * 2 ** (Math.floor(Math.log2(largest)) - 23) : 0;
      return Math.abs(at(a) - best) <= slack || at(a) === best;
    });
  }
  return ties;
}
