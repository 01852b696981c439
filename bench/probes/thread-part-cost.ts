/**
 * Probe: what a 2-thread split repeats, kernel by kernel, on one thread —
 * each split kernel of a model called whole, then as thread 0's part and as
 * thread 1's part (threadUnits), each call timed alone and the order
 * rotated per round: (part 0 + part 1) / whole is the work the split adds
 * (packing B again in a row split, a column split's per-call tables and
 * loops), max(part) / whole the static share of the slower thread (0.5
 * ideal). Run it from two trees to compare their splits.
 *
 *   node scripts/run-ts.mjs bench/probes/thread-part-cost.ts [resnet] [rounds=15] [filter]
 */
import { loadavg } from 'node:os';
import { threadUnits } from '../../src/passes/thread-split.js';
import { threadedModel } from './threaded-model.js';

const id = process.argv[2] ?? 'resnet';
const rounds = Number(process.argv[3] ?? 15);
const filter = new RegExp(process.argv[4] ?? '.');
const { model, exports } = await threadedModel(id);
const median = (xs: readonly number[]): number => [...xs].sort((a, b) => a - b)[xs.length >> 1] ?? NaN;
const kernels = model.kernels.filter((k) => k.split && k.units >= 2 && filter.test(k.name));
const times = kernels.map(() => [[], [], []] as number[][]);
const loads = [loadavg()[0]!];
for (let r = 0; r < rounds; r++) {
  kernels.forEach((k, i) => {
    const f = exports[k.name] as (s: number, e: number) => void;
    const calls: [number, number][] = [
      [0, k.units],
      [...threadUnits(k.units, 0, 2)],
      [...threadUnits(k.units, 1, 2)],
    ];
    for (let j = 0; j < 3; j++) {
      const c = (j + r) % 3;
      const t = performance.now();
      f(calls[c]![0], calls[c]![1]);
      times[i]![c]!.push(performance.now() - t);
    }
  });
}
loads.push(loadavg()[0]!);
console.log(`${id}: ${rounds} rounds, load ${loads.map((l) => l.toFixed(2)).join('-')}`);
console.log('kernel, units, whole ms, part 0, part 1, (sum of parts) / whole, slower part / whole');
let sums = [0, 0, 0];
kernels.forEach((k, i) => {
  const [a, p, q] = times[i]!.map(median) as [number, number, number];
  sums = [sums[0]! + a, sums[1]! + p + q, sums[2]! + Math.max(p, q)];
  console.log(
    `  ${k.name.padEnd(28)} units ${String(k.units).padStart(4)} ${a.toFixed(3)} ${p.toFixed(3)} ${q.toFixed(3)} ` +
      `${((p + q) / a).toFixed(3)} ${(Math.max(p, q) / a).toFixed(3)}`,
  );
});
console.log(
  `sum: whole ${sums[0]!.toFixed(1)} ms, parts ${sums[1]!.toFixed(1)} (${(sums[1]! / sums[0]!).toFixed(3)}), ` +
    `slower parts ${sums[2]!.toFixed(1)} (${(sums[2]! / sums[0]!).toFixed(3)})`,
);
model.dispose();
