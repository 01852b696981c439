/**
 * npm run fuzz -- --graphs N --seed S
 *
 * Builds N random programs over every op, dtype, broadcast and view pattern,
 * compiles each under every variant (fused/unfused, SIMD/scalar,
 * best-fit/bump) and compares with the reference interpreter. On a failure it
 * prints the seed, the shrunk program and its text IR, to save as a
 * regression test.
 */
import fc from 'fast-check';
import { buildProgram, programArbitrary } from '../tests/ir/random-graph.js';
import { checkRandomGraph } from '../tests/support/random-differential.js';

function flag(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  const value = i >= 0 ? Number(process.argv[i + 1]) : fallback;
  if (!Number.isInteger(value)) throw new Error(`--${name} needs an integer`);
  return value;
}

const graphs = flag('graphs', 1000);
const seed = flag('seed', Date.now() % 1_000_000);
console.log(`fuzz: ${graphs} random graphs, seed ${seed}`);
let done = 0;
const start = performance.now();
const result = await fc.check(
  fc.asyncProperty(programArbitrary, fc.nat(1000), async (program, dataSeed) => {
    await checkRandomGraph(buildProgram(program), dataSeed);
    done++;
    if (done % 100 === 0)
      process.stdout.write(`  ${done} graphs ok (${((performance.now() - start) / 1000).toFixed(0)} s)\n`);
  }),
  { seed, numRuns: graphs },
);
if (result.failed) {
  const [program, dataSeed] = result.counterexample ?? [];
  console.log(`FAILED after ${result.numRuns} graphs; seed ${seed}, path ${result.counterexamplePath}`);
  console.log(`data seed ${String(dataSeed)}; shrunk program:\n${JSON.stringify(program)}`);
  if (program) console.log(`\ntext IR:\n${buildProgram(program).toString()}`);
  console.log(String(result.errorInstance));
  process.exitCode = 1;
} else {
  console.log(
    `fuzz: all ${result.numRuns} graphs agree with the interpreter (seed ${seed}, ${((performance.now() - start) / 1000).toFixed(1)} s)`,
  );
}
