/**
 * The thread variable: a loop variable that no loop binds, whose value in a
 * kernel is the number of the thread running it (0 on one thread, and in
 * every kernel thread 0 runs whole). Index maps use it to give each thread
 * its own copy of a buffer, as localize-rows.ts does for a row kernel's
 * one-row buffers in a threaded build; the interval checks of
 * thread-split.ts take it as the one value t in thread t's accesses.
 */
import { mentions, type IndexExpr, type LoopVar } from './index-expr.js';

/** The thread variable's id (no loop variable has a negative id). */
export const THREAD_VAR_ID = -1;

/** The thread variable of a module built for up to `maxThreads` threads. */
export function threadVar(maxThreads: number): LoopVar {
  return { id: THREAD_VAR_ID, extent: maxThreads };
}

/** Whether index `e` mentions the thread variable (a thread's own copy of a buffer). */
export function mentionsThreadVar(e: IndexExpr): boolean {
  return mentions(e, threadVar(1));
}
