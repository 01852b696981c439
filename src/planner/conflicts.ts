/**
 * The conflict graph: which buffers are live at a common step (and so must not
 * share bytes). Built once by a sweep in O(n log n + E) and stored as compressed
 * adjacency lists; zero-size buffers conflict with nothing.
 */
import type { PlanBuffer } from './types.js';
import { alignUp } from './align.js';
import { sortedIndices } from './lower-bound.js';

/** Above this many directed edges the graph is not stored; neighbours are found by scanning. */
export const MAX_STORED_EDGES = 1 << 24;

/** Buffers in planning units: aligned sizes, lifetimes, and their conflicts. */
export interface Problem {
  readonly n: number;
  /** Size rounded up to the alignment. */
  readonly size: Float64Array;
  readonly first: Float64Array;
  readonly last: Float64Array;
  /** Neighbours of b are adj[adjStart[b] .. adjStart[b+1]); null when too many to store. */
  readonly adjStart: Int32Array | null;
  readonly adj: Int32Array | null;
}

/** Builds the planning problem (aligned sizes and conflict graph) for already-validated buffers. */
export function makeProblem(buffers: readonly PlanBuffer[], align: number): Problem {
  const n = buffers.length;
  const size = new Float64Array(n);
  const first = new Float64Array(n);
  const last = new Float64Array(n);
  buffers.forEach((b, i) => {
    size[i] = alignUp(b.bytes, align);
    first[i] = b.firstUse;
    last[i] = b.lastUse;
  });
  const degree = countDegrees(size, first, last);
  let edges = 0;
  for (let i = 0; i < n; i++) edges += degree[i]!;
  if (edges > MAX_STORED_EDGES) return { n, size, first, last, adjStart: null, adj: null };
  const adjStart = new Int32Array(n + 1);
  for (let i = 0; i < n; i++) adjStart[i + 1] = adjStart[i]! + degree[i]!;
  const adj = new Int32Array(edges);
  const fill = adjStart.slice(0, n);
  // Sweep by start time; every buffer still live when b starts conflicts with b.
  const order = sortedIndices(n, (i) => first[i]!);
  const active: number[] = [];
  for (const b of order) {
    if (size[b] === 0) continue;
    const t = first[b]!;
    let kept = 0;
    for (const a of active) {
      if (last[a]! < t) continue;
      active[kept++] = a;
      adj[fill[a]!++] = b;
      adj[fill[b]!++] = a;
    }
    active.length = kept;
    active.push(b);
  }
  return { n, size, first, last, adjStart, adj };
}

/**
 * Number of conflicts of each buffer without enumerating them:
 * deg(i) = m - 1 - #{j: last_j < first_i} - #{j: first_j > last_i} over the m non-empty buffers.
 */
function countDegrees(size: Float64Array, first: Float64Array, last: Float64Array): Float64Array {
  const firsts: number[] = [];
  const lasts: number[] = [];
  size.forEach((s, i) => {
    if (s > 0) {
      firsts.push(first[i]!);
      lasts.push(last[i]!);
    }
  });
  const sortedFirst = Float64Array.from(firsts).sort();
  const sortedLast = Float64Array.from(lasts).sort();
  const m = sortedFirst.length;
  const degree = new Float64Array(size.length);
  for (let i = 0; i < size.length; i++) {
    if (size[i] === 0) continue;
    const endedBefore = countBelow(sortedLast, first[i]!);
    const startedAfter = m - countBelow(sortedFirst, last[i]! + 1);
    degree[i] = m - 1 - endedBefore - startedAfter;
  }
  return degree;
}

/** Number of entries of the ascending array `sorted` that are < x. */
function countBelow(sorted: Float64Array, x: number): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (sorted[mid]! < x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** True when buffers a and b are both non-empty and live at a common step. */
export function conflict(p: Problem, a: number, b: number): boolean {
  return p.size[a]! > 0 && p.size[b]! > 0 && p.first[a]! <= p.last[b]! && p.first[b]! <= p.last[a]!;
}
