/**
 * The workers of a threaded model and the calling thread's side of a run:
 * start them (each instantiates the same module on the shared memory),
 * start a run by bumping the control block's generation, run thread 0's
 * share in this thread (its barriers tell when the workers' parts are
 * written); after an abandoned run, wait until every worker left it. Every
 * wait has a timeout, so a worker that died or hangs is a ThreadError,
 * never a hang.
 * A pool that failed once stays failed (the model must be loaded again).
 */
import { ThreadError } from '../common/errors.js';
import { AbortReason, ControlWord, CONTROL_BYTES } from '../common/thread-control.js';
import { canBlock, isNode, nodeWorkerThreads } from './thread-support.js';
import { prefersTallMatmulTiles } from './features.js';
import {
  BROWSER_WORKER_SOURCE,
  NODE_WORKER_SOURCE,
  type WorkerMessage,
  type WorkerStart,
} from './worker-source.js';

/** One worker, whichever platform made it. */
interface WorkerHandle {
  terminate(): void;
}

/** Callbacks a started worker reports to. */
interface WorkerEvents {
  message(m: WorkerMessage): void;
  /** The worker failed or exited. */
  fail(why: string): void;
}

/** A run's failed run-time check in a worker: what err_site and err_value held. */
export interface ThreadCheckFailure {
  readonly site: number;
  readonly value: number;
}

/** run_thread of the calling thread's instance: (count, canBlock, timeoutMs) -> aborted. */
export type RunThread = (count: number, canBlock: number, timeoutMs: number) => number;

async function spawn(start: WorkerStart, events: WorkerEvents, source?: string): Promise<WorkerHandle> {
  if (isNode()) {
    const { Worker } = await nodeWorkerThreads();
    const worker = new Worker(source ?? NODE_WORKER_SOURCE, { eval: true, workerData: start });
    worker.on('message', (m: WorkerMessage) => events.message(m));
    worker.on('error', (e: Error) => events.fail(`worker ${start.tid} failed: ${e.message}`));
    worker.on('exit', (code: number) => events.fail(`worker ${start.tid} exited (code ${code})`));
    // a model not disposed must not keep Node running
    worker.unref();
    return { terminate: () => void worker.terminate() };
  }
  const url = URL.createObjectURL(new Blob([source ?? BROWSER_WORKER_SOURCE], { type: 'text/javascript' }));
  const worker = new Worker(url);
  URL.revokeObjectURL(url);
  worker.onmessage = (e: MessageEvent<WorkerMessage>) => events.message(e.data);
  worker.onerror = (e: ErrorEvent) => {
    e.preventDefault();
    events.fail(`worker ${start.tid} failed: ${e.message}`);
  };
  worker.postMessage(start);
  return { terminate: () => worker.terminate() };
}

/** The workers of one model and the run protocol over its control block. */
export class ThreadPool {
  private failure: string | undefined;
  private disposed = false;
  /** Runs started; each worker adds one to ControlWord.done per run. */
  private runs = 0;
  /** The last run was abandoned (abort): the control block's counters need a reset. */
  private abandoned = false;
  private readonly ctl: Int32Array;
  private readonly blocking = canBlock();

  private constructor(
    memory: WebAssembly.Memory,
    control: number,
    /** Threads of each run, the calling thread included. */
    readonly count: number,
    private readonly timeoutMs: number,
    private readonly workers: WorkerHandle[],
  ) {
    this.ctl = new Int32Array(memory.buffer, control, CONTROL_BYTES / 4);
  }

  /**
   * Starts `count - 1` workers on `module` and `memory` and waits until each
   * is ready; a worker that fails, exits or is not ready within
   * `startTimeoutMs` is a ThreadError (the others are ended). `timeoutMs`:
   * the barrier timeout of each run. `source`: the worker's code (tests pass
   * a broken one).
   */
  static async start(
    module: WebAssembly.Module,
    memory: WebAssembly.Memory,
    control: number,
    count: number,
    timeouts: { readonly startMs: number; readonly runMs: number },
    source?: string,
  ): Promise<ThreadPool> {
    const timeoutMs = timeouts.startMs;
    const workers: WorkerHandle[] = [];
    // the failure callbacks reach the pool once it exists
    const state: { pool: ThreadPool | undefined; starting: boolean } = { pool: undefined, starting: true };
    const readies: Promise<void>[] = [];
    for (let tid = 1; tid < count; tid++) {
      let ready!: () => void;
      let fail!: (e: Error) => void;
      readies.push(
        new Promise<void>((resolve, reject) => {
          ready = resolve;
          fail = reject;
        }),
      );
      const events: WorkerEvents = {
        message: (m) =>
          'error' in m ? fail(new ThreadError(`worker ${tid} could not start: ${m.error}`)) : ready(),
        fail: (why) => {
          if (state.starting) fail(new ThreadError(why));
          else state.pool?.fail(why);
        },
      };
      workers.push(
        await spawn({ module, memory, control, tid, tallTiles: prefersTallMatmulTiles() }, events, source),
      );
    }
    let timer: ReturnType<typeof setTimeout> | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () => reject(new ThreadError(`the workers did not start within ${timeoutMs} ms`, { timeoutMs })),
        timeoutMs,
      );
    });
    try {
      await Promise.race([Promise.all(readies), timeout]);
    } catch (error) {
      for (const w of workers) w.terminate();
      throw error instanceof ThreadError
        ? new ThreadError(
            `could not start ${count} threads: ${error.message}`,
            error.details,
            'Run with threads: 1',
          )
        : error;
    } finally {
      clearTimeout(timer);
    }
    state.starting = false;
    state.pool = new ThreadPool(memory, control, count, timeouts.runMs, workers);
    return state.pool;
  }

  /** Marks the pool failed (a worker died or hung): every later run throws. */
  private fail(why: string): void {
    if (!this.disposed) this.failure ??= why;
  }

  /**
   * Wakes the workers asleep between runs without starting one: they spin
   * (~1 ms) for the run that follows. run() calls this before it copies the
   * feeds, so a worker's wake-up (~0.1-0.2 ms from Atomics.wait,
   * docs/threads.md "Session 19") overlaps the copy instead of the run.
   */
  wake(): void {
    if (this.failure === undefined && Atomics.load(this.ctl, ControlWord.idle) > 0)
      Atomics.notify(this.ctl, ControlWord.generation);
  }

  /**
   * One run on every thread: the workers start, `runThread` runs thread 0's
   * share here, and the call returns once every split kernel's parts are
   * written (its last barrier). Returns the
   * failed run-time check of a worker, if any; rethrows a trap of this
   * thread (after the workers left the run); a timeout or a dead worker is
   * a ThreadError.
   */
  run(call: string, runThread: RunThread): ThreadCheckFailure | undefined {
    if (this.failure !== undefined) {
      throw new ThreadError(
        `${call}: a worker thread failed: ${this.failure}`,
        { reason: this.failure },
        'Load the model again',
      );
    }
    const ctl = this.ctl;
    // a run that ended normally leaves the counters as they start (the last thread at each barrier
    // resets it); after an abandoned one every worker has left it (finish), so they are reset here
    if (this.abandoned) {
      for (const w of [
        ControlWord.arrive,
        ControlWord.abort,
        ControlWord.errSite,
        ControlWord.errValue,
        ControlWord.claim,
      ])
        Atomics.store(ctl, w, 0);
      this.abandoned = false;
    }
    Atomics.store(ctl, ControlWord.count, this.count);
    Atomics.store(ctl, ControlWord.timeoutMs, this.timeoutMs);
    this.runs++;
    Atomics.add(ctl, ControlWord.generation, 1);
    // a worker counts itself idle before it waits: either it is counted here, or its wait sees the
    // new generation (sequentially consistent atomics)
    if (Atomics.load(ctl, ControlWord.idle) > 0) Atomics.notify(ctl, ControlWord.generation);
    try {
      runThread(this.count, this.blocking ? 1 : 0, this.timeoutMs);
    } catch (error) {
      // the workers leave the run at their next barrier
      Atomics.compareExchange(ctl, ControlWord.abort, AbortReason.none, AbortReason.trap);
      Atomics.notify(ctl, ControlWord.phase);
      this.abandoned = true;
      this.finish(call);
      throw error;
    }
    const reason = Atomics.load(ctl, ControlWord.abort);
    if (reason === AbortReason.none) return undefined;
    this.abandoned = true;
    this.finish(call);
    if (reason === AbortReason.timeout) {
      this.fail(`a thread waited at a barrier longer than ${this.timeoutMs} ms`);
      throw new ThreadError(
        `${call}: a thread waited at a barrier longer than ${this.timeoutMs} ms (a worker died or hangs)`,
        { timeoutMs: this.timeoutMs },
        'Load the model again',
      );
    }
    if (reason === AbortReason.trap) {
      return { site: Atomics.load(ctl, ControlWord.errSite), value: Atomics.load(ctl, ControlWord.errValue) };
    }
    return undefined;
  }

  /** Returns once every worker finished the run; a ThreadError (and a failed pool) after the timeout. */
  private finish(call: string): void {
    if (this.waitDone()) return;
    this.fail(`the workers did not finish within ${this.timeoutMs} ms`);
    throw new ThreadError(
      `${call}: the worker threads did not finish within ${this.timeoutMs} ms`,
      { timeoutMs: this.timeoutMs },
      'Load the model again',
    );
  }

  /** Waits until every worker finished the run, at most the timeout; false when one did not. */
  private waitDone(): boolean {
    const ctl = this.ctl;
    const workers = this.runs * (this.count - 1);
    const deadline = performance.now() + this.timeoutMs;
    for (;;) {
      const done = Atomics.load(ctl, ControlWord.done);
      if (done - workers >= 0) return true;
      const left = deadline - performance.now();
      if (left <= 0) return false;
      if (this.blocking) Atomics.wait(ctl, ControlWord.done, done, Math.min(left, 100));
    }
  }

  /** Ends the workers (they leave their loop, and are terminated). */
  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    Atomics.store(this.ctl, ControlWord.quit, 1);
    Atomics.add(this.ctl, ControlWord.generation, 1);
    Atomics.notify(this.ctl, ControlWord.generation);
    for (const w of this.workers) w.terminate();
  }

  /** Ends worker `tid` as a crash would (tests of the failure paths). @internal */
  killWorker(tid: number): void {
    this.workers[tid - 1]?.terminate();
  }
}
