/**
 * Property: on random programs over every op, dtype, broadcast and view
 * pattern, every compiled variant (fused/unfused, SIMD/scalar, best-fit/bump)
 * agrees with the reference interpreter. Fixed seed in CI; `npm run fuzz`
 * runs more with any seed.
 */
import fc from 'fast-check';
import { test } from 'vitest';
import { buildProgram, programArbitrary, wideProgramArbitrary } from '../ir/random-graph.js';
import { checkRandomGraph } from '../support/random-differential.js';

const SEED = 424242;
const RUNS = Number(process.env.RANDOM_GRAPH_RUNS ?? 150);
const WIDE_RUNS = Number(process.env.RANDOM_WIDE_GRAPH_RUNS ?? 40);

test(`compiled == interpreter on ${RUNS} random graphs (seed ${SEED})`, async () => {
  await fc.assert(
    fc.asyncProperty(programArbitrary, fc.nat(1000), async (program, dataSeed) => {
      await checkRandomGraph(buildProgram(program), dataSeed);
    }),
    { seed: SEED, numRuns: RUNS, endOnFailure: true },
  );
}, 600_000);

test(`compiled == interpreter on ${WIDE_RUNS} random graphs with axes up to 33 (seed ${SEED})`, async () => {
  await fc.assert(
    fc.asyncProperty(wideProgramArbitrary, fc.nat(1000), async (program, dataSeed) => {
      await checkRandomGraph(buildProgram(program), dataSeed);
    }),
    { seed: SEED, numRuns: WIDE_RUNS, endOnFailure: true },
  );
}, 600_000);
