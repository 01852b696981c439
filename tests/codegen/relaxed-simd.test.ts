/**
 * Relaxed SIMD (`compile(g, { relaxedSimd: true })`): off by default, refused
 * with a clear error where the engine lacks it (as in vitest's workers), and
 * correct where it has it — checked in a child `node
 * --experimental-wasm-relaxed-simd` process, whose saved module this process
 * (without the flag) then refuses to load.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { ArtifactError, Graph, InputError, compile, load, supportsRelaxedSimd } from '../../src/index.js';

const matmul = (): Graph => {
  const g = new Graph();
  g.output('c', g.input('a', [4, 8]).matmul(g.input('b', [8, 8])));
  return g;
};

describe('relaxed SIMD', () => {
  test('without engine support: compile refuses it with an InputError; bad values too', async () => {
    expect(supportsRelaxedSimd()).toBe(false);
    await expect(compile(matmul(), { relaxedSimd: true })).rejects.toThrow(InputError);
    await expect(compile(matmul(), { relaxedSimd: true })).rejects.toThrow(/experimental-wasm-relaxed-simd/);
    await expect(compile(matmul(), { relaxedSimd: 'yes' as never })).rejects.toThrow(InputError);
    await expect(compile(matmul(), { relaxedSimd: true, simd: false })).rejects.toThrow(/needs simd/);
    // the default does not use it
    await expect(compile(matmul(), { relaxedSimd: false })).resolves.toBeDefined();
  });

  test('with engine support: matmuls agree with the interpreter, and the saved module needs the feature', async () => {
    const root = new URL('../..', import.meta.url).pathname;
    const file = join(mkdtempSync(join(tmpdir(), 'tw-relaxed-')), 'relaxed.wasm');
    const out = execFileSync(
      'node',
      ['--experimental-wasm-relaxed-simd', 'scripts/run-ts.mjs', 'tests/support/relaxed-simd-probe.ts', file],
      { cwd: root, encoding: 'utf8' },
    );
    const result = JSON.parse(out.trim().split('\n').pop() ?? '{}') as {
      supported: boolean;
      results: { shape: string; worst: number; features: string[] }[];
      reloaded: number[];
    };
    expect(result.supported).toBe(true);
    expect(result.results).toHaveLength(4);
    for (const r of result.results) {
      expect(r.features, r.shape).toEqual(['simd128', 'relaxed-simd']);
      // fused or not, the error stays at f32 accumulation level
      expect(r.worst, r.shape).toBeLessThan(1e-6);
    }
    expect(result.reloaded).toEqual([9]);
    // this process has no relaxed SIMD: loading the saved module says so
    await expect(load(readFileSync(file))).rejects.toThrow(ArtifactError);
    await expect(load(readFileSync(file))).rejects.toThrow(/relaxed-simd/);
  }, 60_000);
});
