/**
 * The CI slice of `npm run fuzz -- --plans N`: planArena on random lifetimes
 * (and in-place pairs) against the verifier and the fuzz script's brute force,
 * malformed buffers refused with InputError, and null input typed too.
 */
import fc from 'fast-check';
import { expect, test } from 'vitest';
import { ErrorCode, InputError, planArena } from '../../src/index.js';
import { checkMalformed, checkPlanCase, malformedArb, planCaseArb } from '../../scripts/fuzz-plans.js';
import { expectTypedError } from './expect-error.js';

const SEED = 20261124;

test(`3000 random plans: valid, and the verifier agrees with the brute force (seed ${SEED})`, () => {
  fc.assert(fc.property(planCaseArb, checkPlanCase), { seed: SEED, numRuns: 3000 });
});

test(`300 malformed buffer lists are InputErrors (seed ${SEED})`, () => {
  fc.assert(fc.property(malformedArb, checkMalformed), { seed: SEED, numRuns: 300 });
});

test('a valid plan still comes out after refused calls', () => {
  const buffers = [
    { bytes: 64, firstUse: 0, lastUse: 1 },
    { bytes: 64, firstUse: 1, lastUse: 2 },
    { bytes: 64, firstUse: 2, lastUse: 3 },
  ];
  expect(() => planArena(buffers, { align: 0 })).toThrow(InputError);
  expect(planArena(buffers)).toEqual({ offsets: [0, 64, 0], arenaBytes: 128, lowerBoundBytes: 128 });
});

// Fails today: planArena reads buffers.forEach / b.bytes unchecked (src/planner/plan-arena.ts
// checkBuffers), so null gives a TypeError instead of an InputError.
test.each([
  ['null', null],
  ['a list holding null', [null]],
  ['a number', 3],
])('planArena(%s) is an InputError', async (label, buffers) => {
  await expectTypedError(label, () => planArena(buffers as never), InputError, ErrorCode.input);
});
