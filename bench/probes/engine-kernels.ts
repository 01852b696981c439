/**
 * Probe: per-kernel times of one workload (default W5) on this engine, so
 * fresh processes of two Node versions can be compared kernel by kernel.
 * Compiles the workload in this process (relaxedSimd 'auto', or false with
 * `baseline`), then alternates rounds of whole runs and of each kernel's
 * exported function called on its own over its whole range (in schedule
 * order, as model.profile() does), timed in wall time and in the process's
 * CPU time (preemption by the other agents on this machine does not count), and prints one JSON line: the engine, the
 * load average, the whole run's median and each kernel's medians.
 *
 *   npx esbuild bench/probes/engine-kernels.ts --bundle --platform=node --format=esm --packages=external \
 *     --outfile=.scratch/engine-kernels.mjs      (inside the checkout: node_modules resolves)
 *   <node> .scratch/engine-kernels.mjs [W5] [auto|baseline] [rounds]
 */
import { loadavg } from 'node:os';
import { compile } from '../../src/index.js';
import { buildGraph } from '../competitors/tensorwasm.js';
import { prepareModel } from '../competitors/tensorwasm-prepare.js';
import { makeWorkloads, selectWorkloads } from '../workloads.js';
import { median, processCpuMs as cpuMs } from './probe-stats.js';

const id = process.argv[2] ?? 'W5';
const baseline = process.argv[3] === 'baseline';
const rounds = Number(process.argv[4] ?? 15);
const load1 = loadavg()[0];
const workload = selectWorkloads(makeWorkloads(false), [id])[0];
if (workload === undefined) throw new Error(`engine-kernels: no workload ${id}`);
const model = await compile(buildGraph(workload.spec), baseline ? { relaxedSimd: false } : {});
const data = workload.makeData();
const prepared = prepareModel(model, data);
// profile()'s own loop, with CPU time besides wall time: the kernels' exported functions
const exports = (model as unknown as { instanceExports(c: string): Record<string, unknown> }).instanceExports(
  'probe',
);
const calls = model.kernels.map((k) => {
  const fn = exports[k.name] as (start: number, end: number) => void;
  return { name: k.name, call: () => fn(0, k.units) };
});
for (let i = 0; i < 20; i++) void prepared.run();
const whole: number[] = [];
const wholeCpu: number[] = [];
const wall = calls.map(() => [] as number[]);
const cpu = calls.map(() => [] as number[]);
for (let r = 0; r < rounds; r++) {
  const times: number[] = [];
  const cpuTimes: number[] = [];
  for (let i = 0; i < 5; i++) {
    const c = cpuMs();
    const t = performance.now();
    void prepared.run();
    times.push(performance.now() - t);
    cpuTimes.push(cpuMs() - c);
  }
  whole.push(median(times));
  wholeCpu.push(median(cpuTimes));
  const w = calls.map(() => [] as number[]);
  const u = calls.map(() => [] as number[]);
  for (let i = 0; i < 5; i++) {
    calls.forEach((k, j) => {
      const c = cpuMs();
      const t = performance.now();
      k.call();
      w[j]?.push(performance.now() - t);
      u[j]?.push(cpuMs() - c);
    });
  }
  calls.forEach((_, j) => {
    wall[j]?.push(median(w[j] ?? []));
    cpu[j]?.push(median(u[j] ?? []));
  });
}
const round3 = (x: number): number => Number(x.toFixed(3));
const kernels = model.kernels.map((k, j) => ({
  name: k.name,
  kind: k.kind,
  units: k.units,
  ms: round3(median(wall[j] ?? [])),
  cpu: round3(median(cpu[j] ?? [])),
  cpuMin: round3(Math.min(...(cpu[j] ?? []))),
}));
console.log(
  JSON.stringify({
    node: process.versions.node,
    relaxed: model.features.includes('relaxed-simd'),
    load: [load1, loadavg()[0]],
    ms: round3(median(whole)),
    cpu: round3(median(wholeCpu)),
    cpuMin: round3(Math.min(...wholeCpu)),
    kernels,
  }),
);
model.dispose();
