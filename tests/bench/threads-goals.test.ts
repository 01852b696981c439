/**
 * The threads bench's goals (issue #21): met or not per row, and for a missed
 * streaming row the plain stream's bound — at it, or not the memory bound —
 * plus the load when it neared the cores.
 */
import { describe, expect, test } from 'vitest';
import { goalLine, QUIET_OTHERS, renderThreadGoals, streamsToMeasure } from '../../bench/threads-goals.js';
import type { StreamBound } from '../../bench/stream-bandwidth.js';

const MB = 1 << 20;

/** A plain copy of 4 MB taking `oneMs` on 1 thread and `manyMs` on 2. */
function copy(oneMs: number, manyMs: number): StreamBound {
  const moved = 8 * MB;
  return {
    kind: 'copy',
    bytes: 4 * MB,
    threads: 2,
    oneMs,
    manyMs,
    oneGBs: moved / oneMs / 1e6,
    manyGBs: moved / manyMs / 1e6,
  };
}

describe('thread goals', () => {
  test('a row at or past its goal is met; a row without a goal has no line', () => {
    expect(goalLine({ id: 'W4', oneMs: 0.4, manyMs: 0.22 }, [], [0.3], 2)).toBe('W4 >= 1.6x: 1.82x, met');
    expect(goalLine({ id: 'W2', oneMs: 0.4, manyMs: 0.22 }, [], [0.3], 2)).toBeUndefined();
  });

  test('a miss near what a plain copy of the same bytes gains is the machine bound', () => {
    const line = goalLine({ id: 'W4', oneMs: 0.4, manyMs: 0.36 }, [copy(0.1, 0.09)], [0.3], 2);
    expect(line).toMatch(
      /^W4 >= 1\.6x: 1\.11x, not met — at the machine's bound: a plain copy of 4 MB: 2 threads 93 GB\/s, 1 thread 84 GB\/s \(1\.11x\)$/,
    );
  });

  test('a miss well under what the plain copy gains is not the memory bound, and says how far from a copy 1 thread is', () => {
    const line = goalLine({ id: 'W4', oneMs: 0.4, manyMs: 0.36 }, [copy(0.1, 0.055)], [0.3], 2);
    expect(line).toContain('not the memory bound: a plain copy of 4 MB');
    expect(line).toContain('(1.82x)');
    expect(line).toContain('on 1 thread the kernel takes 4.0x the plain copy');
  });

  test('a kernel faster than the plain stream on 1 thread is at the bound when it streams as fast on 2', () => {
    // W6's sum of 64 MB: 3.73 ms on 1 thread (18 GB/s, the plain sum 13), 2.74 ms on 2 (24.5 GB/s, the plain 22)
    const sum: StreamBound = {
      kind: 'sum',
      bytes: 64 * MB,
      threads: 2,
      oneMs: 5.16,
      manyMs: 3.05,
      oneGBs: 13,
      manyGBs: 22,
    };
    const line = goalLine({ id: 'W6', oneMs: 3.73, manyMs: 2.74 }, [sum], [0.3], 2);
    expect(line).toContain(
      "W6 >= 1.8x: 1.36x, not met — at the machine's bandwidth: 24 GB/s on 2 threads, the plain sum 22 GB/s",
    );
    expect(line).toContain("on 1 thread the kernel takes 0.7x the plain sum's time");
    // slower than that on 2 threads: not the memory bound
    expect(goalLine({ id: 'W6', oneMs: 3.73, manyMs: 3.6 }, [sum], [0.3], 2)).toContain(
      'not the memory bound',
    );
  });

  test('a plain stream slower on 2 threads bounds nothing: a thread lacked a core', () => {
    const line = goalLine({ id: 'W4', oneMs: 0.4, manyMs: 0.5 }, [copy(0.1, 2)], [1.9], 2);
    expect(line).toContain('no bound measured: a plain copy of 4 MB');
    expect(line).not.toContain("machine's bound");
    expect(line).toContain('load average up to 1.9 on 2 cores (our own threads included)');
  });

  test('the streams measured are the distinct ones the goals name', () => {
    expect(streamsToMeasure()).toEqual([
      { kind: 'copy', bytes: 4 << 20 },
      { kind: 'sum', bytes: 64 << 20 },
    ]);
  });

  test('a miss with the load near the cores says so; a compute row has no stream', () => {
    const line = goalLine({ id: 'W5', oneMs: 10, manyMs: 7 }, [copy(0.1, 0.055)], [0.5, 1.9], 2);
    expect(line).toBe(
      'W5 >= 1.8x: 1.43x, not met — load average up to 1.9 on 2 cores (our own threads included)',
    );
    expect(goalLine({ id: 'W5', oneMs: 10, manyMs: 7 }, [], [0.5], 2)).toContain('(no known reason)');
  });

  test("other work's CPU, where measured, judges the miss instead of the load average (which counts our threads)", () => {
    const busy = goalLine({ id: 'W5', oneMs: 10, manyMs: 7, others: 0.42 }, [], [0.5, 1.9], 2);
    expect(busy).toBe(
      'W5 >= 1.8x: 1.43x, not met — other work took up to 0.42 cores of the 2 while it was measured',
    );
    // a quiet machine (at most QUIET_OTHERS): our own load average is no excuse
    const quiet = goalLine({ id: 'W5', oneMs: 10, manyMs: 7, others: QUIET_OTHERS }, [], [0.5, 1.9], 2);
    expect(quiet).toBe('W5 >= 1.8x: 1.43x, not met (no known reason)');
  });

  test('the block lists the goals and the streams measured', () => {
    const text = renderThreadGoals(
      [
        { id: 'W3', oneMs: 0.8, manyMs: 0.45 },
        { id: 'W4', oneMs: 0.4, manyMs: 0.36 },
      ],
      [copy(0.1, 0.055)],
      [0.3],
      2,
    );
    expect(text).toContain('- W3 >= 1.6x: 1.78x, met');
    expect(text).toContain('- W4 >= 1.6x: 1.11x, not met');
    expect(text).toContain('Plain streams in this process');
  });
});
