/**
 * Softmax's row exp (exp(x)·2^25 for x <= 0, Horner scheme): within exp's
 * 1 ULP of the exact exp(x)·2^25 over [-104, 0], scalar and SIMD bit-identical,
 * and the same within 1 ULP in the relaxed build where the engine has it.
 */
import { describe, expect, it } from 'vitest';
import { emitExpNonpositiveTimes2p25 } from '../../src/codegen/binaryen/math/index.js';
import { supportsRelaxedSimd } from '../../src/runtime/features.js';
import {
  buildEmitterKernels,
  concat,
  countBitDifferences,
  denseSweep,
  linearSweep,
  ulpDistance,
} from '../support/math-measure.js';

const SCALE = 2 ** 25;

/** Every 61st f32 in [-104, -1e-30] (~17M values) and 200k evenly spaced over [-20, 0]. */
function sweep(): Float32Array {
  return concat(denseSweep(-104, -1e-30, 61), linearSweep(-20, 0, 200_000), [0, -0, -104, -103.97]);
}

/** Max ULP distance from fround(exp(x)·2^25) (exact in float64 up to the final rounding). */
function maxUlp(xs: Float32Array, got: Float32Array): { ulp: number; x: number } {
  let worst = { ulp: 0, x: NaN };
  for (let i = 0; i < xs.length; i++) {
    const x = xs[i] ?? NaN;
    const d = ulpDistance(got[i] ?? NaN, Math.fround(Math.exp(x) * SCALE));
    if (d > worst.ulp) worst = { ulp: d, x };
  }
  return worst;
}

describe("softmax's exp·2^25", () => {
  it('within 1 ULP over [-104, 0], scalar and SIMD bit-identical', () => {
    const xs = sweep();
    const k = buildEmitterKernels(emitExpNonpositiveTimes2p25);
    const scalar = k.run('scalar', xs);
    const simd = k.run('simd', xs);
    const worst = maxUlp(xs, simd);
    expect(worst.ulp, `x = ${worst.x}`).toBeLessThanOrEqual(1);
    expect(countBitDifferences(scalar, simd)).toBe(0);
  });

  it('NaN stays NaN, -inf gives exp(-104)·2^25 (the clamp), 0 gives 2^25', () => {
    const k = buildEmitterKernels(emitExpNonpositiveTimes2p25);
    const got = k.run('simd', new Float32Array([NaN, -Infinity, 0, -1]));
    expect(got[0]).toBeNaN();
    expect(got[1]).toBe(Math.fround(Math.exp(-104) * SCALE));
    expect(got[2]).toBe(SCALE);
  });

  it.runIf(supportsRelaxedSimd())('relaxed build (fused madds): within 1 ULP over [-104, 0]', () => {
    const xs = sweep();
    const worst = maxUlp(xs, buildEmitterKernels(emitExpNonpositiveTimes2p25, true).run('simd', xs));
    expect(worst.ulp, `x = ${worst.x}`).toBeLessThanOrEqual(1);
  });
});
