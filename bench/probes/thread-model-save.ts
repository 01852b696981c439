/**
 * Probe helper: compiles a whole model (bench/models: `resnet` by default)
 * or a workload (`W1`, `W5`, …: bench/workloads.ts, the largest of its
 * sizes) for 2 threads with this tree's compiler and saves it, so that
 * builds of two trees (a `git archive` of main with node_modules linked, and
 * this one) can be timed against each other in one process by
 * thread-model-ab.ts. With `relaxed` it also builds the relaxed-SIMD variant
 * (the Chromium bench's compile options; thread-model-ab-chromium.ts).
 *
 *   node scripts/run-ts.mjs bench/probes/thread-model-save.ts /tmp/ab/new.twm [resnet|W1|…] [threads=2] [relaxed]
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { compile } from '../../src/index.js';
import { probeSubject } from './probe-subject.js';

const file = process.argv[2] ?? '/tmp/tensorwasm-thread-ab/model.twm';
const id = process.argv[3] ?? 'resnet';
const threads = Number(process.argv[4] ?? 2);
const relaxedSimd = process.argv[5] === 'relaxed';
const subject = probeSubject(id);
const graph = await subject.graph();
const model = await compile(graph, { threads, relaxedSimd });
mkdirSync(dirname(file), { recursive: true });
writeFileSync(file, model.save());
const split = model.kernels.filter((k) => k.split).length;
const claimed = model.kernels.filter((k) => k.claimed === true).length;
console.log(
  `saved ${subject.label} (${threads} threads, ${split} split kernels, ${claimed} claimed) to ${file}`,
);
model.dispose();
