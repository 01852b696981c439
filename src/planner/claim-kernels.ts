/**
 * Chooses the split kernels whose last units the threads claim chunk by
 * chunk (ThreadPlan.claimed, passes/thread-claims.ts claimPieces): those that
 * may (mayClaim) and whose pieces do not race on the planned addresses for
 * any thread count up to the maximum, with the same check the verifier applies
 * (verify-threads.ts), so a plan this makes always verifies.
 */
import type { Schedule } from '../passes/kernel.js';
import { mayClaim } from '../passes/thread-claims.js';
import type { ThreadPlan } from '../passes/thread-split.js';
import type { PlannedMemory } from './memory-plan.js';
import { claimedRace, type ScratchStrides } from './verify-threads.js';

/**
 * `plan` with `claimed` set. Results stay bit-identical: every unit is
 * computed by one call over the same tiles whichever thread runs it, as when
 * run() calls a kernel in chunks.
 */
export function claimKernels(
  schedule: Schedule,
  memory: PlannedMemory,
  plan: ThreadPlan,
  strides: ScratchStrides,
): ThreadPlan {
  const claimed = schedule.kernels.map(
    (kernel) =>
      mayClaim(kernel, plan) && claimedRace(schedule, memory, kernel, plan.maxThreads, strides) === undefined,
  );
  return { ...plan, claimed };
}
