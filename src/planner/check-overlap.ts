/**
 * The plan verifier, independent of how the plan was made: no two buffers live at
 * a common step share a byte (except allowed pairs), every offset is aligned,
 * every buffer lies inside the arena, and the arena is not below the lower bound.
 * A sweep over time keeps the live buffers in an array sorted by offset, so each
 * new buffer is compared with its neighbours only: O(n log n) plus array moves.
 */
import { PlanError } from '../common/errors.js';
import type { ArenaPlan, PlanBuffer } from './types.js';
import { ARENA_ALIGN_BYTES, alignUp } from './align.js';

/** Options of the checker; the same `align` and `allowOverlap` the plan was made with. */
export interface CheckPlanOptions {
  align?: number;
  allowOverlap?: (a: number, b: number) => boolean;
}

/**
 * Throws PlanError when `plan` is not a safe placement of `buffers`. With
 * `allowOverlap`, each new buffer is compared with every live one (pairs may share)
 * and the lower-bound check is skipped (sharing can beat it).
 */
export function checkArenaPlan(
  buffers: readonly PlanBuffer[],
  plan: ArenaPlan,
  options: CheckPlanOptions = {},
): void {
  const align = options.align ?? ARENA_ALIGN_BYTES;
  const n = buffers.length;
  if (plan.offsets.length !== n) {
    fail(`the plan has ${plan.offsets.length} offsets for ${n} buffers`, { buffers: n });
  }
  const offsets = plan.offsets;
  const arena = plan.arenaBytes;
  for (let i = 0; i < n; i++) {
    const at = offsets[i]!;
    const bytes = buffers[i]!.bytes;
    if (!Number.isSafeInteger(at) || at < 0) fail(`buffer ${i} has offset ${at}`, { index: i });
    if (at % align !== 0) fail(`buffer ${i} at ${at} is not ${align}-byte aligned`, { index: i, offset: at });
    if (at + bytes > arena) {
      fail(`buffer ${i} [${at}, ${at + bytes}) ends past the arena (${arena} bytes)`, { index: i });
    }
  }
  const starts = indicesBy(n, (i) => buffers[i]!.firstUse);
  const ends = indicesBy(n, (i) => buffers[i]!.lastUse);
  const live = new LiveSet(offsets, buffers);
  let liveBytes = 0;
  let peak = 0;
  let e = 0;
  for (const b of starts) {
    const t = buffers[b]!.firstUse;
    while (e < n && buffers[ends[e]!]!.lastUse < t) {
      const dead = ends[e++]!;
      liveBytes -= alignUp(buffers[dead]!.bytes, align);
      live.remove(dead);
    }
    liveBytes += alignUp(buffers[b]!.bytes, align);
    peak = Math.max(peak, liveBytes);
    if (buffers[b]!.bytes === 0) continue;
    const clash =
      options.allowOverlap === undefined ? live.neighbourClash(b) : live.anyClash(b, options.allowOverlap);
    if (clash >= 0) {
      const [x, y] = clash < b ? [clash, b] : [b, clash];
      fail(`buffers ${x} and ${y} are live at a common step and share bytes`, {
        a: x,
        b: y,
        offsets: [offsets[x], offsets[y]],
        bytes: [buffers[x]!.bytes, buffers[y]!.bytes],
      });
    }
    live.insert(b);
  }
  if (plan.lowerBoundBytes !== peak) {
    fail(`lowerBoundBytes is ${plan.lowerBoundBytes}; the buffers need ${peak} at their peak`, { peak });
  }
  if (options.allowOverlap === undefined && arena < peak) {
    fail(`arenaBytes ${arena} is below the lower bound ${peak}`, {
      arenaBytes: arena,
      lowerBoundBytes: peak,
    });
  }
}

function fail(what: string, details: Record<string, unknown>): never {
  throw new PlanError(`checkArenaPlan: ${what}`, details);
}

function indicesBy(n: number, key: (i: number) => number): Int32Array {
  const keys = Float64Array.from({ length: n }, (_, i) => key(i));
  return Int32Array.from({ length: n }, (_, i) => i).sort((a, b) => keys[a]! - keys[b]! || a - b);
}

/** Live non-empty buffers sorted by (offset, index). */
class LiveSet {
  private readonly order: number[] = [];

  constructor(
    private readonly offsets: readonly number[],
    private readonly buffers: readonly PlanBuffer[],
  ) {}

  /** Position of the first live buffer ordered after (offset of b, b). */
  private search(b: number): number {
    const at = this.offsets[b]!;
    let lo = 0;
    let hi = this.order.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      const x = this.order[mid]!;
      const xAt = this.offsets[x]!;
      if (xAt < at || (xAt === at && x < b)) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  insert(b: number): void {
    if (this.buffers[b]!.bytes > 0) this.order.splice(this.search(b), 0, b);
  }

  remove(b: number): void {
    if (this.buffers[b]!.bytes === 0) return;
    const at = this.search(b);
    if (this.order[at] === b) this.order.splice(at, 1);
  }

  /** A live buffer sharing bytes with b, found among its two neighbours (live set disjoint); or -1. */
  neighbourClash(b: number): number {
    const at = this.search(b);
    const lo = this.offsets[b]!;
    const hi = lo + this.buffers[b]!.bytes;
    const before = this.order[at - 1];
    if (before !== undefined && this.offsets[before]! + this.buffers[before]!.bytes > lo) return before;
    const after = this.order[at];
    if (after !== undefined && this.offsets[after]! < hi) return after;
    return -1;
  }

  /** A live buffer sharing bytes with b that is not allowed to; or -1. */
  anyClash(b: number, allow: (a: number, b: number) => boolean): number {
    const lo = this.offsets[b]!;
    const hi = lo + this.buffers[b]!.bytes;
    for (const x of this.order) {
      const xLo = this.offsets[x]!;
      if (xLo < hi && xLo + this.buffers[x]!.bytes > lo && !(x < b ? allow(x, b) : allow(b, x))) return x;
    }
    return -1;
  }
}
