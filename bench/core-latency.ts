/**
 * How far apart the machine has put our threads: the round trip of one cache
 * line between the calling thread and a worker (each stores a counter the
 * other spins on), in nanoseconds. A VM's two vCPUs may sit on cores sharing
 * a cache (~100-190 ns on this AMD EPYC host) or on cores that do not (~500
 * ns and more), and the host moves them: where they do not share one, a core
 * reads what the other just wrote at a quarter of the speed and writes lines
 * the other holds at a seventh (bench/probes/cross-core.c, docs/threads.md
 * "Session 16"), which is what a split kernel does with the activations the
 * kernel before it wrote. A threads figure is read with the round trip it was measured at.
 */
import { Worker } from 'node:worker_threads';

/** At most this round trip (ns, from JS) the two threads' cores share a cache: measured ~100-190 vs ~500 apart. */
export const NEAR_ROUND_TRIP_NS = 250;

/** Round trips per batch, and batches per reading (the median of them). */
const TRIPS = 4000;
const BATCHES = 5;
/** A batch the worker does not answer within this long (it has no core) counts as Infinity. */
const BATCH_DEADLINE_MS = 200;
/** Batches run and dropped at the start. */
const WARM_UP_BATCHES = 20;

/** Words of the shared block: the ping-pong counter, the worker's command, the trips asked. */
const Word = { ball: 0, command: 16, trips: 32 } as const;

/**
 * The worker: waits for a command; 1 = answer `trips` round trips (it turns
 * each odd ball even; a negative ball ends the batch early), then sets the
 * command back to 0; -1 = leave.
 */
const WORKER = `
const { workerData } = require('node:worker_threads');
const c = new Int32Array(workerData);
for (;;) {
  Atomics.wait(c, ${Word.command}, 0);
  const command = Atomics.load(c, ${Word.command});
  if (command < 0) break;
  const trips = Atomics.load(c, ${Word.trips});
  play: for (let i = 1; i <= trips; i++) {
    let ball;
    // a negative ball: the calling thread gave up on this batch
    while ((ball = Atomics.load(c, ${Word.ball})) !== 2 * i - 1) if (ball < 0) break play;
    Atomics.store(c, ${Word.ball}, 2 * i);
  }
  Atomics.store(c, ${Word.command}, 0);
}
`;

/** A worker kept asleep between readings. */
export interface CoreProbe {
  /** The median round trip (ns) over a few batches now; Infinity when the worker did not answer. */
  roundTripNs(): number;
  /** Ends the worker. */
  close(): Promise<void>;
}

/**
 * Starts the probe's worker (it sleeps until a reading). `batchDeadlineMs`:
 * how long a batch may take before it reads Infinity (a test on a loaded
 * machine gives it longer).
 */
export async function startCoreProbe(batchDeadlineMs = BATCH_DEADLINE_MS): Promise<CoreProbe> {
  const shared = new SharedArrayBuffer(4 * (Word.trips + 16));
  const c = new Int32Array(shared);
  const worker = new Worker(WORKER, { eval: true, workerData: shared });
  await new Promise<void>((ready, fail) => {
    worker.once('online', ready);
    worker.once('error', fail);
  });
  // a sleeping probe never keeps the process alive (a bench that fails ends); only once it is online,
  // or nothing would keep the process alive to see it start
  worker.unref();
  /** Ends a batch the worker did not keep up with; Infinity. */
  const giveUp = (): number => {
    Atomics.store(c, Word.ball, -1);
    const until = performance.now() + batchDeadlineMs;
    while (Atomics.load(c, Word.command) !== 0 && performance.now() < until);
    return Infinity;
  };
  const batch = (): number => {
    Atomics.store(c, Word.ball, 0);
    Atomics.store(c, Word.trips, TRIPS);
    Atomics.store(c, Word.command, 1);
    Atomics.notify(c, Word.command);
    const deadline = performance.now() + batchDeadlineMs;
    // the first trip wakes the worker: not timed
    Atomics.store(c, Word.ball, 1);
    while (Atomics.load(c, Word.ball) !== 2) if (performance.now() > deadline) return giveUp();
    const start = performance.now();
    for (let i = 2; i <= TRIPS; i++) {
      Atomics.store(c, Word.ball, 2 * i - 1);
      for (let spins = 0; Atomics.load(c, Word.ball) !== 2 * i; spins++)
        if ((spins & 0xfff) === 0xfff && performance.now() > deadline) return giveUp();
    }
    const ns = ((performance.now() - start) / (TRIPS - 1)) * 1e6;
    // the worker sets the command back to 0 right after its last trip
    while (Atomics.load(c, Word.command) !== 0);
    return ns;
  };
  // both loops optimized before the first reading (the first batches run in the interpreter)
  for (let i = 0; i < WARM_UP_BATCHES; i++) batch();
  return {
    roundTripNs() {
      const xs = Array.from({ length: BATCHES }, batch).sort((a, b) => a - b);
      return xs[Math.floor(xs.length / 2)]!;
    },
    async close() {
      Atomics.store(c, Word.command, -1);
      Atomics.notify(c, Word.command);
      await worker.terminate();
    },
  };
}

/** '110 ns', '2.3 us', or 'no answer'. */
export function roundTripText(ns: number): string {
  if (!Number.isFinite(ns)) return 'no answer';
  return ns < 1000 ? `${ns.toFixed(0)} ns` : `${(ns / 1000).toFixed(1)} us`;
}

/** '150 ns', or '150 ns, 20% apart' when some of the readings had the cores apart. */
export function tripsText(ns: number, apart: number | undefined): string {
  const share = apart === undefined || apart === 0 ? '' : `, ${Math.round(apart * 100)}% apart`;
  return `${roundTripText(ns)}${share}`;
}

/** 'near' (the cores share a cache) or 'apart' for a round trip. */
export function placementOf(ns: number): 'near' | 'apart' {
  return ns <= NEAR_ROUND_TRIP_NS ? 'near' : 'apart';
}
