/**
 * Relaxed SIMD: used by default where the engine has it, correct there —
 * checked in a child `node --experimental-wasm-relaxed-simd` process — and a
 * module saved there still loads and runs here (vitest's workers have no
 * relaxed SIMD), on the baseline build the file carries beside the relaxed one.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { TALL_MIN_MACS } from '../../src/codegen/binaryen/emit-matmul-rows.js';
import { Graph, InputError, compile, load, supportsRelaxedSimd } from '../../src/index.js';
import { RELAXED_SECTION } from '../../src/common/manifest.js';
import { readSections } from '../../src/common/wasm-sections.js';

const matmul = (): Graph => {
  const g = new Graph();
  g.output('c', g.input('a', [4, 8]).matmul(g.input('b', [8, 8])));
  return g;
};

describe('relaxed SIMD', () => {
  // (run under Node 22+, which have relaxed SIMD, the engine-dependent expectations below adapt)
  test.skipIf(supportsRelaxedSimd())(
    'without engine support: the default builds no variant; true builds one and runs the baseline',
    async () => {
      const auto = await compile(matmul());
      expect(auto.features).toEqual(['simd128']);
      expect(await auto.wat()).not.toMatch(/relaxed/);
      const forced = await compile(matmul(), { relaxedSimd: true });
      expect(forced.features).toEqual(['simd128']);
      const feeds = { a: new Float32Array(32).fill(0.5), b: new Float32Array(64).fill(2) };
      expect(forced.run(feeds).c).toEqual(auto.run(feeds).c);
      // the saved file carries the relaxed build in a custom section
      const saved = forced.save();
      expect(readSections(saved).map((s) => s.name)).toContain(RELAXED_SECTION);
      const again = await load(saved);
      expect(again.features).toEqual(['simd128']);
      expect(again.run(feeds).c).toEqual(auto.run(feeds).c);
      // the relaxed build leaves the constants to the baseline's data segments: the file holds them once
      const big = new Graph();
      big.output(
        'y',
        big
          .input('x', [4096])
          .exp()
          .add(big.constant(new Float32Array(4096).fill(0.25))),
      );
      const withVariant = (await compile(big, { relaxedSimd: true })).save().length;
      const alone = (await compile(big, { relaxedSimd: false })).save().length;
      expect(withVariant - alone).toBeLessThan(4096);
      await expect(compile(matmul(), { relaxedSimd: 'yes' as never })).rejects.toThrow(InputError);
      await expect(compile(matmul(), { relaxedSimd: true, simd: false })).rejects.toThrow(/needs simd/);
    },
  );

  test('with engine support: matmuls agree with the interpreter, and a saved module runs its baseline here', async () => {
    const root = new URL('../..', import.meta.url).pathname;
    const file = join(mkdtempSync(join(tmpdir(), 'tw-relaxed-')), 'relaxed.wasm');
    const out = execFileSync(
      'node',
      ['--experimental-wasm-relaxed-simd', 'scripts/run-ts.mjs', 'tests/support/relaxed-simd-probe.ts', file],
      { cwd: root, encoding: 'utf8' },
    );
    const result = JSON.parse(out.trim().split('\n').pop() ?? '{}') as {
      supported: boolean;
      results: { shape: string; worst: number; features: string[]; tall: string }[];
      reloaded: number[];
      reloadedWant: number[];
      reloadedFeatures: string[];
    };
    expect(result.supported).toBe(true);
    expect(result.results).toHaveLength(6);
    expect(result.results[5]?.shape).toMatch(/, ([2-9]|\d\d+) chunks$/);
    for (const r of result.results) {
      expect(r.features, r.shape).toEqual(['simd128', 'relaxed-simd']);
      // fused or not, the error stays at f32 accumulation level
      expect(r.worst, r.shape).toBeLessThan(1e-6);
      // 6 rows or more and not small: 6-row tiles beside the 4-row ones, the same bits (the same
      // sums in order)
      const [rows = 0, cols = 0, depth = 0] = (r.shape.split(' ')[0] ?? '').split('x').map(Number);
      const tall = rows >= 6 && rows * cols * depth >= TALL_MIN_MACS;
      expect(r.tall, r.shape).toBe(tall ? 'identical' : 'none');
    }
    expect(result.reloaded).toEqual(result.reloadedWant);
    expect(result.reloadedFeatures).toEqual(['simd128', 'relaxed-simd']);
    // where this process has no relaxed SIMD (Node 20), the saved module runs its baseline build here
    const here = await load(readFileSync(file));
    expect(here.features).toEqual(supportsRelaxedSimd() ? ['simd128', 'relaxed-simd'] : ['simd128']);
    const c = here.run({ a: new Float32Array([2]), b: new Float32Array([3]) }).c as Float32Array;
    expect(Array.from(c)).toEqual(result.reloaded);
  }, 60_000);
});
