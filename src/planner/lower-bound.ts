/**
 * The arena lower bound: the largest total aligned size live at one step. Every
 * valid plan needs at least this many bytes, so it is the target to compare with.
 */
import type { PlanBuffer } from './types.js';
import { alignUp } from './align.js';
import { sortIndices } from './sort-keys.js';

/**
 * Largest total size (each rounded up to `align`) of buffers live at one step.
 * A sweep over start and end events in time order: O(n log n).
 */
export function lowerBound(buffers: readonly PlanBuffer[], align: number): number {
  const n = buffers.length;
  const starts = new Float64Array(n);
  const ends = new Float64Array(n);
  const bySize = buffers.map((b) => alignUp(b.bytes, align));
  const startOrder = sortedIndices(n, (i) => buffers[i]?.firstUse ?? 0);
  const endOrder = sortedIndices(n, (i) => (buffers[i]?.lastUse ?? 0) + 1);
  for (let k = 0; k < n; k++) {
    starts[k] = buffers[startOrder[k] ?? 0]?.firstUse ?? 0;
    ends[k] = (buffers[endOrder[k] ?? 0]?.lastUse ?? 0) + 1;
  }
  let live = 0;
  let best = 0;
  let e = 0;
  for (let k = 0; k < n; k++) {
    const t = starts[k] ?? 0;
    // A buffer whose lastUse + 1 <= t is dead at step t: remove it before adding.
    while (e < n && (ends[e] ?? 0) <= t) {
      live -= bySize[endOrder[e] ?? 0] ?? 0;
      e++;
    }
    live += bySize[startOrder[k] ?? 0] ?? 0;
    if (live > best) best = live;
  }
  return best;
}

/** Indices 0..n-1 sorted by `key` (integer-valued; ties by index): deterministic. */
export function sortedIndices(n: number, key: (i: number) => number): Int32Array {
  return sortIndices(Float64Array.from({ length: n }, (_, i) => key(i)));
}
