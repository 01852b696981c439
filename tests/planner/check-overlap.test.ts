/** Mutation tests of the plan checker: every injected fault is caught as a PlanError. */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { PlanError } from '../../src/common/errors.js';
import { planArena } from '../../src/planner/plan-arena.js';
import { checkArenaPlan } from '../../src/planner/check-overlap.js';
import type { ArenaPlan, PlanBuffer } from '../../src/planner/types.js';
import { PROPERTY_RUNS, instanceArb } from './oracle.js';

/** Indices (i, j) of the first pair of non-empty buffers live at a common step, if any. */
function conflictingPair(buffers: readonly PlanBuffer[]): [number, number] | null {
  for (let i = 0; i < buffers.length; i++) {
    for (let j = i + 1; j < buffers.length; j++) {
      const a = buffers[i]!;
      const b = buffers[j]!;
      if (a.bytes > 0 && b.bytes > 0 && a.firstUse <= b.lastUse && b.firstUse <= a.lastUse) return [i, j];
    }
  }
  return null;
}

function expectPlanError(buffers: readonly PlanBuffer[], plan: ArenaPlan, pattern: RegExp): void {
  expect(() => checkArenaPlan(buffers, plan)).toThrow(PlanError);
  expect(() => checkArenaPlan(buffers, plan)).toThrow(pattern);
}

describe('checkArenaPlan catches injected faults', () => {
  it('an overlap between two live buffers', () => {
    fc.assert(
      fc.property(instanceArb(), (buffers) => {
        const pair = conflictingPair(buffers);
        fc.pre(pair !== null);
        const [i, j] = pair;
        const plan = planArena(buffers);
        const offsets = [...plan.offsets];
        offsets[j] = offsets[i]!;
        const arenaBytes = Math.max(plan.arenaBytes, offsets[j] + buffers[j]!.bytes);
        expectPlanError(buffers, { ...plan, offsets, arenaBytes }, /share bytes/);
      }),
      PROPERTY_RUNS,
    );
  });

  it('a misaligned offset', () => {
    fc.assert(
      fc.property(instanceArb(), fc.integer({ min: 1, max: 15 }), (buffers, shift) => {
        fc.pre(buffers.length > 0);
        const plan = planArena(buffers);
        const offsets = [...plan.offsets];
        offsets[0] = offsets[0]! + shift;
        expectPlanError(buffers, { ...plan, offsets, arenaBytes: plan.arenaBytes + 16 }, /aligned/);
      }),
      PROPERTY_RUNS,
    );
  });

  it('a buffer past the arena end', () => {
    fc.assert(
      fc.property(instanceArb(), (buffers) => {
        fc.pre(buffers.some((b) => b.bytes > 0));
        const plan = planArena(buffers);
        const top = Math.max(...plan.offsets.map((at, i) => at + buffers[i]!.bytes));
        expectPlanError(buffers, { ...plan, arenaBytes: top - 1 }, /past the arena/);
      }),
      PROPERTY_RUNS,
    );
  });

  it('an arena below the lower bound, and a wrong lower bound', () => {
    const buffers = [
      { bytes: 16, firstUse: 0, lastUse: 0 },
      { bytes: 16, firstUse: 1, lastUse: 1 },
    ];
    // Both at 0 is valid (disjoint lifetimes); claiming a bigger bound is caught.
    checkArenaPlan(buffers, { offsets: [0, 0], arenaBytes: 16, lowerBoundBytes: 16 });
    expectPlanError(buffers, { offsets: [0, 0], arenaBytes: 16, lowerBoundBytes: 32 }, /lowerBoundBytes/);
    const live = [
      { bytes: 0, firstUse: 0, lastUse: 0 },
      { bytes: 16, firstUse: 0, lastUse: 0 },
      { bytes: 16, firstUse: 0, lastUse: 1 },
    ];
    expectPlanError(live, { offsets: [0, 0, 16], arenaBytes: 32, lowerBoundBytes: 48 }, /lowerBoundBytes/);
  });

  it('a negative offset and a wrong number of offsets', () => {
    const buffers = [{ bytes: 16, firstUse: 0, lastUse: 0 }];
    expectPlanError(buffers, { offsets: [-16], arenaBytes: 16, lowerBoundBytes: 16 }, /offset -16/);
    expectPlanError(buffers, { offsets: [], arenaBytes: 16, lowerBoundBytes: 16 }, /0 offsets for 1 buffers/);
  });

  it('steps too large to pack into one sort key are still swept in order', () => {
    // steps near 2^52 take the comparator sort instead of the packed-key one
    const big = 2 ** 52;
    const buffers = [
      { bytes: 16, firstUse: big, lastUse: big + 1 },
      { bytes: 16, firstUse: big + 1, lastUse: big + 2 },
      { bytes: 16, firstUse: 0, lastUse: 1 },
    ];
    checkArenaPlan(buffers, { offsets: [0, 16, 0], arenaBytes: 32, lowerBoundBytes: 32 });
    expectPlanError(buffers, { offsets: [0, 0, 16], arenaBytes: 32, lowerBoundBytes: 32 }, /buffers 0 and 1/);
  });

  it('allows overlap only for allowed pairs', () => {
    const buffers = [
      { bytes: 32, firstUse: 0, lastUse: 1 },
      { bytes: 32, firstUse: 1, lastUse: 2 },
    ];
    const plan = { offsets: [0, 0], arenaBytes: 32, lowerBoundBytes: 64 };
    expect(() => checkArenaPlan(buffers, plan)).toThrow(/buffers 0 and 1/);
    checkArenaPlan(buffers, plan, { allowOverlap: (a, b) => a === 0 && b === 1 });
    expect(() => checkArenaPlan(buffers, plan, { allowOverlap: () => false })).toThrow(PlanError);
  });
});
