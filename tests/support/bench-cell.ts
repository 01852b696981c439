/** A benchmark cell with one sample, for the report renderers' tests. */
import type { CellResult } from '../../bench/report.js';

/** A cell whose every statistic is `medianMs` (first run 1 ms unless `extra` says otherwise). */
export function benchCell(competitor: string, medianMs: number, extra: Partial<CellResult> = {}): CellResult {
  return {
    competitor,
    samples: [medianMs],
    reps: 1,
    medianMs,
    p25Ms: medianMs,
    p75Ms: medianMs,
    minMs: medianMs,
    setupMs: 1,
    firstRunMs: 1,
    ...extra,
  };
}
