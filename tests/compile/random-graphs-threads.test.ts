/**
 * Property: random programs compiled with 2 threads (every kernel that can
 * split split: threadMinWork 0) agree with the reference interpreter — the
 * splits, the joined barrier intervals, the per-thread row buffers and the
 * folded batch rows on programs nobody wrote by hand. Fixed seed, fewer runs
 * than the one-thread property (each model starts a worker).
 */
import fc from 'fast-check';
import { test } from 'vitest';
import { buildProgram, programArbitrary, wideProgramArbitrary } from '../ir/random-graph.js';
import { checkRandomGraph } from '../support/random-differential.js';

const SEED = 212121;
const RUNS = Number(process.env.RANDOM_GRAPH_THREAD_RUNS ?? 30);
const THREADED = [{ threads: 2, threadMinWork: 0, optimizeLevel: 0 }] as const;

test(`2 threads == interpreter on ${RUNS} random graphs and ${RUNS} wide ones (seed ${SEED})`, async () => {
  for (const programs of [programArbitrary, wideProgramArbitrary]) {
    await fc.assert(
      fc.asyncProperty(programs, fc.nat(1000), async (program, dataSeed) => {
        await checkRandomGraph(buildProgram(program), dataSeed, THREADED);
      }),
      { seed: SEED, numRuns: RUNS, endOnFailure: true },
    );
  }
}, 600_000);
