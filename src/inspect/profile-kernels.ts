/**
 * Times each kernel of a module on its own: runs the kernels in schedule order
 * (so every kernel sees the values the ones before it wrote, as in run()),
 * timing each call, a number of times, and reports each kernel's median.
 * A kernel is never called twice in a row: in-place kernels are not
 * idempotent.
 */

/** One kernel's time. */
export interface KernelTiming {
  readonly name: string;
  /** Median milliseconds of one call. */
  readonly ms: number;
}

/** What profile() measured. */
export interface Profile {
  /** Each kernel in schedule order. */
  readonly kernels: readonly KernelTiming[];
  /** Sum of the kernels' medians. */
  readonly totalMs: number;
  /** How many times each kernel was timed. */
  readonly repeats: number;
}

/** Options of profile(). */
export interface ProfileOptions {
  /** Timed passes over the schedule (default 10); each kernel reports its median. */
  readonly repeats?: number;
}

/** A kernel to time: its name and the exported function that runs it. */
export interface KernelCall {
  readonly name: string;
  readonly call: () => void;
}

const DEFAULT_REPEATS = 10;

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  if (sorted.length === 0) return 0;
  return sorted.length % 2 === 1 ? (sorted[mid] ?? 0) : ((sorted[mid - 1] ?? 0) + (sorted[mid] ?? 0)) / 2;
}

/**
 * Calls `kernels` in order `repeats` times, timing every call, and returns
 * each kernel's median. The caller writes the feeds first (and has run once,
 * so the module is warm).
 */
export function profileKernels(kernels: readonly KernelCall[], options: ProfileOptions = {}): Profile {
  const repeats = Math.max(1, Math.floor(options.repeats ?? DEFAULT_REPEATS));
  const samples = kernels.map(() => [] as number[]);
  for (let r = 0; r < repeats; r++) {
    kernels.forEach((kernel, i) => {
      const start = performance.now();
      kernel.call();
      samples[i]?.push(performance.now() - start);
    });
  }
  const timings = kernels.map((k, i) => ({ name: k.name, ms: median(samples[i] ?? []) }));
  return { kernels: timings, totalMs: timings.reduce((s, t) => s + t.ms, 0), repeats };
}
