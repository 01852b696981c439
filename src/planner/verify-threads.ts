/**
 * The thread half of the plan verifier: a threaded module runs each split
 * kernel's range in per-thread parts (passes/thread-split.ts) with a barrier
 * before and after it (barrierAfter: the other intervals hold thread 0's work
 * only), so within one barrier interval — one split kernel — no thread may
 * store bytes another thread loads or stores. Checked on absolute byte
 * addresses (so two values sharing an arena slot in place count as one), for
 * every thread count from 2 to the maximum, with each thread's slice of the
 * kernel's scratch; the scratch must hold a slice per thread. Kernels that
 * are not split run on thread 0 alone and cannot race. Failures are PlanError.
 */
import { DTYPE_BYTES } from '../common/dtype.js';
import { PlanError } from '../common/errors.js';
import { kernelRange } from '../passes/kernel-range.js';
import { storedShape, type Kernel, type Schedule } from '../passes/kernel.js';
import {
  accessSpans,
  barrierAfter,
  overlaps,
  threadVarRanges,
  type ThreadPlan,
} from '../passes/thread-split.js';
import { scratchId } from './liveness.js';
import type { PlannedMemory } from './memory-plan.js';

/** Bytes [lo, hi] (inclusive) one thread touches, and what they hold. */
interface ByteSpan {
  readonly lo: number;
  readonly hi: number;
  readonly write: boolean;
  readonly what: string;
}

/** Per kernel index, the bytes of scratch each thread uses (its slice: scratch + thread · bytes). */
export type ScratchStrides = ReadonlyMap<number, number>;

function threadSpans(
  schedule: Schedule,
  memory: PlannedMemory,
  kernel: Kernel,
  t: number,
  threads: number,
  stride: number | undefined,
): ByteSpan[] {
  const range = kernelRange(kernel);
  if (range === undefined) throw new PlanError(`${kernel.name}: split among threads without a range`);
  const vars = threadVarRanges(range, t, threads);
  if (vars === undefined) return [];
  const spans = accessSpans(kernel, (n) => storedShape(schedule, n), vars).map((s): ByteSpan => {
    const at = memory.addresses.get(s.node.id);
    if (at === undefined) throw new PlanError(`value %${s.node.id} has no address`, { node: s.node.id });
    const bytes = DTYPE_BYTES[s.node.dtype];
    return { lo: at + s.lo * bytes, hi: at + (s.hi + 1) * bytes - 1, write: s.write, what: `%${s.node.id}` };
  });
  const scratch = memory.temps.find((b) => b.id === scratchId(kernel.index));
  const at = memory.addresses.get(scratchId(kernel.index));
  if (scratch !== undefined && at !== undefined) {
    // a slice per thread, or, without one, the whole scratch for every thread
    const lo = stride === undefined ? at : at + t * stride;
    const bytes = stride ?? scratch.bytes;
    spans.push({ lo, hi: lo + bytes - 1, write: true, what: `${kernel.name}.scratch` });
  }
  return spans;
}

/** Throws PlanError unless each thread's slice of `kernel`'s scratch lies inside its planned buffer. */
function checkScratch(memory: PlannedMemory, kernel: Kernel, maxThreads: number, stride: number): void {
  const buffer = memory.temps.find((b) => b.id === scratchId(kernel.index));
  if (buffer === undefined || buffer.bytes < stride * maxThreads) {
    throw new PlanError(
      `${kernel.name}: scratch of ${buffer?.bytes ?? 0} bytes cannot hold ${maxThreads} thread slices of ${stride}`,
      { kernel: kernel.name },
    );
  }
}

/**
 * Throws PlanError unless no split kernel of `threads` races: for every
 * thread count 2..maxThreads, no thread stores a byte another thread loads
 * or stores during the same kernel. `strides`: each split kernel's scratch
 * bytes per thread.
 */
export function verifyThreads(
  schedule: Schedule,
  memory: PlannedMemory,
  threads: ThreadPlan,
  strides: ScratchStrides,
): void {
  for (const kernel of schedule.kernels) {
    if (threads.split[kernel.index] !== true) continue;
    if (
      (kernel.index > 0 && !barrierAfter(threads, kernel.index - 1)) ||
      !barrierAfter(threads, kernel.index)
    )
      throw new PlanError(`${kernel.name}: a split kernel without a barrier on each side`, {
        kernel: kernel.name,
      });
    const stride = strides.get(kernel.index);
    if (stride !== undefined && stride > 0) checkScratch(memory, kernel, threads.maxThreads, stride);
    for (let count = 2; count <= threads.maxThreads; count++) {
      const parts = Array.from({ length: count }, (_, t) =>
        threadSpans(schedule, memory, kernel, t, count, stride),
      );
      parts.forEach((mine, t) =>
        parts.forEach((theirs, u) => {
          if (t === u) return;
          for (const w of mine) {
            if (!w.write) continue;
            const hit = theirs.find((a) => overlaps(w, a));
            if (hit === undefined) continue;
            throw new PlanError(
              `${kernel.name}: with ${count} threads, thread ${t} stores bytes [${w.lo}, ${w.hi}] of ${w.what} ` +
                `while thread ${u} ${hit.write ? 'stores' : 'loads'} [${hit.lo}, ${hit.hi}] of ${hit.what}`,
              { kernel: kernel.name, threads: count },
            );
          }
        }),
      );
    }
  }
}
