/**
 * The planner's vocabulary: abstract buffers with inclusive step lifetimes, the
 * plan that places them in one arena, and the options that steer planning.
 */

/** One buffer to place: `bytes` of storage live over the inclusive step interval [firstUse, lastUse]. */
export interface PlanBuffer {
  /** Size in bytes; a non-negative integer (0 is allowed and takes no space). */
  readonly bytes: number;
  /** First step at which the buffer is live (the step that writes it). */
  readonly firstUse: number;
  /** Last step at which the buffer is live (the last step that reads it); >= firstUse. */
  readonly lastUse: number;
}

/** Offsets for every buffer, relative to the arena start, and the arena's size. */
export interface ArenaPlan {
  /** `offsets[i]` is buffer i's byte offset from the arena start; a multiple of the alignment. */
  offsets: number[];
  /** Bytes the arena needs: the highest end of any buffer (sizes rounded up to the alignment). */
  arenaBytes: number;
  /** The largest total (aligned) size live at one step: no plan can use less. */
  lowerBoundBytes: number;
}

/** Placement orders best-fit knows; 'best' tries all of them and keeps the smallest arena. */
export type PlanOrder = 'best' | 'size' | 'lifetime';

/** Options of the exact/heuristic search run by `optimize`. */
export interface OptimizeOptions {
  /** Wall-clock budget in milliseconds (default 10,000). */
  timeLimitMs?: number;
}

/** Options of `planArena`. */
export interface PlanArenaOptions {
  /** Alignment of every offset and size in bytes (default 16, ARENA_ALIGN_BYTES). */
  align?: number;
  /** Best-fit placement order (default 'best'). */
  order?: PlanOrder;
  /** Improve on best-fit by search, within a time limit (default off). */
  optimize?: boolean | OptimizeOptions;
  /**
   * Pairs of buffer indices that may share bytes (in place). Asked with a < b; the
   * relation is taken as symmetric. The planner only ever shares by putting the
   * two at the same offset.
   */
  allowOverlap?: (a: number, b: number) => boolean;
}
