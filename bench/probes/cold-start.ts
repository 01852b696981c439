/**
 * Probe: a whole model's cold start in a fresh process, as a page that runs
 * it once sees it: tensorwasm `load()` of the saved module + the first run,
 * against ORT-web's `InferenceSession.create` + its first run (ORT's runtime
 * itself loaded beforehand, untimed, as the models bench counts it as
 * start-up). The first call with `tw` compiles and caches the module in /tmp
 * and exits; run it again to measure. Prints one JSON line with the load.
 * The models bench's fresh-process table (bench/models/cold-start.ts) measures
 * every model this way, several processes each; this probe is the one-off.
 *
 *   <node> scripts/run-ts.mjs bench/probes/cold-start.ts resnet tw|ort
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { compile, fromOnnx } from '../../src/index.js';
import { load } from '../../src/runtime/index.js';
import { makeModelWorkloads } from '../models/model-workloads.js';

const id = process.argv[2] ?? 'resnet';
const engine = process.argv[3] === 'ort' ? 'ort' : 'tw';
const workload = makeModelWorkloads([id])[0];
if (workload === undefined) throw new Error(`no model ${id}`);
const input = workload.makeData().inputs[0];
if (input === undefined) throw new Error('no input');
const file = `/tmp/tensorwasm-cold-${workload.id.replace(/\W/g, '')}.wasm`;
const load1 = loadavg()[0] ?? NaN;
let setupMs = NaN;
let firstMs = NaN;
if (engine === 'tw') {
  if (!existsSync(file)) {
    writeFileSync(file, (await compile(await fromOnnx(workload.bytes()))).save());
    console.log(JSON.stringify({ prepared: file }));
    process.exit(0);
  }
  const bytes = readFileSync(file);
  const start = performance.now();
  const model = await load(bytes);
  setupMs = performance.now() - start;
  model.view(model.inputs[0]?.name ?? '').set(input.data);
  const t = performance.now();
  model.execute();
  firstMs = performance.now() - t;
} else {
  const ort = await import('onnxruntime-web');
  ort.env.wasm.numThreads = 1;
  ort.env.wasm.proxy = false;
  ort.env.logLevel = 'error';
  const { buildAudioModel } = await import('../models/audio-model.js');
  await (await ort.InferenceSession.create(buildAudioModel(), { executionProviders: ['wasm'] })).release();
  const bytes = workload.bytes();
  const start = performance.now();
  const session = await ort.InferenceSession.create(bytes, {
    executionProviders: ['wasm'],
    graphOptimizationLevel: 'all',
  });
  setupMs = performance.now() - start;
  const feeds = { [input.name]: new ort.Tensor('float32', input.data, [...input.shape]) };
  const t = performance.now();
  await session.run(feeds);
  firstMs = performance.now() - t;
}
console.log(
  JSON.stringify({
    node: process.versions.node,
    model: workload.id,
    engine,
    load: [load1, loadavg()[0] ?? NaN].map((x) => Number(x.toFixed(2))),
    setupMs: Math.round(setupMs),
    firstMs: Math.round(firstMs),
    totalMs: Math.round(setupMs + firstMs),
  }),
);
process.exit(0);
