/**
 * Probe: the first run after load() against the steady state, on this
 * engine, for one saved module (bench/probes/engine-save.ts). One process per
 * sample: the first run happens once per process. `sleep=N` waits N ms after
 * load() before the first run (how much waiting for V8's optimized code
 * would win). Prints one JSON line.
 *
 *   <node> first-run.mjs /tmp/eng/mod/W5.wasm [sleep=0]
 */
import { readFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { basename } from 'node:path';
import { load } from '../../src/runtime/index.js';
import { prepareModel } from '../competitors/tensorwasm-prepare.js';
import { makeWorkloads } from '../workloads.js';

const file = process.argv[2] ?? '';
const sleep = Number((process.argv[3] ?? 'sleep=0').split('=')[1]);
const id = basename(file, '.wasm').replace(/-N-/, ' N=');
const workload = makeWorkloads(false).find((w) => w.id === id);
if (workload === undefined) throw new Error(`no workload ${id}`);
const data = workload.makeData();
const bytes = readFileSync(file);
const load1 = loadavg()[0];
const t0 = performance.now();
const model = await load(bytes);
const loadMs = performance.now() - t0;
// params set before the sleep: setParams marks the packed copy stale, and the first run re-packs
const prepared = prepareModel(model, data);
if (sleep > 0) await new Promise((r) => setTimeout(r, sleep));
const t1 = performance.now();
void prepared.run();
const firstMs = performance.now() - t1;
const times: number[] = [];
for (let i = 0; i < 25; i++) {
  const t = performance.now();
  void prepared.run();
  times.push(performance.now() - t);
}
times.sort((a, b) => a - b);
const steady = times[12] ?? NaN;
console.log(
  JSON.stringify({
    node: process.versions.node,
    w: id,
    sleep,
    load: load1,
    loadMs: Number(loadMs.toFixed(2)),
    firstMs: Number(firstMs.toFixed(3)),
    steadyMs: Number(steady.toFixed(3)),
    ratio: Number((firstMs / steady).toFixed(2)),
  }),
);
