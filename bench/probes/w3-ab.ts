/**
 * Probe (issue #22, W3): saved W3 modules (bench/probes/engine-save.ts, e.g.
 * before and after a change) against tfjs-wasm's softmax in one fresh
 * process, sampled round-robin, each sample timed in the process's CPU time
 * (preemption by other work does not count) and in wall time. Prints one JSON
 * line per process: per module set its median CPU ms, tfjs-wasm's, and their
 * ratios within the process; with the 1-minute load average. Run it in
 * several fresh processes per engine (w3-ab.sh does, alternating engines) and
 * compare medians of the per-process ratios.
 *
 *   <node> scripts/run-ts.mjs bench/probes/w3-ab.ts /tmp/base,/tmp/new [rounds]
 */
import { readFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { load } from '../../src/runtime/index.js';
import type { Prepared } from '../competitors/competitor.js';
import { moduleFileName } from '../competitors/tensorwasm-runtime.js';
import { prepareModel } from '../competitors/tensorwasm-prepare.js';
import { makeTfjs } from '../competitors/tfjs.js';
import { makeWorkloads, selectWorkloads } from '../workloads.js';
import { median, processCpuMs } from './probe-stats.js';

const dirs = (process.argv[2] ?? '/tmp/tensorwasm-engine-probe').split(',');
const rounds = Number(process.argv[3] ?? 25);
/** Runs per sample: a sample is their mean (the CPU clock is exact to the microsecond). */
const RUNS = 5;

const load1 = loadavg()[0] ?? NaN;
const workload = selectWorkloads(makeWorkloads(true), ['W3'])[0];
if (workload === undefined) throw new Error('w3-ab: no W3 workload');
const data = workload.makeData();
const tfjs = makeTfjs();
await tfjs.init();
const entries: { label: string; prepared: Prepared; cpu: number[]; wall: number[] }[] = [];
for (const dir of dirs) {
  const model = await load(readFileSync(join(dir, moduleFileName(workload))));
  entries.push({ label: dir, prepared: prepareModel(model, data), cpu: [], wall: [] });
}
entries.push({ label: 'tfjs', prepared: await tfjs.setup(workload, data), cpu: [], wall: [] });
for (const e of entries) for (let i = 0; i < 10; i++) await e.prepared.run();
for (let r = 0; r < rounds; r++) {
  for (const e of entries) {
    const c = processCpuMs();
    const t = performance.now();
    for (let i = 0; i < RUNS; i++) await e.prepared.run();
    e.wall.push((performance.now() - t) / RUNS);
    e.cpu.push((processCpuMs() - c) / RUNS);
  }
}
const tfjsCpu = median(entries[entries.length - 1]?.cpu ?? []);
const firstCpu = median(entries[0]?.cpu ?? []);
const out: Record<string, unknown> = { node: process.versions.node, load: [load1, loadavg()[0]] };
for (const e of entries) {
  const cpu = median(e.cpu);
  out[e.label] = {
    cpu: Number(cpu.toFixed(3)),
    wall: Number(median(e.wall).toFixed(3)),
    tfjsOver: Number((tfjsCpu / cpu).toFixed(3)),
    overFirst: Number((cpu / firstCpu).toFixed(3)),
  };
}
console.log(JSON.stringify(out));
