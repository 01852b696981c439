/**
 * The memory plan as users see it (`model.plan`) and as a saved module's
 * manifest stores it: absolute offsets, kernel-index lifetimes, and the sizes
 * that judge it. Shared by the compiler and the runtime.
 */

export type BufferKind = 'input' | 'param' | 'const' | 'output' | 'temp';

/** One stored value's place and lifetime. */
export interface PlannedBuffer {
  readonly name: string;
  readonly kind: BufferKind;
  /** Absolute byte address in the module's memory. */
  readonly offset: number;
  readonly bytes: number;
  /** The schedule step that writes it (0 for values present before the run). */
  readonly firstUse: number;
  /** The last schedule step that reads it. */
  readonly lastUse: number;
}

/** Where every buffer lives, and how close the temp arena is to optimal. */
export interface MemoryPlan {
  /** Bytes of linear memory the module needs. */
  readonly memoryBytes: number;
  /** Size of the reusable temp region. */
  readonly arenaBytes: number;
  /** Largest total size of temps live at one step: no plan can use less. */
  readonly lowerBoundBytes: number;
  /** What a never-reusing bump allocator would need for the same temps. */
  readonly naiveBytes: number;
  readonly buffers: readonly PlannedBuffer[];
}
