/**
 * Leaves out the barriers a threaded run does not need: between two split
 * kernels where no thread's part of either touches bytes another thread's
 * part of either writes (W5's MLP layers: each thread's rows of one layer
 * read only its own rows of the last), the threads go on without meeting.
 * Decided on the planned addresses, after the memory plan (two values sharing
 * an arena slot count as one, and so do scratch buffers), with the same check
 * the verifier applies to every barrier interval (verify-threads.ts).
 */
import type { Schedule } from '../passes/kernel.js';
import type { ThreadPlan } from '../passes/thread-split.js';
import type { PlannedMemory } from './memory-plan.js';
import { intervalRace, type ScratchStrides } from './verify-threads.js';

/**
 * `plan` with `joined` set: greedily, each split kernel joins the barrier
 * interval of the split kernel before it when the grown interval does not
 * race for any thread count 2..maxThreads.
 */
export function joinBarrierIntervals(
  schedule: Schedule,
  memory: PlannedMemory,
  plan: ThreadPlan,
  strides: ScratchStrides,
): ThreadPlan {
  const kernels = schedule.kernels;
  const joined = kernels.map(() => false);
  let interval: (typeof kernels)[number][] = [];
  for (const kernel of kernels) {
    const i = kernel.index;
    if (plan.split[i] !== true) {
      interval = [];
      continue;
    }
    const grown = [...interval, kernel];
    const races = (count: number): boolean =>
      intervalRace(schedule, memory, grown, count, strides) !== undefined;
    if (interval.length > 0 && !Array.from({ length: plan.maxThreads - 1 }, (_, c) => c + 2).some(races)) {
      joined[i - 1] = true;
      interval = grown;
    } else {
      interval = [kernel];
    }
  }
  return { ...plan, joined };
}
