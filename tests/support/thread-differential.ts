/**
 * The threaded-split differential check the thread tests share (2 and 3
 * threads give the 1-thread bits), and the test table, data and disposal
 * around it.
 */
import { afterAll, expect, test } from 'vitest';
import { compile, interpret, type CompiledModel, type Graph } from '../../src/index.js';
import { bitsOf, expectClose } from './differential.js';

/** A graph, its feeds, and the tolerance of the compiled result against the interpreter. */
export interface ThreadCase {
  readonly graph: Graph;
  readonly feeds: Record<string, Float32Array>;
  readonly tolerance: number;
}

/** A named graph and its feeds: one row of a thread test's table. */
export interface NamedCase {
  readonly name: string;
  readonly graph: Graph;
  readonly feeds: Record<string, Float32Array>;
}

/** `size` values sin(0.37·i + seed): smooth, in [-1, 1], different per seed. */
export function sineData(size: number, seed: number): Float32Array {
  return Float32Array.from({ length: size }, (_, i) => Math.sin(i * 0.37 + seed));
}

/** An array for the models a test file compiles, disposed after all its tests (or the describe's it is called in). */
export function disposedAfterAll(): CompiledModel[] {
  const models: CompiledModel[] = [];
  afterAll(() => models.forEach((m) => m.dispose()));
  return models;
}

/**
 * Compiles `c.graph` on 1 thread and on 2 and 3 (threadMinWork 0, so every
 * kernel that can split does), checks each threaded model with `check` (which
 * kernel split, over how many units), and runs each twice: every output must
 * equal the 1-thread output bit for bit and the interpreter within
 * `c.tolerance`. The models go into `models` for the caller to dispose;
 * `checkOne` sees the 1-thread model first.
 */
export async function expectThreadedBits(
  c: ThreadCase,
  models: CompiledModel[],
  check: (many: CompiledModel) => void,
  checkOne: (one: CompiledModel) => void = () => {},
): Promise<void> {
  const one = await compile(c.graph);
  models.push(one);
  checkOne(one);
  const want = one.run(c.feeds);
  const expected = interpret(c.graph, c.feeds);
  for (const threads of [2, 3]) {
    const many = await compile(c.graph, { threads, threadMinWork: 0 });
    models.push(many);
    check(many);
    for (let run = 0; run < 2; run++) {
      const got = many.run(c.feeds);
      for (const name of Object.keys(want)) {
        expect(bitsOf(got[name]), name).toEqual(bitsOf(want[name]));
        const tol = { atol: c.tolerance, rtol: c.tolerance };
        expectClose(got[name]!, expected[name]!, tol, name);
      }
    }
  }
}

/**
 * One test per case, titled by its name: expectThreadedBits within
 * `tolerance`, with `check` (and `checkOne`) given the case too. The models
 * go into `models`.
 */
export function testThreadedBits<C extends NamedCase>(
  cases: readonly C[],
  models: CompiledModel[],
  tolerance: number,
  check: (many: CompiledModel, c: C) => void,
  checkOne?: (one: CompiledModel, c: C) => void,
): void {
  test.each(cases.map((c) => [c.name, c] as const))(
    '%s: threads 2 and 3 give the 1-thread bits and agree with the interpreter',
    (_, c) =>
      expectThreadedBits(
        { ...c, tolerance },
        models,
        (many) => check(many, c),
        (one) => checkOne?.(one, c),
      ),
    120_000,
  );
}
