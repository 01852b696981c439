/**
 * Probe helper: compiles workloads (default W2, W3, W5 and W4 as a control)
 * with relaxedSimd: true (`baseline` as the third argument: false) and saves
 * each module to a folder, so every engine then loads the very same bytes
 * (bench/probes/engine-steady.ts).
 *
 *   node scripts/run-ts.mjs bench/probes/engine-save.ts /tmp/eng [W2,W3,W5] [baseline]
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { compile } from '../../src/index.js';
import { buildGraph } from '../competitors/tensorwasm.js';
import { moduleFileName } from '../competitors/tensorwasm-runtime.js';
import { makeWorkloads, selectWorkloads } from '../workloads.js';

const dir = process.argv[2] ?? '/tmp/tensorwasm-engine-probe';
const only = (process.argv[3] ?? 'W2,W3,W4,W5').split(',');
const relaxedSimd = process.argv[4] !== 'baseline';
mkdirSync(dir, { recursive: true });
for (const workload of selectWorkloads(makeWorkloads(true), only)) {
  const model = await compile(buildGraph(workload.spec), { relaxedSimd });
  writeFileSync(join(dir, moduleFileName(workload)), model.save());
  model.dispose();
  console.log(`saved ${workload.id}`);
}
