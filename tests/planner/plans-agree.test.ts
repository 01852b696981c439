/**
 * A plan changes where values live, never what they are: on random graphs the
 * best-fit plan (with in-place sharing, and with dead memory poisoned) gives
 * bit-identical outputs to the never-reusing bump plan.
 */
import fc from 'fast-check';
import { expect, test } from 'vitest';
import { compile, InputError } from '../../src/index.js';
import { buildProgram, programArbitrary } from '../ir/random-graph.js';
import { feedsFor } from '../support/random-differential.js';
import { bitsOf } from '../support/differential.js';

test('best-fit (poisoned) and bump plans give bit-identical results on 120 random graphs', async () => {
  await fc.assert(
    fc.asyncProperty(programArbitrary, fc.nat(1000), async (program, seed) => {
      const graph = buildProgram(program);
      const feeds = feedsFor(graph, seed);
      const params = new Set(
        graph.leaves.filter((l) => l.op === 'param').map((l) => (l.op === 'param' ? l.attrs.name : '')),
      );
      const run = async (options: Parameters<typeof compile>[1]) => {
        const model = await compile(graph, options);
        model.setParams(Object.fromEntries(Object.entries(feeds).filter(([k]) => params.has(k))));
        try {
          return model.run(Object.fromEntries(Object.entries(feeds).filter(([k]) => !params.has(k))));
        } catch (e) {
          if (e instanceof InputError) return 'input error';
          throw e;
        } finally {
          model.dispose();
        }
      };
      const a = await run({ planner: 'best-fit', debugPoison: true, optimizeLevel: 0 });
      const b = await run({ planner: 'bump', optimizeLevel: 0 });
      if (typeof a === 'string' || typeof b === 'string') {
        expect(a).toEqual(b);
        return;
      }
      for (const name of Object.keys(b)) expect(bitsOf(a[name]), name).toEqual(bitsOf(b[name]));
    }),
    { seed: 97, numRuns: 120 },
  );
}, 300_000);
