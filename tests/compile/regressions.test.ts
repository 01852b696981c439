/**
 * Shrunk counterexamples found by `npm run fuzz`, each rebuilt with the public
 * API and compared with the interpreter under every variant (checkGraph).
 */
import { test } from 'vitest';
import { Graph } from '../../src/index.js';
import { checkGraph } from '../support/differential.js';

// fuzz --graphs 10000 --seed 20261124, graph 4356: the row sums of n/4 over
// [7,10] are 11.25 + 25k, whose mean 86.25 is exact in f32. Compiled mean is
// sum * fround(1/7) = 86.2500076 (one ulp up), so layerNorm gives -1.5e-7
// instead of 0 for the row at the mean, and sqrt turns that into NaN where the
// interpreter gives 0. Fails until mean is lowered as sum / n (src/passes).
test('fuzz 20261124: sqrt(layerNorm(x)) is 0, not NaN, where x equals its exact mean', async () => {
  const g = new Graph();
  const x0 = g.input('x0', []);
  const rows = g.constant(Float32Array.from({ length: 70 }, (_, n) => n / 4), [7, 10]).sum(1);
  g.output('out0', rows.layerNorm().sqrt());
  g.output('out1', x0.neg());
  await checkGraph(g, { x0: new Float32Array([0.5]) }, { rtol: 1e-3, atol: 1e-4 });
});
