/**
 * Several processes per engine in `bench:engines --processes N`
 * (bench/engines/processes.ts): the median over processes of each process's
 * median, ratios taken within each process, the per-process spread, failed
 * processes, and how the goals table and the engine tables render them
 * (a miss whose processes straddle the goal says so).
 */
import { describe, expect, test } from 'vitest';
import { engineHeading, engineTable, firstRunLine } from '../../bench/engine-report.js';
import { renderGoals } from '../../bench/engines/goals.js';
import {
  combineProcesses,
  isProcessCell,
  ratioOver,
  spreadOf,
  straddles,
} from '../../bench/engines/processes.js';
import type { CellResult, EngineRun, WorkloadResult } from '../../bench/report.js';
import { benchCell } from '../support/bench-cell.js';
import { engineRunOf } from '../support/engine-run.js';
import { row } from '../support/markdown-row.js';

/** One process's run of `name`: per workload tensorwasm's and tfjs-wasm's medians (ms). */
function processRun(
  name: string,
  times: Record<string, { ours: number; tfjs: number; oursExtra?: Partial<CellResult> }>,
  load = 1,
): EngineRun {
  const workloads: WorkloadResult[] = Object.entries(times).map(([id, t]) => ({
    id,
    group: id,
    title: id,
    cells: [
      benchCell('tensorwasm', t.ours, { firstRunMs: t.ours * 1.5, ...t.oursExtra }),
      benchCell('tfjs', t.tfjs),
    ],
  }));
  const engine = { name, v8: '13.6', loadStart: [load, 1, 1], loadEnd: [load + 0.5, 1, 1] };
  return engineRunOf(engine, workloads, ['tensorwasm', 'tfjs'], 10);
}

function cellOf(run: EngineRun, workload: string, key: string): CellResult {
  const cell = run.result?.workloads.find((w) => w.id === workload)?.cells.find((c) => c.competitor === key);
  if (cell === undefined) throw new Error(`no ${key} cell on ${workload}`);
  return cell;
}

describe('combining processes', () => {
  // a fast, a slow and a fast process: the lottery hits tfjs-wasm less than tensorwasm in process 2
  const runs = [
    processRun('Node 24.22.3', { W6: { ours: 2, tfjs: 10 } }, 1.5),
    processRun('Node 24.22.3', { W6: { ours: 2.6, tfjs: 11 } }, 2),
    processRun('Node 24.22.3', { W6: { ours: 1.9, tfjs: 10.5 } }, 2.5),
  ];
  const combined = combineProcesses(runs);

  test("each cell holds the median over processes of each process's median, and their spread", () => {
    const ours = cellOf(combined, 'W6', 'tensorwasm');
    expect(ours.medianMs).toBe(2);
    expect(isProcessCell(ours) && ours.processMedians).toEqual([2, 2.6, 1.9]);
    expect(spreadOf([2, 2.6, 1.9])).toBeCloseTo(2.6 / 1.9, 12);
    expect(cellOf(combined, 'W6', 'tfjs').medianMs).toBe(10.5);
    expect(combined.processes).toHaveLength(3);
    // the load from the first process's start to the last one's end
    expect(combined.engine.loadStart[0]).toBe(1.5);
    expect(combined.engine.loadEnd[0]).toBe(3);
    expect(combined.result?.meta.totalSeconds).toBe(30);
  });

  test('ratios are taken within each process, then their median (not the ratio of the medians)', () => {
    const w = combined.result?.workloads[0] as WorkloadResult;
    const tfjs = cellOf(combined, 'W6', 'tfjs');
    expect(isProcessCell(tfjs) && tfjs.processRatios).toEqual([5, 11 / 2.6, 10.5 / 1.9]);
    expect(ratioOver(w, 'tfjs')).toBe(5);
    // the ratio of the medians would be 10.5 / 2 = 5.25
    expect(ratioOver(w, 'tfjs')).not.toBeCloseTo(5.25, 3);
    // a single-process cell: the ratio of its medians
    const single = runs[0]?.result?.workloads[0] as WorkloadResult;
    expect(ratioOver(single, 'tfjs')).toBe(5);
  });

  test("first runs over each process's own median", () => {
    const ours = cellOf(combined, 'W6', 'tensorwasm');
    const ratios = isProcessCell(ours) ? ours.processFirstRatios : [];
    expect(ratios.map((x) => x.toFixed(12))).toEqual(['1.500000000000', '1.500000000000', '1.500000000000']);
    expect(firstRunLine(combined)).toBe('\n\ntensorwasm first run / steady median: W6 1.5x.');
  });

  test('a failed process leaves a gap; all failed gives the error', () => {
    const failed: EngineRun = {
      engine: { name: 'Node 24.22.3', v8: '?', detail: '', relaxedSimd: false, loadStart: [1], loadEnd: [4] },
      error: 'exited with code 1',
    };
    const withGap = combineProcesses([runs[0] as EngineRun, failed, runs[2] as EngineRun]);
    const ours = cellOf(withGap, 'W6', 'tensorwasm');
    expect(ours.medianMs).toBeCloseTo(1.95, 12);
    expect(isProcessCell(ours) && ours.processMedians.map(Number.isNaN)).toEqual([false, true, false]);
    expect(engineHeading(withGap)).toContain('3 processes (1 failed)');
    const none = combineProcesses([failed, failed]);
    expect(none.result).toBeUndefined();
    expect(none.error).toBe('exited with code 1');
  });

  test('straddling: some values meet the goal and some do not', () => {
    const meets = (x: number): boolean => x >= 5;
    expect(straddles([4.5, 5.2, NaN], meets)).toBe(true);
    expect(straddles([4.5, 4.9], meets)).toBe(false);
    expect(straddles([5, 6], meets)).toBe(false);
  });

  test('the engine table shows the spread and the per-process ratios; the heading each load', () => {
    const lines = engineTable(combined, ['tensorwasm', 'tfjs']).split('\n');
    expect(lines[2]).toBe('| W6 | 2.00 ms ~1.37x | 10.5 ms ~1.10x (5.0x: 4.2x-5.5x) |');
    expect(lines.at(-1)).toMatch(/^Over several processes: each time is the median/);
    expect(engineHeading(combined)).toContain('3 processes, 1-minute load 1.50-2.00, 2.00-2.50, 2.50-3.00');
  });
});

describe('the goals table over processes', () => {
  test('a miss whose processes straddle the goal says so; the median of the within-process ratios decides', () => {
    const runs = [
      processRun('Node 24.22.3', { W6: { ours: 2, tfjs: 9.6 } }),
      processRun('Node 24.22.3', { W6: { ours: 2, tfjs: 10.4 } }),
      processRun('Node 24.22.3', { W6: { ours: 2, tfjs: 9.4 } }),
    ];
    const text = renderGoals([combineProcesses(runs)]);
    expect(row(text, 'W6 >= 5x tfjs-wasm')[1]).toBe(
      '4.80x **not met** (processes straddle the goal: 4.80x, 5.20x, 4.70x)',
    );
    expect(text).toMatch(/over 3 fresh processes per engine/);
  });

  test('a miss in every process is not explained by the process spread (that reason is for a single process)', () => {
    const runs = [1, 2, 3].map(() => processRun('Node 24.22.3', { W6: { ours: 2.4, tfjs: 11 } }));
    const text = renderGoals([combineProcesses(runs)]);
    // a single process at 4.58x would cite the 1.36x process spread
    expect(row(text, 'W6 >= 5x tfjs-wasm')[1]).toBe('4.58x **not met** (no known reason)');
    expect(row(renderGoals([runs[0] as EngineRun]), 'W6 >= 5x tfjs-wasm')[1]).toBe(
      '4.58x **not met** process spread 1.36x [1]',
    );
  });

  test('Node 24 over Node 20: medians over processes, each round compared for straddling', () => {
    const node20 = [1.0, 1.3, 1.0].map((ms) =>
      processRun('Node 20.20.2', { W4: { ours: ms, tfjs: 5 }, W5: { ours: 10, tfjs: 15 } }),
    );
    const node24 = [1.3, 1.0, 1.3].map((ms) =>
      processRun('Node 24.22.3', { W4: { ours: ms, tfjs: 5 }, W5: { ours: 11.5, tfjs: 15 } }),
    );
    const text = renderGoals([combineProcesses(node20), combineProcesses(node24)]);
    expect(row(text, 'W4')).toEqual([
      'W4',
      '1.00 ms ~1.30x',
      '1.30 ms ~1.30x',
      '1.30x **not met** (processes straddle the goal: 1.30x, 0.77x, 1.30x)',
    ]);
    expect(row(text, 'W5')[3]).toBe('1.15x **not met** (no known reason)');
  });
});
