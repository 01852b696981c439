/**
 * Probe: does this VM's fast/slow process lottery (docs/kernels.md "Fast and
 * slow processes") hit tfjs-wasm in the same process as tensorwasm? Sets up
 * the memory-streaming workloads (default W4, W6, W8) on tensorwasm and
 * tfjs-wasm in one fresh process, samples them round-robin as the bench does,
 * timing each sample in wall time and in the process's CPU time (preemption
 * by other work does not count), and prints one JSON line per process: per
 * workload each competitor's medians and tfjs-wasm / tensorwasm. Run it in
 * several fresh processes: if the ratio stays put while the times move
 * together, the lottery hits both and the ratio within a process is fair.
 *
 *   npx esbuild bench/probes/engine-lottery.ts --bundle --platform=node --format=esm --packages=external \
 *     --outfile=.scratch/engine-lottery.mjs      (inside the checkout: node_modules resolves)
 *   <node> .scratch/engine-lottery.mjs [W4,W6,W8] [samples]
 */
import { loadavg } from 'node:os';
import type { Prepared } from '../competitors/competitor.js';
import { makeTensorwasm } from '../competitors/tensorwasm.js';
import { makeTfjs } from '../competitors/tfjs.js';
import { makeWorkloads, selectWorkloads } from '../workloads.js';
import { median, processCpuMs as cpuMs } from './probe-stats.js';

const only = (process.argv[2] ?? 'W4,W6,W8').split(',');
const samples = Number(process.argv[3] ?? 21);
const load1 = loadavg()[0];
const competitors = [makeTensorwasm(), makeTfjs()];
for (const c of competitors) await c.init();
const out: Record<string, unknown> = { node: process.versions.node };
for (const workload of selectWorkloads(makeWorkloads(false), only)) {
  const data = workload.makeData();
  const prepared: Prepared[] = [];
  for (const c of competitors) prepared.push(await c.setup(workload, data));
  for (const p of prepared) for (let i = 0; i < 10; i++) void p.run();
  const wall = prepared.map(() => [] as number[]);
  const cpu = prepared.map(() => [] as number[]);
  for (let s = 0; s < samples; s++) {
    prepared.forEach((p, i) => {
      const c = cpuMs();
      const t = performance.now();
      for (let r = 0; r < 3; r++) void p.run();
      wall[i]?.push((performance.now() - t) / 3);
      cpu[i]?.push((cpuMs() - c) / 3);
    });
  }
  const [ours, tfjs] = [0, 1].map((i) => ({
    ms: Number(median(wall[i] ?? []).toFixed(3)),
    cpu: Number(median(cpu[i] ?? []).toFixed(3)),
  }));
  out[workload.id] = {
    ours,
    tfjs,
    ratio: Number(((tfjs?.ms ?? NaN) / (ours?.ms ?? NaN)).toFixed(2)),
    ratioCpu: Number(((tfjs?.cpu ?? NaN) / (ours?.cpu ?? NaN)).toFixed(2)),
  };
  for (const p of prepared) p.dispose();
}
out.load = [load1, loadavg()[0]];
console.log(JSON.stringify(out));
