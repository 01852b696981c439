/**
 * Probe: which tier each kernel is in when load() returns, and the first run
 * against the steady state in wall time and in the main thread's CPU time
 * (Linux /proc/thread-self/schedstat: preemption excluded; updated at
 * scheduler ticks, so only runs of several ms read true). One process per
 * sample; needs V8's natives syntax for %IsTurboFanFunction:
 *
 *   <node> --allow-natives-syntax first-run-tiers.mjs /tmp/eng/mod/W5.wasm
 *
 * Prints one JSON line; `atLoad` / `afterFirst` spell each kernel's tier in
 * schedule order (T optimized, L Liftoff, - not compiled yet).
 */
import { readFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { basename } from 'node:path';
import { load } from '../../src/runtime/index.js';
import { prepareModel } from '../competitors/tensorwasm-prepare.js';
import { makeWorkloads } from '../workloads.js';

type Probe = (f: unknown) => boolean;
// eslint-disable-next-line @typescript-eslint/no-implied-eval -- natives syntax parses only in a Function body
const isTurbo = new Function('f', 'return %IsTurboFanFunction(f)') as Probe;
// eslint-disable-next-line @typescript-eslint/no-implied-eval -- as above
const isLiftoff = new Function('f', 'return %IsLiftoffFunction(f)') as Probe;
/** The main thread's time on a CPU, in ms. */
const cpuMs = (): number => Number(readFileSync('/proc/thread-self/schedstat', 'utf8').split(' ')[0]) / 1e6;

const file = process.argv[2] ?? '';
const id = basename(file, '.wasm').replace(/-N-/, ' N=');
const workload = makeWorkloads(false).find((w) => w.id === id);
if (workload === undefined) throw new Error(`no workload ${id}`);
const data = workload.makeData();
const load1 = loadavg()[0];
const t0 = performance.now();
const model = await load(readFileSync(file));
const loadMs = performance.now() - t0;
// the instance's exports are internal; the kernels are exported by name (k0_..., k1_...)
const exports = (model as unknown as { exports: Record<string, unknown> }).exports;
const kernels = Object.keys(exports).filter((k) => /^k\d+_/.test(k));
const tiers = (): string =>
  kernels.map((k) => (isTurbo(exports[k]) ? 'T' : isLiftoff(exports[k]) ? 'L' : '-')).join('');
const atLoad = tiers();
const prepared = prepareModel(model, data);
const c1 = cpuMs();
const t1 = performance.now();
void prepared.run();
const firstMs = performance.now() - t1;
const firstCpu = cpuMs() - c1;
const afterFirst = tiers();
const times: number[] = [];
let cpu = 0;
for (let i = 0; i < 15; i++) {
  const c = cpuMs();
  const t = performance.now();
  void prepared.run();
  times.push(performance.now() - t);
  cpu += cpuMs() - c;
}
times.sort((a, b) => a - b);
const steady = times[7] ?? NaN;
console.log(
  JSON.stringify({
    node: process.versions.node,
    w: id,
    load: load1,
    loadMs: Number(loadMs.toFixed(1)),
    atLoad,
    afterFirst,
    ratio: Number((firstMs / steady).toFixed(2)),
    firstMs: Number(firstMs.toFixed(2)),
    steadyMs: Number(steady.toFixed(2)),
    firstCpuMs: Number(firstCpu.toFixed(2)),
    steadyCpuMs: Number((cpu / 15).toFixed(2)),
  }),
);
