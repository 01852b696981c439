/**
 * Lowest-first placement (the greedy dive of MiniMalloc's canonical search): the
 * next buffer placed is always the one that can go lowest — at the top of its
 * placed conflicting buffers — ties broken by a static rank. Invariant: a buffer is
 * placed above every placed buffer it conflicts with, so no two ever overlap.
 */
import type { Problem } from './conflicts.js';
import type { Placement } from './best-fit.js';
import { sortIndices } from './sort-keys.js';

/** Static ranks for the tie-break (lower goes first), after MiniMalloc's preorderings. */
export type LowestFitRank = 'TWA' | 'WAT';

/**
 * Places every non-empty buffer lowest-first; null when the conflict graph is not
 * stored. O((n + E) log n) with a binary heap of (min offset, rank) entries.
 */
export function placeLowestFirst(p: Problem, kind: LowestFitRank): Placement | null {
  const { n, size, adjStart, adj } = p;
  if (adjStart === null || adj === null) return null;
  const rank = makeRank(p, kind);
  const minOff = new Float64Array(n);
  const offsets = new Float64Array(n);
  const placed = new Uint8Array(n);
  const heap = new EntryHeap(n + adj.length / 2 + 1);
  for (let i = 0; i < n; i++) if (size[i]! > 0) heap.push(0, rank[i]!, i);
  let arena = 0;
  while (heap.length > 0) {
    const at = heap.topOffset();
    const b = heap.pop();
    // Stale entries: b was placed, or its min offset rose after this entry was pushed.
    if (placed[b] === 1 || minOff[b] !== at) continue;
    placed[b] = 1;
    offsets[b] = at;
    const top = at + size[b]!;
    if (top > arena) arena = top;
    for (let e = adjStart[b]!, stop = adjStart[b + 1]!; e < stop; e++) {
      const v = adj[e]!;
      if (placed[v] === 1 || minOff[v]! >= top) continue;
      minOff[v] = top;
      heap.push(top, rank[v]!, v);
    }
  }
  return { offsets, arenaBytes: arena };
}

/**
 * rank[i] for the tie-break: 'TWA' = peak live bytes over i's lifetime (T), then
 * lifetime (W), then size x lifetime (A), all descending; 'WAT' = W, A, T.
 */
function makeRank(p: Problem, kind: LowestFitRank): Int32Array {
  const { n, size, first, last } = p;
  const peak = peakLiveOverLifetime(p);
  const width = new Float64Array(n);
  const area = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    width[i] = last[i]! - first[i]! + 1;
    area[i] = width[i]! * size[i]!;
  }
  const [k1, k2, k3] = kind === 'TWA' ? [peak, width, area] : [width, area, peak];
  // Sort ascending by the negated keys, two at a time: stable refinement from the last key.
  const byLast = sortIndices(negate(k3));
  const pos = new Float64Array(n);
  byLast.forEach((i, k) => (pos[i] = k));
  const byTwo = sortIndices(negate(k2), pos);
  byTwo.forEach((i, k) => (pos[i] = k));
  const order = sortIndices(negate(k1), pos);
  const rank = new Int32Array(n);
  order.forEach((i, k) => (rank[i] = k));
  return rank;
}

function negate(values: Float64Array): Float64Array {
  return values.map((v) => -v);
}

/** For each buffer, the largest total size live at one step of its lifetime (sweep + sparse table). */
function peakLiveOverLifetime(p: Problem): Float64Array {
  const { n, size, first, last } = p;
  const byStart = sortIndices(first);
  const byEnd = sortIndices(last);
  // live[k]: bytes live just after the k-th start (in start order); peaks happen at starts.
  const live = new Float64Array(n);
  const startTime = new Float64Array(n);
  let total = 0;
  let e = 0;
  for (let k = 0; k < n; k++) {
    const b = byStart[k]!;
    while (e < n && last[byEnd[e]!]! < first[b]!) total -= size[byEnd[e++]!]!;
    total += size[b]!;
    live[k] = total;
    startTime[k] = first[b]!;
  }
  // Starts at the same step: the last one's total is the step's, so use it for all of them.
  for (let k = n - 2; k >= 0; k--) if (startTime[k] === startTime[k + 1]) live[k] = live[k + 1]!;
  const table = [live];
  for (let w = 1; 2 * w <= n; w *= 2) {
    const prev = table[table.length - 1]!;
    const next = new Float64Array(n - 2 * w + 1);
    for (let i = 0; i < next.length; i++) next[i] = Math.max(prev[i]!, prev[i + w]!);
    table.push(next);
  }
  const peak = new Float64Array(n);
  for (let k = 0; k < n; k++) {
    const b = byStart[k]!;
    // The starts inside b's lifetime: from b's own start group to the last start <= last[b].
    let lo = k;
    while (lo > 0 && startTime[lo - 1] === startTime[k]) lo--;
    let hi = upperIndex(startTime, last[b]!);
    if (hi < lo) hi = lo;
    const level = 31 - Math.clz32(hi - lo + 1);
    const row = table[level]!;
    peak[b] = Math.max(row[lo]!, row[hi - (1 << level) + 1]!);
  }
  return peak;
}

/** Index of the last entry of the ascending `sorted` that is <= x. */
function upperIndex(sorted: Float64Array, x: number): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (sorted[mid]! <= x) lo = mid + 1;
    else hi = mid;
  }
  return lo - 1;
}

/** A binary min-heap of (offset, rank, buffer) entries ordered by (offset, rank). */
class EntryHeap {
  private offset: Float64Array;
  private rank: Int32Array;
  private item: Int32Array;
  length = 0;

  constructor(capacity: number) {
    this.offset = new Float64Array(capacity);
    this.rank = new Int32Array(capacity);
    this.item = new Int32Array(capacity);
  }

  topOffset(): number {
    return this.offset[0]!;
  }

  push(offset: number, rank: number, item: number): void {
    if (this.length === this.item.length) this.grow();
    let i = this.length++;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      const po = this.offset[parent]!;
      if (po < offset || (po === offset && this.rank[parent]! < rank)) break;
      this.move(parent, i);
      i = parent;
    }
    this.offset[i] = offset;
    this.rank[i] = rank;
    this.item[i] = item;
  }

  /** Removes the least entry and returns its item. */
  pop(): number {
    const top = this.item[0]!;
    const last = --this.length;
    const offset = this.offset[last]!;
    const rank = this.rank[last]!;
    const item = this.item[last]!;
    let i = 0;
    for (;;) {
      let child = 2 * i + 1;
      if (child >= last) break;
      if (child + 1 < last && this.less(child + 1, child)) child++;
      const co = this.offset[child]!;
      if (offset < co || (offset === co && rank < this.rank[child]!)) break;
      this.move(child, i);
      i = child;
    }
    this.offset[i] = offset;
    this.rank[i] = rank;
    this.item[i] = item;
    return top;
  }

  private less(a: number, b: number): boolean {
    const oa = this.offset[a]!;
    const ob = this.offset[b]!;
    return oa < ob || (oa === ob && this.rank[a]! < this.rank[b]!);
  }

  private move(from: number, to: number): void {
    this.offset[to] = this.offset[from]!;
    this.rank[to] = this.rank[from]!;
    this.item[to] = this.item[from]!;
  }

  private grow(): void {
    const grow = <T extends Float64Array | Int32Array>(a: T, make: (k: number) => T): T => {
      const b = make(a.length * 2);
      b.set(a);
      return b;
    };
    this.offset = grow(this.offset, (k) => new Float64Array(k));
    this.rank = grow(this.rank, (k) => new Int32Array(k));
    this.item = grow(this.item, (k) => new Int32Array(k));
  }
}
