/**
 * FunctionBuilder.nestForUnrolling: the baseline build wraps a hot loop in
 * loops that run once (TurboFan unrolls an innermost loop further the deeper
 * it sits); the relaxed build, whose engines compile with Turboshaft, keeps
 * the loop as it is (there the nests cost compile time for no speed:
 * docs/kernels.md); loops of few iterations stay as they are in both.
 */
import { describe, expect, test } from 'vitest';
import { FunctionBuilder } from '../../src/codegen/binaryen/function-builder.js';
import { loadBinaryen } from '../../src/codegen/binaryen/load-binaryen.js';

/** Loops in the text of a function whose body is `nestForUnrolling` of one counted loop of `trips`. */
async function loopsAfterNesting(relaxedSimd: boolean, trips: number): Promise<number> {
  const b = await loadBinaryen();
  const m = new b.Module();
  try {
    m.setFeatures(b.Features.SIMD128 | b.Features.RelaxedSIMD);
    const fb = new FunctionBuilder(b, m, relaxedSimd);
    const v = fb.addLocal(b.i32);
    const loop = fb.forLoop(v, 0, trips, 1, false, [m.nop()]);
    m.addFunction('f', b.none, b.none, fb.locals, fb.nestForUnrolling(loop, v, trips));
    expect(m.validate()).toBeTruthy();
    return (m.emitText().match(/\(loop /g) ?? []).length;
  } finally {
    m.dispose();
  }
}

describe('nestForUnrolling', () => {
  test('nests a long loop in the baseline build only', async () => {
    expect(await loopsAfterNesting(false, 64)).toBeGreaterThan(1);
    expect(await loopsAfterNesting(true, 64)).toBe(1);
  });

  test('leaves a loop of few iterations alone in both builds', async () => {
    expect(await loopsAfterNesting(false, 4)).toBe(1);
    expect(await loopsAfterNesting(true, 4)).toBe(1);
  });
});
