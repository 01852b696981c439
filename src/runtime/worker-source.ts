/**
 * The code a worker thread runs, as source text: it instantiates the
 * threaded module on the shared memory, warms it up, reports ready, then
 * loops — blocked in Atomics.wait until the calling thread starts a run
 * (ControlWord.generation), one call of run_thread, done. A trap is written
 * to the control block (abort, the failed check's site and value) so the
 * other threads leave the run. Plain JS in a string, so a worker starts from
 * a Blob URL (browsers) or `eval` (Node) without a file to locate and without
 * the compiler.
 */
import { TALL_TILES_EXPORT } from '../common/manifest.js';
import { AbortReason, ControlWord, RUN_THREAD_EXPORT, THREAD_ID_EXPORT } from '../common/thread-control.js';

/** Loads of the generation a worker spins through before it blocks: ~1 ms (Node 20 1.0, Node 26 1.2; a JS Atomics.load ~20 ns). */
const WORKER_SPINS = 50_000;

/** What the calling thread sends each worker. */
export interface WorkerStart {
  readonly module: WebAssembly.Module;
  readonly memory: WebAssembly.Memory;
  /** Address of the control block. */
  readonly control: number;
  /** This worker's thread number (1, 2, ...). */
  readonly tid: number;
  /** Set the relaxed build's 6-row matmul tiles on, as the calling thread does (same bits either way). */
  readonly tallTiles: boolean;
}

/** A worker's messages: ready, or why it could not start. */
export type WorkerMessage = { readonly ready: true } | { readonly error: string };

const CORE = `
const W = ${JSON.stringify(ControlWord)};
const TRAP = ${AbortReason.trap};
const SPINS = ${WORKER_SPINS};
function start(data, post) {
  const { module, memory, control, tid, tallTiles } = data;
  let x;
  try {
    x = new WebAssembly.Instance(module, { env: { memory } }).exports;
    x[${JSON.stringify(THREAD_ID_EXPORT)}].value = tid;
    const tall = x[${JSON.stringify(TALL_TILES_EXPORT)}];
    if (tallTiles && tall instanceof WebAssembly.Global) tall.value = 1;
    // code readiness only (docs/kernels.md "The first run"): what it writes, every run overwrites
    try { if (x.warm) x.warm(); } catch {}
  } catch (e) {
    post({ error: String((e && e.message) || e) });
    return;
  }
  const run = x[${JSON.stringify(RUN_THREAD_EXPORT)}];
  const ctl = new Int32Array(memory.buffer, control, 16);
  let gen = Atomics.load(ctl, W.generation);
  post({ ready: true });
  for (;;) {
    // runs often come back to back: spin a little before sleeping (waking a sleeper costs more)
    for (let i = 0; i < SPINS && Atomics.load(ctl, W.generation) === gen; i++);
    // counted while asleep, so the calling thread notifies only when a worker sleeps
    Atomics.add(ctl, W.idle, 1);
    Atomics.wait(ctl, W.generation, gen);
    Atomics.sub(ctl, W.idle, 1);
    const now = Atomics.load(ctl, W.generation);
    if (now === gen) continue;
    gen = now;
    if (Atomics.load(ctl, W.quit) !== 0) return;
    const count = Atomics.load(ctl, W.count);
    if (tid < count) {
      try {
        run(count, 1, Atomics.load(ctl, W.timeoutMs));
      } catch (e) {
        if (Atomics.compareExchange(ctl, W.abort, 0, TRAP) === 0) {
          Atomics.store(ctl, W.errSite, x.err_site.value);
          Atomics.store(ctl, W.errValue, x.err_value.value);
        }
        Atomics.notify(ctl, W.phase);
      }
    }
    // counted over all runs: the calling thread waits for it only after an abandoned run
    Atomics.add(ctl, W.done, 1);
    Atomics.notify(ctl, W.done);
  }
}
`;

/** The worker's source for Node (`new Worker(source, { eval: true, workerData })`). */
export const NODE_WORKER_SOURCE = `${CORE}
const { parentPort, workerData } = require('node:worker_threads');
start(workerData, (m) => parentPort.postMessage(m));
`;

/** The worker's source for browsers (a Blob URL; the start data arrives as the first message). */
export const BROWSER_WORKER_SOURCE = `${CORE}
self.onmessage = (e) => {
  self.onmessage = null;
  start(e.data, (m) => self.postMessage(m));
};
`;
