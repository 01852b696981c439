/**
 * Probe: one workload's 1-thread and N-thread runs, interleaved in batches of
 * about 5 ms like the benchmark (so the workers sleep between batches), and
 * also back to back (workers still spinning), with the load average. For
 * quick per-change checks of the threads work where the full
 * `npm run bench -- --threads 2` takes too long.
 *
 *   node scripts/run-ts.mjs bench/probes/thread-split.ts W4 [W3 ...] [threads=2]
 */
import { loadavg } from 'node:os';
import { compile } from '../../src/index.js';
import { buildGraph } from '../competitors/tensorwasm.js';
import { prepareModel } from '../competitors/tensorwasm-prepare.js';
import { makeWorkloads, selectWorkloads } from '../workloads.js';

const args = process.argv.slice(2);
const threads = Number(args.find((a) => a.startsWith('threads='))?.slice(8) ?? 2);
const ids = args.filter((a) => !a.includes('='));
const load = (): string => loadavg()[0]!.toFixed(2);

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)] ?? NaN;
}

for (const w of selectWorkloads(makeWorkloads(false), ids)) {
  const data = w.makeData();
  const one = prepareModel(await compile(buildGraph(w.spec)), data);
  const many = prepareModel(await compile(buildGraph(w.spec), { threads }), data);
  const time = (p: typeof one, reps: number): number => {
    const t = performance.now();
    for (let i = 0; i < reps; i++) void p.run();
    return (performance.now() - t) / reps;
  };
  for (let i = 0; i < 20; i++) {
    void one.run();
    void many.run();
  }
  const reps = Math.max(1, Math.round(5 / time(one, 3)));
  const a: number[] = [];
  const b: number[] = [];
  const idle: number[] = [];
  const loads = [load()];
  for (let r = 0; r < 25; r++) {
    a.push(time(one, reps));
    b.push(time(many, reps));
    // one run after the workers went to sleep (a 2 ms pause)
    const until = performance.now() + 2;
    while (performance.now() < until);
    idle.push(time(many, 1));
  }
  loads.push(load());
  const [ma, mb, mi] = [median(a), median(b), median(idle)];
  console.log(
    `${w.id}: 1 thread ${(ma * 1000).toFixed(0)} us, ${threads} threads ${(mb * 1000).toFixed(0)} us ` +
      `(${(ma / mb).toFixed(2)}x), first after a pause ${(mi * 1000).toFixed(0)} us; load ${loads.join('-')}`,
  );
  one.dispose();
  many.dispose();
}
