/**
 * The conflict graph: which buffers are live at a common step (and so must not
 * share bytes). Built by two sweeps over start order in O(n log n + E), stored as
 * compressed adjacency lists with no per-buffer allocation; zero-size buffers
 * conflict with nothing. The same sweep yields the lower bound.
 */
import type { PlanBuffer } from './types.js';
import { alignUp } from './align.js';
import { sortIndices } from './sort-keys.js';
import { lowerBound } from './lower-bound.js';

/** Above this many directed edges the graph is not stored; neighbours are found by scanning. */
export const MAX_STORED_EDGES = 1 << 24;

/** Buffers in planning units: aligned sizes, lifetimes, and their conflicts. */
export interface Problem {
  readonly n: number;
  /** Size rounded up to the alignment. */
  readonly size: Float64Array;
  readonly first: Float64Array;
  readonly last: Float64Array;
  /** The lower bound: the largest total aligned size live at one step. */
  readonly peakBytes: number;
  /** Neighbours of b are adj[adjStart[b] .. adjStart[b+1]); null when too many to store. */
  readonly adjStart: Int32Array | null;
  readonly adj: Int32Array | null;
}

/** Builds the planning problem (aligned sizes, bound and conflict graph) for validated buffers. */
export function makeProblem(buffers: readonly PlanBuffer[], align: number): Problem {
  const n = buffers.length;
  const size = new Float64Array(n);
  const first = new Float64Array(n);
  const last = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const b = buffers[i]!;
    size[i] = alignUp(b.bytes, align);
    first[i] = b.firstUse;
    last[i] = b.lastUse;
  }
  const order = sortIndices(first);
  // First sweep: degrees and the peak. `active` holds the non-empty buffers still
  // live at the current start (dead ones are dropped lazily, in place).
  const active = new Int32Array(n);
  const degree = new Int32Array(n);
  let count = 0;
  let edges = 0;
  let peakBytes = 0;
  const complete = sweep((b, kept) => {
    degree[b] = degree[b]! + kept;
    for (let k = 0; k < kept; k++) degree[active[k]!]!++;
    edges += 2 * kept;
    return edges <= MAX_STORED_EDGES;
  });
  if (!complete) {
    return { n, size, first, last, peakBytes: lowerBound(buffers, align), adjStart: null, adj: null };
  }
  const adjStart = new Int32Array(n + 1);
  for (let i = 0; i < n; i++) adjStart[i + 1] = adjStart[i]! + degree[i]!;
  const adj = new Int32Array(edges);
  const fill = adjStart.slice(0, n);
  // Second sweep: every buffer still live when b starts conflicts with b.
  sweep((b, kept) => {
    for (let k = 0; k < kept; k++) {
      const a = active[k]!;
      adj[fill[a]!++] = b;
      adj[fill[b]!++] = a;
    }
    return true;
  });
  return { n, size, first, last, peakBytes, adjStart, adj };

  /**
   * Visits each non-empty buffer in start order with the live ones in active[0 .. kept);
   * stops (returning false) when `visit` does.
   */
  function sweep(visit: (b: number, kept: number) => boolean): boolean {
    count = 0;
    for (let k = 0; k < n; k++) {
      const b = order[k]!;
      if (size[b] === 0) continue;
      const t = first[b]!;
      let kept = 0;
      let live = size[b]!;
      for (let j = 0; j < count; j++) {
        const a = active[j]!;
        if (last[a]! < t) continue;
        active[kept++] = a;
        live += size[a]!;
      }
      if (live > peakBytes) peakBytes = live;
      if (!visit(b, kept)) return false;
      active[kept] = b;
      count = kept + 1;
    }
    return true;
  }
}

/** True when buffers a and b are both non-empty and live at a common step. */
export function conflict(p: Problem, a: number, b: number): boolean {
  return p.size[a]! > 0 && p.size[b]! > 0 && p.first[a]! <= p.last[b]! && p.first[b]! <= p.last[a]!;
}
