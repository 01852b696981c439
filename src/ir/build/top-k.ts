/**
 * ONNX TopK from comparisons and reductions: each element's rank along the
 * axis is the number of elements that come before it (larger, or equal at a
 * lower index; NaN counts as the largest), and output position r takes the
 * element whose rank is r. Exact for any input (a permutation by
 * construction), O(n²) comparisons per lane, fused into reductions.
 */
import { DTypeError, ShapeError } from '../../common/errors.js';
import { describe, normalizeAxis } from '../shape.js';
import type { AnyTensor } from '../types/tensor-types.js';

/** The axes of a rank-`rank` tensor with `axis` moved last, and the inverse permutation. */
function moveLast(rank: number, axis: number): { perm: number[]; back: number[] } {
  const perm = [...Array.from({ length: rank }, (_, i) => i).filter((i) => i !== axis), axis];
  const back: number[] = [];
  perm.forEach((p, i) => (back[p] = i));
  return { perm, back };
}

/**
 * ONNX TopK: the k largest (or smallest) elements along `axis`, sorted, and
 * their i32 indices; equal values keep index order (the lower index first);
 * NaN is larger than every number.
 */
export function topK(x: AnyTensor, k: number, axis = -1, largest = true): [AnyTensor, AnyTensor] {
  const op = 'topK';
  if (x.dtype === 'bool') throw new DTypeError('topK: operand is bool (expected f32 or i32)', { op });
  if (x.rank === 0) throw new ShapeError('topK: operand must have rank >= 1', { op });
  const a = normalizeAxis(op, axis, x.rank);
  const n = x.shape[a] ?? 0;
  if (!Number.isInteger(k) || k < 0 || k > n) {
    throw new ShapeError(`topK: k must be an integer in [0, ${n}] for axis ${a} (got ${describe(k)})`, {
      op,
    });
  }
  const g = x.graph;
  const { perm, back } = moveLast(x.rank, a);
  const xl = x.transpose(perm);
  if (k === 0) {
    const empty = xl.slice(xl.shape.map((_, i) => (i === xl.rank - 1 ? [0, 0] : null)));
    return [empty.transpose(back), empty.cast('i32').transpose(back)];
  }
  const iota = (len: number, shape: readonly number[]): AnyTensor =>
    g.constant(
      Int32Array.from({ length: len }, (_, i) => i),
      shape,
    );
  // element i (axis -2) against element j (axis -1): does j come before i?
  const xi = xl.unsqueeze(-1);
  const xj = xl.unsqueeze(-2);
  const jBeforeI = iota(n, [n]).lt(iota(n, [n, 1]));
  const nanI = xi.ne(xi);
  const nanJ = xj.ne(xj);
  const beats = largest ? xj.gt(xi).or(nanJ.and(nanI.not())) : xj.lt(xi).or(nanI.and(nanJ.not()));
  const ties = xj.eq(xi).or(nanI.and(nanJ)).and(jBeforeI);
  const rank = beats.or(ties).cast('i32').sum(-1);
  const chosen = rank.unsqueeze(-1).eq(iota(k, [k]));
  const lowest = x.dtype === 'f32' ? -Infinity : -(2 ** 31);
  const values = g.where(chosen, xi, g.constant(lowest, [], x.dtype)).max(-2);
  const indices = g.where(chosen, iota(n, [n, 1]), -1).max(-2);
  return [values.transpose(back), indices.transpose(back)];
}
