/**
 * planArena: validates abstract buffers and assigns every one an aligned offset in
 * one arena so that buffers live at a common step never share a byte. The same
 * input always gives the same plan (for `optimize`: whenever the search finishes
 * within its time limit).
 */
import { InputError } from '../common/errors.js';
import type { ArenaPlan, PlanArenaOptions, PlanBuffer, PlanOrder } from './types.js';
import { ARENA_ALIGN_BYTES, checkAlign } from './align.js';
import type { Problem } from './conflicts.js';
import { makeProblem } from './conflicts.js';
import type { OrderKind, OverlapRule, Placement } from './best-fit.js';
import { makeOrder, placeInOrder } from './best-fit.js';
import { placeLowestFirst } from './lowest-fit.js';
import { optimizePlacement } from './optimize.js';

export { naiveBytes } from './bump.js';

/** Default time limit of `optimize: true`. */
export const OPTIMIZE_TIME_LIMIT_MS = 10_000;

/** A way to place all buffers: best-fit in an order, or lowest-first with a rank. */
type Strategy = OrderKind | 'lowest-TWA' | 'lowest-WAT';

/**
 * 'best' tries these in turn (stopping at the lower bound) and keeps the smallest
 * arena: lowest-first is strongest on tight production instances, best-fit by size
 * on DNN chains, 'start' is optimal when all sizes are equal.
 */
const STRATEGIES_OF: Readonly<Record<PlanOrder, readonly Strategy[]>> = {
  best: ['size', 'lowest-TWA', 'start', 'lowest-WAT', 'lifetime'],
  size: ['size'],
  lifetime: ['lifetime'],
};

/**
 * Above this many buffers 'best' skips lowest-first: its heap costs more than a
 * best-fit pass, and on long DNN-like schedules it has not beaten best-fit.
 */
export const LOWEST_FIRST_MAX_BUFFERS = 4096;

function runStrategy(problem: Problem, strategy: Strategy, allow: OverlapRule): Placement | null {
  if (strategy === 'lowest-TWA' || strategy === 'lowest-WAT') {
    // Lowest-first cannot share bytes in place; best-fit does that.
    if (allow !== undefined || problem.n > LOWEST_FIRST_MAX_BUFFERS) return null;
    return placeLowestFirst(problem, strategy === 'lowest-TWA' ? 'TWA' : 'WAT');
  }
  return placeInOrder(problem, makeOrder(problem, strategy), allow);
}

/**
 * Plans offsets for `buffers` in one arena: best-fit in several orders (keeping the
 * smallest arena), optionally improved by search. Offsets are relative to the arena
 * start and multiples of `align`; `arenaBytes` >= `lowerBoundBytes`.
 *
 * @throws InputError on a negative or non-integer size, a bad lifetime or alignment.
 * @example
 * const plan = planArena([
 *   { bytes: 64, firstUse: 0, lastUse: 1 },
 *   { bytes: 64, firstUse: 1, lastUse: 2 },
 *   { bytes: 64, firstUse: 2, lastUse: 3 }, // reuses the first buffer's bytes
 * ]);
 * // plan.offsets = [0, 64, 0], plan.arenaBytes = 128, plan.lowerBoundBytes = 128
 */
export function planArena(buffers: readonly PlanBuffer[], options: PlanArenaOptions = {}): ArenaPlan {
  const align = options.align ?? ARENA_ALIGN_BYTES;
  checkAlign(align);
  checkBuffers(buffers);
  const allow: OverlapRule = options.allowOverlap;
  const problem = makeProblem(buffers, align);
  const lowerBoundBytes = problem.peakBytes;
  let best: Placement | undefined;
  for (const strategy of STRATEGIES_OF[options.order ?? 'best']) {
    const placed = runStrategy(problem, strategy, allow);
    if (placed === null) continue;
    if (best === undefined || placed.arenaBytes < best.arenaBytes) best = placed;
    if (best.arenaBytes <= lowerBoundBytes) break;
  }
  if (best === undefined) return { offsets: [], arenaBytes: 0, lowerBoundBytes };
  if (options.optimize !== undefined && options.optimize !== false) {
    const limit = options.optimize === true ? undefined : options.optimize.timeLimitMs;
    best = optimizePlacement(problem, best, lowerBoundBytes, limit ?? OPTIMIZE_TIME_LIMIT_MS, allow);
  }
  return { offsets: Array.from(best.offsets), arenaBytes: best.arenaBytes, lowerBoundBytes };
}

/** Throws InputError unless every buffer has integer bytes >= 0 and integer firstUse <= lastUse. */
function checkBuffers(buffers: readonly PlanBuffer[]): void {
  if (!Array.isArray(buffers)) {
    throw new InputError(
      `planArena: buffers must be an array of { bytes, firstUse, lastUse } (got ${buffers === null ? 'null' : typeof buffers})`,
    );
  }
  buffers.forEach((b: PlanBuffer | null | undefined, i) => {
    if (typeof b !== 'object' || b === null) {
      throw new InputError(
        `planArena: buffer ${i} must be an object { bytes, firstUse, lastUse } (got ${b === null ? 'null' : typeof b})`,
        { index: i },
      );
    }
    const fail = (what: string): never => {
      throw new InputError(`planArena: buffer ${i}: ${what}`, { index: i, buffer: { ...b } });
    };
    if (!Number.isSafeInteger(b.bytes) || b.bytes < 0) {
      fail(`bytes must be a non-negative integer (got ${String(b.bytes)})`);
    }
    if (!Number.isSafeInteger(b.firstUse) || !Number.isSafeInteger(b.lastUse)) {
      fail(`firstUse and lastUse must be integers (got ${String(b.firstUse)}, ${String(b.lastUse)})`);
    }
    if (b.firstUse > b.lastUse) {
      fail(`firstUse must be <= lastUse (got ${b.firstUse} > ${b.lastUse})`);
    }
  });
}
