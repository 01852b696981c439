/** Unit tests of the planner on tiny hand-computed instances. */
import { describe, expect, it } from 'vitest';
import { InputError } from '../../src/common/errors.js';
import { naiveBytes, planArena } from '../../src/planner/plan-arena.js';
import { planBump } from '../../src/planner/bump.js';
import { lowerBound } from '../../src/planner/lower-bound.js';
import { checkArenaPlan } from '../../src/planner/check-overlap.js';
import type { PlanBuffer } from '../../src/planner/types.js';

const buf = (bytes: number, firstUse: number, lastUse: number): PlanBuffer => ({ bytes, firstUse, lastUse });

describe('planArena on hand-computed instances', () => {
  it('plans nothing for no buffers', () => {
    expect(planArena([])).toEqual({ offsets: [], arenaBytes: 0, lowerBoundBytes: 0 });
  });

  it('reuses a dead buffer in a chain', () => {
    const chain = [buf(64, 0, 1), buf(64, 1, 2), buf(64, 2, 3)];
    expect(planArena(chain)).toEqual({ offsets: [0, 64, 0], arenaBytes: 128, lowerBoundBytes: 128 });
  });

  it('rounds sizes up to the alignment', () => {
    const plan = planArena([buf(1, 0, 0), buf(17, 0, 0)]);
    expect(plan).toEqual({ offsets: [32, 0], arenaBytes: 48, lowerBoundBytes: 48 });
    expect(planArena([buf(1, 0, 0), buf(17, 0, 0)], { align: 1 }).arenaBytes).toBe(18);
  });

  it('puts a buffer into the smallest gap that holds it, not the first', () => {
    // Long-lived L1, L2, L3 leave gaps of 48 bytes [64,112) and 24 bytes [144,168) at step 5.
    const buffers = [buf(64, 0, 9), buf(48, 0, 0), buf(32, 0, 9), buf(24, 0, 0), buf(16, 0, 9), buf(8, 5, 5)];
    const plan = planArena(buffers, { align: 1, order: 'size' });
    expect(plan.offsets).toEqual([0, 64, 112, 144, 168, 144]);
    expect(plan.arenaBytes).toBe(184);
    expect(plan.lowerBoundBytes).toBe(184);
  });

  it('keeps the smaller arena of several orders', () => {
    const buffers = [buf(32, 0, 0), buf(48, 0, 1), buf(64, 1, 2), buf(16, 2, 2), buf(32, 3, 3)];
    const best = planArena(buffers).arenaBytes;
    expect(best).toBeLessThanOrEqual(planArena(buffers, { order: 'size' }).arenaBytes);
    expect(best).toBeLessThanOrEqual(planArena(buffers, { order: 'lifetime' }).arenaBytes);
  });

  it('shares an allowed in-place pair at one offset', () => {
    const buffers = [buf(64, 0, 1), buf(64, 1, 2)];
    const plan = planArena(buffers, { allowOverlap: (a, b) => a === 0 && b === 1 });
    expect(plan.offsets).toEqual([0, 0]);
    expect(plan.arenaBytes).toBe(64);
    checkArenaPlan(buffers, plan, { allowOverlap: (a, b) => a === 0 && b === 1 });
  });

  it('optimize reaches the bound where best-fit by size does not', () => {
    // Size order stacks 48 over 32 at step 0 and cannot reuse the 32+16 split later.
    const buffers = [buf(48, 0, 1), buf(32, 0, 0), buf(32, 1, 2), buf(16, 1, 1), buf(48, 2, 2)];
    const plan = planArena(buffers, { optimize: { timeLimitMs: 1000 } });
    checkArenaPlan(buffers, plan);
    expect(plan.arenaBytes).toBe(plan.lowerBoundBytes);
  });

  it('rejects bad input with InputError', () => {
    expect(() => planArena([buf(-1, 0, 0)])).toThrow(InputError);
    expect(() => planArena([buf(1.5, 0, 0)])).toThrow(/non-negative integer/);
    expect(() => planArena([buf(16, 3, 2)])).toThrow(/firstUse must be <= lastUse/);
    expect(() => planArena([buf(16, Number.NaN, 2)])).toThrow(InputError);
    expect(() => planArena([buf(16, 0, 0)], { align: 0 })).toThrow(/align/);
  });
});

describe('lowerBound, naiveBytes and the bump plan', () => {
  it('counts the peak of live aligned sizes', () => {
    expect(lowerBound([buf(10, 0, 0), buf(10, 1, 1)], 1)).toBe(10);
    expect(lowerBound([buf(10, 0, 1), buf(10, 1, 1)], 1)).toBe(20);
    expect(lowerBound([buf(10, 0, 1), buf(10, 1, 1)], 16)).toBe(32);
    expect(lowerBound([buf(0, 0, 9)], 16)).toBe(0);
  });

  it('bump never reuses', () => {
    const buffers = [buf(10, 0, 0), buf(20, 1, 1), buf(0, 2, 2)];
    const plan = planBump(buffers, 16);
    expect(plan.offsets).toEqual([0, 16, 48]);
    expect(plan.arenaBytes).toBe(naiveBytes(buffers, 16));
    checkArenaPlan(buffers, plan);
  });
});
