/**
 * Probe: what one barrier costs on this machine. Chains of K row kernels
 * (softmax over tiny rows, each its own split kernel) run with one and two
 * threads; the 2-thread time's slope over K is the cost of one barrier plus
 * a tiny kernel's part, its intercept the run's start (waking the workers).
 * Prints the medians, the CPU time the process got per wall second while
 * timing (about 2 when both threads had a core, about 1 when one waited for
 * it) and the load average. Per kernel kind and size:
 * bench/probes/thread-break-even.ts.
 *
 *   node scripts/run-ts.mjs bench/probes/thread-barrier.ts
 */
import { loadavg } from 'node:os';
import { Graph, compile } from '../../src/index.js';

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)] ?? NaN;
}

async function timeChain(k: number, threads: number, rows: number, cols: number): Promise<number> {
  const g = new Graph();
  let y = g.input('x', [rows, cols]);
  for (let i = 0; i < k; i++) y = y.softmax(-1).transpose([1, 0]);
  g.output('y', y);
  const model = await compile(g, { threads, threadMinWork: 0 });
  const x = Float32Array.from({ length: rows * cols }, (_, i) => Math.sin(i));
  for (let i = 0; i < 200; i++) model.run({ x });
  const times: number[] = [];
  const cpu0 = process.cpuUsage();
  const wall0 = performance.now();
  for (let r = 0; r < 15; r++) {
    const t = performance.now();
    for (let i = 0; i < 100; i++) model.run({ x });
    times.push(((performance.now() - t) / 100) * 1000);
  }
  const cpu = process.cpuUsage(cpu0);
  const cpuPerWall = (cpu.user + cpu.system) / 1000 / (performance.now() - wall0);
  const split = model.kernels.filter((kk) => kk.split).length;
  model.dispose();
  console.log(
    `  k=${k} threads=${threads} split=${split} ${median(times).toFixed(1)} us, cpu/wall ${cpuPerWall.toFixed(2)}`,
  );
  return median(times);
}

const rows = Number(process.argv[2] ?? 8);
const cols = Number(process.argv[3] ?? 64);
console.log(
  `load ${loadavg()
    .map((l) => l.toFixed(2))
    .join(' ')}; rows ${rows} cols ${cols}`,
);
for (const threads of [1, 2]) {
  const a = await timeChain(1, threads, rows, cols);
  const b = await timeChain(17, threads, rows, cols);
  console.log(
    `threads ${threads}: per kernel ${((b - a) / 16).toFixed(2)} us, one kernel ${a.toFixed(1)} us`,
  );
}
console.log(
  `load ${loadavg()
    .map((l) => l.toFixed(2))
    .join(' ')}`,
);
