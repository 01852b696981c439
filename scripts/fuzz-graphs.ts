/**
 * The graph fuzzer behind `npm run fuzz -- --graphs N`: random programs over
 * every op, dtype, broadcast and view pattern, compiled under every variant
 * (fused/unfused, SIMD/scalar, best-fit/bump) and compared with the reference
 * interpreter; a failure prints the seed, the shrunk program and its text IR.
 */
import fc from 'fast-check';
import { buildProgram, programArbitrary, wideProgramArbitrary } from '../tests/ir/random-graph.js';
import { checkRandomGraph } from '../tests/support/random-differential.js';

/** Runs `count` random graphs from `seed`; returns false (after printing the shrunk case) on a failure. */
export async function fuzzGraphs(count: number, seed: number, wide = false): Promise<boolean> {
  console.log(`fuzz: ${count} random${wide ? ' wide' : ''} graphs, seed ${seed}`);
  let done = 0;
  const start = performance.now();
  const result = await fc.check(
    fc.asyncProperty(
      wide ? wideProgramArbitrary : programArbitrary,
      fc.nat(1000),
      async (program, dataSeed) => {
        await checkRandomGraph(buildProgram(program), dataSeed);
        done++;
        if (done % 100 === 0)
          process.stdout.write(
            `  ${done} graphs ok (${((performance.now() - start) / 1000).toFixed(0)} s)\n`,
          );
      },
    ),
    { seed, numRuns: count },
  );
  if (result.failed) {
    const [program, dataSeed] = result.counterexample ?? [];
    console.log(`FAILED after ${result.numRuns} graphs; seed ${seed}, path ${result.counterexamplePath}`);
    console.log(`data seed ${String(dataSeed)}; shrunk program:\n${JSON.stringify(program)}`);
    if (program) console.log(`\ntext IR:\n${buildProgram(program).toString()}`);
    console.log(String(result.errorInstance));
    return false;
  }
  const seconds = ((performance.now() - start) / 1000).toFixed(1);
  console.log(`fuzz: all ${result.numRuns} graphs agree with the interpreter (seed ${seed}, ${seconds} s)`);
  return true;
}
