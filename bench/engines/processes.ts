/**
 * Several fresh processes of one engine combined into one run: on this VM
 * every process is fast or slow for its whole life on memory-streaming
 * kernels (docs/kernels.md "Fast and slow processes"), so `bench:engines
 * --processes N` runs each engine N times and reports, per workload and
 * competitor, the median over processes of each process's median, the
 * spread between processes, and ratios over tensorwasm taken within each
 * process (both competitors drew the same process) and then their median
 * (the cells are combined by bench/process-cells.ts).
 */
import { combineWorkloads } from '../process-cells.js';
import type { EngineRun } from '../report.js';

export { isProcessCell, ratioOver, spreadOf, straddles, type ProcessCell } from '../process-cells.js';

/** An engine's combined run, with the runs of its processes. */
export interface CombinedRun extends EngineRun {
  readonly processes: readonly EngineRun[];
}

/** Whether `run` combines several processes. */
export function isCombinedRun(run: EngineRun): run is CombinedRun {
  return 'processes' in run;
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
  const workloads = combineWorkloads(
    result.workloads,
    runs.map((r) => r.result?.workloads),
    'tensorwasm',
  );
  const seconds = ran.reduce((s, r) => s + (r.result?.meta.totalSeconds ?? 0), 0);
  return {
    engine,
    result: { ...result, meta: { ...result.meta, totalSeconds: seconds }, workloads },
    processes: runs,
  };
}
