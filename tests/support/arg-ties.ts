/**
 * Near-ties in argmax and argmin. Where two candidates are equal in exact
 * arithmetic (two lanes of a logSoftmax over the same values in another
 * order), the float64 oracle rounds them alike and returns the first, while
 * compiled f32 code may round them an ulp apart and return another. These
 * references re-run the interpreter with every argmax and argmin choosing the
 * second, third, ... of the candidates within TIE_ULPS ulps (of the lane's
 * largest magnitude) of the best, or equal to it for integers; the
 * random-graph checker adds them to its changed references, so a tie broken
 * the other way is excused through any ops that follow (the nudged references
 * break such ties only by chance). A lane with a NaN has no ties.
 */
import type { TypedArray } from '../../src/index.js';
import type { Graph } from '../../src/ir/graph.js';
import type { Operand } from '../../src/ir/interpret/operands.js';
import { hookedReferences, type ValueHook } from './hooked-references.js';

/** How many ulps of a lane's largest magnitude two candidates may differ by and tie (f32 rounding in a few ops). */
const TIE_ULPS = 4;
/** References made: the second, third and fourth tied candidate (or the last there is). */
const CHOICES = [1, 2, 3] as const;

/** The graph's outputs with every arg reduction picking its `choice`-th near-tied candidate; [] without any. */
export function tieReferences(
  graph: Graph,
  feeds: Readonly<Record<string, TypedArray>>,
): Record<string, TypedArray>[] {
  if (!graph.nodes.some((n) => n.op === 'argmax' || n.op === 'argmin')) return [];
  const hooks = CHOICES.map((choice): ValueHook => (node, data, args) => {
    if ((node.op !== 'argmax' && node.op !== 'argmin') || args[0] === undefined) return data;
    return pickTied(args[0], node.attrs.axis, node.op === 'argmax', data as Int32Array, choice);
  });
  return hookedReferences(graph, feeds, hooks);
}

/** `result` with each lane's index moved to its `choice`-th near-tied candidate. */
function pickTied(
  x: Operand,
  axisAttr: number,
  max: boolean,
  result: Int32Array,
  choice: number,
): Int32Array {
  const axis = axisAttr < 0 ? axisAttr + x.shape.length : axisAttr;
  const n = x.shape[axis] as number;
  const inner = x.shape.slice(axis + 1).reduce((p, d) => p * d, 1);
  const out = Int32Array.from(result);
  for (let i = 0; i < out.length; i++) {
    const start = Math.floor(i / inner) * n * inner + (i % inner);
    const at = (t: number): number => x.data[start + t * inner] as number;
    let best = at(0);
    let largest = 0;
    let nan = false;
    for (let t = 0; t < n; t++) {
      const v = at(t);
      nan ||= Number.isNaN(v);
      if (max ? v > best : v < best) best = v;
      if (Number.isFinite(v)) largest = Math.max(largest, Math.abs(v));
    }
    if (nan) continue;
    const slack =
      x.dtype === 'f32' && largest > 0 ? TIE_ULPS * 2 ** (Math.floor(Math.log2(largest)) - 23) : 0;
    const tied: number[] = [];
    for (let t = 0; t < n; t++) if (at(t) === best || Math.abs(at(t) - best) <= slack) tied.push(t);
    out[i] = tied[Math.min(choice, tied.length - 1)] as number;
  }
  return out;
}
