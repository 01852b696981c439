/** The threaded-split differential check the thread tests share: 2 and 3 threads give the 1-thread bits. */
import { expect } from 'vitest';
import { compile, interpret, type CompiledModel, type Graph } from '../../src/index.js';
import { bitsOf, expectClose } from './differential.js';

/** A graph, its feeds, and the tolerance of the compiled result against the interpreter. */
export interface ThreadCase {
  readonly graph: Graph;
  readonly feeds: Record<string, Float32Array>;
  readonly tolerance: number;
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
