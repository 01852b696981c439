/**
 * Probe: a model's 1- and 2-thread runs round by round, with the round trip
 * between our threads' cores (bench/core-latency.ts) read before and after
 * each round, the speed-ups bucketed by where the host had the vCPUs: near
 * (sharing a cache), apart, or a vCPU off its core. Session 16: ResNet-50
 * gained 1.79x over 65 rounds near and 1.85x over 55 apart, each round
 * anywhere from 1.0x to 2.6x — the placement does not drive the spread.
 *
 *   node scripts/run-ts.mjs bench/probes/thread-rounds.ts [resnet] [rounds=100]
 */
import { NEAR_ROUND_TRIP_NS, startCoreProbe } from '../core-latency.js';
import { median } from '../report.js';
import { oneAndTwoThreads } from './threaded-model.js';

const id = process.argv[2] ?? 'resnet';
const rounds = Number(process.argv[3] ?? 100);
const { label, one, two } = await oneAndTwoThreads(id);
const probe = await startCoreProbe();
const timed = (f: () => unknown): number => {
  const t = performance.now();
  void f();
  return performance.now() - t;
};
for (let i = 0; i < 3; i++) {
  void one.run();
  void two.run();
}
/** Per round: the slower round trip around it (ns), and the 1- and 2-thread times (ms). */
const rows: { trip: number; one: number; two: number }[] = [];
for (let r = 0; r < rounds; r++) {
  const before = probe.roundTripNs();
  // alternate which runs first, so neither always follows the other
  const first = r % 2 === 0 ? timed(() => one.run()) : timed(() => two.run());
  const second = r % 2 === 0 ? timed(() => two.run()) : timed(() => one.run());
  const [a, b] = r % 2 === 0 ? [first, second] : [second, first];
  rows.push({ trip: Math.max(before, probe.roundTripNs()), one: a, two: b });
}
await probe.close();
const buckets: [string, (ns: number) => boolean][] = [
  [`near (<= ${NEAR_ROUND_TRIP_NS} ns)`, (ns) => ns <= NEAR_ROUND_TRIP_NS],
  ['apart (<= 1 us)', (ns) => ns > NEAR_ROUND_TRIP_NS && ns <= 1000],
  ['a vCPU off its core (> 1 us)', (ns) => ns > 1000],
];
console.log(`${label}, ${rounds} rounds`);
for (const [name, within] of buckets) {
  const sel = rows.filter((r) => within(r.trip));
  if (sel.length === 0) continue;
  console.log(
    `  ${name.padEnd(30)} ${String(sel.length).padStart(3)} rounds: 1 thread ${median(sel.map((r) => r.one)).toFixed(1)} ms, ` +
      `2 threads ${median(sel.map((r) => r.two)).toFixed(1)} ms, speed-up (median of the rounds') ` +
      `${median(sel.map((r) => r.one / r.two)).toFixed(2)}x`,
  );
}
console.log(
  `  each round (round trip ns: speed-up): ${rows.map((r) => `${r.trip.toFixed(0)}: ${(r.one / r.two).toFixed(2)}`).join(', ')}`,
);
one.dispose();
two.dispose();
