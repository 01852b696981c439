/**
 * Over 1,000 damaged or edited variants of a saved module (tests/robustness/
 * artifact-mutants.ts): each is an ArtifactError, or, where the checksum cannot
 * see the change, a model that behaves identically; a forged manifest (checksum
 * recomputed) may load, but nothing ever crashes or escapes as an untyped error.
 */
import { beforeAll, expect, test } from 'vitest';
import { ArtifactError, compile, TensorWasmError, type TypedArray } from '../../src/index.js';
import { load, type Model } from '../../src/runtime/index.js';
import { bytesOf, testModels } from '../aot/models.js';
import { mutantsOf, type Mutant } from './artifact-mutants.js';

const SEED = 20261124;
let saved: Uint8Array;
let inputs: Record<string, TypedArray>;
let expected: Record<string, number[]>;

beforeAll(async () => {
  const spec = testModels().find((m) => m.name === 'gather-bool-i32')!;
  const model = await compile(spec.graph);
  model.setParams(spec.params);
  saved = model.save({ params: true });
  inputs = spec.inputs;
  expected = Object.fromEntries(Object.entries(model.run(inputs)).map(([k, v]) => [k, bytesOf(v)]));
  model.dispose();
});

/** What happened to one variant: refused, loaded and ran (output bytes), or a typed error after loading. */
type Outcome =
  | { readonly refused: ArtifactError }
  | { readonly outputs: Record<string, number[]> }
  | { readonly failed: TensorWasmError };

async function outcomeOf(bytes: Uint8Array): Promise<Outcome> {
  let model: Model;
  try {
    model = await load(bytes);
  } catch (error) {
    if (error instanceof ArtifactError) return { refused: error };
    throw error;
  }
  try {
    const out = model.run(inputs);
    return { outputs: Object.fromEntries(Object.entries(out).map(([k, v]) => [k, bytesOf(v)])) };
  } catch (error) {
    if (error instanceof TensorWasmError) return { failed: error };
    throw error;
  } finally {
    model.dispose();
  }
}

function describeMutant(m: Mutant): string {
  return `${m.kind} in ${m.where} (${m.bytes.length} bytes)`;
}

/** Throws unless `outcome` is allowed for `m`'s verdict. */
function checkOutcome(m: Mutant, outcome: Outcome): void {
  const same = 'outputs' in outcome && JSON.stringify(outcome.outputs) === JSON.stringify(expected);
  const refused = 'refused' in outcome;
  const ok =
    m.verdict === 'refuse'
      ? refused
      : m.verdict === 'same'
        ? same
        : m.verdict === 'same-or-refuse'
          ? same || refused
          : true;
  if (!ok) throw new Error(`${describeMutant(m)}: expected ${m.verdict}, got ${JSON.stringify(outcome)}`);
}

test('the intact module loads and computes the same outputs', async () => {
  const outcome = await outcomeOf(saved);
  expect('outputs' in outcome && outcome.outputs).toEqual(expected);
});

test(`1,000+ damaged or edited modules: refused, identical, or typed errors only (seed ${SEED})`, async () => {
  const mutants = mutantsOf(saved, SEED);
  const tally = new Map<string, number>();
  const regions = new Set<string>();
  for (const m of mutants) {
    let outcome: Outcome;
    try {
      outcome = await outcomeOf(m.bytes);
    } catch (error) {
      throw new Error(`${describeMutant(m)}: crashed with ${String(error)}`);
    }
    checkOutcome(m, outcome);
    const result = 'refused' in outcome ? 'refused' : 'outputs' in outcome ? 'ran' : 'typed error';
    tally.set(`${m.kind}: ${result}`, (tally.get(`${m.kind}: ${result}`) ?? 0) + 1);
    if (m.kind === 'bit flip') regions.add(m.where);
  }
  expect(mutants.length).toBeGreaterThanOrEqual(1000);
  // the flips covered every section: header, types, imports, code, data, params, manifest
  expect([...regions]).toEqual(
    expect.arrayContaining(['header', 'id 1', 'id 2', 'id 10', 'id 11', 'tensorwasm.params', 'tensorwasm']),
  );
  if (process.env.MUTATION_TALLY !== undefined) console.log(mutants.length, Object.fromEntries(tally));
}, 60_000);
