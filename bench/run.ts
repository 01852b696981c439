/**
 * `npm run bench`: W1-W7 with tensorwasm, TF.js (wasm), ONNX Runtime Web,
 * jax-js and plain JS, single-threaded, interleaved round-robin per sample
 * after a warm-up, every output checked against tensorwasm's. Writes
 * bench/results.md and bench/results.json.
 *
 *   npm run bench [-- --quick] [--only=W1,W5] [--competitors=tensorwasm,tfjs] [--no-write]
 *   node --experimental-wasm-relaxed-simd scripts/run-ts.mjs bench/run.ts --relaxed-simd --no-write
 */
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { compile } from '../src/index.js';
import type { Competitor, Prepared } from './competitors/competitor.js';
import { makeJax } from './competitors/jax.js';
import { makeOrt } from './competitors/ort.js';
import { makePlainJs } from './competitors/plainjs.js';
import { buildGraph, makeTensorwasm } from './competitors/tensorwasm.js';
import { makeTfjs } from './competitors/tfjs.js';
import type { BenchResult, CellResult, StartupResult, WorkloadResult } from './report.js';
import {
  compareOutputs,
  formatMs,
  formatRatio,
  median,
  quantile,
  renderMarkdown,
  speedup,
  summaryTable,
} from './report.js';
import type { Workload } from './workloads.js';
import { makeWorkloads } from './workloads.js';

/** How long and how often to measure. */
interface Settings {
  /** Warm-up per competitor per workload: at least this long and this many runs. */
  readonly warmupMs: number;
  readonly warmupRuns: number;
  /** Runs are batched so one sample lasts about this long (tiny workloads like W7). */
  readonly sampleMs: number;
  readonly minSamples: number;
  readonly maxSamples: number;
  /** Measuring time per workload, shared by the competitors; past it only minSamples are taken. */
  readonly workloadBudgetMs: number;
}

const QUICK: Settings = {
  warmupMs: 100,
  warmupRuns: 2,
  sampleMs: 2,
  minSamples: 5,
  maxSamples: 15,
  workloadBudgetMs: 5_000,
};
const FULL: Settings = {
  warmupMs: 300,
  warmupRuns: 3,
  sampleMs: 5,
  minSamples: 10,
  maxSamples: 60,
  workloadBudgetMs: 35_000,
};
const MAX_REPS = 5000;
const SLOW_WARMUP_MS = 2000;

const args = process.argv.slice(2);
const quick = args.includes('--quick');
/** Compile tensorwasm with relaxed SIMD (run Node with --experimental-wasm-relaxed-simd). */
const relaxedSimd = args.includes('--relaxed-simd');
const settings = quick ? QUICK : FULL;
const listArg = (name: string): string[] | undefined =>
  args
    .find((a) => a.startsWith(`--${name}=`))
    ?.slice(name.length + 3)
    .split(',');
const onlyWorkloads = listArg('only');
const onlyCompetitors = listArg('competitors');
const started = performance.now();

/** One line of progress, rewritten in place on a terminal, every few seconds otherwise. */
let lastProgressPrint = 0;
function progress(text: string, force = false): void {
  const elapsed = (performance.now() - started) / 1000;
  const line = `[${Math.floor(elapsed / 60)}:${String(Math.floor(elapsed % 60)).padStart(2, '0')}] ${text}`;
  if (process.stderr.isTTY) {
    process.stderr.write(`\r${line.slice(0, (process.stderr.columns || 120) - 1)}\x1b[K`);
  } else if (force || performance.now() - lastProgressPrint > 5000) {
    process.stderr.write(`${line}\n`);
    lastProgressPrint = performance.now();
  }
}
function endProgress(): void {
  if (process.stderr.isTTY) process.stderr.write('\r\x1b[K');
}

function errorText(e: unknown): string {
  return (e instanceof Error ? e.message : String(e)).split('\n')[0] ?? '';
}

function packageVersion(name: string): string {
  try {
    const json = JSON.parse(readFileSync(`node_modules/${name}/package.json`, 'utf8')) as {
      version?: string;
    };
    return json.version ?? '?';
  } catch {
    return '?';
  }
}

/** The commit measured, and whether src/ had uncommitted changes (BENCH_COMMIT overrides, for an exported tree). */
function gitRevision(): string {
  if (process.env.BENCH_COMMIT !== undefined) return process.env.BENCH_COMMIT;
  try {
    const run = (...cmd: string[]): string =>
      execFileSync('git', cmd, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
    return `${run('rev-parse', '--short', 'HEAD')}${run('status', '--porcelain', 'src') === '' ? '' : ' (src modified)'}`;
  } catch {
    return 'unknown';
  }
}

const VERSIONS: Readonly<Record<string, string>> = {
  tensorwasm: `${packageVersion('binaryen') === '?' ? '' : `(binaryen ${packageVersion('binaryen')})`}`,
  tfjs: `${packageVersion('@tensorflow/tfjs-core')} (tfjs-backend-wasm ${packageVersion('@tensorflow/tfjs-backend-wasm')})`,
  ort: packageVersion('onnxruntime-web'),
  jax: packageVersion('@jax-js/jax'),
  plainjs: '',
};

/** Runs `reps` times; returns milliseconds per run. */
async function timeRuns(prepared: Prepared, reps: number): Promise<number> {
  const start = performance.now();
  for (let i = 0; i < reps; i++) {
    const pending = prepared.run();
    if (pending !== undefined) await pending;
  }
  return (performance.now() - start) / reps;
}

/** A competitor's state while one workload is measured. */
interface Entry {
  readonly competitor: Competitor;
  prepared?: Prepared | undefined;
  error?: string;
  setupMs: number;
  firstRunMs: number;
  reps: number;
  spentMs: number;
  readonly samples: number[];
}

async function prepareEntry(
  competitor: Competitor,
  workload: Workload,
  data: ReturnType<Workload['makeData']>,
): Promise<Entry> {
  const entry: Entry = { competitor, setupMs: NaN, firstRunMs: NaN, reps: 1, spentMs: 0, samples: [] };
  try {
    let start = performance.now();
    entry.prepared = await competitor.setup(workload, data);
    entry.setupMs = performance.now() - start;
    start = performance.now();
    entry.firstRunMs = await timeRuns(entry.prepared, 1);
    // Warm up, and size a sample to about settings.sampleMs.
    start = performance.now();
    let runs = 0;
    // Slow runs (plain-JS matmul takes seconds) stop warming up after SLOW_WARMUP_MS.
    const warm = (): boolean => {
      const elapsed = performance.now() - start;
      return (
        runs > 0 && elapsed >= settings.warmupMs && (runs >= settings.warmupRuns || elapsed >= SLOW_WARMUP_MS)
      );
    };
    while (!warm()) {
      await timeRuns(entry.prepared, 1);
      runs++;
    }
    const perRun = (performance.now() - start) / runs;
    entry.reps = Math.min(MAX_REPS, Math.max(1, Math.round(settings.sampleMs / perRun)));
  } catch (e) {
    entry.error = errorText(e);
    entry.prepared?.dispose();
    entry.prepared = undefined;
  }
  return entry;
}

/** Whether `entry` takes part in the next round. */
function wantsSample(entry: Entry, share: number): boolean {
  if (entry.prepared === undefined) return false;
  const n = entry.samples.length;
  return n < settings.minSamples || (n < settings.maxSamples && entry.spentMs < share);
}

function liveMedians(entries: readonly Entry[]): string {
  return entries
    .filter((e) => e.samples.length > 0)
    .map((e) => `${e.competitor.key} ${formatMs(median(e.samples))}`)
    .join(' · ');
}

async function measureWorkload(
  workload: Workload,
  index: number,
  total: number,
  competitors: readonly Competitor[],
): Promise<WorkloadResult> {
  const tag = `${workload.id} (${index + 1}/${total})`;
  progress(`${tag}: setting up`, true);
  const data = workload.makeData();
  const entries: Entry[] = [];
  for (const competitor of competitors) {
    progress(`${tag}: setting up and warming up ${competitor.key}`);
    entries.push(await prepareEntry(competitor, workload, data));
  }
  const share = settings.workloadBudgetMs / Math.max(1, entries.filter((e) => e.prepared).length);
  for (let round = 0; ; round++) {
    const active = entries.filter((e) => wantsSample(e, share));
    if (active.length === 0) break;
    // Rotate the order every round so no competitor always runs right after another.
    for (let k = 0; k < active.length; k++) {
      const entry = active[(k + round) % active.length];
      if (entry?.prepared === undefined) continue;
      try {
        const ms = await timeRuns(entry.prepared, entry.reps);
        entry.samples.push(ms);
        entry.spentMs += ms * entry.reps;
      } catch (e) {
        entry.error = errorText(e);
        entry.prepared.dispose();
        entry.prepared = undefined;
      }
    }
    progress(`${tag}: round ${round + 1} · ${liveMedians(entries)}`);
  }

  const reference = entries.find((e) => e.competitor.key === 'tensorwasm')?.prepared?.output();
  const cells = entries.map((entry): CellResult => {
    const sorted = [...entry.samples].sort((a, b) => a - b);
    let diff: ReturnType<typeof compareOutputs> | undefined;
    if (entry.prepared !== undefined && reference !== undefined && entry.competitor.key !== 'tensorwasm') {
      try {
        diff = compareOutputs(reference, entry.prepared.output());
      } catch (e) {
        entry.error = `output: ${errorText(e)}`;
      }
    }
    entry.prepared?.dispose();
    return {
      competitor: entry.competitor.key,
      ...(entry.error === undefined ? {} : { error: entry.error }),
      samples: entry.samples,
      reps: entry.reps,
      medianMs: quantile(sorted, 0.5),
      p25Ms: quantile(sorted, 0.25),
      p75Ms: quantile(sorted, 0.75),
      minMs: sorted[0] ?? NaN,
      setupMs: entry.setupMs,
      firstRunMs: entry.firstRunMs,
      ...(diff === undefined ? {} : diff),
    };
  });
  const result: WorkloadResult = {
    id: workload.id,
    group: workload.group,
    title: workload.title,
    ...(workload.flops === undefined ? {} : { flops: workload.flops }),
    cells,
  };
  endProgress();
  console.log(formatWorkloadLine(result));
  return result;
}

function formatWorkloadLine(w: WorkloadResult): string {
  const parts = w.cells.map((c) => {
    if (c.error !== undefined) return `${c.competitor} FAILED (${c.error})`;
    const ratio = c.competitor === 'tensorwasm' ? '' : ` [${formatRatio(speedup(w, c.competitor))}]`;
    const flag = c.flagged === true ? ` WRONG? max diff ${c.maxAbsDiff}` : '';
    const diff = c.maxAbsDiff === undefined ? '' : ` diff ${c.maxAbsDiff.toExponential(1)}`;
    return `${c.competitor} ${formatMs(c.medianMs)}${ratio}${diff}${flag}`;
  });
  return `${w.id.padEnd(10)} ${parts.join(' | ')}`;
}

/** compile() wall time of the W5 MLP, after a tiny compile has loaded Binaryen. */
async function measureMlpCompile(workloads: readonly Workload[]): Promise<BenchResult['compile']> {
  const mlp = workloads.find((w) => w.group === 'W5') ?? makeWorkloads(true).find((w) => w.group === 'W5');
  if (mlp === undefined) return { mlpMs: NaN, mlpBestMs: NaN, mlpStats: {} };
  const times: number[] = [];
  let stats: Readonly<Record<string, number>> = {};
  for (let i = 0; i < 3; i++) {
    const graph = buildGraph(mlp.spec);
    const start = performance.now();
    const model = await compile(graph);
    times.push(performance.now() - start);
    if (i === 0) stats = model.stats;
    model.dispose();
  }
  // The first compile of a graph this size is what a user waits for; later
  // ones run on JIT-warmer compiler code.
  return { mlpMs: times[0] ?? NaN, mlpBestMs: Math.min(...times), mlpStats: stats };
}

async function main(): Promise<void> {
  const all = [makeTensorwasm(relaxedSimd), makeTfjs(), makeOrt(), makeJax(), makePlainJs()];
  const chosen = all.filter(
    (c) => c.key === 'tensorwasm' || onlyCompetitors === undefined || onlyCompetitors.includes(c.key),
  );
  const workloads = makeWorkloads(quick).filter(
    (w) => onlyWorkloads === undefined || onlyWorkloads.includes(w.group) || onlyWorkloads.includes(w.id),
  );

  const startup: StartupResult[] = [];
  const ready: Competitor[] = [];
  for (const c of chosen) {
    progress(`loading ${c.key}`, true);
    const start = performance.now();
    let error: string | undefined;
    try {
      await c.init();
      ready.push(c);
    } catch (e) {
      error = errorText(e);
      console.log(`${c.key} cannot run here: ${error}`);
    }
    startup.push({
      competitor: c.key,
      label: c.label,
      description: c.describe(),
      version: VERSIONS[c.key] ?? '',
      initMs: performance.now() - start,
      ...(error === undefined ? {} : { error }),
    });
  }
  if (!ready.some((c) => c.key === 'tensorwasm')) throw new Error('bench: tensorwasm itself failed to load');

  progress('compiling the W5 MLP', true);
  const compileResult = await measureMlpCompile(workloads);

  const results: WorkloadResult[] = [];
  for (const [i, w] of workloads.entries())
    results.push(await measureWorkload(w, i, workloads.length, ready));

  const result: BenchResult = {
    meta: {
      date: new Date().toISOString().slice(0, 10),
      machine: cpus()[0]?.model.trim() ?? 'unknown',
      cores: cpus().length,
      node: process.version,
      v8: process.versions.v8,
      commit: gitRevision(),
      mode: quick ? 'quick' : 'full',
      totalSeconds: (performance.now() - started) / 1000,
    },
    competitors: startup,
    compile: compileResult,
    workloads: results,
  };
  console.log('');
  console.log(summaryTable(result));
  console.log('');
  console.log(
    `W5 MLP compile: ${formatMs(compileResult.mlpMs)}, best of 3 ${formatMs(compileResult.mlpBestMs)} (${Object.entries(
      compileResult.mlpStats,
    )
      .map(([k, v]) => `${k} ${formatMs(v)}`)
      .join(', ')})`,
  );
  for (const s of startup)
    console.log(`start-up ${s.label}: ${s.error === undefined ? formatMs(s.initMs) : `FAILED: ${s.error}`}`);
  const flagged = results.flatMap((w) =>
    w.cells.filter((c) => c.flagged === true).map((c) => `${w.id}/${c.competitor}`),
  );
  if (flagged.length > 0) console.log(`\nWARNING: outputs differ from tensorwasm's: ${flagged.join(', ')}`);
  if (!args.includes('--no-write')) {
    writeFileSync('bench/results.md', renderMarkdown(result));
    writeFileSync('bench/results.json', `${JSON.stringify(result, null, 1)}\n`);
    console.log('\nwrote bench/results.md and bench/results.json');
  }
}

await main();
