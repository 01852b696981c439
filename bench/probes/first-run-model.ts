/**
 * Probe: the first run of a whole model (bench/models) right after compile()
 * or after load() of its saved module, against its steady state, on this
 * engine. One process per sample (the first run happens once per process).
 * Prints one JSON line with the load average.
 *
 *   <node> scripts/run-ts.mjs bench/probes/first-run-model.ts resnet [compile|load]
 */
import { existsSync, readFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { compile, fromOnnx } from '../../src/index.js';
import { load, type Model } from '../../src/runtime/index.js';
import { buildTinyGraph } from '../competitors/tensorwasm.js';
import { makeModelWorkloads } from '../models/model-workloads.js';

const id = process.argv[2] ?? 'resnet';
const mode = process.argv[3] === 'load' ? 'load' : 'compile';
const workload = makeModelWorkloads([id])[0];
if (workload === undefined) throw new Error(`no model ${id}`);
const load1 = loadavg()[0];
// load mode reuses the module cold-start.ts saved, when there is one (no compile in this process)
const cached = `/tmp/tensorwasm-cold-${workload.id.replace(/\W/g, '')}.wasm`;
let compileMs = NaN;
let loadMs = NaN;
let model: Model;
if (mode === 'load' && existsSync(cached)) {
  const bytes = readFileSync(cached);
  const start = performance.now();
  model = await load(bytes);
  loadMs = performance.now() - start;
} else {
  (await compile(buildTinyGraph())).dispose();
  const graph = await fromOnnx(workload.bytes());
  let start = performance.now();
  const compiled = await compile(graph);
  compileMs = performance.now() - start;
  model = compiled;
  if (mode === 'load') {
    const bytes = compiled.save();
    compiled.dispose();
    start = performance.now();
    model = await load(bytes);
    loadMs = performance.now() - start;
  }
}
const input = workload.makeData().inputs[0];
if (input !== undefined) model.view(model.inputs[0]?.name ?? '').set(input.data);
const firstStart = performance.now();
model.execute();
const firstMs = performance.now() - firstStart;
const times: number[] = [];
for (let i = 0; i < 9; i++) {
  const t = performance.now();
  model.execute();
  times.push(performance.now() - t);
}
times.sort((a, b) => a - b);
const steadyMs = times[4] ?? NaN;
console.log(
  JSON.stringify({
    node: process.versions.node,
    model: workload.id,
    mode,
    load: [load1, loadavg()[0]].map((x) => Number((x ?? NaN).toFixed(2))),
    compileMs: Math.round(compileMs),
    loadMs: Number(loadMs.toFixed(1)),
    firstMs: Number(firstMs.toFixed(1)),
    steadyMs: Number(steadyMs.toFixed(1)),
    ratio: Number((firstMs / steadyMs).toFixed(2)),
  }),
);
