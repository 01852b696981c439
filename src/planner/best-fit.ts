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

/** Scratch arrays reused across placements (one allocation per plan). */
interface Scratch {
  off: Float64Array;
  end: Float64Array;
  idx: Int32Array;
  keys: Float64Array;
}

/** Places every buffer in `order` by best fit; returns offsets and the arena size. */
export function placeInOrder(p: Problem, order: ArrayLike<number>, allow: OverlapRule): Placement {
  const n = p.n;
  const offsets = new Float64Array(n);
  const placed = new Uint8Array(n);
  const s: Scratch = {
    off: new Float64Array(n),
    end: new Float64Array(n),
    idx: new Int32Array(n),
    keys: new Float64Array(n),
  };
  let arena = 0;
  for (let k = 0; k < order.length; k++) {
    const b = order[k]!;
    placed[b] = 1;
    const size = p.size[b]!;
    if (size === 0) continue;
    const count = collectPlacedNeighbours(p, b, placed, offsets, s);
    sortByOffset(s, count);
    const inPlace = allow === undefined ? -1 : sharedOffset(p, b, count, s, allow);
    const at = inPlace >= 0 ? inPlace : smallestGap(s, count, size);
    offsets[b] = at;
    if (at + size > arena) arena = at + size;
  }
  return { offsets, arenaBytes: arena };
}

/** Gathers (offset, end, index) of the placed buffers conflicting with b into scratch. */
function collectPlacedNeighbours(
  p: Problem,
  b: number,
  placed: Uint8Array,
  offsets: Float64Array,
  s: Scratch,
): number {
  let count = 0;
  const push = (j: number): void => {
    s.off[count] = offsets[j]!;
    s.end[count] = offsets[j]! + p.size[j]!;
    s.idx[count++] = j;
  };
  if (p.adjStart !== null && p.adj !== null) {
    for (let e = p.adjStart[b]!, stop = p.adjStart[b + 1]!; e < stop; e++) {
      const j = p.adj[e]!;
      if (placed[j] === 1 && j !== b) push(j);
    }
  } else {
    for (let j = 0; j < p.n; j++) if (placed[j] === 1 && j !== b && conflict(p, b, j)) push(j);
  }
  return count;
}

/** Sorts the first `count` scratch entries by offset (then index): insertion or packed-key sort. */
function sortByOffset(s: Scratch, count: number): void {
  if (count <= 24) {
    for (let i = 1; i < count; i++) {
      const o = s.off[i]!;
      const e = s.end[i]!;
      const x = s.idx[i]!;
      let j = i - 1;
      while (j >= 0 && (s.off[j]! > o || (s.off[j] === o && s.idx[j]! > x))) {
        s.off[j + 1] = s.off[j]!;
        s.end[j + 1] = s.end[j]!;
        s.idx[j + 1] = s.idx[j]!;
        j--;
      }
      s.off[j + 1] = o;
      s.end[j + 1] = e;
      s.idx[j + 1] = x;
    }
    return;
  }
  // key = offset * K + slot sorts numerically by (offset, slot) while exact (< 2^53).
  let maxOff = 0;
  for (let i = 0; i < count; i++) if (s.off[i]! > maxOff) maxOff = s.off[i]!;
  const slots = 2 ** Math.ceil(Math.log2(count));
  const slot = new Int32Array(count);
  if ((maxOff + 1) * slots < Number.MAX_SAFE_INTEGER) {
    const keys = s.keys.subarray(0, count);
    for (let i = 0; i < count; i++) keys[i] = s.off[i]! * slots + i;
    keys.sort();
    for (let i = 0; i < count; i++) slot[i] = keys[i]! % slots;
  } else {
    for (let i = 0; i < count; i++) slot[i] = i;
    slot.sort((a, b) => s.off[a]! - s.off[b]! || s.idx[a]! - s.idx[b]!);
  }
  const off = s.off.slice(0, count);
  const end = s.end.slice(0, count);
  const idx = s.idx.slice(0, count);
  for (let i = 0; i < count; i++) {
    const from = slot[i]!;
    s.off[i] = off[from]!;
    s.end[i] = end[from]!;
    s.idx[i] = idx[from]!;
  }
}

/** Lowest offset of the smallest gap that holds `size` bytes; the top when none does. */
function smallestGap(s: Scratch, count: number, size: number): number {
  let top = 0;
  let bestAt = -1;
  let bestGap = Infinity;
  for (let i = 0; i < count; i++) {
    const gap = s.off[i]! - top;
    if (gap >= size && gap < bestGap) {
      bestGap = gap;
      bestAt = top;
    }
    if (s.end[i]! > top) top = s.end[i]!;
  }
  return bestAt >= 0 ? bestAt : top;
}

/**
 * In place: the offset of a placed partner that b may share bytes with, if b fits
 * there without touching any other conflicting buffer; else -1.
 */
function sharedOffset(
  p: Problem,
  b: number,
  count: number,
  s: Scratch,
  allow: (a: number, b: number) => boolean,
): number {
  const allowed = (j: number): boolean => (j < b ? allow(j, b) : allow(b, j));
  for (let i = 0; i < count; i++) {
    const j = s.idx[i]!;
    if (!allowed(j)) continue;
    const lo = s.off[i]!;
    const hi = lo + p.size[b]!;
    let free = true;
    for (let m = 0; m < count && free; m++) {
      // Sharing is only ever exact: an allowed partner elsewhere still conflicts.
      const touches = s.off[m]! < hi && s.end[m]! > lo;
      if (touches && !(s.off[m] === lo && allowed(s.idx[m]!))) free = false;
    }
    if (free) return lo;
  }
  return -1;
}
