/**
 * The inline math with relaxed SIMD (`relaxed_madd` in every polynomial step,
 * fused where the CPU has FMA) keeps the baseline's ULP bounds and its exact
 * special values. Measured in a child `node --experimental-wasm-relaxed-simd`
 * (vitest's workers cannot take the flag; Node 22+ need none).
 */
import { execFileSync } from 'node:child_process';
import { describe, expect, test } from 'vitest';
import { supportsRelaxedSimd } from '../../src/index.js';
import { ULP_BOUND } from '../support/math-measure.js';

describe('relaxed-SIMD math', () => {
  test('every function within its baseline ULP bound; special values exact', () => {
    const root = new URL('../..', import.meta.url).pathname;
    const out = execFileSync(
      process.execPath,
      // Node 20 needs the flag; Node 22+ have relaxed SIMD and refuse the flag (Node 24: "bad option")
      [
        ...(supportsRelaxedSimd() ? [] : ['--experimental-wasm-relaxed-simd']),
        'scripts/run-ts.mjs',
        'tests/support/relaxed-math-probe.ts',
      ],
      { cwd: root, encoding: 'utf8' },
    );
    const result = JSON.parse(out.trim().split('\n').pop() ?? '{}') as {
      maxUlp: Record<string, number>;
      worst: Record<string, unknown>;
      specialMismatches: string[];
    };
    expect(Object.keys(result.maxUlp).sort()).toEqual(Object.keys(ULP_BOUND).sort());
    for (const [op, bound] of Object.entries(ULP_BOUND))
      expect(result.maxUlp[op], `${op}: ${JSON.stringify(result.worst[op])}`).toBeLessThanOrEqual(bound);
    expect(result.specialMismatches).toEqual([]);
  }, 120_000);
});
