/**
 * Times one model's import and compile by stage, for compile-speed work:
 * `node scripts/run-ts.mjs bench/models/compile-one.ts resnet [vgg ...] [deep]`
 * prints fromOnnx time, compile()'s per-stage milliseconds (model.stats), the
 * code section and kernel count. Binaryen is loaded first, so no time includes it.
 */
import { loadavg } from 'node:os';
import { compile, fromOnnx } from '../../src/index.js';
import { buildTinyGraph } from '../competitors/tensorwasm.js';
import { buildDeepModel } from './deep-model.js';
import { makeModelWorkloads } from './model-workloads.js';
import { wasmSectionBytes } from './wasm-sections.js';
import { formatBytes } from '../report.js';

const only = process.argv.slice(2);
(await compile(buildTinyGraph())).dispose();
const load = (): string =>
  loadavg()
    .map((v) => v.toFixed(2))
    .join(' ');
// 'deep': the 1,000-node encoder of deep-model.ts (not in the models benchmark)
const deep = { id: 'Deep encoder', bytes: () => buildDeepModel().bytes, release: () => undefined };
const named = only.filter((name) => name !== 'deep');
const workloads = [
  ...(only.includes('deep') ? [deep] : []),
  ...(only.length > 0 && named.length === 0 ? [] : makeModelWorkloads(named.length > 0 ? named : undefined)),
];
for (const workload of workloads) {
  const bytes = workload.bytes();
  let start = performance.now();
  const graph = await fromOnnx(bytes);
  const importMs = performance.now() - start;
  start = performance.now();
  const model = await compile(graph);
  const compileMs = performance.now() - start;
  const sections = wasmSectionBytes(model.save());
  const stages = Object.entries(model.stats)
    .map(([k, v]) => `${k} ${v.toFixed(0)}`)
    .join(', ');
  console.log(
    `${workload.id}: import ${importMs.toFixed(0)} ms, compile ${compileMs.toFixed(0)} ms (${stages}); ` +
      `code ${formatBytes(sections.code)}, ${model.kernels.length} kernels; load ${load()}`,
  );
  model.dispose();
  workload.release();
}
