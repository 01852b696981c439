/** The exact search and lowest-first placement against brute-force oracles on small random instances. */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { makeProblem } from '../../src/planner/conflicts.js';
import { searchFit } from '../../src/planner/search-exact.js';
import type { SearchHeuristic, SearchRun } from '../../src/planner/search-exact.js';
import { placeLowestFirst } from '../../src/planner/lowest-fit.js';
import { sweepSections } from '../../src/planner/sections.js';
import { lowerBound } from '../../src/planner/lower-bound.js';
import { planArena } from '../../src/planner/plan-arena.js';
import { checkArenaPlan } from '../../src/planner/check-overlap.js';
import type { PlanBuffer } from '../../src/planner/types.js';
import { PROPERTY_RUNS, findLiveOverlap, instanceArb } from './oracle.js';

/** Tiny instances: 1-6 buffers of 16-128 bytes (multiples of 16) over steps 0..8. */
const tinyArb = fc.array(
  fc
    .record({ k: fc.integer({ min: 1, max: 8 }), firstUse: fc.nat(8), life: fc.nat(4) })
    .map(({ k, firstUse, life }) => ({ bytes: 16 * k, firstUse, lastUse: firstUse + life })),
  { minLength: 1, maxLength: 6 },
);

/**
 * Instances that decompose: a buffer over the whole horizon and 2-6 short ones on
 * either side of the middle, so placing the long one leaves pieces that are searched
 * on their own (and re-ranked by the current section totals).
 */
const bridgeArb = fc
  .tuple(
    fc.integer({ min: 1, max: 8 }),
    fc.array(
      fc
        .record({ k: fc.integer({ min: 1, max: 8 }), firstUse: fc.nat(9), life: fc.nat(2) })
        .map(({ k, firstUse, life }) => ({ bytes: 16 * k, firstUse, lastUse: Math.min(9, firstUse + life) })),
      { minLength: 2, maxLength: 6 },
    ),
  )
  .map(([k, short]) => [{ bytes: 16 * k, firstUse: 0, lastUse: 9 }, ...short]);

/**
 * The optimum by brute force: some order of "stack each buffer on top of its placed
 * conflicting buffers" gives every optimal plan pushed down (sort it by offset).
 */
function bruteForceOptimum(buffers: readonly PlanBuffer[]): number {
  const live = (a: PlanBuffer, b: PlanBuffer): boolean => a.firstUse <= b.lastUse && b.firstUse <= a.lastUse;
  let best = Infinity;
  const permute = (order: number[], rest: number[]): void => {
    if (rest.length === 0) {
      const at: number[] = [];
      let top = 0;
      for (const i of order) {
        let low = 0;
        for (const j of order.slice(0, order.indexOf(i))) {
          if (live(buffers[i]!, buffers[j]!)) low = Math.max(low, at[j]! + buffers[j]!.bytes);
        }
        at[i] = low;
        top = Math.max(top, low + buffers[i]!.bytes);
      }
      best = Math.min(best, top);
      return;
    }
    rest.forEach((i, k) => permute([...order, i], [...rest.slice(0, k), ...rest.slice(k + 1)]));
  };
  permute(
    [],
    buffers.map((_, i) => i),
  );
  return best;
}

const run = (heuristic: SearchHeuristic, seed?: number): SearchRun => {
  const limits = { heuristic, nodeLimit: 1e7, deadline: Infinity };
  return seed === undefined ? limits : { ...limits, seed };
};

describe('searchFit', () => {
  const heuristicArb = fc.constantFrom<SearchHeuristic>('WAT', 'TAW', 'TWA');
  const seedArb = fc.option(fc.nat(1000), { nil: undefined });
  /** searchFit places `buffers` in their brute-force optimum (a valid plan) and proves one byte less infeasible. */
  const expectExact = (buffers: PlanBuffer[], heuristic: SearchHeuristic, seed: number | undefined): void => {
    const optimum = bruteForceOptimum(buffers);
    const p = makeProblem(buffers, 16);
    const members = buffers.map((_, i) => i);
    const fit = searchFit(p, members, optimum, run(heuristic, seed));
    expect(fit.status).toBe('found');
    if (fit.status === 'found') {
      const offsets = members.map((i) => fit.offsets.get(i)!);
      const plan = { offsets, arenaBytes: optimum, lowerBoundBytes: lowerBound(buffers, 16) };
      expect(findLiveOverlap(buffers, plan)).toBeNull();
      checkArenaPlan(buffers, plan);
    }
    expect(searchFit(p, members, optimum - 1, run(heuristic, seed)).status).toBe('infeasible');
  };

  it('fits at the brute-force optimum and proves one byte less infeasible (plain or seeded preorder)', () => {
    fc.assert(fc.property(tinyArb, heuristicArb, seedArb, expectExact), { ...PROPERTY_RUNS, numRuns: 150 });
  });

  it('is exact on instances that decompose into pieces (every heuristic, plain or seeded)', () => {
    fc.assert(fc.property(bridgeArb, heuristicArb, seedArb, expectExact), { ...PROPERTY_RUNS, numRuns: 150 });
  });

  it('optimize reaches the brute-force optimum on tiny instances', () => {
    fc.assert(
      fc.property(tinyArb, (buffers) => {
        const plan = planArena(buffers, { optimize: { timeLimitMs: 5_000 } });
        expect(plan.arenaBytes).toBe(bruteForceOptimum(buffers));
      }),
      { ...PROPERTY_RUNS, numRuns: 100 },
    );
  });
});

describe('lowest-first placement', () => {
  it('never overlaps live buffers and needs at least the bound', () => {
    fc.assert(
      fc.property(instanceArb(), fc.constantFrom('TWA' as const, 'WAT' as const), (buffers, rank) => {
        const p = makeProblem(buffers, 16);
        const placed = placeLowestFirst(p, rank)!;
        const plan = {
          offsets: Array.from(placed.offsets),
          arenaBytes: placed.arenaBytes,
          lowerBoundBytes: p.peakBytes,
        };
        expect(findLiveOverlap(buffers, plan)).toBeNull();
        checkArenaPlan(buffers, plan);
      }),
      PROPERTY_RUNS,
    );
  });
});

describe('sections', () => {
  it('give every buffer a non-empty range, and the peak section total is the lower bound', () => {
    fc.assert(
      fc.property(instanceArb(), (buffers) => {
        const p = makeProblem(buffers, 16);
        const members = buffers.flatMap((b, i) => (b.bytes > 0 ? [i] : []));
        const sec = sweepSections(p, members);
        members.forEach((_, k) => expect(sec.end[k]!).toBeGreaterThan(sec.start[k]!));
        expect(Math.max(0, ...sec.totals)).toBe(lowerBound(buffers, 16));
        expect(p.peakBytes).toBe(lowerBound(buffers, 16));
      }),
      PROPERTY_RUNS,
    );
  });
});
