/**
 * Best-fit offset assignment: buffers are placed one by one in a fixed order,
 * each into the smallest gap left between the already-placed buffers it conflicts
 * with (else on top of them). Invariant: conflicting buffers never share a byte,
 * except allowed in-place pairs put at the same offset.
 */
import type { Problem } from './conflicts.js';
import { conflict } from './conflicts.js';

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
 * Remaining ties: larger size, longer life, earlier start, lower index.
 */
export function makeOrder(p: Problem, kind: OrderKind): Int32Array {
  const { size, first, last } = p;
  const len = (i: number): number => last[i]! - first[i]!;
  const primary: (i: number) => number =
    kind === 'size'
      ? (i) => -size[i]!
      : kind === 'lifetime'
        ? (i) => -len(i)
        : kind === 'area'
          ? (i) => -size[i]! * (len(i) + 1)
          : (i) => first[i]!;
  const key = new Float64Array(p.n);
  const order = new Int32Array(p.n);
  for (let i = 0; i < p.n; i++) {
    key[i] = primary(i);
    order[i] = i;
  }
  return order.sort(
    (a, b) =>
      key[a]! - key[b]! ||
      size[b]! - size[a]! ||
      len(b) - len(a) ||
      first[a]! - first[b]! ||
      a - b,
  );
}

/**
 * Per unplaced buffer: its placed conflicting buffers sorted by offset, kept up to
 * date as buffers are placed (each conflict is inserted once), so a placement
 * scans a sorted list instead of sorting its neighbours.
 */
interface PlacedLists {
  off: number[][];
  end: number[][];
  idx: number[][];
}

/** Places every buffer in `order` by best fit; returns offsets and the arena size. */
export function placeInOrder(p: Problem, order: ArrayLike<number>, allow: OverlapRule): Placement {
  const n = p.n;
  const offsets = new Float64Array(n);
  const placed = new Uint8Array(n);
  const lists: PlacedLists = { off: [], end: [], idx: [] };
  for (let i = 0; i < n; i++) {
    lists.off.push([]);
    lists.end.push([]);
    lists.idx.push([]);
  }
  let arena = 0;
  for (let k = 0; k < order.length; k++) {
    const b = order[k]!;
    placed[b] = 1;
    const size = p.size[b]!;
    if (size === 0) continue;
    const off = lists.off[b]!;
    const end = lists.end[b]!;
    const inPlace = allow === undefined ? -1 : sharedOffset(b, size, off, end, lists.idx[b]!, allow);
    const at = inPlace >= 0 ? inPlace : smallestGap(off, end, size);
    offsets[b] = at;
    if (at + size > arena) arena = at + size;
    forEachConflict(p, b, (u) => {
      if (placed[u] === 0) insertSorted(lists, u, at, at + size, b);
    });
    // b's own list is no longer needed.
    lists.off[b] = [];
    lists.end[b] = [];
    lists.idx[b] = [];
  }
  return { offsets, arenaBytes: arena };
}

/** Calls `visit` for every buffer conflicting with b (stored graph, else a scan). */
function forEachConflict(p: Problem, b: number, visit: (u: number) => void): void {
  if (p.adjStart !== null && p.adj !== null) {
    for (let e = p.adjStart[b]!, stop = p.adjStart[b + 1]!; e < stop; e++) visit(p.adj[e]!);
  } else {
    for (let u = 0; u < p.n; u++) if (u !== b && conflict(p, b, u)) visit(u);
  }
}

/** Inserts placed buffer j, at [at, top), into u's list, keeping it sorted by offset. */
function insertSorted(lists: PlacedLists, u: number, at: number, top: number, j: number): void {
  const off = lists.off[u]!;
  let lo = 0;
  let hi = off.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (off[mid]! <= at) lo = mid + 1;
    else hi = mid;
  }
  if (lo === off.length) {
    off.push(at);
    lists.end[u]!.push(top);
    lists.idx[u]!.push(j);
  } else {
    off.splice(lo, 0, at);
    lists.end[u]!.splice(lo, 0, top);
    lists.idx[u]!.splice(lo, 0, j);
  }
}

/** Lowest offset of the smallest gap that holds `size` bytes; the top when none does. */
function smallestGap(off: readonly number[], end: readonly number[], size: number): number {
  let top = 0;
  let bestAt = -1;
  let bestGap = Infinity;
  for (let i = 0; i < off.length; i++) {
    const gap = off[i]! - top;
    if (gap >= size && gap < bestGap) {
      bestGap = gap;
      bestAt = top;
    }
    if (end[i]! > top) top = end[i]!;
  }
  return bestAt >= 0 ? bestAt : top;
}

/**
 * In place: the offset of a placed partner that b may share bytes with, if b fits
 * there without touching any other conflicting buffer; else -1.
 */
function sharedOffset(
  b: number,
  size: number,
  off: readonly number[],
  end: readonly number[],
  idx: readonly number[],
  allow: (a: number, b: number) => boolean,
): number {
  const allowed = (j: number): boolean => (j < b ? allow(j, b) : allow(b, j));
  for (let i = 0; i < off.length; i++) {
    if (!allowed(idx[i]!)) continue;
    const lo = off[i]!;
    const hi = lo + size;
    let free = true;
    for (let m = 0; m < off.length && free; m++) {
      // Sharing is only ever exact: an allowed partner elsewhere still conflicts.
      const touches = off[m]! < hi && end[m]! > lo;
      if (touches && !(off[m] === lo && allowed(idx[m]!))) free = false;
    }
    if (free) return lo;
  }
  return -1;
}
