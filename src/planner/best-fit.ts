/**
 * Best-fit offset assignment: buffers are placed one by one in a fixed order,
 * each into the smallest gap left between the already-placed buffers it conflicts
 * with (else on top of them). Invariant: conflicting buffers never share a byte,
 * except allowed in-place pairs put at the same offset.
 */
import type { Problem } from './conflicts.js';
import { conflict } from './conflicts.js';
import { sortIndices } from './sort-keys.js';

/** A placement order of buffer indices. */
export type OrderKind = 'size' | 'lifetime' | 'start' | 'area';

/** The orders 'best' tries, in tie-breaking priority. */
export const BEST_ORDERS: readonly OrderKind[] = ['size', 'lifetime', 'area', 'start'];

/** Offsets (aligned units) and the arena they need. */
export interface Placement {
  offsets: Float64Array;
  arenaBytes: number;
}

/** Optional predicate for pairs (a < b) that may share bytes. */
export type OverlapRule = ((a: number, b: number) => boolean) | undefined;

/**
 * Buffer indices in a placement order: 'size' = largest first, 'lifetime' = longest
 * first, 'area' = largest size x length first, 'start' = earliest start first.
 * Ties: 'size' by longer life, the others by larger size (area: longer life), then index.
 */
export function makeOrder(p: Problem, kind: OrderKind): Int32Array {
  const { n, size, first, last } = p;
  const primary = new Float64Array(n);
  const secondary = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const len = last[i]! - first[i]!;
    // Keys sort ascending: negate for "largest first".
    primary[i] =
      kind === 'size'
        ? -size[i]!
        : kind === 'lifetime'
          ? -len
          : kind === 'area'
            ? -size[i]! * (len + 1)
            : first[i]!;
    secondary[i] =
      kind === 'size' ? -len : kind === 'lifetime' ? -size[i]! : kind === 'area' ? -len : -size[i]!;
  }
  return sortIndices(primary, secondary);
}

/** Places every buffer in `order` by best fit; returns offsets and the arena size. */
export function placeInOrder(p: Problem, order: ArrayLike<number>, allow: OverlapRule): Placement {
  const n = p.n;
  const offsets = new Float64Array(n);
  const placed = new Uint8Array(n);
  // Scratch: b's placed conflicting buffers, sorted by offset (insertion sort: lists are short).
  let list = new Int32Array(64);
  let arena = 0;
  for (let k = 0; k < order.length; k++) {
    const b = order[k]!;
    placed[b] = 1;
    const size = p.size[b]!;
    if (size === 0) continue;
    let length = 0;
    forEachConflict(p, b, (u) => {
      if (placed[u] === 0) return;
      if (length === list.length) {
        const grown = new Int32Array(2 * length);
        grown.set(list);
        list = grown;
      }
      const at = offsets[u]!;
      let i = length++;
      while (i > 0 && offsets[list[i - 1]!]! > at) {
        list[i] = list[i - 1]!;
        i--;
      }
      list[i] = u;
    });
    const near = list.subarray(0, length);
    const inPlace = allow === undefined ? -1 : sharedOffset(p, b, near, offsets, allow);
    const at = inPlace >= 0 ? inPlace : smallestGap(p, near, offsets, size);
    offsets[b] = at;
    if (at + size > arena) arena = at + size;
  }
  return { offsets, arenaBytes: arena };
}

/** Lowest offset of the smallest gap that holds `size` bytes; the top when none does. */
function smallestGap(p: Problem, list: Int32Array, offsets: Float64Array, size: number): number {
  let top = 0;
  let bestAt = -1;
  let bestGap = Infinity;
  for (let i = 0; i < list.length; i++) {
    const j = list[i]!;
    const gap = offsets[j]! - top;
    if (gap >= size && gap < bestGap) {
      bestGap = gap;
      bestAt = top;
    }
    const end = offsets[j]! + p.size[j]!;
    if (end > top) top = end;
  }
  return bestAt >= 0 ? bestAt : top;
}

/** Calls `visit` for every buffer conflicting with b (stored graph, else a scan). */
function forEachConflict(p: Problem, b: number, visit: (u: number) => void): void {
  if (p.adjStart !== null && p.adj !== null) {
    for (let e = p.adjStart[b]!, stop = p.adjStart[b + 1]!; e < stop; e++) visit(p.adj[e]!);
  } else {
    for (let u = 0; u < p.n; u++) if (u !== b && conflict(p, b, u)) visit(u);
  }
}

/**
 * In place: the offset of a placed partner that b may share bytes with, if b fits
 * there without touching any other conflicting buffer; else -1.
 */
function sharedOffset(
  p: Problem,
  b: number,
  list: Int32Array,
  offsets: Float64Array,
  allow: (a: number, b: number) => boolean,
): number {
  const allowed = (j: number): boolean => (j < b ? allow(j, b) : allow(b, j));
  for (const partner of list) {
    if (!allowed(partner)) continue;
    const lo = offsets[partner]!;
    const hi = lo + p.size[b]!;
    // Sharing is only ever exact: an allowed partner elsewhere still conflicts.
    const clash = list.some(
      (j) => offsets[j]! < hi && offsets[j]! + p.size[j]! > lo && !(offsets[j] === lo && allowed(j)),
    );
    if (!clash) return lo;
  }
  return -1;
}
