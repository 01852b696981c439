/**
 * The planner fuzzer behind `npm run fuzz -- --plans N`: random lifetimes (and
 * random in-place pairs) planned by planArena must pass the verifier and an
 * independent brute-force check written here; corrupted plans must be refused
 * by the verifier exactly when the brute force finds a fault.
 */
import fc from 'fast-check';
import { InputError, PlanError } from '../src/common/errors.js';
import { checkArenaPlan } from '../src/planner/check-overlap.js';
import { planArena } from '../src/planner/plan-arena.js';
import type { ArenaPlan, PlanArenaOptions, PlanBuffer, PlanOrder } from '../src/planner/types.js';

/** One random planning problem: buffers, in-place pairs (index pairs, taken mod n), options. */
export interface PlanCase {
  readonly buffers: readonly PlanBuffer[];
  readonly pairs: readonly (readonly [number, number])[];
  readonly align: number;
  readonly order: PlanOrder;
  /** Run the search too (small instances only; time-limited, so not checked for determinism). */
  readonly optimize: boolean;
  /** A buffer to move and where (bytes), to check that the verifier refuses what the brute force refuses. */
  readonly corrupt: readonly [number, number];
}

const bufferArb: fc.Arbitrary<PlanBuffer> = fc
  .record({
    bytes: fc.oneof(
      { weight: 1, arbitrary: fc.constant(0) },
      { weight: 4, arbitrary: fc.integer({ min: 1, max: 256 }) },
      { weight: 3, arbitrary: fc.integer({ min: 1, max: 64 }).map((k) => 64 * k) },
      { weight: 1, arbitrary: fc.integer({ min: 1, max: 1 << 22 }) },
    ),
    firstUse: fc.integer({ min: 0, max: 40 }),
    life: fc.oneof(fc.integer({ min: 0, max: 3 }), fc.integer({ min: 0, max: 40 })),
  })
  .map(({ bytes, firstUse, life }) => ({ bytes, firstUse, lastUse: firstUse + life }));

/** Random cases of up to 80 buffers (half of them small, half of any length up to 80). */
export const planCaseArb: fc.Arbitrary<PlanCase> = fc.record({
  buffers: fc.oneof(
    fc.array(bufferArb, { maxLength: 80 }),
    fc.array(bufferArb, { maxLength: 80, size: 'max' }),
  ),
  pairs: fc.oneof(fc.constant([]), fc.array(fc.tuple(fc.nat(), fc.nat()), { maxLength: 24, size: '+1' })),
  align: fc.constantFrom(16, 16, 1, 4, 64),
  order: fc.constantFrom<PlanOrder>('best', 'size', 'lifetime'),
  optimize: fc.integer({ min: 0, max: 19 }).map((n) => n === 0),
  corrupt: fc.tuple(fc.nat(), fc.nat(1 << 16)),
});

/** The in-place relation of a case: its pairs (mod n, a != b) read symmetrically; undefined when none. */
export function allowOf(c: PlanCase): ((a: number, b: number) => boolean) | undefined {
  const n = c.buffers.length;
  if (n < 2 || c.pairs.length === 0) return undefined;
  const keys = new Set<string>();
  for (const [x, y] of c.pairs) {
    const [a, b] = [x % n, y % n];
    if (a !== b) keys.add(`${Math.min(a, b)},${Math.max(a, b)}`);
  }
  return (a, b) => keys.has(`${Math.min(a, b)},${Math.max(a, b)}`);
}

const roundUp = (bytes: number, align: number): number => Math.ceil(bytes / align) * align;

/**
 * Brute force, independent of the planner's code: the first fault of `plan`, or
 * null. Checks offsets, alignment, bounds, every pair of buffers live at a
 * common step (shared bytes only for allowed pairs, and then at one offset), the
 * lower bound step by step, and arena <= the sum of aligned sizes. The
 * verifier checks safety only (`promises` false): allowed pairs may share bytes
 * anyhow and the arena may be larger than needed. The planner also promises to
 * share only at one offset and never to exceed the naive size (`promises` true).
 */
export function bruteForceFault(
  buffers: readonly PlanBuffer[],
  plan: ArenaPlan,
  align: number,
  allow: ((a: number, b: number) => boolean) | undefined,
  promises = true,
): string | null {
  if (plan.offsets.length !== buffers.length) return `${plan.offsets.length} offsets for ${buffers.length}`;
  for (let i = 0; i < buffers.length; i++) {
    const at = plan.offsets[i] as number;
    if (!Number.isSafeInteger(at) || at < 0 || at % align !== 0) return `buffer ${i}: bad offset ${at}`;
    if (at + (buffers[i] as PlanBuffer).bytes > plan.arenaBytes) return `buffer ${i} ends past the arena`;
  }
  for (let i = 0; i < buffers.length; i++) {
    for (let j = i + 1; j < buffers.length; j++) {
      const [a, b] = [buffers[i] as PlanBuffer, buffers[j] as PlanBuffer];
      const [oa, ob] = [plan.offsets[i] as number, plan.offsets[j] as number];
      const live = a.firstUse <= b.lastUse && b.firstUse <= a.lastUse;
      const share = a.bytes > 0 && b.bytes > 0 && oa < ob + b.bytes && ob < oa + a.bytes;
      if (!live || !share) continue;
      if (allow?.(i, j) !== true) return `buffers ${i} and ${j} are live together and share bytes`;
      if (promises && oa !== ob) return `in-place buffers ${i} and ${j} share bytes at different offsets`;
    }
  }
  let peak = 0;
  let total = 0;
  const last = Math.max(0, ...buffers.map((b) => b.lastUse));
  for (let t = 0; t <= last; t++) {
    let live = 0;
    for (const b of buffers) if (b.firstUse <= t && t <= b.lastUse) live += roundUp(b.bytes, align);
    peak = Math.max(peak, live);
  }
  for (const b of buffers) total += roundUp(b.bytes, align);
  if (plan.lowerBoundBytes !== peak) return `lowerBoundBytes ${plan.lowerBoundBytes}, brute force ${peak}`;
  if (allow === undefined && plan.arenaBytes < peak) return `arena ${plan.arenaBytes} below the bound`;
  if (promises && plan.arenaBytes > total) return `arena ${plan.arenaBytes} above the naive ${total}`;
  return null;
}

/** True when the verifier accepts `plan` (false on PlanError; anything else is rethrown). */
function verifierAccepts(c: PlanCase, plan: ArenaPlan, allow: PlanArenaOptions['allowOverlap']): boolean {
  try {
    checkArenaPlan(c.buffers, plan, { align: c.align, ...(allow ? { allowOverlap: allow } : {}) });
    return true;
  } catch (e) {
    if (e instanceof PlanError) return false;
    throw e;
  }
}

/** Throws when planArena, the verifier and the brute force disagree on case `c`. */
export function checkPlanCase(c: PlanCase): void {
  const allow = allowOf(c);
  const options: PlanArenaOptions = {
    align: c.align,
    order: c.order,
    ...(allow ? { allowOverlap: allow } : {}),
    ...(c.optimize && c.buffers.length <= 16 ? { optimize: { timeLimitMs: 20 } } : {}),
  };
  const plan = planArena(c.buffers, options);
  const fault = bruteForceFault(c.buffers, plan, c.align, allow);
  if (fault !== null) throw new Error(`planArena made a bad plan: ${fault}`);
  checkArenaPlan(c.buffers, plan, { align: c.align, ...(allow ? { allowOverlap: allow } : {}) });
  if (options.optimize === undefined) {
    const again = planArena(
      c.buffers.map((b) => ({ ...b })),
      options,
    );
    if (JSON.stringify(again) !== JSON.stringify(plan)) throw new Error('planArena is not deterministic');
  }
  // Move one buffer: the verifier must refuse exactly the plans the brute force refuses.
  if (c.buffers.length > 0) {
    const index = c.corrupt[0] % c.buffers.length;
    const offsets = [...plan.offsets];
    offsets[index] = c.corrupt[1];
    const moved = {
      ...plan,
      offsets,
      arenaBytes: Math.max(plan.arenaBytes, c.corrupt[1] + (c.buffers[index]?.bytes ?? 0)),
    };
    const bad = bruteForceFault(c.buffers, moved, c.align, allow, false) !== null;
    const refused = !verifierAccepts(c, moved, allow);
    if (bad !== refused) {
      throw new Error(
        `verifier ${refused ? 'refused' : 'accepted'} a plan the brute force ${bad ? 'refuses' : 'accepts'}`,
      );
    }
  }
}

/** Malformed buffers must be an InputError, never another error or a plan. */
export const malformedArb: fc.Arbitrary<PlanBuffer[]> = fc
  .tuple(
    fc.array(bufferArb, { maxLength: 5 }),
    fc.record({
      bytes: fc.constantFrom(-1, 0.5, NaN, Infinity, 2 ** 60, 16),
      firstUse: fc.constantFrom(0, 1.5, NaN, 3),
      lastUse: fc.constantFrom(2, 1, NaN, -Infinity),
    }),
  )
  .filter(([, b]) => !(b.bytes === 16 && b.firstUse === 0 && b.lastUse >= 0))
  .map(([ok, bad]) => [...ok, bad]);

/** Throws unless planArena refuses `buffers` with an InputError. */
export function checkMalformed(buffers: readonly PlanBuffer[]): void {
  try {
    planArena(buffers);
  } catch (e) {
    if (e instanceof InputError) return;
    throw e;
  }
  throw new Error('planArena accepted malformed buffers');
}

/** Runs `count` random cases (and count/10 malformed ones) from `seed`; prints a shrunk case on failure. */
export function fuzzPlans(count: number, seed: number): boolean {
  console.log(`fuzz: ${count} random plans, seed ${seed}`);
  const start = performance.now();
  let done = 0;
  const result = fc.check(
    fc.property(planCaseArb, (c) => {
      checkPlanCase(c);
      if (++done % 10_000 === 0) {
        process.stdout.write(`  ${done} plans ok (${((performance.now() - start) / 1000).toFixed(0)} s)\n`);
      }
    }),
    { seed, numRuns: count },
  );
  const malformed = fc.check(fc.property(malformedArb, checkMalformed), {
    seed,
    numRuns: Math.max(1, Math.floor(count / 10)),
  });
  for (const [what, r] of [
    ['plan', result],
    ['malformed-buffer', malformed],
  ] as const) {
    if (!r.failed) continue;
    console.log(`FAILED (${what}) after ${r.numRuns} cases; seed ${seed}, path ${r.counterexamplePath}`);
    console.log(`shrunk case:\n${JSON.stringify(r.counterexample?.[0])}`);
    console.log(String(r.errorInstance));
    return false;
  }
  const seconds = ((performance.now() - start) / 1000).toFixed(1);
  console.log(
    `fuzz: all ${result.numRuns} plans valid, verifier == brute force, ${malformed.numRuns} malformed refused (seed ${seed}, ${seconds} s)`,
  );
  return true;
}
