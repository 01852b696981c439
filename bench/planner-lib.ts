/**
 * The planner benchmark's machinery: instance loaders and generators, and
 * `benchInstances`, which plans each instance (best-fit, and optionally optimize),
 * checks every plan, and renders the rows as a markdown table.
 */
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import type { PlanBuffer } from '../src/planner/types.js';
import { naiveBytes, planArena } from '../src/planner/plan-arena.js';
import { checkArenaPlan } from '../src/planner/check-overlap.js';
import { makeRandom } from '../src/planner/seeded-random.js';

/** A named set of buffers to plan. */
export interface BenchInstance {
  name: string;
  buffers: PlanBuffer[];
  /** Alignment to plan with (default 16). */
  align?: number;
}

/** How to run the benchmark. */
export interface BenchOptions {
  /** Run `optimize` too (default true). */
  optimize?: boolean;
  /** Time limit of each optimize run, in ms (default 10,000). */
  optimizeMs?: number;
  /** Print each row as it is measured (default true). */
  log?: boolean;
}

/** One measured instance. */
export interface BenchRow {
  name: string;
  buffers: number;
  align: number;
  lowerBound: number;
  naive: number;
  arena: number;
  planMs: number;
  checkMs: number;
  optArena?: number;
  optMs?: number;
}

/**
 * Loads MiniMalloc CSVs (`id,lower,upper,size`, half-open [lower, upper)) as
 * buffers with firstUse = lower, lastUse = upper - 1, named by the file's letter.
 */
export function loadMiniMalloc(dir: string): BenchInstance[] {
  const files = readdirSync(dir)
    .filter((f) => f.endsWith('.csv'))
    .sort();
  return files.map((file) => {
    const rows = readFileSync(join(dir, file), 'utf8').trim().split('\n').slice(1);
    const buffers = rows.map((row) => {
      const [, lower, upper, size] = row.split(',').map(Number);
      return { bytes: size ?? 0, firstUse: lower ?? 0, lastUse: (upper ?? 1) - 1 };
    });
    const align = buffers.every((b) => b.bytes % 16 === 0) ? 16 : 1;
    return { name: `minimalloc-${file.split('.')[0] ?? file}`, buffers, align };
  });
}

/**
 * A DAG-like schedule: node i writes one buffer at step i and reads one or two
 * recent values (sometimes a skip connection up to 64 steps back); a buffer lives
 * from its producer to its last consumer. Sizes are log-uniform f32 tensors, 64 B–1 MiB.
 */
export function randomDagInstance(n: number, seed: number): BenchInstance {
  const random = makeRandom(seed);
  const lastUse = Array.from({ length: n }, (_, i) => i);
  for (let i = 1; i < n; i++) {
    const inputs = random() < 0.3 ? 2 : 1;
    for (let k = 0; k < inputs; k++) {
      const back = random() < 0.1 ? 1 + Math.floor(random() * 64) : 1 + Math.floor(random() * 3);
      const from = Math.max(0, i - back);
      lastUse[from] = Math.max(lastUse[from] ?? 0, i);
    }
  }
  const buffers = lastUse.map((last, i) => ({
    bytes: 4 * Math.round(2 ** (4 + random() * 14)),
    firstUse: i,
    lastUse: last,
  }));
  return { name: `dag-${n}-s${seed}`, buffers };
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? 0;
}

/** Median wall time of `run` over a few repetitions after one warm-up. */
function timeMs(run: () => void, repeats = 5): number {
  run();
  const times: number[] = [];
  for (let k = 0; k < repeats; k++) {
    const t0 = performance.now();
    run();
    times.push(performance.now() - t0);
  }
  return median(times);
}

/** Plans and checks every instance; returns one row each (optimize plans are checked too). */
export function benchInstances(instances: readonly BenchInstance[], options: BenchOptions = {}): BenchRow[] {
  const rows: BenchRow[] = [];
  for (const { name, buffers, align = 16 } of instances) {
    const plan = planArena(buffers, { align });
    checkArenaPlan(buffers, plan, { align });
    const row: BenchRow = {
      name,
      buffers: buffers.length,
      align,
      lowerBound: plan.lowerBoundBytes,
      naive: naiveBytes(buffers, align),
      arena: plan.arenaBytes,
      planMs: timeMs(() => planArena(buffers, { align })),
      checkMs: timeMs(() => checkArenaPlan(buffers, plan, { align })),
    };
    if (options.optimize ?? true) {
      const timeLimitMs = options.optimizeMs ?? 10_000;
      const t0 = performance.now();
      const opt = planArena(buffers, { align, optimize: { timeLimitMs } });
      row.optMs = performance.now() - t0;
      checkArenaPlan(buffers, opt, { align });
      row.optArena = opt.arenaBytes;
    }
    if (options.log ?? true) console.log(formatRow(row));
    rows.push(row);
  }
  return rows;
}

const ratio = (arena: number, bound: number): string => (bound === 0 ? '1.000' : (arena / bound).toFixed(3));

function formatRow(r: BenchRow): string {
  const opt =
    r.optArena === undefined
      ? ' | – | – | –'
      : ` | ${r.optArena} | ${ratio(r.optArena, r.lowerBound)} | ${(r.optMs ?? 0).toFixed(0)}`;
  return (
    `| ${r.name} | ${r.buffers} | ${r.align} | ${r.lowerBound} | ${r.naive} | ${r.arena} | ` +
    `${ratio(r.arena, r.lowerBound)} | ${r.planMs.toFixed(2)} | ${r.checkMs.toFixed(2)}${opt} |`
  );
}

/** The rows as a markdown table. */
export function markdownTable(rows: readonly BenchRow[]): string {
  const head =
    '| instance | buffers | align | lower bound | naive | best-fit arena | ratio | plan ms | check ms | optimize arena | ratio | optimize ms |\n' +
    '|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|';
  return [head, ...rows.map(formatRow)].join('\n');
}
