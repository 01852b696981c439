/** An engine's run of the bench built from its workloads, for the engines report tests. */
import type { BenchResult, EngineInfo, EngineRun, WorkloadResult } from '../../bench/report.js';

/**
 * The run of `engine` (name and V8 version; relaxed SIMD on and a load of 1
 * unless given) with `workloads`, its competitors listed by key.
 */
export function engineRunOf(
  engine: Pick<EngineInfo, 'name' | 'v8'> & Partial<EngineInfo>,
  workloads: WorkloadResult[],
  competitorKeys: readonly string[] = [],
  totalSeconds = 1,
): EngineRun {
  const result: BenchResult = {
    meta: {
      date: '2026-12-07',
      machine: 'test',
      cores: 2,
      node: engine.name,
      v8: engine.v8,
      commit: 'abc',
      mode: 'full',
      totalSeconds,
    },
    competitors: competitorKeys.map((key) => ({
      competitor: key,
      label: key,
      description: '',
      version: '',
      initMs: 1,
    })),
    compile: { mlpMs: NaN, mlpBestMs: NaN, mlpStats: {} },
    workloads,
  };
  return {
    engine: { detail: '', relaxedSimd: true, loadStart: [1, 1, 1], loadEnd: [1, 1, 1], ...engine },
    result,
  };
}
