/**
 * Threads as a range parameter and a barrier: which kernels split their range
 * (passes/kernel-range.ts) among the threads of a run and which run whole on
 * thread 0, and the one formula that cuts a range into per-thread parts
 * (codegen emits the same arithmetic). A kernel splits only when, for every
 * thread count up to the maximum, no thread's stores touch elements another
 * thread loads or stores — checked here per value by interval arithmetic on
 * the index maps; the plan verifier (planner/verify-threads.ts) checks the
 * same on absolute addresses, aliasing and per-thread scratch included.
 */
import type { Node } from '../ir/node.js';
import type { Shape } from '../ir/shape.js';
import { crossRace, indexSpan, type AccessSpan, type OwnedSpan } from './access-span.js';
import * as ix from './index-expr.js';
import type { LoopVar, VarRanges } from './index-expr.js';
import { kernelRange, kernelWork, MAX_OUTER_POINTS, type KernelRange } from './kernel-range.js';
import { loadsOf, stepExprs, type Kernel, type Schedule } from './kernel.js';
import { mentionsThreadVar, THREAD_VAR_ID } from './thread-var.js';

/** How a threaded module divides its kernels among threads. */
export interface ThreadPlan {
  /** Threads the module is built for at most (per-thread scratch is planned for this many). */
  readonly maxThreads: number;
  /** By kernel index: true when each thread runs its own part of the kernel's range. */
  readonly split: readonly boolean[];
  /**
   * By kernel index: true where split kernel i and split kernel i + 1 share
   * a barrier interval (the barrier between them is left out: no thread's
   * part of either touches bytes another thread's part of either writes,
   * proved on the planned addresses by planner/thread-barriers.ts and
   * checked again by the verifier). Absent: every barrier stays.
   */
  readonly joined?: readonly boolean[];
  /**
   * By kernel index: true where split kernel i runs its range as claimed
   * pieces (claimPieces): each thread first runs its share of the leading
   * units, then claims the trailing chunks one by one from a shared counter,
   * so a thread slowed down (a busier core, a slower vCPU) takes fewer of
   * them. Set by planner/claim-kernels.ts; absent: every split kernel runs its fixed part.
   */
  readonly claimed?: readonly boolean[];
}

/** The plan of a module that runs on one thread. */
export function singleThreadPlan(schedule: Schedule): ThreadPlan {
  return { maxThreads: 1, split: schedule.kernels.map(() => false) };
}

/**
 * Thread `t`'s units [start, end) of a range of `units` split among `threads`:
 * contiguous parts of ceil(units / threads) units, the last ones shorter or
 * empty. emit-threads.ts computes the same in Wasm.
 */
export function threadUnits(units: number, t: number, threads: number): readonly [number, number] {
  const per = Math.ceil(units / threads);
  const start = Math.min(units, t * per);
  return [start, Math.min(units, start + per)];
}

/**
 * Whether the threads meet at a barrier after kernel `index`: around every
 * split kernel (its parts must see what came before, and what comes after
 * must see all its parts) except between two split kernels the plan joined
 * (ThreadPlan.joined); kernels that thread 0 runs whole one after another
 * need none between them (the other threads do nothing there), so a barrier
 * interval holds either split kernels only or only thread 0's work.
 */
export function barrierAfter(plan: ThreadPlan, index: number): boolean {
  if (plan.joined?.[index] === true) return false;
  return plan.split[index] === true || plan.split[index + 1] === true;
}

/**
 * The barrier intervals of `plan` over `count` kernels: runs of kernel
 * indices with a barrier after the last one (or the end of the run) and
 * none inside.
 */
export function barrierIntervals(plan: ThreadPlan, count: number): number[][] {
  const out: number[][] = [];
  let current: number[] = [];
  for (let i = 0; i < count; i++) {
    current.push(i);
    if (barrierAfter(plan, i) || i === count - 1) {
      out.push(current);
      current = [];
    }
  }
  return out;
}

/** The variable ranges of thread `t`'s part of `range` (every other variable over its whole extent). */
export function threadVarRanges(range: KernelRange, t: number, threads: number): VarRanges | undefined {
  const [start, end] = threadUnits(range.units, t, threads);
  // the thread variable is t itself (a thread's own copy of a buffer)
  return unitVarRanges(range, start, end, { lo: t, hi: t });
}

/**
 * The variable ranges of units [start, end) of `range` run by a thread
 * whose number lies in `thread` (every other variable over its whole extent).
 */
function unitVarRanges(
  range: KernelRange,
  start: number,
  end: number,
  thread: { lo: number; hi: number },
): VarRanges | undefined {
  const lo = start * range.unit;
  const hi = Math.min(end * range.unit, range.v.extent) - 1;
  if (hi < lo) return undefined;
  return (v: LoopVar) =>
    v.id === range.v.id ? { lo, hi } : v.id === THREAD_VAR_ID ? thread : { lo: 0, hi: v.extent - 1 };
}

/**
 * How finely a part's accesses are described: `points`, one set of spans per
 * value of the domain variables outside the range variable (a batch, the
 * groups of a grouped conv: each batch's rows lie apart, and one span over
 * all of them would also cover the rows of the other threads), or one set
 * over all of them when there are more than MAX_OUTER_POINTS (kernel-range.ts:
 * the most a range over a later axis leaves outside it); `whole`, one set
 * over all of them always (strips still keep rows apart: access-span.ts).
 * Each `whole` span covers the `points` spans it stands for, so a part that
 * does not race in `whole` does not race (firstRace).
 */
export type SpanDetail = 'whole' | 'points';

/**
 * `check` on `whole` spans, and only where those race on `points` spans:
 * the same answer as `points` alone (whole spans cover theirs), mostly for
 * the cost of one set of spans per access.
 */
export function firstRace<R>(check: (detail: SpanDetail) => R | undefined): R | undefined {
  return check('whole') === undefined ? undefined : check('points');
}

/** Thread `t`'s loads and stores of `kernel` split among `threads` (none when its part is empty). */
export function threadAccessSpans(
  kernel: Kernel,
  range: KernelRange,
  t: number,
  threads: number,
  shapeOf: (n: Node) => Shape,
  detail: SpanDetail = 'points',
): AccessSpan[] {
  return partAccessSpans(kernel, range, threadVarRanges(range, t, threads), shapeOf, detail);
}

/**
 * The loads and stores of units [start, end) of `kernel`'s range when any
 * of threads 0..threads-1 may run them (a claimed piece: passes/thread-claims.ts
 * claimPieces), but for those indexed by the thread variable: a thread's
 * own copy, which threadOwnSpans describes.
 */
export function pieceAccessSpans(
  kernel: Kernel,
  range: KernelRange,
  piece: readonly [number, number],
  threads: number,
  shapeOf: (n: Node) => Shape,
  detail: SpanDetail = 'points',
): AccessSpan[] {
  const part = unitVarRanges(range, piece[0], piece[1], { lo: 0, hi: threads - 1 });
  return partAccessSpans(kernel, range, part, shapeOf, detail, (a) => !mentionsThreadVar(a.flat));
}

/**
 * The loads and stores of `kernel` indexed by the thread variable (a row
 * kernel's one-row buffers in a threaded build: localize-rows.ts) that
 * thread `t` makes over the whole range — every piece it may claim.
 */
export function threadOwnSpans(
  kernel: Kernel,
  range: KernelRange,
  t: number,
  shapeOf: (n: Node) => Shape,
  detail: SpanDetail = 'points',
): AccessSpan[] {
  const part = unitVarRanges(range, 0, range.units, { lo: t, hi: t });
  return partAccessSpans(kernel, range, part, shapeOf, detail, (a) => mentionsThreadVar(a.flat));
}

function partAccessSpans(
  kernel: Kernel,
  range: KernelRange,
  part: VarRanges | undefined,
  shapeOf: (n: Node) => Shape,
  detail: SpanDetail,
  which: (a: FlatAccess) => boolean = () => true,
): AccessSpan[] {
  if (part === undefined) return [];
  const at = kernel.domain.findIndex((v) => v.id === range.v.id);
  const outer = kernel.domain.slice(0, Math.max(0, at)).filter((v) => v.extent > 1);
  const points = outer.reduce((p, v) => p * v.extent, 1);
  const accesses = flatAccesses(kernel, shapeOf).filter(which);
  if (detail === 'whole' || outer.length === 0 || points > MAX_OUTER_POINTS) return spansOver(accesses, part);
  const spans: AccessSpan[] = [];
  for (let p = 0; p < points; p++) {
    const fixed = new Map<number, number>();
    let rest = p;
    for (const v of outer) {
      fixed.set(v.id, rest % v.extent);
      rest = Math.floor(rest / v.extent);
    }
    const vars: VarRanges = (v) => {
      const value = fixed.get(v.id);
      return value === undefined ? part(v) : { lo: value, hi: value };
    };
    spans.push(...spansOver(accesses, vars));
  }
  return spans;
}

/** A load or store of a kernel with its index raveled to a flat element index of its buffer. */
interface FlatAccess {
  readonly node: Node;
  readonly flat: ix.IndexExpr;
  readonly write: boolean;
}

/** Every load and store of `kernel` raveled once (a split check evaluates them at up to MAX_OUTER_POINTS points). */
function flatAccesses(kernel: Kernel, shapeOf: (n: Node) => Shape): FlatAccess[] {
  const out: FlatAccess[] = [];
  const exprs = stepExprs(kernel);
  kernel.steps.forEach((step, i) => {
    const inner = step.kind === 'reduce' ? step.reduction.vars : step.kind === 'store' ? step.vars : [];
    // steps whose own loops are empty never run and touch nothing
    if (inner.some((v) => v.extent === 0)) return;
    for (const load of loadsOf(exprs[i]!))
      out.push({ node: load.node, flat: ix.ravel(load.index, shapeOf(load.node)), write: false });
    if (step.kind === 'store')
      out.push({ node: step.node, flat: ix.ravel(step.index, shapeOf(step.node)), write: true });
  });
  return out;
}

/** The element spans of `accesses` with the loop variables over `vars` (access-span.ts indexSpan). */
function spansOver(accesses: readonly FlatAccess[], vars: VarRanges): AccessSpan[] {
  const spans: AccessSpan[] = [];
  for (const a of accesses) {
    const span = indexSpan(a.flat, vars);
    if (span.hi >= span.lo) spans.push({ node: a.node, write: a.write, ...span });
  }
  return spans;
}

/**
 * Whether `kernel` split among `threads` races (per value, ignoring
 * aliasing): one thread stores elements another loads or stores.
 */
function splitRace(
  kernel: Kernel,
  range: KernelRange,
  threads: number,
  shapeOf: (n: Node) => Shape,
): boolean {
  const race = (detail: SpanDetail): true | undefined => {
    // each value's spans, owned by the thread that touches them
    const byValue = new Map<number, (AccessSpan & OwnedSpan)[]>();
    for (let t = 0; t < threads; t++) {
      for (const span of threadAccessSpans(kernel, range, t, threads, shapeOf, detail)) {
        const list = byValue.get(span.node.id) ?? [];
        list.push({ ...span, owner: t });
        byValue.set(span.node.id, list);
      }
    }
    return [...byValue.values()].some((spans) => crossRace(spans) !== undefined) ? true : undefined;
  };
  return firstRace(race) === true;
}

/**
 * Least work (splitWork) of a kernel that splits by default: below it the
 * barrier after the kernel costs about what splitting saves. A barrier where
 * both threads have a core is ~1 us (bench/probes/thread-barrier.ts: 0.8 us),
 * and a split saves half the kernel: 16K of work is ~18 us in a softmax row
 * kernel, ~10 us in a matmul, but only ~1.5-2.6 us in a multiply-add
 * elementwise kernel (bench/probes/thread-break-even.ts), so 16K is well past
 * break-even for the first two and at it for the cheapest elementwise ones
 * (docs/threads.md "Measured").
 */
export const MIN_SPLIT_WORK = 1 << 14;

/** A kernel's work in comparable units: kernelWork, a matmul's (a vector multiply-add per 4 lanes, tiled) / 16. */
export function splitWork(kernel: Kernel): number {
  return kernel.kind === 'matmul' ? kernelWork(kernel) / 16 : kernelWork(kernel);
}

/**
 * The thread plan of `schedule` for up to `maxThreads`: a kernel with a
 * range and at least `minWork` of work (splitWork) splits when no split of
 * it into 2..maxThreads parts races; others (a whole reduction, a kernel
 * without a range or too small to pay for a barrier) run on thread 0.
 */
export function planThreads(
  schedule: Schedule,
  maxThreads: number,
  shapeOf: (n: Node) => Shape,
  minWork = MIN_SPLIT_WORK,
): ThreadPlan {
  const split = schedule.kernels.map((kernel) => {
    const range = kernelRange(kernel);
    if (maxThreads < 2 || range === undefined || range.units < 2) return false;
    if (splitWork(kernel) < minWork) return false;
    for (let threads = 2; threads <= maxThreads; threads++)
      if (splitRace(kernel, range, threads, shapeOf)) return false;
    return true;
  });
  return { maxThreads, split };
}
