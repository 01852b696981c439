/**
 * Shrunk counterexamples found by `npm run fuzz`, each rebuilt with the public
 * API and compared with the interpreter under every variant (checkGraph).
 */
import { expect, test } from 'vitest';
import { Graph, InputError, compile, interpret } from '../../src/index.js';
import { checkGraph, VARIANTS } from '../support/differential.js';

// fuzz --graphs 10000 --seed 20261124, graph 4356: the row sums of n/4 over
// [7,10] are 11.25 + 25k, whose mean 86.25 is exact in f32. Compiled mean was
// sum * fround(1/7) = 86.2500076 (one ulp up), so layerNorm gave -1.5e-7
// instead of 0 for the row at the mean, and sqrt turned that into NaN where the
// interpreter gives 0. Fixed in 5a3b017 (mean lowered as sum / n).
test('fuzz 20261124: sqrt(layerNorm(x)) is 0, not NaN, where x equals its exact mean', async () => {
  const g = new Graph();
  const x0 = g.input('x0', []);
  const rows = g
    .constant(
      Float32Array.from({ length: 70 }, (_, n) => n / 4),
      [7, 10],
    )
    .sum(1);
  g.output('out0', rows.layerNorm().sqrt());
  g.output('out1', x0.neg());
  await checkGraph(g, { x0: new Float32Array([0.5]) }, { rtol: 1e-3, atol: 1e-4 });
});

// fuzz --graphs 10000 --seed 2026, graph 5384: gather(x: f32[0], idx: i32[1])
// has one element, so its index must be checked (docs/semantics.md: "every
// index is read, and checked, exactly when the result has elements"), and the
// interpreter raises InputError. Fused, the module returns an empty out0
// without raising: the gather is inlined into an add that broadcasts it to
// [0], so its checked load never ran (fuse: false raised). Fixed in 23c1822
// (a gather is inlined only into a consumer that reads all of it).
test('fuzz 2026: a gather read only by an empty broadcast still checks its index', async () => {
  const g = new Graph();
  const x0 = g.input('x0', [0]);
  const idx = g.input('idx3', [1], 'i32');
  g.output('out0', x0.gather(idx, 0).neg().add(x0).neg());
  const feeds = { x0: new Float32Array(0), idx3: new Int32Array([0]) };
  expect(() => interpret(g, feeds)).toThrow(InputError);
  for (const options of VARIANTS) {
    const model = await compile(g, options);
    expect(() => model.run(feeds), JSON.stringify(options)).toThrow(InputError);
    model.dispose();
  }
});

// fuzz --graphs 10000 --seed 2026 (after 23c1822), graph 5668: sqrt(logSoftmax(
// square(x0))) with x0 = [-3, -6]. logSoftmax([9, 36]) is [-27, -1.88e-12]; the
// interpreter (float64, one rounding) keeps -1.88e-12, compiled code rounds
// 1 + e^-27 to 1 and gives 0. That is within the documented tolerance, but sqrt
// turns it into NaN vs 0: a limit of comparing through discontinuous ops, not
// a compiler bug. Kept as the property that holds: close, and never above 0.
test('fuzz 2026: logSoftmax of a dominant element is within tolerance of the interpreter and <= 0', async () => {
  const g = new Graph();
  const x0 = g.input('x0', [2], 'i32');
  g.output('out0', x0.square().logSoftmax(0));
  const feeds = { x0: new Int32Array([-3, -6]) };
  await checkGraph(g, feeds, { rtol: 1e-3, atol: 1e-4 });
  for (const options of VARIANTS) {
    const model = await compile(g, options);
    const out = model.run(feeds).out0!;
    expect(
      Array.from(out).every((v) => v <= 0),
      JSON.stringify(options),
    ).toBe(true);
    model.dispose();
  }
});

// fuzz --graphs 4000 --seed 777, graph 752: argmin over an axis of one element
// whose value is a gather from an empty axis. The interpreter raises InputError
// (index 0 out of range for size 0); the compiled argmin skipped its loop for a
// single element (the answer is index 0 whatever the value), so the inlined
// gather's checked load never ran. The step now runs once for one element.
test('fuzz 777: argmin over one element still checks the gather index inside it', async () => {
  const g = new Graph();
  const x0 = g.input('x0', [0, 0]);
  const idx = g.constant(new Int32Array([0, -1]), [2]);
  g.output('out0', x0.sum(1, true).gather(idx, 0).argmin(1));
  const feeds = { x0: new Float32Array(0) };
  expect(() => interpret(g, feeds)).toThrow(InputError);
  for (const options of VARIANTS) {
    const model = await compile(g, options);
    expect(() => model.run(feeds), JSON.stringify(options)).toThrow(InputError);
    model.dispose();
  }
  // and with the index in range the single element's index is 0
  const ok = new Graph();
  const x = ok.input('x', [3, 1]);
  ok.output('out0', x.gather(ok.constant(new Int32Array([2, -1]), [2]), 0).argmax(1));
  await checkGraph(ok, { x: new Float32Array([1, 2, 3]) }, { rtol: 0, atol: 0 });
});

// fuzz --wide 8000 --seed 31337, graph 3538: layerNorm(x + 1e21) over 33
// elements. Every element is 1e21 in f32, so the interpreter (float64 sums)
// normalizes the row to 0; compiled, the f32 sum of 33 copies of 1e21 is not
// exactly 33e21, the mean was 1 ulp off, and x - mean normalized to -1. The
// mean is now taken of x - x[0] (layerNorm's lowering): exact for equal values.
test('fuzz 31337: layerNorm of a row of equal large values is 0', async () => {
  const g = new Graph();
  const x = g.input('x', [3, 33]);
  g.output('equal', x.mul(0).add(g.constant(1e21)).layerNorm());
  g.output('offset', x.add(g.constant(1e4)).layerNorm());
  const data = Float32Array.from({ length: 99 }, (_, i) => Math.sin(i) * 0.01);
  for (const options of VARIANTS) {
    const out = (await compile(g, options)).run({ x: data });
    expect(Array.from(out.equal ?? []), JSON.stringify(options)).toEqual(new Array(99).fill(0));
  }
  await checkGraph(g, { x: data }, { rtol: 1e-3, atol: 1e-4 });
});

// fuzz --graphs 6000 --seed 303, graph 2093: x0: f32[1,0,2] reshaped to [0],
// then [0] @ [1,0,2] -> [1,2] (an empty sum: zeros). The tiled matmul
// computed its operands' base addresses before any loop, and A's address, a
// view of a zero-size tensor, divides by that zero extent: the module trapped
// ("remainder by zero") where the interpreter gives [0, 0]. Empty products now
// take the generic loops, which run no step.
test('fuzz 303: a matmul over an empty contraction gives zeros, without trapping', async () => {
  const g = new Graph();
  const x0 = g.input('x0', [1, 0, 2]);
  g.output('out0', x0.reshape([0]).matmul(x0));
  g.output(
    'out1',
    g
      .input('a', [3, 0])
      .matmul(g.input('b', [0, 9]))
      .add(1),
  );
  const feeds = { x0: new Float32Array(0), a: new Float32Array(0), b: new Float32Array(0) };
  await checkGraph(g, feeds, { rtol: 0, atol: 0 });
  expect(Array.from((await compile(g)).run(feeds).out1 ?? [])).toEqual(new Array(27).fill(1));
});
