/**
 * The never-reusing plan: each buffer on top of the previous one, so the arena is
 * the naive total. For comparison with the real planner, never for production.
 */
import type { ArenaPlan, PlanBuffer } from './types.js';
import { alignUp } from './align.js';
import { lowerBound } from './lower-bound.js';

/** Bytes a bump allocator that never reuses needs: the sum of aligned sizes. */
export function naiveBytes(buffers: readonly PlanBuffer[], align: number): number {
  let total = 0;
  for (const b of buffers) total += alignUp(b.bytes, align);
  return total;
}

/** Places buffer i right after buffer i-1 (aligned): arenaBytes === naiveBytes. */
export function planBump(buffers: readonly PlanBuffer[], align: number): ArenaPlan {
  const offsets: number[] = [];
  let top = 0;
  for (const b of buffers) {
    offsets.push(top);
    top += alignUp(b.bytes, align);
  }
  return { offsets, arenaBytes: top, lowerBoundBytes: lowerBound(buffers, align) };
}
