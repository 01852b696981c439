/**
 * Probe: what claiming costs each kernel of a model on one thread — its
 * whole range in one call against the same range as the pieces a claimed
 * run makes with 2 threads (claimPieces: each thread's fixed part, then the
 * chunks), one after the other on the calling thread, interleaved. A
 * matmul split by rows that packs B per run packs all of B again in every
 * piece; the ratio says what that adds to the kernel's work, which decides
 * MIN_CLAIM_ROWS (passes/thread-claims.ts).
 *
 *   node scripts/run-ts.mjs bench/probes/thread-claim-cost.ts [resnet] [rounds=21]
 */
import { loadavg } from 'node:os';
import { claimPieces } from '../../src/passes/thread-claims.js';
import { threadedModel } from './threaded-model.js';

const id = process.argv[2] ?? 'resnet';
const rounds = Number(process.argv[3] ?? 21);
const { model, exports } = await threadedModel(id);
const median = (xs: readonly number[]): number => [...xs].sort((a, b) => a - b)[xs.length >> 1] ?? NaN;
const kernels = model.kernels.filter((k) => k.split && k.units >= 2);
const whole: number[][] = kernels.map(() => []);
const pieces: number[][] = kernels.map(() => []);
const loads = [loadavg()[0]!];
for (let r = 0; r < rounds; r++) {
  kernels.forEach((k, i) => {
    const f = exports[k.name] as (s: number, e: number) => void;
    const a = (): void => {
      const t = performance.now();
      f(0, k.units);
      whole[i]!.push(performance.now() - t);
    };
    const b = (): void => {
      const t = performance.now();
      for (const [s, e] of claimPieces(k.units, 2)) f(s, e);
      pieces[i]!.push(performance.now() - t);
    };
    if (r % 2 === 0) {
      a();
      b();
    } else {
      b();
      a();
    }
  });
}
loads.push(loadavg()[0]!);
console.log(`${id}: ${rounds} rounds, load ${loads.map((l) => l.toFixed(2)).join('-')}`);
console.log('kernel, claimed, whole ms, pieces ms, pieces / whole');
let sumWhole = 0;
let sumPieces = 0;
kernels.forEach((k, i) => {
  const [a, b] = [median(whole[i]!), median(pieces[i]!)];
  sumWhole += a;
  sumPieces += b;
  console.log(
    `  ${k.name.padEnd(28)} ${k.claimed ? 'y' : 'n'} units ${String(k.units).padStart(4)} ` +
      `${a.toFixed(3)} ${b.toFixed(3)} ${(b / a).toFixed(3)}`,
  );
});
console.log(
  `sum: whole ${sumWhole.toFixed(1)} ms, pieces ${sumPieces.toFixed(1)} ms (${(sumPieces / sumWhole).toFixed(3)})`,
);
model.dispose();
