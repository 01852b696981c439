/**
 * Kernels with inline transcendental math, compiled here and run in headless
 * Chromium (V8's Turboshaft, relaxed SIMD), agree with the reference
 * interpreter: the relaxed-SIMD build the saved file carries (what Chromium
 * runs) and the baseline build (`relaxedSimd: false`). Skipped, with a
 * warning, when /usr/bin/chromium is missing (.ci/run installs it).
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, test } from 'vitest';
import type { Browser } from 'playwright-core';
import { serveFolder, type StaticServer } from '../../examples/browser/static-server.js';
import { Graph, compile, interpret } from '../../src/index.js';
import { chromiumMissing, launchChromium } from '../support/chromium.js';
import { bundleRuntime } from '../support/runtime-bundle.js';

const missing = chromiumMissing();
const available = missing === '';
if (!available) console.warn(`SKIPPED tests/aot/browser-math.test.ts: ${missing}`);

/** Every inline math function, a fused chain of them, and the row kernels that use exp. */
function mathGraph(): Graph {
  const g = new Graph();
  const x = g.input('x', [37, 41]);
  const pos = x.abs().add(0.01);
  g.output('exp', x.mul(9).exp());
  g.output('sigmoid', x.mul(12).sigmoid());
  g.output('tanh', x.mul(6).tanh());
  g.output('erf', x.mul(3).erf());
  g.output('log', pos.mul(100).log());
  g.output('sin', x.mul(50).sin().add(x.mul(20).cos()));
  g.output('pow', pos.pow(x.mul(3)));
  g.output('gelu', x.mul(4).gelu());
  g.output('w2', x.mul(1.5).add(-0.25).relu().mul(x.sigmoid()));
  g.output('softmax', x.mul(30).softmax(-1));
  g.output('logSoftmax', x.mul(30).logSoftmax(-1));
  return g;
}

/** Deterministic values in [-4, 4), with the special values in front. */
function inputs(size: number): Float32Array {
  const out = new Float32Array(size);
  let s = 12345;
  for (let i = 0; i < size; i++) {
    s = (s * 1103515245 + 12345) % 2147483648;
    out[i] = (s / 2147483648) * 8 - 4;
  }
  out.set([0, -0, 1e-30, -1e-30, 4, -4, 0.5, -0.5]);
  return out;
}

const PAGE = `<!doctype html><meta charset="utf-8"><script type="module">
import { load } from './tensorwasm-runtime.js';
const run = async (name) => {
  const model = await load(await (await fetch(name + '.wasm')).arrayBuffer());
  const x = await (await fetch('x.json')).json();
  const out = model.run({ x });
  return { features: model.features, out: Object.fromEntries(Object.entries(out).map(([k, v]) => [k, Array.from(v)])) };
};
window.runModel = run;
document.body.dataset.status = 'ready';
</script><body></body>`;

let dir = '';
let server: StaticServer | undefined;
let browser: Browser | undefined;
const x = inputs(37 * 41);
let want: Record<string, Float32Array> = {};

beforeAll(async () => {
  if (!available) return;
  dir = mkdtempSync(join(tmpdir(), 'tensorwasm-browser-math-'));
  await bundleRuntime(join(dir, 'tensorwasm-runtime.js'));
  writeFileSync(join(dir, 'index.html'), PAGE);
  writeFileSync(join(dir, 'x.json'), JSON.stringify(Array.from(x)));
  const g = mathGraph();
  want = interpret(g, { x }) as Record<string, Float32Array>;
  writeFileSync(join(dir, 'relaxed.wasm'), (await compile(g, { relaxedSimd: true })).save());
  writeFileSync(join(dir, 'baseline.wasm'), (await compile(g, { relaxedSimd: false })).save());
  server = await serveFolder(dir);
  browser = await launchChromium();
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await server?.close();
  if (dir !== '') rmSync(dir, { recursive: true, force: true });
});

/** |got - want| <= atol + rtol·|want|, NaN only where the reference is NaN. */
function worstMismatch(got: readonly number[], ref: Float32Array): string | undefined {
  const RTOL = 2e-6;
  const ATOL = 1e-6;
  for (let i = 0; i < ref.length; i++) {
    const w = ref[i] ?? NaN;
    const v = got[i] ?? NaN;
    if (Number.isNaN(w) ? Number.isNaN(v) : Math.abs(v - w) <= ATOL + RTOL * Math.abs(w)) continue;
    return `element ${i} (x = ${x[i]}): ${v} vs ${w}`;
  }
  return undefined;
}

test.skipIf(!available)(
  'relaxed and baseline builds agree with the interpreter in Chromium',
  async () => {
    const page = await browser!.newPage();
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    await page.goto(`${server!.url}/index.html`);
    await page.waitForFunction(() => document.body.dataset.status === 'ready', undefined, {
      timeout: 30_000,
    });
    for (const [name, features] of [
      ['relaxed', ['simd128', 'relaxed-simd']],
      ['baseline', ['simd128']],
    ] as const) {
      const result = await page.evaluate(
        (n) =>
          (
            window as unknown as {
              runModel: (n: string) => Promise<{ features: string[]; out: Record<string, number[]> }>;
            }
          ).runModel(n),
        name,
      );
      expect(result.features, name).toEqual(features);
      expect(Object.keys(result.out).sort()).toEqual(Object.keys(want).sort());
      for (const [output, ref] of Object.entries(want))
        expect(worstMismatch(result.out[output] ?? [], ref), `${name} ${output}`).toBeUndefined();
    }
    expect(errors).toEqual([]);
    await page.close();
  },
  120_000,
);
