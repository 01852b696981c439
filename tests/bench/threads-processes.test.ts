/**
 * The Node threads bench over several fresh processes
 * (`npm run bench -- --threads 2 --processes N`, bench/threads-processes.ts):
 * medians over the processes with their spread, speed-ups and ORT-web's
 * ratio taken within each process and then their median, failed processes,
 * and the goals list over processes (a goal the processes straddle says so;
 * each process's speed-up judged against its own plain stream).
 */
import { describe, expect, test } from 'vitest';
import { isProcessCell } from '../../bench/process-cells.js';
import type { CellResult, WorkloadResult } from '../../bench/report.js';
import { goalLine } from '../../bench/threads-goals.js';
import { combineThreadsProcesses } from '../../bench/threads-processes.js';
import { renderThreads, threadRows, type ThreadsProcess } from '../../bench/threads-report.js';
import { row } from '../support/markdown-row.js';
import { streamBound, threadsRunOf } from '../support/threads-run.js';

const MB = 1 << 20;

/** A process that finished, with the load it saw. */
function ran(result: ReturnType<typeof threadsRunOf>): ThreadsProcess {
  return { result, load: result.load };
}

// a slow draw (the plain 64 MB sum gains 1.27x), a fast one, and one between
const processes: ThreadsProcess[] = [
  ran(
    threadsRunOf(
      {
        'W1 N=1024': { one: 50, two: 50 / 1.9, ort: 40 },
        W5: { one: 9.3, two: 6.5, ort: 9.7 },
        W6: { one: 2.1, two: 1.6, ort: 15 },
      },
      { load: [0.5, 0.6], bounds: [streamBound('sum', 64 * MB, 2.6, 2.6 / 1.27)] },
    ),
  ),
  ran(
    threadsRunOf(
      {
        'W1 N=1024': { one: 50, two: 25, ort: 40 },
        W5: { one: 9.0, two: 4.8, ort: 9.0 },
        W6: { one: 2.0, two: 1.0, ort: 15 },
      },
      { load: [0.7, 0.9], bounds: [streamBound('sum', 64 * MB, 2.5, 1.3)] },
    ),
  ),
  ran(
    threadsRunOf(
      {
        'W1 N=1024': { one: 51, two: 30, ort: 40 },
        W5: { one: 9.4, two: 5.6, ort: 10 },
        W6: { one: 2.2, two: 1.5, ort: 15 },
      },
      { load: [0.6, 0.8], bounds: [streamBound('sum', 64 * MB, 2.4, 1.35)] },
    ),
  ),
];

function cellOf(workloads: readonly WorkloadResult[], id: string, key: string): CellResult {
  const cell = workloads.find((w) => w.id === id)?.cells.find((c) => c.competitor === key);
  if (cell === undefined) throw new Error(`no ${key} cell on ${id}`);
  return cell;
}

describe('combining threads processes', () => {
  const combined = combineThreadsProcesses(processes);

  test("each cell is the median over processes of each process's median, with the processes' medians", () => {
    const one = cellOf(combined.workloads, 'W5', 'tensorwasm');
    expect(one.medianMs).toBe(9.3);
    expect(isProcessCell(one) && one.processMedians).toEqual([9.3, 9.0, 9.4]);
    expect(cellOf(combined.workloads, 'W5', 'tensorwasm-t2').medianMs).toBe(5.6);
    expect(combined.processes).toHaveLength(3);
    // every process's load samples, in order
    expect(combined.load).toEqual([0.5, 0.6, 0.7, 0.9, 0.6, 0.8]);
  });

  test("speed-ups and ORT-web's ratio are taken within each process over our 2 threads, then their median", () => {
    const one = cellOf(combined.workloads, 'W5', 'tensorwasm');
    expect(isProcessCell(one) && one.processRatios).toEqual([9.3 / 6.5, 9.0 / 4.8, 9.4 / 5.6]);
    // our 2-thread cell is the reference: it has no ratios of its own
    const two = cellOf(combined.workloads, 'W5', 'tensorwasm-t2');
    expect(isProcessCell(two) && two.processRatios).toBeUndefined();
    const w5 = row(renderThreads(combined), 'W5');
    // the median of 1.43x, 1.875x, 1.68x is 1.68x; the ratio of the medians, 9.3 / 5.6, would be 1.66x
    expect(w5).toEqual([
      'W5',
      '9.30 ms ~1.04x',
      '5.60 ms ~1.35x',
      '1.7x: 1.4x-1.9x',
      '-',
      '9.70 ms ~1.11x',
      '1.8x: 1.5x-1.9x',
    ]);
    const rows = threadRows(combined);
    expect(rows.find((r) => r.id === 'W5')?.processes?.map((p) => p.speedUp)).toEqual([
      9.3 / 6.5,
      9.0 / 4.8,
      9.4 / 5.6,
    ]);
  });

  test('whole models are combined like the workloads', () => {
    const withModels = processes.map((p, i) =>
      ran(
        threadsRunOf(
          { W5: { one: 9, two: 5, ort: 9 } },
          { models: { 'ResNet-50': { one: 175, two: [92, 100, 88][i] ?? NaN, ort: 163 } } },
        ),
      ),
    );
    const c = combineThreadsProcesses(withModels);
    expect(cellOf(c.models ?? [], 'ResNet-50', 'tensorwasm-t2').medianMs).toBe(92);
    expect(goalLine(threadRows(c)[1] ?? { id: '', oneMs: 0, manyMs: 0 }, [], c.load, 2)).toBe(
      'ResNet-50 >= 1.8x: 1.90x, met (processes straddle the goal: 1.90x, 1.75x, 1.99x)',
    );
  });

  test('a failed process leaves a gap and a line saying why; none finished is an error', () => {
    const failed: ThreadsProcess = { error: 'exited with code 1', load: [1.2, 1.4] };
    const withGap = combineThreadsProcesses([
      processes[0] as ThreadsProcess,
      failed,
      processes[2] as ThreadsProcess,
    ]);
    const one = cellOf(withGap.workloads, 'W5', 'tensorwasm');
    expect(one.medianMs).toBeCloseTo(9.35, 12);
    expect(isProcessCell(one) && one.processMedians.map(Number.isNaN)).toEqual([false, true, false]);
    const text = renderThreads(withGap);
    expect(text).toContain('- 2: failed (exited with code 1); load 1.20-1.40');
    // 1.43x and 1.68x: both under the goal, so no straddle
    expect(text).toContain('- W5 >= 1.8x: 1.55x, not met (no known reason)');
    expect(() => combineThreadsProcesses([failed, failed])).toThrow(
      /no process finished \(exited with code 1/,
    );
  });
});

describe('the threads report over processes', () => {
  const text = renderThreads(combineThreadsProcesses(processes));

  test('the heading counts the processes; the load line spans every process', () => {
    expect(text).toMatch(
      /^Threads: 2 \(tensorwasm abc, 2026-12-07, v20\.20\.2, test, 2 cores, 3 fresh processes\)\./,
    );
    expect(text).toContain('Load average (1 min) while measuring: 0.50-0.90; the machine was quiet enough');
    expect(text).toContain("Over several processes: each time is the median of the processes' medians");
    expect(text).toContain(
      "Goals (issue #21, over our own 1 thread; the median of the 3 processes' own speed-ups):",
    );
  });

  test('a miss the processes straddle says so, each judged against its own plain stream', () => {
    expect(text).toContain(
      '- W6 >= 1.8x: 1.47x, not met — processes straddle the goal: 1.31x, 2.00x, 1.47x; ' +
        "per process against a plain sum of 64 MB on 2 threads: 1.31x at the machine's bound (plain 1.27x), " +
        '2.00x met, 1.47x not the memory bound (plain 1.78x)',
    );
    expect(text).toContain('- W5 >= 1.8x: 1.68x, not met — processes straddle the goal: 1.43x, 1.88x, 1.68x');
  });

  test('a met goal whose processes straddle it says so', () => {
    expect(text).toContain(
      '- W1 N=1024 >= 1.8x: 1.90x, met (processes straddle the goal: 1.90x, 2.00x, 1.70x)',
    );
  });

  test('a line per process: its load, its speed-ups and its plain streams', () => {
    expect(text).toContain(
      '- 1: load 0.50-0.60; speed-ups W1 N=1024 1.9x, W5 1.4x, W6 1.3x; plain sum of 64 MB: 2 threads 33 GB/s, ' +
        '1 thread 26 GB/s (1.27x)',
    );
    // the goals list has no single-process streams line
    expect(text).not.toContain('Plain streams in this process');
  });

  test('a single process renders as before: no spread, no process lines', () => {
    const single = renderThreads(processes[0]?.result ?? threadsRunOf({}));
    expect(row(single, 'W5')).toEqual(['W5', '9.30 ms', '6.50 ms', '1.4x', '-', '9.70 ms', '1.5x']);
    expect(single).not.toContain('fresh processes');
    expect(single).toContain('Plain streams in this process');
  });
});

describe("the cores' round trip (bench/core-latency.ts)", () => {
  /** `processes` with each one's rows measured at the given round trip (ns). */
  const atTrips = (trips: readonly number[]): ThreadsProcess[] =>
    processes.map((p, i) => {
      const result = p.result!;
      const workloads = result.workloads.map((w) => ({ ...w, coreRoundTripNs: trips[i]! }));
      return { ...p, result: { ...result, workloads } };
    });

  test('combined, a row shows the slowest round trip any process saw, and a note says what it means', () => {
    const text = renderThreads(combineThreadsProcesses(atTrips([120, 560, 150])));
    expect(row(text, 'W5')).toContain('560 ns');
    // with the share of readings apart, where some were
    const some = atTrips([120, 130, 150]).map((p, i) =>
      i !== 1
        ? p
        : {
            ...p,
            result: { ...p.result!, workloads: p.result!.workloads.map((w) => ({ ...w, coresApart: 0.25 })) },
          },
    );
    const shares = renderThreads(combineThreadsProcesses(some));
    expect(row(shares, 'W5')).toContain('150 ns, 25% apart');
    expect(shares).toContain('- 2: load 0.70-0.90; speed-ups W1 N=1024 2.0x (round trip 130 ns, 25% apart)');
    expect(text).toContain("Cores' round trip: a cache line passed from our calling thread to a worker");
  });

  test('a goal line splits the processes by where their cores were: near (sharing a cache) and apart', () => {
    const text = renderThreads(combineThreadsProcesses(atTrips([560, 120, 150])));
    // W5: 1.43x apart; 1.88x and 1.68x near
    expect(text).toContain(
      '- W5 >= 1.8x: 1.68x, not met — processes straddle the goal: 1.43x (round trip 560 ns), ' +
        '1.88x (round trip 120 ns), 1.68x (round trip 150 ns); on cores sharing a cache (round trip <= 250 ns) ' +
        '1.78x in 2 processes, on cores apart 1.43x in 1 process',
    );
    expect(text).toContain('- 2: load 0.70-0.90; speed-ups W1 N=1024 2.0x (round trip 120 ns)');
  });

  test('all processes alike: no split; a single process apart says so when it misses', () => {
    expect(renderThreads(combineThreadsProcesses(atTrips([120, 130, 140])))).not.toContain('on cores apart');
    const single = renderThreads(atTrips([600, 0, 0])[0]!.result!);
    expect(single).toContain(
      "- W5 >= 1.8x: 1.43x, not met — our threads' cores shared no cache (round trip 600 ns)",
    );
    expect(row(single, 'W5')).toEqual(['W5', '9.30 ms', '6.50 ms', '1.4x', '-', '600 ns', '9.70 ms', '1.5x']);
  });
});
