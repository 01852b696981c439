/**
 * Several fresh processes of one engine combined into one run: on this VM
 * every process is fast or slow for its whole life on memory-streaming
 * kernels (docs/kernels.md "Fast and slow processes"), so `bench:engines
 * --processes N` runs each engine N times and reports, per workload and
 * competitor, the median over processes of each process's median, the
 * spread between processes, and ratios over tensorwasm taken within each
 * process (both competitors drew the same process) and then their median.
 */
import type { CellResult, EngineRun, WorkloadResult } from '../report.js';
import { median } from '../report.js';

/** A cell combined over processes: CellResult's statistics are medians over the processes. */
export interface ProcessCell extends CellResult {
  /** Each process's median, in the order the processes ran (NaN where it failed). */
  readonly processMedians: readonly number[];
  /** Each process's first run over its own median (tensorwasm's first-run goal). */
  readonly processFirstRatios: readonly number[];
  /** This competitor's median over tensorwasm's in the same process, per process (not on tensorwasm's cell). */
  readonly processRatios?: readonly number[];
}

/** An engine's combined run, with the runs of its processes. */
export interface CombinedRun extends EngineRun {
  readonly processes: readonly EngineRun[];
}

/** Whether `cell` was combined over processes. */
export function isProcessCell(cell: CellResult): cell is ProcessCell {
  return 'processMedians' in cell;
}

/** Whether `run` combines several processes. */
export function isCombinedRun(run: EngineRun): run is CombinedRun {
  return 'processes' in run;
}

/** The values that are numbers (a failed process leaves NaN). */
function measured(values: readonly number[]): number[] {
  return values.filter((v) => Number.isFinite(v));
}

/** The largest over the smallest of the finite values (1 for fewer than two). */
export function spreadOf(values: readonly number[]): number {
  const xs = measured(values);
  return xs.length < 2 ? 1 : Math.max(...xs) / Math.min(...xs);
}

function cellIn(w: WorkloadResult | undefined, key: string): CellResult | undefined {
  const cell = w?.cells.find((c) => c.competitor === key);
  return cell === undefined || cell.error !== undefined ? undefined : cell;
}

/** One competitor's cells of one workload in every process (undefined where it did not run). */
function combineCell(key: string, perProcess: readonly (WorkloadResult | undefined)[]): ProcessCell {
  const cells = perProcess.map((w) => cellIn(w, key));
  const ok = cells.filter((c): c is CellResult => c !== undefined);
  const at = (pick: (c: CellResult) => number): number[] =>
    cells.map((c) => (c === undefined ? NaN : pick(c)));
  const mid = (pick: (c: CellResult) => number): number => median(measured(at(pick)));
  const processMedians = at((c) => c.medianMs);
  const ratios =
    key === 'tensorwasm'
      ? undefined
      : perProcess.map((w, i) => (cells[i]?.medianMs ?? NaN) / (cellIn(w, 'tensorwasm')?.medianMs ?? NaN));
  const error =
    ok.length > 0
      ? undefined
      : (perProcess.flatMap((w) => w?.cells.find((c) => c.competitor === key)?.error ?? [])[0] ?? 'not run');
  const diffs = measured(ok.map((c) => c.maxAbsDiff ?? NaN));
  const scaled = measured(ok.map((c) => c.scaledDiff ?? NaN));
  return {
    competitor: key,
    ...(error === undefined ? {} : { error }),
    samples: measured(processMedians),
    reps: ok[0]?.reps ?? 0,
    medianMs: median(measured(processMedians)),
    p25Ms: mid((c) => c.p25Ms),
    p75Ms: mid((c) => c.p75Ms),
    // each process's fastest sample, then their median: median / minMs stays the noise within a process
    minMs: mid((c) => c.minMs),
    setupMs: mid((c) => c.setupMs),
    firstRunMs: mid((c) => c.firstRunMs),
    ...(diffs.length === 0 ? {} : { maxAbsDiff: Math.max(...diffs) }),
    ...(scaled.length === 0 ? {} : { scaledDiff: Math.max(...scaled) }),
    ...(ok.some((c) => c.flagged === true) ? { flagged: true } : {}),
    processMedians,
    processFirstRatios: at((c) => c.firstRunMs / c.medianMs),
    ...(ratios === undefined ? {} : { processRatios: ratios }),
  };
}

/**
 * The runs of one engine's processes (in the order they ran) as one run: the
 * first process's workloads and competitors, each cell a ProcessCell. The
 * engine's name, version and load are the first process's, with the load at
 * the end taken from the last. Processes that failed count as missing
 * figures; with none left the run carries the first error.
 */
export function combineProcesses(runs: readonly EngineRun[]): CombinedRun {
  const first = runs[0];
  if (first === undefined) throw new Error('combineProcesses: no runs');
  const ran = runs.filter((r) => r.result !== undefined);
  const base = ran[0];
  const engine = { ...(base ?? first).engine, loadEnd: (runs.at(-1) ?? first).engine.loadEnd };
  if (base?.result === undefined) return { engine, error: first.error ?? 'no result', processes: runs };
  const result = base.result;
  const workloads = result.workloads.map((w): WorkloadResult => {
    const perProcess = runs.map((r) => r.result?.workloads.find((x) => x.id === w.id));
    return { ...w, cells: w.cells.map((c) => combineCell(c.competitor, perProcess)) };
  });
  const seconds = ran.reduce((s, r) => s + (r.result?.meta.totalSeconds ?? 0), 0);
  return {
    engine,
    result: { ...result, meta: { ...result.meta, totalSeconds: seconds }, workloads },
    processes: runs,
  };
}

/**
 * tfjs-wasm's (or another competitor's) time over tensorwasm's on `w`: the
 * median of the ratios within each process for a combined cell, else the
 * ratio of the medians.
 */
export function ratioOver(w: WorkloadResult, key: string): number {
  const theirs = cellIn(w, key);
  const ours = cellIn(w, 'tensorwasm');
  if (theirs === undefined || ours === undefined) return NaN;
  if (isProcessCell(theirs) && theirs.processRatios !== undefined) {
    const ratios = measured(theirs.processRatios);
    if (ratios.length > 0) return median(ratios);
  }
  return theirs.medianMs / ours.medianMs;
}

/** Whether the per-process values of a goal fall on both sides of it: some meet it, some do not. */
export function straddles(values: readonly number[], meets: (value: number) => boolean): boolean {
  const xs = measured(values);
  return xs.some(meets) && !xs.every(meets);
}
