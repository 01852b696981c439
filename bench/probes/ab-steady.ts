/**
 * Probe: A/B of saved module sets (bench/probes/engine-save.ts) against
 * tfjs-wasm in one process, every entry interleaved round by round so a burst
 * of machine load hits all alike. Prints per workload each set's median and
 * fastest round (ms; a round is the fastest of 5 runs) and its ratio over
 * tfjs-wasm, with the load average.
 *
 *   <node> scripts/run-ts.mjs bench/probes/ab-steady.ts /tmp/a,/tmp/b [W3,W6] [rounds]
 */
import { readFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { load } from '../../src/runtime/index.js';
import type { Prepared } from '../competitors/competitor.js';
import { moduleFileName } from '../competitors/tensorwasm-runtime.js';
import { prepareModel } from '../competitors/tensorwasm-prepare.js';
import { makeTfjs } from '../competitors/tfjs.js';
import { makeWorkloads, selectWorkloads } from '../workloads.js';

const dirs = (process.argv[2] ?? '/tmp/tensorwasm-engine-probe').split(',');
const only = (process.argv[3] ?? 'W3,W6').split(',');
const rounds = Number(process.argv[4] ?? 20);
const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s[s.length >> 1] ?? NaN;
};

const load1 = loadavg()[0] ?? NaN;
const tfjs = makeTfjs();
await tfjs.init();
interface Entry {
  readonly label: string;
  readonly workload: string;
  readonly prepared: Prepared;
  readonly samples: number[];
}
const entries: Entry[] = [];
for (const workload of selectWorkloads(makeWorkloads(true), only)) {
  const data = workload.makeData();
  for (const dir of dirs) {
    const model = await load(readFileSync(join(dir, moduleFileName(workload))));
    entries.push({ label: dir, workload: workload.id, prepared: prepareModel(model, data), samples: [] });
  }
  entries.push({
    label: 'tfjs',
    workload: workload.id,
    prepared: await tfjs.setup(workload, data),
    samples: [],
  });
}
for (const e of entries) for (let i = 0; i < 5; i++) await e.prepared.run();
for (let r = 0; r < rounds; r++) {
  for (const e of entries) {
    let best = Infinity;
    for (let i = 0; i < 5; i++) {
      const t = performance.now();
      await e.prepared.run();
      best = Math.min(best, performance.now() - t);
    }
    e.samples.push(best);
  }
}
const lines = [
  `node ${process.versions.node} load ${load1.toFixed(2)} -> ${(loadavg()[0] ?? NaN).toFixed(2)}`,
];
for (const id of only) {
  const mine = entries.filter((e) => e.workload === id);
  const ref = mine.find((e) => e.label === 'tfjs');
  if (ref === undefined) continue;
  const refMed = median(ref.samples);
  const refMin = Math.min(...ref.samples);
  for (const e of mine) {
    const med = median(e.samples);
    const min = Math.min(...e.samples);
    lines.push(
      `${id} ${e.label.padEnd(22)} med ${med.toFixed(3)} min ${min.toFixed(3)}  x${(refMed / med).toFixed(2)} (min x${(refMin / min).toFixed(2)})`,
    );
  }
}
console.log(lines.join('\n'));
