/**
 * Softmax's row exp (exp(x)·2^25 for x <= 0, Horner scheme; and its row-shifted
 * form exp(x - K·ln2)·2^25 from x alone, softmax-shift.ts): within exp's 1 ULP
 * of the exact value, scalar and SIMD bit-identical, also in the relaxed build
 * where the engine has it; softmax rows on both sides of the shift's bound
 * agree with the interpreter.
 */
import { describe, expect, it } from 'vitest';
import binaryen from 'binaryen';
import { ROW_SHIFT_MAX_ABS } from '../../src/codegen/binaryen/math/exp.js';
import {
  emitExpNonpositiveTimes2p25,
  emitExpRowShifted,
  rowShiftScalars,
  type UnaryMathEmitter,
} from '../../src/codegen/binaryen/math/index.js';
import { Graph, compile } from '../../src/index.js';
import { checkGraph, VARIANTS } from '../support/differential.js';
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

  /** emitExpRowShifted for a row whose max is `max`, its locals set from rowShiftScalars. */
  const shifted =
    (max: number): UnaryMathEmitter =>
    (ctx, x, lanes) => {
      const m = ctx.m;
      const { lo, magic } = rowShiftScalars(m, () => m.f32.const(max));
      const type = lanes === 'simd' ? binaryen.v128 : binaryen.f32;
      const spread = (e: binaryen.ExpressionRef): binaryen.ExpressionRef =>
        lanes === 'simd' ? m.f32x4.splat(e) : e;
      const row = { lo: ctx.addLocal(type), magic: ctx.addLocal(type) };
      return m.block(
        null,
        [
          m.local.set(row.lo, spread(lo)),
          m.local.set(row.magic, spread(magic)),
          emitExpRowShifted(ctx, x, lanes, row),
        ],
        type,
      );
    };
  const log2e = Math.fround(Math.LOG2E);

  for (const max of [0, 3.7, -29.5, 63.9, -ROW_SHIFT_MAX_ABS, ROW_SHIFT_MAX_ABS]) {
    it(`row-shifted, max ${max}: within 1 ULP of exp(x - K·ln2)·2^25 over [max - 104, max]`, () => {
      // K = nearest(max·log2 e) in f32 (ties to even), as the emitted f32.nearest
      const p = Math.fround(Math.fround(max) * log2e);
      const k = Math.abs(p % 1) === 0.5 ? 2 * Math.round(p / 2) : Math.round(p);
      const xs = concat(linearSweep(Math.fround(max - 104), max, 400_000), [max, Math.fround(max - 104)]);
      for (const relaxed of supportsRelaxedSimd() ? [false, true] : [false]) {
        const kernels = buildEmitterKernels(shifted(max), relaxed);
        const simd = kernels.run('simd', xs);
        if (!relaxed) expect(countBitDifferences(kernels.run('scalar', xs), simd)).toBe(0);
        let worst = { ulp: 0, x: NaN };
        for (let i = 0; i < xs.length; i++) {
          const x = xs[i] ?? NaN;
          const d = ulpDistance(simd[i] ?? NaN, Math.fround(Math.exp(x - k * Math.LN2) * SCALE));
          if (d > worst.ulp) worst = { ulp: d, x };
        }
        expect(worst.ulp, `relaxed ${relaxed}, x = ${worst.x}`).toBeLessThanOrEqual(1);
      }
    });
  }

  it('softmax rows on both sides of the shift bound agree with the interpreter', async () => {
    const n = 37;
    // maxes with 7 fraction bits and offsets of 3: x - $m is exact, as the fallback (x - $m
    // then exp) needs to agree to rtol; values down to 108 below the max (clamped ones) and -inf
    const exact = [-200, -64.0078125, -64, -63.9921875, 0, 12.5, 63.9921875, 64, 64.0078125, 200].map((max) =>
      Array.from({ length: n }, (_, i) => (i === 9 ? -Infinity : max - 3 * ((i + 5) % n))),
    );
    // the shifted form takes x itself, so any values below a small max are accurate
    const any = [30, 63].map((a) => Array.from({ length: n }, (_, i) => a * Math.sin(i * 1.7)));
    const variants = [...VARIANTS, { debugPoison: true }];
    const check = async (rows: number[][], only: typeof variants): Promise<Graph> => {
      const g = new Graph();
      g.output('y', g.input('x', [rows.length, n]).softmax(-1));
      await checkGraph(g, { x: new Float32Array(rows.flat()) }, { rtol: 2e-6, atol: 1e-44 }, only);
      return g;
    };
    const g = await check(exact, variants);
    // (builds without SIMD or fusion keep x - $m, whose rounding moves such rows by up to ~4e-6)
    await check(
      any,
      variants.filter((v) => v.simd !== false && v.fuse !== false),
    );
    // the row shift is in the emitted kernel (K = nearest($m·log2 e))
    expect(await (await compile(g)).wat()).toContain('f32.nearest');
  });
});
