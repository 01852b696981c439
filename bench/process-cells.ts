/**
 * Benchmark cells combined over several fresh processes (one process is one
 * draw of this VM's fast/slow lottery, docs/kernels.md "Fast and slow
 * processes"): per workload and competitor the median over processes of each
 * process's median, the spread between processes, and ratios over a
 * reference competitor taken within each process (both drew the same
 * process) and then their median. Shared by the engines bench
 * (bench/engines/processes.ts) and the Node threads bench
 * (bench/threads-processes.ts).
 */
import type { CellResult, WorkloadResult } from './report.js';
import { formatRatio, median } from './report.js';

/** A cell combined over processes: CellResult's statistics are medians over the processes. */
export interface ProcessCell extends CellResult {
  /** Each process's median, in the order the processes ran (NaN where it failed). */
  readonly processMedians: readonly number[];
  /** Each process's first run over its own median (tensorwasm's first-run goal). */
  readonly processFirstRatios: readonly number[];
  /** This competitor's median over the reference's in the same process, per process (not on the reference's cell). */
  readonly processRatios?: readonly number[];
}

/** Whether `cell` was combined over processes. */
export function isProcessCell(cell: CellResult): cell is ProcessCell {
  return 'processMedians' in cell;
}

/** The values that are numbers (a failed process leaves NaN). */
export function finiteValues(values: readonly number[]): number[] {
  return values.filter((v) => Number.isFinite(v));
}

/** The largest over the smallest of the finite values (1 for fewer than two). */
export function spreadOf(values: readonly number[]): number {
  const xs = finiteValues(values);
  return xs.length < 2 ? 1 : Math.max(...xs) / Math.min(...xs);
}

/** `key`'s cell of `w` when it ran without an error. */
export function measuredCell(w: WorkloadResult | undefined, key: string): CellResult | undefined {
  const cell = w?.cells.find((c) => c.competitor === key);
  return cell === undefined || cell.error !== undefined ? undefined : cell;
}

/**
 * One competitor's cells of one workload in every process (undefined where
 * it did not run) as one ProcessCell; `reference` is the competitor its
 * per-process ratios divide by (none on the reference's own cell).
 */
export function combineCell(
  key: string,
  perProcess: readonly (WorkloadResult | undefined)[],
  reference: string,
): ProcessCell {
  const cells = perProcess.map((w) => measuredCell(w, key));
  const ok = cells.filter((c): c is CellResult => c !== undefined);
  const at = (pick: (c: CellResult) => number): number[] =>
    cells.map((c) => (c === undefined ? NaN : pick(c)));
  const mid = (pick: (c: CellResult) => number): number => median(finiteValues(at(pick)));
  const processMedians = at((c) => c.medianMs);
  const ratios =
    key === reference
      ? undefined
      : perProcess.map((w, i) => (cells[i]?.medianMs ?? NaN) / (measuredCell(w, reference)?.medianMs ?? NaN));
  const error =
    ok.length > 0
      ? undefined
      : (perProcess.flatMap((w) => w?.cells.find((c) => c.competitor === key)?.error ?? [])[0] ?? 'not run');
  const diffs = finiteValues(ok.map((c) => c.maxAbsDiff ?? NaN));
  const scaled = finiteValues(ok.map((c) => c.scaledDiff ?? NaN));
  return {
    competitor: key,
    ...(error === undefined ? {} : { error }),
    samples: finiteValues(processMedians),
    reps: ok[0]?.reps ?? 0,
    medianMs: median(finiteValues(processMedians)),
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
 * `base`'s workloads (the first process that ran) with every cell combined
 * over the processes' workloads (undefined for a process that failed).
 */
export function combineWorkloads(
  base: readonly WorkloadResult[],
  perProcess: readonly (readonly WorkloadResult[] | undefined)[],
  reference: string,
): WorkloadResult[] {
  return base.map((w): WorkloadResult => {
    const same = perProcess.map((list) => list?.find((x) => x.id === w.id));
    const others = finiteValues(same.map((x) => x?.othersCores ?? NaN));
    const trips = same.flatMap((x) => (x?.coreRoundTripNs === undefined ? [] : [x.coreRoundTripNs]));
    const apart = same.flatMap((x) => (x?.coresApart === undefined ? [] : [x.coresApart]));
    // the most other work any process saw and the farthest apart its cores were, in place of the
    // first process's figures (in `w`)
    const { othersCores, coreRoundTripNs, coresApart, ...rest } = w;
    return {
      ...rest,
      ...(others.length === 0 ? {} : { othersCores: Math.max(othersCores ?? 0, ...others) }),
      ...(trips.length === 0 ? {} : { coreRoundTripNs: Math.max(coreRoundTripNs ?? 0, ...trips) }),
      ...(apart.length === 0 ? {} : { coresApart: Math.max(coresApart ?? 0, ...apart) }),
      cells: w.cells.map((c) => combineCell(c.competitor, same, reference)),
    };
  });
}

/**
 * `key`'s time over `reference`'s on `w`: the median of the ratios within
 * each process for a combined cell, else the ratio of the medians.
 */
export function ratioOver(w: WorkloadResult, key: string, reference = 'tensorwasm'): number {
  const theirs = measuredCell(w, key);
  const ours = measuredCell(w, reference);
  if (theirs === undefined || ours === undefined) return NaN;
  if (isProcessCell(theirs) && theirs.processRatios !== undefined) {
    const ratios = finiteValues(theirs.processRatios);
    if (ratios.length > 0) return median(ratios);
  }
  return theirs.medianMs / ours.medianMs;
}

/** Whether the per-process values of a goal fall on both sides of it: some meet it, some do not. */
export function straddles(values: readonly number[], meets: (value: number) => boolean): boolean {
  const xs = finiteValues(values);
  return xs.some(meets) && !xs.every(meets);
}

/** ' ~1.33x': the slowest process's median over the fastest's ('' for a single process). */
export function spreadText(cell: CellResult): string {
  return isProcessCell(cell) ? ` ~${spreadOf(cell.processMedians).toFixed(2)}x` : '';
}

/**
 * '4.9x' or, over processes, '4.9x: 4.5x-5.2x' (`cell`'s time over
 * `reference`'s in each process: their median, then their range).
 */
export function ratioText(w: WorkloadResult, cell: CellResult, reference = 'tensorwasm'): string {
  const ratio = formatRatio(ratioOver(w, cell.competitor, reference));
  if (!isProcessCell(cell) || cell.processRatios === undefined) return ratio;
  const xs = finiteValues(cell.processRatios);
  if (xs.length < 2) return ratio;
  return `${ratio}: ${formatRatio(Math.min(...xs))}-${formatRatio(Math.max(...xs))}`;
}
