/**
 * Probe: a threaded build run on one thread (run_thread(1) on the calling
 * thread: every split kernel whole, every barrier trivial) against the
 * 1-thread build, interleaved, same process: what the threaded build's code
 * costs before any second core helps.
 *
 *   node scripts/run-ts.mjs bench/probes/threaded-on-one.ts [resnet] [rounds=20]
 */
import { ControlWord } from '../../src/common/thread-control.js';
import { compile } from '../../src/index.js';
import { median } from '../report.js';
import { oneAndTwoThreads, probeExports } from './threaded-model.js';

const id = process.argv[2] ?? 'resnet';
const rounds = Number(process.argv[3] ?? 20);
const { label, one, two, prepare, graph } = await oneAndTwoThreads(id);
// a second threaded model whose run_thread this thread calls alone (its workers, idle, never see those runs)
const model = await compile(graph, { threads: 2 });
const alone = prepare(model);
void alone.run();
const x = probeExports(model);
const inner = model as unknown as { manifest: { threads: { control: number } }; memory: WebAssembly.Memory };
const ctl = new Int32Array(inner.memory.buffer, inner.manifest.threads.control, 16);
const runThread = (count: number, canBlock: number, timeoutMs: number): void => {
  // the barrier counts arrivals up to the control block's count, not the parameter
  Atomics.store(ctl, ControlWord.count, count);
  if ((x.run_thread as (c: number, b: number, t: number) => number)(count, canBlock, timeoutMs) !== 0)
    throw new Error('run_thread gave up');
};
const timed = (f: () => void): number => {
  const t = performance.now();
  f();
  return performance.now() - t;
};
const a: number[] = [];
const b: number[] = [];
const c: number[] = [];
for (let i = 0; i < 3; i++) {
  void one.run();
  void two.run();
  runThread(1, 0, 10000);
}
for (let r = 0; r < rounds; r++) {
  const order = r % 2 === 0;
  if (order) a.push(timed(() => void one.run()));
  b.push(timed(() => void runThread(1, 0, 10000)));
  if (!order) a.push(timed(() => void one.run()));
  c.push(timed(() => void two.run()));
}
const ratio = a.map((v, i) => b[i]! / v);
console.log(
  `${label}: 1-thread build ${median(a).toFixed(1)} ms; threaded build on 1 thread ${median(b).toFixed(1)} ms ` +
    `(paired ratio ${median(ratio).toFixed(3)}); on 2 threads ${median(c).toFixed(1)} ms (${(median(a) / median(c)).toFixed(2)}x)`,
);
one.dispose();
two.dispose();
alone.dispose();
