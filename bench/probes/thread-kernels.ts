/**
 * Probe: where a whole model's 2-thread scaling goes, kernel by kernel. One
 * threaded build; each split kernel is timed whole on the calling thread (1
 * thread) and as the threads' parts (threadUnits), interleaved: the parts
 * one after the other on the calling thread (the imbalance and work each
 * part repeats, e.g. packing all of B, without contention), and at the same
 * time on the calling thread and a probe worker on the same memory (the
 * real 2-thread time of the kernel, a spin handshake standing for the
 * barrier). Lists the kernels whose 2-thread time loses most against half
 * the 1-thread time, and the model's 1- vs 2-thread runs, with the load.
 *
 * With `again`, the run-order pass also times each kernel's parts a second
 * time right after the first, every byte then where its own thread left it:
 * what the data's place costs (session 16: 3% of ResNet-50's pass).
 *
 *   node scripts/run-ts.mjs bench/probes/thread-kernels.ts [resnet|W5|…] [rounds=15] [top=25] [again]
 */
import { loadavg } from 'node:os';
import { Worker } from 'node:worker_threads';
import { compile } from '../../src/index.js';
import { threadUnits } from '../../src/passes/thread-split.js';
import { probeSubject } from './probe-subject.js';
import { median } from './probe-stats.js';
import { probeExports } from './threaded-model.js';

const args = process.argv.slice(2);
const arg = (k: string, d: number): number =>
  Number(args.find((a) => a.startsWith(`${k}=`))?.slice(k.length + 1) ?? d);
const rounds = arg('rounds', 15);
const top = arg('top', 25);
const id = args.find((a) => !a.includes('=') && a !== 'again') ?? 'resnet';
const again = args.includes('again');
const load = (): string => loadavg()[0]!.toFixed(2);

// the probe worker: instantiates the module on the shared memory as thread 1, then spins on a
// command word: [seq, kernel index, start, end]; it calls the kernel and writes seq to done
const WORKER = `
const { parentPort, workerData } = require('node:worker_threads');

const { module, memory, names, sync } = workerData;
const x = new WebAssembly.Instance(module, { env: { memory } }).exports;
x.thread_id.value = 1;
const c = new Int32Array(sync, 0, 8);
const took = new Float64Array(sync, 32, 1);
parentPort.postMessage('ready');
let seen = 0;
for (;;) {
  let seq;
  // spin a little, then sleep (a spinning worker would take a core from the model's own runs)
  for (let i = 0; i < 100000 && (seq = Atomics.load(c, 0)) === seen; i++);
  if (seq === seen) {
    Atomics.wait(c, 0, seen);
    continue;
  }
  seen = seq;
  if (seq < 0) break;
  const t = performance.now();
  if (c[1] >= 0) x[names[c[1]]](c[2], c[3]);
  took[0] = performance.now() - t;
  Atomics.store(c, 4, seq);
}
`;

const subject = probeSubject(id);
const graph = await subject.graph();
const data = subject.data();
const prepare = subject.prepare;
const one = await compile(graph);
const two = await compile(graph, { threads: 2 });
const onePrep = prepare(one, data);
const twoPrep = prepare(two, data);
// the threaded build's module and memory (private to Model: a probe's look inside)
const inner = two as unknown as { module: WebAssembly.Module; memory: WebAssembly.Memory };
const exports = probeExports(two);
const names = two.kernels.map((k) => k.name);
const sync = new SharedArrayBuffer(40);
const cmd = new Int32Array(sync, 0, 8);
/** The worker's own time for its part of the last pair (ms). */
const workerTook = new Float64Array(sync, 32, 1);
const worker = new Worker(WORKER, {
  eval: true,
  workerData: { module: inner.module, memory: inner.memory, names, sync },
});
await new Promise((r) => worker.once('message', r));

let seq = 0;
const fn = (i: number): ((s: number, e: number) => void) =>
  exports[names[i]!] as (s: number, e: number) => void;
/** Kernel i's parts on both threads at once (thread 1 on the worker); returns ms. */
const ks = two.kernels;
function post(i: number, s: number, e: number): void {
  seq++;
  cmd[1] = i;
  cmd[2] = s;
  cmd[3] = e;
  Atomics.store(cmd, 0, seq);
  Atomics.notify(cmd, 0);
}
function both(i: number, units: number, swap: boolean): number {
  const [s0, e0] = threadUnits(units, swap ? 1 : 0, 2);
  const [s1, e1] = threadUnits(units, swap ? 0 : 1, 2);
  // wake the worker first (a no-op), so the timed handshake finds it spinning
  post(-1, 0, 0);
  while (Atomics.load(cmd, 4) !== seq);
  const t = performance.now();
  post(i, s1, e1);
  if (e0 > s0) fn(i)(s0, e0);
  const mine = performance.now() - t;
  while (Atomics.load(cmd, 4) !== seq);
  const total = performance.now() - t;
  (swap ? onceSwapped : once)[i]!.push([mine, workerTook[0]!]);
  return total;
}

/** Kernel i's units [s, e) on the worker alone, the calling thread waiting; returns the worker's own ms. */
function onWorker(i: number, s: number, e: number): number {
  post(-1, 0, 0);
  while (Atomics.load(cmd, 4) !== seq);
  post(i, s, e);
  while (Atomics.load(cmd, 4) !== seq);
  return workerTook[0]!;
}

const whole: number[][] = ks.map(() => []);
const part0: number[][] = ks.map(() => []);
const part1: number[][] = ks.map(() => []);
const pair: number[][] = ks.map(() => []);
/** Part 1 on the worker alone, the calling thread waiting: the worker's core against the calling thread's (part1). */
const workerAlone: number[][] = ks.map(() => []);
/**
 * At once, each thread's own time: [calling thread, worker], with the calling thread on part 0
 * (once) or, every other round, on part 1 (onceSwapped): a slow thread against a slow part.
 */
const once: [number, number][][] = ks.map(() => []);
const onceSwapped: [number, number][][] = ks.map(() => []);
const runOne: number[] = [];
const runTwo: number[] = [];
const loads = [load()];
const timed = (f: () => void): number => {
  const t = performance.now();
  f();
  return performance.now() - t;
};
/** CPU seconds the process got per wall second over calls of f (about 2 when both threads had a core). */
const cpu = { run: [0, 0], pair: [0, 0] };
function metered<T>(into: number[], f: () => T): T {
  const c = process.cpuUsage();
  const t = performance.now();
  const value = f();
  const used = process.cpuUsage(c);
  into[0]! += (used.user + used.system) / 1000;
  into[1]! += performance.now() - t;
  return value;
}
for (let r = 0; r < 3; r++) {
  void onePrep.run();
  void twoPrep.run();
}
for (let r = 0; r < rounds; r++) {
  runOne.push(timed(() => void onePrep.run()));
  runTwo.push(metered(cpu.run, () => timed(() => void twoPrep.run())));
  // kernels in schedule order, so each sees what the ones before wrote (in-place kernels are not
  // idempotent: each variant runs once per round, alternating order between rounds)
  ks.forEach((k, i) => {
    const f = fn(i);
    const [s0, e0] = threadUnits(k.units, 0, 2);
    const [s1, e1] = threadUnits(k.units, 1, 2);
    const a = (): void => void whole[i]!.push(timed(() => f(0, k.units)));
    const b = (): void => {
      if (!k.split) return;
      part0[i]!.push(timed(() => e0 > s0 && f(s0, e0)));
      part1[i]!.push(timed(() => e1 > s1 && f(s1, e1)));
      pair[i]!.push(metered(cpu.pair, () => both(i, k.units, r % 4 >= 2)));
      workerAlone[i]!.push(onWorker(i, s1, e1));
    };
    if (r % 2 === 0) {
      a();
      b();
    } else {
      b();
      a();
    }
  });
}
// the kernels as a 2-thread run has them: every kernel's parts at once, in schedule order, so each
// thread's inputs lie where the parts before wrote them (half in the other core's caches)
const inRun: number[][] = ks.map(() => []);
const inRunOwn: [number, number][][] = ks.map(() => []);
/** With `again`: each kernel's parts at once a second time in a row (its data where its own threads left it). */
const inRunAgain: number[][] = ks.map(() => []);
/** Each round's whole pass in run order (wall ms, handshakes included): preemption counts here as in a run. */
const inRunTotal: number[] = [];
const runTwoAfter: number[] = [];
for (let r = 0; r < rounds; r++) {
  const start = performance.now();
  /** The second parts' time (with `again`), left out of the pass's. */
  let twice = 0;
  ks.forEach((k, i) => {
    if (!k.split) return void fn(i)(0, k.units);
    inRun[i]!.push(both(i, k.units, false));
    inRunOwn[i]!.push(once[i]!.pop()!);
    if (!again) return;
    const t = performance.now();
    inRunAgain[i]!.push(both(i, k.units, false));
    twice += performance.now() - t;
    once[i]!.pop();
  });
  inRunTotal.push(performance.now() - start - twice);
  // the model's 2-thread run right after, as the pass's neighbour in time
  runTwoAfter.push(timed(() => void twoPrep.run()));
}
loads.push(load());
Atomics.store(cmd, 0, -1);
Atomics.notify(cmd, 0);
await worker.terminate();

const rows = ks.map((k, i) => {
  const w1 = median(whole[i]!);
  const w2 = k.split ? median(pair[i]!) : w1;
  const p = k.split ? Math.max(median(part0[i]!), median(part1[i]!)) : w1;
  return { k, w1, w2, p, lost: w2 - w1 / 2 };
});
const sum = (f: (r: (typeof rows)[number]) => number): number => rows.reduce((s, r) => s + f(r), 0);
console.log(
  `${subject.label}: run 1 thread ${median(runOne).toFixed(1)} ms, 2 threads ${median(runTwo).toFixed(1)} ms ` +
    `(${(median(runOne) / median(runTwo)).toFixed(2)}x); load ${loads.join('-')}; CPU s per wall s: ` +
    `2-thread runs ${(cpu.run[0]! / cpu.run[1]!).toFixed(2)}, kernel pairs ${(cpu.pair[0]! / cpu.pair[1]!).toFixed(2)}`,
);
console.log(
  `kernels: 1 thread ${sum((r) => r.w1).toFixed(1)} ms; 2 threads (parts at once) ${sum((r) => r.w2).toFixed(1)} ms; ` +
    `max part alone ${sum((r) => r.p).toFixed(1)} ms; ideal (half) ${(sum((r) => r.w1) / 2).toFixed(1)} ms; ` +
    `thread-0-only ${sum((r) => (r.k.split ? 0 : r.w1)).toFixed(1)} ms`,
);
console.log('lost ms = 2-thread time - half of 1-thread; part = slower part alone / whole');
for (const r of [...rows].sort((a, b) => b.lost - a.lost).slice(0, top)) {
  console.log(
    `  ${r.lost.toFixed(2).padStart(6)} ${r.k.name.padEnd(6)} ${r.k.kind.padEnd(11)} split ${r.k.split ? 'y' : 'n'} units ${String(r.k.units).padStart(4)} ` +
      `1t ${r.w1.toFixed(2)} 2t ${r.w2.toFixed(2)} (${(r.w1 / r.w2).toFixed(2)}x) part ${(r.p / r.w1).toFixed(2)} ` +
      `${r.k.nodes.join(' ').slice(0, 60)}`,
  );
}
console.log('static: slower part alone - half of 1-thread (imbalance, work each part repeats)');
for (const r of [...rows].sort((a, b) => b.p - b.w1 / 2 - (a.p - a.w1 / 2)).slice(0, top)) {
  console.log(
    `  ${(r.p - r.w1 / 2).toFixed(2).padStart(6)} ${r.k.name.padEnd(6)} split ${r.k.split ? 'y' : 'n'} units ${String(r.k.units).padStart(4)} ` +
      `1t ${r.w1.toFixed(2)} part ${(r.p / r.w1).toFixed(2)} ${r.k.nodes.join(' ').slice(0, 60)}`,
  );
}
console.log('at once: 2-thread time - slower part alone (contention for memory and caches, the handshake)');
for (const r of [...rows].sort((a, b) => b.w2 - b.p - (a.w2 - a.p)).slice(0, top)) {
  console.log(
    `  ${(r.w2 - r.p).toFixed(2).padStart(6)} ${r.k.name.padEnd(6)} units ${String(r.k.units).padStart(4)} ` +
      `1t ${r.w1.toFixed(2)} part ${r.p.toFixed(2)} 2t ${r.w2.toFixed(2)} ${r.k.nodes.join(' ').slice(0, 60)}`,
  );
}
function sumOf<T>(xs: readonly T[][], f: (x: T) => number): number {
  return rows.reduce((acc, r, i) => acc + (r.k.split ? median(xs[i]!.map(f)) : 0), 0);
}
const first = (x: [number, number]): number => x[0];
const second = (x: [number, number]): number => x[1];
const plain = (x: number): number => x;
console.log(
  `each thread's own part, summed over split kernels (ms): alone part 0 ${sumOf(part0, plain).toFixed(1)}, ` +
    `part 1 ${sumOf(part1, plain).toFixed(1)}; at once, calling thread on part 0 ${sumOf(once, first).toFixed(1)} ` +
    `and worker on part 1 ${sumOf(once, second).toFixed(1)}; swapped, calling thread on part 1 ` +
    `${sumOf(onceSwapped, first).toFixed(1)} and worker on part 0 ${sumOf(onceSwapped, second).toFixed(1)}`,
);
console.log(
  `part 1 alone, summed over split kernels (ms): on the calling thread ${sumOf(part1, plain).toFixed(1)}, ` +
    `on the worker ${sumOf(workerAlone, plain).toFixed(1)}`,
);
console.log(
  `in run order (each kernel's parts at once, one kernel after the other): ${sumOf(inRun, plain).toFixed(1)} ms; ` +
    `calling thread's parts ${sumOf(inRunOwn, first).toFixed(1)}, worker's ${sumOf(inRunOwn, second).toFixed(1)}; ` +
    `the whole pass per round (median) ${median(inRunTotal).toFixed(1)} ms against the model's 2-thread run ` +
    `right after it ${median(runTwoAfter).toFixed(1)} ms`,
);
if (again)
  console.log(
    `the same, each kernel's parts again right after (its data where its own threads left it): ` +
      `${sumOf(inRunAgain, plain).toFixed(1)} ms`,
  );
for (const [i, r] of rows.entries()) {
  if (!r.k.split) continue;
  const own = inRunOwn[i]!;
  const twice = again ? ` again ${median(inRunAgain[i]!).toFixed(2)}` : '';
  console.log(
    `  ${r.k.name.padEnd(28)} 1t ${r.w1.toFixed(2)} in run ${median(inRun[i]!).toFixed(2)} ` +
      `(${(r.w1 / median(inRun[i]!)).toFixed(2)}x) parts ${median(own.map(first)).toFixed(2)} / ${median(own.map(second)).toFixed(2)}${twice}`,
  );
}
onePrep.dispose();
twoPrep.dispose();
