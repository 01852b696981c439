/**
 * Probe helper: compiles a whole model (bench/models: `resnet` by default)
 * for 2 threads with this tree's compiler and saves it, so that builds of
 * two trees (a `git archive` of main with node_modules linked, and this one)
 * can be timed against each other in one process by thread-model-ab.ts.
 *
 *   node scripts/run-ts.mjs bench/probes/thread-model-save.ts /tmp/ab/new.twm [resnet] [threads=2]
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { compile, fromOnnx } from '../../src/index.js';
import { makeModelWorkloads } from '../models/model-workloads.js';

const file = process.argv[2] ?? '/tmp/tensorwasm-thread-ab/model.twm';
const id = process.argv[3] ?? 'resnet';
const threads = Number(process.argv[4] ?? 2);
const [w] = makeModelWorkloads([id]);
if (w === undefined) throw new Error(`no model ${id}`);
const graph = await fromOnnx(w.bytes(), { shapes: { [w.input]: [...w.inputShape] } });
const model = await compile(graph, { threads });
mkdirSync(dirname(file), { recursive: true });
writeFileSync(file, model.save());
console.log(
  `saved ${w.id} (${threads} threads, ${model.kernels.filter((k) => k.split).length} split kernels) to ${file}`,
);
model.dispose();
