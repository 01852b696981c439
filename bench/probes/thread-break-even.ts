/**
 * Probe: where splitting a kernel across 2 threads starts to pay, per kernel
 * kind (the `threadMinWork` default, src/passes/thread-split.ts). For each
 * kind and work size (splitWork units, read off the plan) it builds chains
 * of 1 and K kernels of that size, compiles them with 1 and 2 threads
 * (`threadMinWork: 0`), and times them interleaved; the slope over the chain
 * is one kernel's cost (on 2 threads: its half plus one barrier and the
 * handoff). Prints per size the 1- and 2-thread cost per kernel, the
 * overhead (2-thread cost minus half the 1-thread cost: what a barrier
 * costs here), whether the split saved time — each from the medians and
 * from the fastest samples (what a quiet machine gives, on a loaded one
 * where the medians wait for cores) — the CPU time the process got
 * per wall second while timing each (about 2 when both threads ran, less
 * when one waited for a core) and the load average.
 *
 *   node scripts/run-ts.mjs bench/probes/thread-break-even.ts [row,elementwise,matmul] [rounds=15] [chain=9]
 */
import { loadavg } from 'node:os';
import { Graph, compile } from '../../src/index.js';
import { planGraph } from '../../src/plan-graph.js';
import { splitWork } from '../../src/passes/thread-split.js';

type Kind = 'row' | 'elementwise' | 'matmul';

const args = process.argv.slice(2);
const kinds = (args.find((a) => !a.includes('='))?.split(',') ?? ['row', 'elementwise', 'matmul']) as Kind[];
const rounds = Number(args.find((a) => a.startsWith('rounds='))?.slice(7) ?? 15);
const chain = Number(args.find((a) => a.startsWith('chain='))?.slice(6) ?? 9);
/** Work sizes (splitWork units) to try. */
const SIZES = [4096, 8192, 16384, 32768, 65536, 131072];

function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)] ?? NaN;
}

/**
 * A chain of `k` kernels of `kind` with about `work` splitWork each, and its
 * inputs: softmax rows of 64 (transposed between kernels, as the barrier
 * probe does), a multiply-add written to an output per step (the cheapest
 * elementwise kernel: the worst case for a split), 16-row matmuls by k x k
 * params.
 */
function makeChain(
  kind: Kind,
  work: number,
  k: number,
): { graph: Graph; feeds: Record<string, Float32Array> } {
  const g = new Graph();
  const fill = (n: number): Float32Array => Float32Array.from({ length: n }, (_, i) => Math.sin(i) * 0.5);
  if (kind === 'row') {
    // a softmax row kernel does about 4 iterations per element (max, exp and sum, scale)
    const rows = Math.max(2, Math.round(work / 4 / 64));
    let y = g.input('x', [rows, 64] as number[]);
    for (let i = 0; i < k; i++) y = y.softmax(-1).transpose([1, 0]);
    g.output('y', y);
    return { graph: g, feeds: { x: fill(rows * 64) } };
  }
  if (kind === 'elementwise') {
    let y = g.input('x', [work]);
    for (let i = 0; i < k; i++) {
      y = y.mul(0.5).add(0.25);
      g.output(`y${i}`, y);
    }
    return { graph: g, feeds: { x: fill(work) } };
  }
  // a tiled matmul's work is its multiply-adds / 16: 16 rows x n x n / 16 = n^2
  const n = Math.max(8, Math.round(Math.sqrt(work) / 4) * 4);
  let y = g.input('x', [16, n]);
  const feeds: Record<string, Float32Array> = { x: fill(16 * n) };
  for (let i = 0; i < k; i++) {
    y = y.matmul(g.param(`w${i}`, [n, n])).mul(0.125);
    feeds[`w${i}`] = fill(n * n);
  }
  g.output('y', y);
  return { graph: g, feeds };
}

/** The split kernels' work in the chain's plan (the largest kernel of `kind`). */
function workOf(kind: Kind, graph: Graph): number {
  const planned = planGraph(graph, { threads: 2, threadMinWork: 0 });
  const works = planned.schedule.kernels.filter((k) => k.kind === kind).map((k) => splitWork(k));
  return Math.max(...works);
}

interface Timed {
  run(): void;
  dispose(): void;
}

async function prepare(kind: Kind, work: number, k: number, threads: number): Promise<Timed> {
  const { graph, feeds } = makeChain(kind, work, k);
  const model = await compile(graph, { threads, threadMinWork: 0 });
  const { x, ...params } = feeds;
  if (Object.keys(params).length > 0) model.setParams(params);
  // execute() on the arena: no copies of the input in or the outputs out, which would not split
  model.view('x').set(x ?? []);
  return { run: () => model.execute(), dispose: () => model.dispose() };
}

/** Runs per timed sample so a sample takes about 2 ms. */
function repsFor(t: Timed): number {
  const start = performance.now();
  for (let i = 0; i < 5; i++) t.run();
  return Math.max(1, Math.round(2 / ((performance.now() - start) / 5)));
}

console.log(
  `load ${loadavg()
    .map((l) => l.toFixed(2))
    .join(' ')}; chains of 1 and ${chain} kernels, ${rounds} rounds, 2 threads vs 1`,
);
console.log(
  'per kernel, us, as median and fastest: 1 thread | 2 threads | overhead (2 threads - half of 1) | ' +
    'split saves (1 - 2 threads) | cpu/wall 1t 2t | load',
);
for (const kind of kinds) {
  for (const size of SIZES) {
    const work = workOf(kind, makeChain(kind, size, 1).graph);
    const models = [
      await prepare(kind, size, 1, 1),
      await prepare(kind, size, chain, 1),
      await prepare(kind, size, 1, 2),
      await prepare(kind, size, chain, 2),
    ];
    for (let i = 0; i < 50; i++) for (const m of models) m.run();
    const reps = models.map(repsFor);
    const times: number[][] = models.map(() => []);
    const cpu = [0, 0];
    const wall = [0, 0];
    const loadStart = loadavg()[0] ?? NaN;
    for (let r = 0; r < rounds; r++) {
      for (const [j, m] of models.entries()) {
        const n = reps[j] ?? 1;
        const c0 = process.cpuUsage();
        const t0 = performance.now();
        for (let i = 0; i < n; i++) m.run();
        const ms = performance.now() - t0;
        const c = process.cpuUsage(c0);
        const side = j < 2 ? 0 : 1;
        cpu[side] = (cpu[side] ?? 0) + (c.user + c.system) / 1000;
        wall[side] = (wall[side] ?? 0) + ms;
        times[j]?.push((ms / n) * 1000);
      }
    }
    for (const m of models) m.dispose();
    // per kernel: the slope over the chain, of the medians and of the fastest samples (the quiet cost)
    const slope = (pick: (xs: number[]) => number, j: number): number =>
      (pick(times[j + 1] ?? []) - pick(times[j] ?? [])) / (chain - 1);
    const fastest = (xs: number[]): number => Math.min(...xs);
    const [one, two, oneBest, twoBest] = [
      slope(median, 0),
      slope(median, 2),
      slope(fastest, 0),
      slope(fastest, 2),
    ];
    const us = (x: number, width: number): string => x.toFixed(2).padStart(width);
    console.log(
      `${kind.padEnd(11)} ${String(work).padStart(6)} | ${us(one, 7)} ${us(oneBest, 7)} | ${us(two, 7)} ${us(twoBest, 7)} | ` +
        `${us(two - one / 2, 7)} ${us(twoBest - oneBest / 2, 7)} | ${us(one - two, 7)} ${us(oneBest - twoBest, 7)} | ` +
        `${((cpu[0] ?? 0) / (wall[0] ?? 1)).toFixed(2)} ${((cpu[1] ?? 0) / (wall[1] ?? 1)).toFixed(2)} | ` +
        `${loadStart.toFixed(2)}-${(loadavg()[0] ?? NaN).toFixed(2)}`,
    );
  }
}
console.log(
  `load ${loadavg()
    .map((l) => l.toFixed(2))
    .join(' ')}`,
);
