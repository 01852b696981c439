/**
 * Test helpers for the planner: a brute-force O(n^2) overlap oracle and random
 * lifetime instances (fast-check arbitraries).
 */
import fc from 'fast-check';
import type { ArenaPlan, PlanBuffer } from '../../src/planner/types.js';

/** The first pair (i < j) live at a common step that shares a byte, or null. */
export function findLiveOverlap(
  buffers: readonly PlanBuffer[],
  plan: ArenaPlan,
  allow?: (a: number, b: number) => boolean,
): [number, number] | null {
  for (let i = 0; i < buffers.length; i++) {
    for (let j = i + 1; j < buffers.length; j++) {
      const a = buffers[i]!;
      const b = buffers[j]!;
      const live = a.firstUse <= b.lastUse && b.firstUse <= a.lastUse;
      const oa = plan.offsets[i]!;
      const ob = plan.offsets[j]!;
      const bytes = oa < ob + b.bytes && ob < oa + a.bytes && a.bytes > 0 && b.bytes > 0;
      if (live && bytes && !(allow?.(i, j) ?? false)) return [i, j];
    }
  }
  return null;
}

/** A buffer with bytes in 0..maxBytes (often 0 or a multiple of 4) and a lifetime within 0..steps. */
export function bufferArb(maxBytes = 4096, steps = 60, maxLife = 20): fc.Arbitrary<PlanBuffer> {
  return fc
    .record({
      bytes: fc.oneof(
        fc.constant(0),
        fc.integer({ min: 1, max: maxBytes }),
        fc.integer({ min: 1, max: 64 }).map((k) => 64 * k),
      ),
      firstUse: fc.integer({ min: 0, max: steps }),
      life: fc.integer({ min: 0, max: maxLife }),
    })
    .map(({ bytes, firstUse, life }) => ({ bytes, firstUse, lastUse: firstUse + life }));
}

/** Instances of up to `maxBuffers` random buffers. */
export function instanceArb(maxBuffers = 60): fc.Arbitrary<PlanBuffer[]> {
  return fc.array(bufferArb(), { minLength: 0, maxLength: maxBuffers });
}

/** Fixed seeds keep the suite repeatable; fast-check prints the seed and path on failure. */
export const PROPERTY_RUNS = { seed: 20240611, numRuns: 200 } as const;
