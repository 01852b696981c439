/**
 * Probe: whole-model A/B of saved threaded builds (thread-model-save.ts) in
 * one process: the first file on 1 thread, then every file on 2 threads,
 * interleaved run by run, each round in the next of every order of the
 * variants, so a burst of machine load hits all alike and each variant
 * follows each other one equally often (a rotation ran the second 2-thread
 * variant right after the first in two rounds of three, the first right
 * after the 1-thread run, whose workers had gone to sleep: the second read
 * 0.5-3% fast, session 15). Prints each variant's median, quartile and best run (ms), its
 * speed-up over 1 thread, the CPU seconds the process got per wall second
 * while it ran (about 2 when both threads had a core the whole run: they spin
 * at barriers; far below 2 the figure measured the scheduler), the load, and
 * whether every output equals the 1-thread output bit for bit; later 2-thread
 * variants also as the median ratio of each run to the first 2-thread
 * variant's run of the same round.
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
import { prepareImportedModel, prepareModel } from '../competitors/tensorwasm-prepare.js';
import { makeModelWorkloads } from '../models/model-workloads.js';
import { makeWorkloads, selectWorkloads } from '../workloads.js';

const files = (process.argv[2] ?? '').split(',').filter((f) => f !== '');
const id = process.argv[3] ?? 'resnet';
const rounds = Number(process.argv[4] ?? 30);
const ones = process.argv[5] === 'ones';
if (files.length === 0) throw new Error('usage: thread-model-ab.ts a.twm,b.twm [model|W1|…] [rounds]');
const workload = /^W\d/.test(id) ? selectWorkloads(makeWorkloads(false), [id]).at(-1) : undefined;
const [w] = workload === undefined ? makeModelWorkloads([id]) : [];
if (w === undefined && workload === undefined) throw new Error(`no model or workload ${id}`);
const label = workload?.id ?? w!.id;
const data = (workload ?? w!).makeData();
// a workload's graph names its tensors; an imported model's first input and output are its own
const prepare = workload !== undefined ? prepareModel : prepareImportedModel;

interface Variant {
  readonly label: string;
  readonly run: () => void;
  readonly output: () => Float32Array;
  readonly dispose: () => void;
  readonly threads: number;
  readonly ms: number[];
  readonly cpu: number[];
}
const variants: Variant[] = [];
const add = async (label: string, file: string, threads: number): Promise<void> => {
  const p = prepare(await load(readFileSync(file), { threads }), data);
  variants.push({
    label,
    run: () => void p.run(),
    output: () => p.output(),
    dispose: () => p.dispose(),
    threads,
    ms: [],
    cpu: [],
  });
};
await add(`1 thread (${basename(files[0]!)})`, files[0]!, 1);
for (const f of files) await add(`2 threads ${basename(f)}`, f, 2);
if (ones) for (const f of files.slice(1)) await add(`1 thread ${basename(f)}`, f, 1);

const quantile = (xs: readonly number[], q: number): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor(s.length * q))] ?? NaN;
};
for (const v of variants) for (let i = 0; i < 3; i++) v.run();
const reference = variants[0]!.output();
const same = variants.map((v) => {
  const o = v.output();
  return o.length === reference.length && o.every((x, i) => Object.is(x, reference[i]));
});
/** Every order of 0..n-1: each variant runs right after each other one equally often over a cycle. */
function orders(n: number): number[][] {
  if (n <= 1) return [[...Array(n).keys()]];
  return orders(n - 1).flatMap((rest) =>
    Array.from({ length: n }, (_, at) => [...rest.slice(0, at), n - 1, ...rest.slice(at)]),
  );
}
const cycle = orders(variants.length);
const loads = [loadavg()[0]!];
for (let r = 0; r < rounds; r++) {
  for (const k of cycle[r % cycle.length]!) {
    const v = variants[k]!;
    const c = process.cpuUsage();
    const t = performance.now();
    v.run();
    const ms = performance.now() - t;
    const used = process.cpuUsage(c);
    v.ms.push(ms);
    v.cpu.push((used.user + used.system) / 1000 / ms);
  }
  if (r % 10 === 9) loads.push(loadavg()[0]!);
}
loads.push(loadavg()[0]!);
// rounds where every 2-thread run had both threads on a core most of the time (CPU/wall >= 1.8) and
// the 1-thread run had its core (>= 0.95): the others measured the machine's other work
const clean = variants[0]!.ms
  .map((_, r) => r)
  .filter((r) => variants.every((v) => v.cpu[r]! >= (v.threads === 1 ? 0.95 : 1.8)));
const one = quantile(variants[0]!.ms, 0.5);
// each run against the first variant's run of the same round (adjacent in time) on as many threads
const base = (v: Variant): Variant => variants[v.threads === 1 ? 0 : 1]!;
const paired = (v: Variant): number =>
  quantile(
    v.ms.map((ms, r) => ms / base(v).ms[r]!),
    0.5,
  );
console.log(
  `${label}, ${rounds} rounds, load ${Math.min(...loads).toFixed(2)}-${Math.max(...loads).toFixed(2)}`,
);
const cleanOne = quantile(
  clean.map((r) => variants[0]!.ms[r]!),
  0.5,
);
console.log(`  clean rounds (every run had its cores): ${clean.length} of ${rounds}`);
variants.forEach((v, i) => {
  if (clean.length === 0) return;
  const ms = clean.map((r) => v.ms[r]!);
  const pairedClean = quantile(
    clean.map((r) => v.ms[r]! / base(v).ms[r]!),
    0.5,
  );
  console.log(
    `    clean ${v.label.padEnd(28)} median ${quantile(ms, 0.5).toFixed(1)} ms ` +
      `${(cleanOne / quantile(ms, 0.5)).toFixed(2)}x` +
      (i > 1 ? `; paired ${pairedClean.toFixed(3)}` : ''),
  );
});
variants.forEach((v, i) => {
  const med = quantile(v.ms, 0.5);
  console.log(
    `  ${v.label.padEnd(28)} median ${med.toFixed(1)} ms (p25 ${quantile(v.ms, 0.25).toFixed(1)}, best ${quantile(v.ms, 0).toFixed(1)}) ` +
      `${(one / med).toFixed(2)}x; CPU/wall median ${quantile(v.cpu, 0.5).toFixed(2)} (p25 ${quantile(v.cpu, 0.25).toFixed(2)}); ` +
      `${i > 1 ? `paired ${paired(v).toFixed(3)} of ${base(v).label}; ` : ''}bits ${same[i] ? 'equal' : 'DIFFER'}`,
  );
});
for (const v of variants) v.dispose();
