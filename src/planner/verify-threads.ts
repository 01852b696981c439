/**
 * The thread half of the plan verifier: a threaded module runs each split
 * kernel's range in per-thread parts (passes/thread-split.ts) with a barrier
 * before and after it, or after a run of split kernels whose barriers were
 * left out (ThreadPlan.joined; the other intervals hold thread 0's work
 * only), so within one barrier interval no thread may store bytes another
 * thread loads or stores, in any kernel of the interval. Checked on absolute byte
 * addresses (so two values sharing an arena slot in place count as one), for
 * every thread count from 2 to the maximum, with each thread's slice of the
 * kernel's scratch; the scratch must hold a slice per thread. Kernels that
 * are not split run on thread 0 alone and cannot race. Failures are PlanError.
 */
import { DTYPE_BYTES } from '../common/dtype.js';
import { PlanError } from '../common/errors.js';
import { crossRace, spanBytes, type AccessSpan, type OwnedSpan } from '../passes/access-span.js';
import { kernelRange } from '../passes/kernel-range.js';
import { storedShape, type Kernel, type Schedule } from '../passes/kernel.js';
import { claimSubPieces } from '../passes/thread-claims.js';
import {
  barrierIntervals,
  firstRace,
  pieceAccessSpans,
  threadAccessSpans,
  threadOwnSpans,
  type SpanDetail,
  type ThreadPlan,
} from '../passes/thread-split.js';
import { scratchId } from './liveness.js';
import type { PlannedMemory } from './memory-plan.js';

/** Bytes [lo, hi] (inclusive, or only their strips) an owner (a thread, a piece) touches, and what they hold. */
export interface ByteSpan extends OwnedSpan {
  readonly what: string;
}

/** Per kernel index, the bytes of scratch each thread uses (its slice: scratch + thread · bytes). */
export type ScratchStrides = ReadonlyMap<number, number>;

/** Element spans of values as absolute byte spans (their planned addresses), owned by `owner`. */
function byteSpans(memory: PlannedMemory, spans: readonly AccessSpan[], owner: number): ByteSpan[] {
  return spans.map((s): ByteSpan => {
    const at = memory.addresses.get(s.node.id);
    if (at === undefined) throw new PlanError(`value %${s.node.id} has no address`, { node: s.node.id });
    const { lo, hi, strips } = spanBytes(s, at, DTYPE_BYTES[s.node.dtype]);
    const what = `%${s.node.id}`;
    return strips === undefined
      ? { lo, hi, write: s.write, owner, what }
      : { lo, hi, strips, write: s.write, owner, what };
  });
}

function threadSpans(
  schedule: Schedule,
  memory: PlannedMemory,
  kernel: Kernel,
  t: number,
  threads: number,
  stride: number | undefined,
  detail: SpanDetail,
): ByteSpan[] {
  const range = kernelRange(kernel);
  if (range === undefined) throw new PlanError(`${kernel.name}: split among threads without a range`);
  const spans = byteSpans(
    memory,
    threadAccessSpans(kernel, range, t, threads, (n) => storedShape(schedule, n), detail),
    t,
  );
  const scratch = memory.temps.find((b) => b.id === scratchId(kernel.index));
  const at = memory.addresses.get(scratchId(kernel.index));
  if (scratch !== undefined && at !== undefined) {
    // a slice per thread, or, without one, the whole scratch for every thread
    const lo = stride === undefined ? at : at + t * stride;
    const bytes = stride ?? scratch.bytes;
    spans.push({ lo, hi: lo + bytes - 1, write: true, owner: t, what: `${kernel.name}.scratch` });
  }
  return spans;
}

/** Owner of thread t's own copies in a claimed kernel's check: OWN_COPY - t (pieces own 0.., the scratch -1). */
const OWN_COPY = -2;

/**
 * Why a claimed kernel (ThreadPlan.claimed) races with up to `maxThreads`
 * threads, or undefined: any thread may run any of its pieces, so no piece
 * may store a byte another piece loads or stores (each piece's thread
 * variable spanning every thread), and no piece may touch the scratch,
 * whose slices (one per thread) each thread reuses piece after piece. What
 * a piece indexes by the thread variable (a row kernel's one-row buffers)
 * is its thread's own copy, likewise reused: each thread's copies over the
 * whole range may meet no other thread's and nothing a piece touches.
 * Checked once on the pieces of all thread counts cut at each other's
 * bounds (claimSubPieces), which stands for every count.
 */
export function claimedRace(
  schedule: Schedule,
  memory: PlannedMemory,
  kernel: Kernel,
  maxThreads: number,
  strides: ScratchStrides,
): string | undefined {
  const range = kernelRange(kernel);
  if (range === undefined) throw new PlanError(`${kernel.name}: claimed without a range`);
  const count = maxThreads;
  const pieces = claimSubPieces(range.units, maxThreads);
  const buffer = memory.temps.find((b) => b.id === scratchId(kernel.index));
  const at = memory.addresses.get(scratchId(kernel.index));
  const stride = strides.get(kernel.index);
  if (buffer !== undefined && at !== undefined && stride === undefined && pieces.length > 1)
    return `${kernel.name}: claimed among up to ${count} threads, its pieces share one scratch (no slice per thread)`;
  const race = firstRace((detail) => {
    const owned = pieces.flatMap((piece, owner) =>
      byteSpans(
        memory,
        pieceAccessSpans(kernel, range, piece, count, (n) => storedShape(schedule, n), detail),
        owner,
      ),
    );
    // each thread's own copies (indexed by the thread variable), over every piece it may run:
    // apart from the other threads' and from what any piece touches
    for (let t = 0; t < count; t++)
      owned.push(
        ...byteSpans(
          memory,
          threadOwnSpans(kernel, range, t, (n) => storedShape(schedule, n), detail),
          OWN_COPY - t,
        ),
      );
    // every thread's slice, owned by no piece: a piece touching it races with whichever thread uses it
    if (at !== undefined && stride !== undefined)
      owned.push({
        lo: at,
        hi: at + stride * count - 1,
        write: true,
        what: `${kernel.name}.scratch`,
        owner: -1,
      });
    return crossRace(owned);
  });
  if (race === undefined) return undefined;
  const [w, other] = race;
  const piece = (s: ByteSpan): string =>
    s.owner <= OWN_COPY
      ? `thread ${OWN_COPY - s.owner}'s own copy`
      : s.owner < 0
        ? 'the scratch'
        : `the piece of units [${pieces[s.owner]![0]}, ${pieces[s.owner]![1]})`;
  return (
    `${kernel.name}: claimed among up to ${count} threads, ${piece(w)} stores ` +
    `bytes [${w.lo}, ${w.hi}] of ${w.what} while ${piece(other)} ${other.write ? 'stores' : 'loads'} [${other.lo}, ${other.hi}] of ${other.what}`
  );
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
 * Spans already made, by kernel index, thread, thread count and detail: a
 * caller checking many intervals over the same plan (thread-barriers.ts)
 * passes one, so each kernel's spans are made once rather than per interval.
 */
export type SpanCache = Map<string, readonly ByteSpan[]>;

/** Why a barrier interval races with `count` threads (a sentence), or undefined when it does not. */
export function intervalRace(
  schedule: Schedule,
  memory: PlannedMemory,
  kernels: readonly Kernel[],
  count: number,
  strides: ScratchStrides,
  cache: SpanCache = new Map(),
): string | undefined {
  const spansOf = (k: Kernel, t: number, detail: SpanDetail): readonly ByteSpan[] => {
    const key = `${k.index} ${t} ${count} ${detail}`;
    const known = cache.get(key);
    if (known !== undefined) return known;
    const made = threadSpans(schedule, memory, k, t, count, strides.get(k.index), detail);
    cache.set(key, made);
    return made;
  };
  // each thread's bytes over every kernel of the interval: without a barrier between them,
  // any thread's part of one kernel may run while another thread runs its part of any other
  const race = firstRace((detail) =>
    crossRace(Array.from({ length: count }, (_, t) => kernels.flatMap((k) => spansOf(k, t, detail))).flat()),
  );
  if (race === undefined) return undefined;
  const [w, hit] = race;
  return (
    `${kernels.map((k) => k.name).join(', ')}: with ${count} threads, thread ${w.owner} stores bytes ` +
    `[${w.lo}, ${w.hi}] of ${w.what} while thread ${hit.owner} ${hit.write ? 'stores' : 'loads'} ` +
    `[${hit.lo}, ${hit.hi}] of ${hit.what}`
  );
}

/**
 * Throws PlanError unless no barrier interval of `threads` races: every
 * interval holds split kernels only or unsplit ones only (thread 0's), and
 * for every thread count 2..maxThreads no thread stores a byte another
 * thread loads or stores during the interval. `strides`: each split
 * kernel's scratch bytes per thread.
 */
export function verifyThreads(
  schedule: Schedule,
  memory: PlannedMemory,
  threads: ThreadPlan,
  strides: ScratchStrides,
): void {
  for (const interval of barrierIntervals(threads, schedule.kernels.length)) {
    const kernels = interval.map((i) => schedule.kernels[i]!);
    const split = kernels.filter((k) => threads.split[k.index] === true);
    if (split.length === 0) continue;
    if (split.length < kernels.length)
      throw new PlanError(`${split[0]!.name}: a split kernel without a barrier on each side`, {
        kernel: split[0]!.name,
      });
    for (const kernel of kernels) {
      const stride = strides.get(kernel.index);
      if (stride !== undefined && stride > 0) checkScratch(memory, kernel, threads.maxThreads, stride);
    }
    const claimed = kernels.filter((k) => threads.claimed?.[k.index] === true);
    if (claimed.length > 0 && kernels.length > 1)
      throw new PlanError(`${claimed[0]!.name}: a claimed kernel shares its barrier interval`, {
        kernel: claimed[0]!.name,
      });
    if (claimed.length > 0) {
      const race = claimedRace(schedule, memory, kernels[0]!, threads.maxThreads, strides);
      if (race !== undefined) throw new PlanError(race, { kernel: kernels[0]!.name, claimed: true });
      continue;
    }
    for (let count = 2; count <= threads.maxThreads; count++) {
      const race = intervalRace(schedule, memory, kernels, count, strides);
      if (race !== undefined)
        throw new PlanError(race, { kernel: kernels[0]!.name, kernels: kernels.length, threads: count });
    }
  }
}
