/**
 * One fresh-process start-up measurement (cold-start.ts spawns it): either
 * tensorwasm (`load()` of a saved .wasm through the runtime entry, never the
 * compiler) or ORT-web (`InferenceSession.create` from ONNX bytes), then the
 * first run and a few more, printed as one JSON line (a ColdChildResult).
 * Files are read before any clock starts; the first run's output is written
 * to the job's output file for the parent's agreement check.
 *
 *   <node> cold-start-child.mjs <job.json>
 */
// the first line: what the parent counts as process start ends here
const firstLineAt = performance.timeOrigin + performance.now();

import { readFileSync, writeFileSync } from 'node:fs';
import { load } from '../../src/runtime/index.js';
import type { ColdChildResult, ColdJob } from './cold-start-types.js';
import { watchWasmMemories } from './watch-wasm-memories.js';

const jobPath = process.argv[2];
if (jobPath === undefined) throw new Error('usage: cold-start-child.mjs <job.json>');
const job = JSON.parse(readFileSync(jobPath, 'utf8')) as ColdJob;
const modelBytes = readFileSync(job.model);
const inputBytes = readFileSync(job.input);
const input = new Float32Array(inputBytes.buffer, inputBytes.byteOffset, inputBytes.byteLength / 4);

/** Runs `run` until at least `minRuns` and `budgetMs` have passed (at most `maxRuns`): ms per run. */
async function steadyRuns(run: () => unknown): Promise<number[]> {
  const times: number[] = [];
  const start = performance.now();
  while (
    times.length < job.steady.maxRuns &&
    (times.length < job.steady.minRuns || performance.now() - start < job.steady.budgetMs)
  ) {
    const t = performance.now();
    await run();
    times.push(performance.now() - t);
  }
  return times;
}

/** tensorwasm: load() the saved module, write the input through its view, execute(). */
async function runTensorwasm(): Promise<Omit<ColdChildResult, 'firstLineAt' | 'node'>> {
  let t = performance.now();
  const model = await load(modelBytes);
  const loadMs = performance.now() - t;
  t = performance.now();
  model.view(model.inputs[0]?.name ?? '').set(input);
  model.execute();
  const firstRunMs = performance.now() - t;
  writeFileSync(job.output, Float32Array.from(model.view(model.outputs[0]?.name ?? '') as Float32Array));
  const steadyMs = await steadyRuns(() => model.execute());
  return { loadMs, firstRunMs, steadyMs, memoryBytes: model.plan.memoryBytes };
}

/**
 * ORT-web as the models bench runs it (WASM EP, 1 thread, optimization 'all').
 * Its runtime (the package and its Wasm binary) loads with the first session:
 * a one-node model's session first, timed apart as runtimeInitMs.
 */
async function runOrt(): Promise<Omit<ColdChildResult, 'firstLineAt' | 'node'>> {
  if (job.ortInitModel === undefined) throw new Error('ort job without ortInitModel');
  const initBytes = readFileSync(job.ortInitModel);
  // ORT exposes no heap size; its Emscripten module's memory is caught at instantiation
  const watched = watchWasmMemories();
  let t = performance.now();
  const ort = await import('onnxruntime-web');
  ort.env.wasm.numThreads = 1;
  ort.env.wasm.proxy = false;
  ort.env.logLevel = 'error';
  await (await ort.InferenceSession.create(initBytes, { executionProviders: ['wasm'] })).release();
  const runtimeInitMs = performance.now() - t;
  t = performance.now();
  const session = await ort.InferenceSession.create(modelBytes, {
    executionProviders: ['wasm'],
    graphOptimizationLevel: 'all',
  });
  const loadMs = performance.now() - t;
  t = performance.now();
  const feeds = { [session.inputNames[0] ?? '']: new ort.Tensor('float32', input, [...job.inputShape]) };
  const first = await session.run(feeds);
  const firstRunMs = performance.now() - t;
  const y = first[session.outputNames[0] ?? ''];
  if (y === undefined) throw new Error('ort: no output');
  writeFileSync(job.output, Float32Array.from(y.data as Float32Array));
  const steadyMs = await steadyRuns(() => session.run(feeds));
  watched.restore();
  // in a fresh process the heap's high-water mark is this model's (and the one-node init session's)
  const heaps = watched.memories.map((m) => m.buffer.byteLength);
  return {
    runtimeInitMs,
    loadMs,
    firstRunMs,
    steadyMs,
    ...(heaps.length > 0 ? { memoryBytes: Math.max(...heaps) } : {}),
  };
}

const timings = job.engine === 'tensorwasm' ? await runTensorwasm() : await runOrt();
const result: ColdChildResult = { firstLineAt, node: process.versions.node, ...timings };
console.log(JSON.stringify(result));
// ORT's Emscripten runtime keeps handles open: end the process once the line is out
process.exit(0);
