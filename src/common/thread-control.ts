/**
 * The control block of a threaded module: a few i32 words in shared memory
 * (after the plan's bytes) through which the calling thread starts a run on
 * the workers and every thread meets at the barriers between kernels. The
 * Wasm side (codegen/binaryen/emit-threads.ts) and the JS side
 * (runtime/thread-pool.ts, runtime/worker-source.ts) both index it by these
 * word numbers; they are part of the module's calling convention.
 */

/** Bytes of the control block (a cache line, so its words share no line with the plan's buffers). */
export const CONTROL_BYTES = 64;

/** Word indices (i32) in the control block. */
export const ControlWord = {
  /** Threads that reached the current barrier. */
  arrive: 0,
  /** Barriers passed in this run; waiters wait on it changing. */
  phase: 1,
  /** Non-zero (an AbortReason) once any thread gave up: every thread leaves the run at its next barrier. */
  abort: 2,
  /** A worker's failed run-time check: its site (err_site) and the value checked (err_value). */
  errSite: 3,
  errValue: 4,
  /** Bumped by the calling thread to start a run on the workers (they wait on it). */
  generation: 5,
  /** Threads taking part in this run (the calling thread is thread 0). */
  count: 6,
  /** Non-zero: the workers leave their loop (dispose). */
  quit: 7,
  /** Workers that finished this run (the calling thread waits for count - 1). */
  done: 8,
  /** The barrier timeout of this run in milliseconds (read by the workers). */
  timeoutMs: 9,
  /** Threads blocked in memory.atomic.wait32 at a barrier: the last to arrive wakes them only when non-zero. */
  sleepers: 10,
  /** Workers blocked in Atomics.wait between runs: the calling thread wakes them only when non-zero. */
  idle: 11,
  /**
   * Chunks of the current claimed kernel taken so far (passes/thread-claims.ts
   * claimPieces): each thread adds 1 to take the next; the last thread to
   * arrive at a barrier sets it back to 0.
   */
  claim: 12,
  /**
   * Where a run's first kernel is claimed: the run's generation, stored by
   * the calling thread once it set `claim` to 0 at the start of its
   * run_thread; a worker claims that kernel's chunks only when it matches
   * (a counter an abandoned run left behind would skip chunks). No runtime
   * writes it.
   */
  gate: 13,
} as const;

/** Why a run was abandoned (ControlWord.abort). */
export const AbortReason = {
  none: 0,
  /** A thread trapped (a failed index check, or a fault). */
  trap: 1,
  /** A thread waited at a barrier longer than the timeout (another thread died or hangs). */
  timeout: 2,
} as const;

/** The export a threaded module runs on each thread: run_thread(count, canBlock, timeoutMs) -> aborted. */
export const RUN_THREAD_EXPORT = 'run_thread';

/** The exported mutable global holding the instance's thread number (0 on the calling thread). */
export const THREAD_ID_EXPORT = 'thread_id';
