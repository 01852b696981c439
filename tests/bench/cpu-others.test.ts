/**
 * The CPU other work takes while a bench measures (bench/cpu-others.ts): the
 * machine's busy time less ours, in cores, never negative.
 */
import { describe, expect, test } from 'vitest';
import { cpuMark, othersCores } from '../../bench/cpu-others.js';

describe('othersCores', () => {
  test("the machine's busy time less ours over the wall time, at least 0", () => {
    const from = { wallMs: 0, busyMs: 0, selfMs: 0 };
    expect(othersCores(from, { wallMs: 1000, busyMs: 1500, selfMs: 1000 })).toBe(0.5);
    // /proc/stat's whole ticks can trail our own precise time
    expect(othersCores(from, { wallMs: 1000, busyMs: 990, selfMs: 1000 })).toBe(0);
    expect(othersCores(undefined, from)).toBeUndefined();
    expect(othersCores(from, from)).toBeUndefined();
  });

  test.runIf(process.platform === 'linux')('on Linux a reading counts our own busy time', () => {
    const from = cpuMark(true)!;
    const end = performance.now() + 60;
    let x = 0;
    while (performance.now() < end) x += Math.sqrt(x + 1);
    const to = cpuMark(true)!;
    expect(x).toBeGreaterThan(0);
    expect(to.selfMs - from.selfMs).toBeGreaterThan(40);
    // the machine was at least as busy as we were (within /proc/stat's 10 ms ticks on 2 readings)
    expect(to.busyMs - from.busyMs).toBeGreaterThan(to.selfMs - from.selfMs - 40);
  });
});
