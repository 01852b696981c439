/**
 * gelu is lowered to erf (0.5·x·(1 + erf(x/√2))); its compiled error over a
 * dense sweep of [-12, 12], against the reference interpreter (which rounds
 * erf to f32 as the definition says), stays within the bound docs/math.md states.
 */
import { expect, test } from 'vitest';
import { Graph, compile, interpret } from '../../src/index.js';

// erf's 1 ulp near -1 (6e-8) becomes an absolute error of 6e-8·|x|/2 where 1 + erf
// cancels (x < 0), so the bound is 2 ulp of the result plus 3e-8·|x|
test('gelu: |compiled - reference| <= 2 ulp(gelu) + 3e-8·|x| over [-12, 12]', async () => {
  const n = 96_001;
  const x = Float32Array.from({ length: n }, (_, i) => -12 + (24 * i) / (n - 1));
  const g = new Graph();
  g.output('y', g.input('x', [n]).gelu());
  const expected = interpret(g, { x }).y as Float32Array;
  for (const simd of [true, false]) {
    const model = await compile(g, { simd });
    const actual = model.run({ x }).y as Float32Array;
    let worst = 0;
    for (let i = 0; i < n; i++) {
      const e = expected[i] as number;
      const ulp = 2 ** (Math.floor(Math.log2(Math.max(Math.abs(e), 2 ** -126))) - 23);
      const bound = 2 * ulp + 3e-8 * Math.abs(x[i] as number);
      worst = Math.max(worst, Math.abs((actual[i] as number) - e) / bound);
    }
    expect(worst, `simd ${simd}: worst error / bound`).toBeLessThanOrEqual(1);
  }
});
