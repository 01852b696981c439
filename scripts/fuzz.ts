/**
 * npm run fuzz -- [--graphs N] [--wide N] [--plans N] [--seed S]
 *
 * Random programs compiled and compared with the interpreter (scripts/fuzz-graphs.ts)
 * and random lifetimes planned and checked against a brute force
 * (scripts/fuzz-plans.ts); --wide N runs graphs with axes up to 33 (wider
 * vector loops, packed matmuls). Any failure prints its seed and a shrunk case, to
 * save as a regression test; the exit code is 1. Without --graphs or --plans,
 * runs 1000 graphs.
 */
import { fuzzGraphs } from './fuzz-graphs.js';
import { fuzzPlans } from './fuzz-plans.js';

function flag(name: string): number | undefined {
  const i = process.argv.indexOf(`--${name}`);
  if (i < 0) return undefined;
  const value = Number(process.argv[i + 1]);
  if (!Number.isSafeInteger(value) || value < 0) throw new Error(`--${name} needs a non-negative integer`);
  return value;
}

const seed = flag('seed') ?? Date.now() % 1_000_000;
const plans = flag('plans');
const wide = flag('wide');
const graphs = flag('graphs') ?? (plans === undefined && wide === undefined ? 1000 : undefined);
let ok = true;
if (plans !== undefined) ok = fuzzPlans(plans, seed) && ok;
if (graphs !== undefined) ok = (await fuzzGraphs(graphs, seed)) && ok;
if (wide !== undefined) ok = (await fuzzGraphs(wide, seed, true)) && ok;
if (!ok) process.exitCode = 1;
