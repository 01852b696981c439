/**
 * The Node threads bench over several fresh processes
 * (`npm run bench -- --threads 2 --processes N`): one process is one draw of
 * this VM's fast/slow lottery (a plain 64 MB sum gained 1.27x from two threads
 * in one process, ~2x in others), so the parent combines its children's runs:
 * per workload and competitor the median over processes of each process's
 * median and their spread (bench/process-cells.ts), and ratios over our
 * N-thread run taken within each process (the speed-up is our 1-thread
 * cell's) and then their median. Each process keeps its own plain streams and
 * load for the goals (bench/threads-goals.ts).
 */
import { combineWorkloads } from './process-cells.js';
import { manyKey, type CombinedThreads, type ThreadsProcess } from './threads-report.js';

/**
 * The processes' runs (in the order they ran) as one: the first that ran
 * gives the workloads, competitors, commit and machine; the load is every
 * process's samples in order. Throws when no process has a result.
 */
export function combineThreadsProcesses(processes: readonly ThreadsProcess[]): CombinedThreads {
  const base = processes.find((p) => p.result !== undefined)?.result;
  if (base === undefined)
    throw new Error(
      `threads bench: no process finished (${processes.map((p) => p.error ?? 'no result').join('; ')})`,
    );
  const reference = manyKey(base.threads);
  const models = base.models ?? [];
  return {
    threads: base.threads,
    date: base.date,
    commit: base.commit,
    machine: base.machine,
    cores: base.cores,
    node: base.node,
    load: processes.flatMap((p) => p.load),
    workloads: combineWorkloads(
      base.workloads,
      processes.map((p) => p.result?.workloads),
      reference,
    ),
    models: combineWorkloads(
      models,
      processes.map((p) => p.result?.models),
      reference,
    ),
    processes,
  };
}
