/**
 * Probe: whole-model A/B of saved threaded builds (thread-model-save.ts) in
 * one process: the first file on 1 thread, then every file on 2 threads,
 * interleaved run by run in every order (ab-rounds.ts). Prints each
 * variant's median, quartile and best run (ms), its speed-up over 1 thread,
 * the CPU seconds the process got per wall second while it ran (about 2 when
 * both threads had a core the whole run: they spin at barriers; far below 2
 * the figure measured the scheduler), the load, and whether every output
 * equals the 1-thread output bit for bit; later 2-thread variants also as the
 * median ratio of each run to the first 2-thread variant's run of the same
 * round. thread-model-ab-chromium.ts does the same in headless Chromium.
 *
 * With `ones` after the rounds, every later file also runs on 1 thread (a
 * change to the kernels' code may move the 1-thread time too), paired with
 * the first file's 1-thread run of the same round.
 *
 *   node scripts/run-ts.mjs bench/probes/thread-model-ab.ts /tmp/ab/old.twm,/tmp/ab/new.twm [resnet] [rounds=30] [ones]
 */
import { readFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { basename } from 'node:path';
import { load } from '../../src/runtime/index.js';
import { abReport, abVariants, runAbRounds } from './ab-rounds.js';
import { probeSubject } from './probe-subject.js';
import { processCpuMs } from './probe-stats.js';

const files = (process.argv[2] ?? '').split(',').filter((f) => f !== '');
const id = process.argv[3] ?? 'resnet';
const rounds = Number(process.argv[4] ?? 30);
const ones = process.argv[5] === 'ones';
if (files.length === 0) throw new Error('usage: thread-model-ab.ts a.twm,b.twm [model|W1|…] [rounds]');
const subject = probeSubject(id);
const label = subject.label;
const data = subject.data();
const prepare = subject.prepare;

const variants = await abVariants(
  files.map((f) => basename(f)),
  async (i, threads) => prepare(await load(readFileSync(files[i]!), { threads }), data),
  ones,
);

const loads = [loadavg()[0]!];
const result = runAbRounds(variants, rounds, processCpuMs, (r) => {
  if (r % 10 === 9) loads.push(loadavg()[0]!);
});
loads.push(loadavg()[0]!);
console.log(
  `${label}, ${rounds} rounds, load ${Math.min(...loads).toFixed(2)}-${Math.max(...loads).toFixed(2)}`,
);
for (const line of abReport(variants, result)) console.log(line);
for (const v of variants) v.dispose();
