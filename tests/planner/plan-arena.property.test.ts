/** Property tests of planArena on random lifetimes, against a brute-force oracle. */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { naiveBytes, planArena } from '../../src/planner/plan-arena.js';
import { checkArenaPlan } from '../../src/planner/check-overlap.js';
import { lowerBound } from '../../src/planner/lower-bound.js';
import { PROPERTY_RUNS, findLiveOverlap, instanceArb } from './oracle.js';

describe('planArena properties', () => {
  it('never overlaps live buffers, aligns, and stays within lowerBound <= arena <= naive', () => {
    fc.assert(
      fc.property(instanceArb(), fc.constantFrom('best', 'size', 'lifetime'), (buffers, order) => {
        const plan = planArena(buffers, { order });
        expect(findLiveOverlap(buffers, plan)).toBeNull();
        plan.offsets.forEach((at, i) => {
          expect(at % 16).toBe(0);
          expect(at + buffers[i]!.bytes).toBeLessThanOrEqual(plan.arenaBytes);
        });
        expect(plan.lowerBoundBytes).toBe(lowerBound(buffers, 16));
        expect(plan.arenaBytes).toBeGreaterThanOrEqual(plan.lowerBoundBytes);
        expect(plan.arenaBytes).toBeLessThanOrEqual(naiveBytes(buffers, 16));
        checkArenaPlan(buffers, plan);
      }),
      PROPERTY_RUNS,
    );
  });

  it('works with alignment 1 and 64', () => {
    fc.assert(
      fc.property(instanceArb(), fc.constantFrom(1, 64), (buffers, align) => {
        const plan = planArena(buffers, { align });
        expect(findLiveOverlap(buffers, plan)).toBeNull();
        checkArenaPlan(buffers, plan, { align });
      }),
      { ...PROPERTY_RUNS, numRuns: 100 },
    );
  });

  it('gives the same plan for the same input', () => {
    fc.assert(
      fc.property(instanceArb(), (buffers) => {
        const copy = buffers.map((b) => ({ ...b }));
        expect(planArena(copy)).toEqual(planArena(buffers));
      }),
      { ...PROPERTY_RUNS, numRuns: 100 },
    );
  });

  it('reaches the lower bound when all buffers have the same size', () => {
    fc.assert(
      fc.property(instanceArb(), fc.integer({ min: 1, max: 300 }), (shape, bytes) => {
        const buffers = shape.map((b) => ({ ...b, bytes }));
        const plan = planArena(buffers);
        expect(plan.arenaBytes).toBe(plan.lowerBoundBytes);
      }),
      PROPERTY_RUNS,
    );
  });

  it('ignores zero-size buffers: the others keep their offsets', () => {
    fc.assert(
      fc.property(instanceArb(), fc.array(fc.nat(60), { maxLength: 10 }), (buffers, starts) => {
        const zeros = starts.map((t) => ({ bytes: 0, firstUse: t, lastUse: t + 3 }));
        const plain = planArena(buffers);
        const withZeros = planArena([...buffers, ...zeros]);
        expect(withZeros.arenaBytes).toBe(plain.arenaBytes);
        expect(withZeros.offsets.slice(0, buffers.length)).toEqual(plain.offsets);
        expect(withZeros.offsets.slice(buffers.length).every((at) => at === 0)).toBe(true);
      }),
      { ...PROPERTY_RUNS, numRuns: 100 },
    );
  });

  it('optimize is valid and never worse than best-fit', () => {
    fc.assert(
      fc.property(instanceArb(30), (buffers) => {
        const base = planArena(buffers);
        const better = planArena(buffers, { optimize: { timeLimitMs: 20 } });
        expect(findLiveOverlap(buffers, better)).toBeNull();
        checkArenaPlan(buffers, better);
        expect(better.arenaBytes).toBeLessThanOrEqual(base.arenaBytes);
      }),
      { ...PROPERTY_RUNS, numRuns: 60 },
    );
  });

  it('shares bytes only between allowed pairs, and then at the same offset', () => {
    fc.assert(
      fc.property(instanceArb(40), (buffers) => {
        const allow = (a: number, b: number): boolean => (a + b) % 3 === 0;
        const plan = planArena(buffers, { allowOverlap: allow });
        const clash = findLiveOverlap(
          buffers,
          plan,
          (a, b) => allow(a, b) && plan.offsets[a] === plan.offsets[b],
        );
        expect(clash).toBeNull();
        checkArenaPlan(buffers, plan, { allowOverlap: allow });
      }),
      { ...PROPERTY_RUNS, numRuns: 100 },
    );
  });
});
