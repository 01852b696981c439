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
import { intervalRace, type ScratchStrides, type SpanCache } from './verify-threads.js';

/**
 * Most kernels in one joined interval: the check compares every thread's
 * bytes over the whole interval, so its cost grows with the square of the
 * interval's length (a 1,000-node model compiled for 8 threads), and a
 * barrier per 8 kernels costs little.
 */
const MAX_JOINED = 8;

/**
 * `plan` with `joined` set: greedily, each split kernel joins the barrier
 * interval of the split kernel before it when the grown interval (at most
 * MAX_JOINED kernels) does not race for any thread count 2..maxThreads.
 */
export function joinBarrierIntervals(
  schedule: Schedule,
  memory: PlannedMemory,
  plan: ThreadPlan,
  strides: ScratchStrides,
): ThreadPlan {
  const kernels = schedule.kernels;
  const joined = kernels.map(() => false);
  // a kernel's spans serve every interval it is checked in
  const cache: SpanCache = new Map();
  let interval: (typeof kernels)[number][] = [];
  for (const kernel of kernels) {
    const i = kernel.index;
    if (plan.split[i] !== true) {
      interval = [];
      continue;
    }
    const grown = [...interval, kernel];
    const races = (count: number): boolean =>
      intervalRace(schedule, memory, grown, count, strides, cache) !== undefined;
    const counts = Array.from({ length: plan.maxThreads - 1 }, (_, c) => c + 2);
    if (interval.length > 0 && interval.length < MAX_JOINED && !counts.some(races)) {
      joined[i - 1] = true;
      interval = grown;
    } else {
      interval = [kernel];
    }
  }
  return { ...plan, joined };
}
