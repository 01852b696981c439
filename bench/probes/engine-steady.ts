/**
 * Probe: loads saved modules (bench/probes/engine-save.ts) with the runtime
 * alone and times them on this engine, the workloads interleaved round by
 * round so a burst of machine load hits all of them alike. Prints one JSON
 * line: the engine, the load average and per workload the median run time
 * (ms) and the first run after load() over the steady median, in wall time
 * and in the main thread's CPU time (which preemption does not inflate).
 *
 *   <node> dist-probe/engine-steady.mjs /tmp/eng [W2,W3,W5] [rounds]
 */
import { readFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { load } from '../../src/runtime/index.js';
import { moduleFileName } from '../competitors/tensorwasm-runtime.js';
import { prepareModel } from '../competitors/tensorwasm-prepare.js';
import { makeWorkloads, selectWorkloads } from '../workloads.js';

const dir = process.argv[2] ?? '/tmp/tensorwasm-engine-probe';
const only = (process.argv[3] ?? 'W2,W3,W4,W5').split(',');
const rounds = Number(process.argv[4] ?? 15);
const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s[s.length >> 1] ?? NaN;
};

/** This thread's CPU time in ms (NaN where /proc is missing). */
function cpuMs(): number {
  try {
    return Number(readFileSync('/proc/thread-self/schedstat', 'utf8').split(' ')[0]) / 1e6;
  } catch {
    return NaN;
  }
}

const load1 = loadavg()[0];
const entries = [];
for (const workload of selectWorkloads(makeWorkloads(true), only)) {
  const bytes = readFileSync(join(dir, moduleFileName(workload)));
  const t0 = performance.now();
  const model = await load(bytes);
  const loadMs = performance.now() - t0;
  const prepared = prepareModel(model, workload.makeData());
  const c1 = cpuMs();
  const t1 = performance.now();
  void prepared.run();
  const firstMs = performance.now() - t1;
  const firstCpuMs = cpuMs() - c1;
  entries.push({
    workload,
    model,
    prepared,
    loadMs,
    firstMs,
    firstCpuMs,
    samples: [] as number[],
    cpu: [] as number[],
  });
}
for (const e of entries) for (let i = 0; i < 5; i++) void e.prepared.run();
for (let r = 0; r < rounds; r++) {
  for (const e of entries) {
    const times: number[] = [];
    const cpu: number[] = [];
    for (let i = 0; i < 5; i++) {
      const c = cpuMs();
      const t = performance.now();
      void e.prepared.run();
      times.push(performance.now() - t);
      cpu.push(cpuMs() - c);
    }
    e.samples.push(median(times));
    e.cpu.push(median(cpu));
  }
}
const result: Record<string, unknown> = {
  node: process.versions.node,
  v8: process.versions.v8,
  relaxed: entries[0]?.model.features.includes('relaxed-simd'),
  load: [load1, loadavg()[0]],
};
for (const e of entries) {
  const steady = median(e.samples);
  result[e.workload.id] = {
    ms: Number(steady.toFixed(3)),
    min: Number(Math.min(...e.samples).toFixed(3)),
    rounds: e.samples.map((x) => Number(x.toFixed(2))),
    first: Number((e.firstMs / steady).toFixed(2)),
    // the main thread's CPU time (/proc/thread-self/schedstat; preemption does not count), Linux only
    firstCpu: Number((e.firstCpuMs / median(e.cpu)).toFixed(2)),
    loadMs: Number(e.loadMs.toFixed(1)),
  };
}
console.log(JSON.stringify(result));
