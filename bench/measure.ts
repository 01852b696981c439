/**
 * The benchmark's measuring loop, shared by every engine: load the
 * competitors, then per workload set each one up, warm it up, sample them
 * round-robin and check their outputs against tensorwasm's. It imports nothing
 * from Node, so the same code runs in Node (bench/run.ts) and in a browser page
 * (bench/browser/page.ts).
 */
import type { Competitor, Prepared } from './competitors/competitor.js';
import type { CellResult, StartupResult, WorkloadResult } from './report.js';
import { compareOutputs, formatMs, formatRatio, median, quantile, speedup } from './report.js';
import type { Workload } from './workloads.js';

/** What the measuring loop needs of a workload (W1-W7, or a whole model). */
export type Measurable = Pick<Workload, 'id' | 'group' | 'title' | 'flops' | 'makeData'>;

/** How long and how often to measure. */
export interface Settings {
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

export const QUICK: Settings = {
  warmupMs: 100,
  warmupRuns: 2,
  sampleMs: 2,
  minSamples: 5,
  maxSamples: 15,
  workloadBudgetMs: 5_000,
};
export const FULL: Settings = {
  warmupMs: 300,
  warmupRuns: 3,
  sampleMs: 5,
  minSamples: 10,
  maxSamples: 60,
  workloadBudgetMs: 35_000,
};
const MAX_REPS = 5000;
const SLOW_WARMUP_MS = 2000;

/** Where progress goes: `progress` is a transient status line, `print` a result line. */
export interface Reporter {
  progress(text: string, force?: boolean): void;
  print(line: string): void;
}

export function errorText(e: unknown): string {
  return (e instanceof Error ? e.message : String(e)).split('\n')[0] ?? '';
}

/** Runs `reps` times; returns milliseconds per run. */
async function timeRuns(prepared: Prepared, reps: number): Promise<number> {
  const start = performance.now();
  for (let i = 0; i < reps; i++) {
    const pending = prepared.run();
    if (pending !== undefined) await pending;
  }
  return (performance.now() - start) / reps;
}

/**
 * Loads each competitor (timed as start-up); one that fails is reported and
 * left out. tensorwasm must load: without it there is no reference.
 */
export async function initCompetitors<W = Workload>(
  competitors: readonly Competitor<W>[],
  versions: Readonly<Record<string, string>>,
  reporter: Reporter,
): Promise<{ startup: StartupResult[]; ready: Competitor<W>[] }> {
  const startup: StartupResult[] = [];
  const ready: Competitor<W>[] = [];
  for (const c of competitors) {
    reporter.progress(`loading ${c.key}`, true);
    const start = performance.now();
    let error: string | undefined;
    try {
      await c.init();
      ready.push(c);
    } catch (e) {
      error = errorText(e);
      reporter.print(`${c.key} cannot run here: ${error}`);
    }
    startup.push({
      competitor: c.key,
      label: c.label,
      description: c.describe(),
      version: versions[c.key] ?? '',
      initMs: performance.now() - start,
      ...(error === undefined ? {} : { error }),
    });
  }
  if (!ready.some((c) => c.key === 'tensorwasm')) throw new Error('bench: tensorwasm itself failed to load');
  return { startup, ready };
}

/** A competitor's state while one workload is measured. */
interface Entry<W> {
  readonly competitor: Competitor<W>;
  prepared?: Prepared | undefined;
  error?: string;
  setupMs: number;
  firstRunMs: number;
  reps: number;
  spentMs: number;
  readonly samples: number[];
}

async function prepareEntry<W extends Measurable>(
  competitor: Competitor<W>,
  workload: W,
  data: ReturnType<Workload['makeData']>,
  settings: Settings,
): Promise<Entry<W>> {
  const entry: Entry<W> = { competitor, setupMs: NaN, firstRunMs: NaN, reps: 1, spentMs: 0, samples: [] };
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
function wantsSample<W>(entry: Entry<W>, share: number, settings: Settings): boolean {
  if (entry.prepared === undefined) return false;
  const n = entry.samples.length;
  return n < settings.minSamples || (n < settings.maxSamples && entry.spentMs < share);
}

function liveMedians<W>(entries: readonly Entry<W>[]): string {
  return entries
    .filter((e) => e.samples.length > 0)
    .map((e) => `${e.competitor.key} ${formatMs(median(e.samples))}`)
    .join(' · ');
}

/** What a RowMeter saw while a row was measured: the fields of WorkloadResult it fills. */
export type RowConditions = Pick<WorkloadResult, 'othersCores' | 'coreRoundTripNs' | 'coresApart'>;

/** A RowMeter's reading of one row: sampled between rounds (never inside a timed run), then stopped. */
export interface RowReading {
  sample(): void;
  stop(): RowConditions;
}

/**
 * Starts measuring the machine's conditions while a row's samples run (the
 * CPU other work takes: bench/cpu-others.ts; how far apart our threads'
 * cores are: bench/core-latency.ts). Passed in: this file imports nothing
 * from Node.
 */
export type RowMeter = () => RowReading;

/** Measures one workload on every competitor, interleaved, and checks outputs against tensorwasm's. */
export async function measureWorkload<W extends Measurable>(
  workload: W,
  index: number,
  total: number,
  competitors: readonly Competitor<W>[],
  settings: Settings,
  reporter: Reporter,
  meter?: RowMeter,
): Promise<WorkloadResult> {
  const tag = `${workload.id} (${index + 1}/${total})`;
  reporter.progress(`${tag}: setting up`, true);
  const data = workload.makeData();
  const entries: Entry<W>[] = [];
  for (const competitor of competitors) {
    reporter.progress(`${tag}: setting up and warming up ${competitor.key}`);
    entries.push(await prepareEntry(competitor, workload, data, settings));
  }
  const share = settings.workloadBudgetMs / Math.max(1, entries.filter((e) => e.prepared).length);
  const reading = meter?.();
  for (let round = 0; ; round++) {
    const active = entries.filter((e) => wantsSample(e, share, settings));
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
    reading?.sample();
    reporter.progress(`${tag}: round ${round + 1} · ${liveMedians(entries)}`);
  }
  const conditions = reading?.stop() ?? {};

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
    ...conditions,
    cells,
  };
  reporter.print(formatWorkloadLine(result));
  return result;
}

/** One console line per workload: medians, ratios, output differences. */
export function formatWorkloadLine(w: WorkloadResult): string {
  const parts = w.cells.map((c) => {
    if (c.error !== undefined) return `${c.competitor} FAILED (${c.error})`;
    const ratio = c.competitor === 'tensorwasm' ? '' : ` [${formatRatio(speedup(w, c.competitor))}]`;
    const flag = c.flagged === true ? ` WRONG? max diff ${c.maxAbsDiff}` : '';
    const diff = c.maxAbsDiff === undefined ? '' : ` diff ${c.maxAbsDiff.toExponential(1)}`;
    return `${c.competitor} ${formatMs(c.medianMs)}${ratio}${diff}${flag}`;
  });
  return `${w.id.padEnd(10)} ${parts.join(' | ')}`;
}

/** Measures every workload in turn. */
export async function measureWorkloads<W extends Measurable>(
  workloads: readonly W[],
  competitors: readonly Competitor<W>[],
  settings: Settings,
  reporter: Reporter,
  meter?: RowMeter,
): Promise<WorkloadResult[]> {
  const results: WorkloadResult[] = [];
  for (const [i, w] of workloads.entries())
    results.push(await measureWorkload(w, i, workloads.length, competitors, settings, reporter, meter));
  return results;
}
