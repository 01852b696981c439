/**
 * The browser example in real headless Chromium (Debian's, driven by
 * playwright-core): the page loads saved modules with the bundled runtime and
 * computes bit-identical outputs to Node. Skipped, with a warning, when
 * /usr/bin/chromium is missing (.ci/run installs it).
 */
import { copyFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, test } from 'vitest';
import type { Browser } from 'playwright-core';
import { serveFolder, type StaticServer } from '../../examples/browser/static-server.js';
import { compile } from '../../src/index.js';
import { ROOT } from './ensure-built.js';
import { chromiumMissing, launchChromium } from '../support/chromium.js';
import { openExamplePage } from '../support/example-page.js';
import { bundleRuntime } from '../support/runtime-bundle.js';
import { bytesOf, testModels } from './models.js';

const missing = chromiumMissing();
const available = missing === '';
if (!available) console.warn(`SKIPPED tests/aot/browser.test.ts: ${missing}`);

let dir = '';
let server: StaticServer | undefined;
let browser: Browser | undefined;
const expected = new Map<string, Record<string, number[]>>();

beforeAll(async () => {
  if (!available) return;
  dir = mkdtempSync(join(tmpdir(), 'tensorwasm-browser-'));
  mkdirSync(join(dir, 'dist'));
  for (const file of ['index.html', 'main.js'])
    copyFileSync(join(ROOT, 'examples/browser', file), join(dir, file));
  await bundleRuntime(join(dir, 'dist/tensorwasm-runtime.js'));
  for (const spec of testModels()) {
    const model = await compile(spec.graph);
    model.setParams(spec.params);
    const out = model.run(spec.inputs);
    expected.set(spec.name, Object.fromEntries(Object.entries(out).map(([k, v]) => [k, bytesOf(v)])));
    writeFileSync(join(dir, `dist/${spec.name}.wasm`), model.save({ params: true }));
    const inputs = Object.fromEntries(Object.entries(spec.inputs).map(([k, v]) => [k, Array.from(v)]));
    writeFileSync(join(dir, `dist/${spec.name}.inputs.json`), JSON.stringify(inputs));
  }
  server = await serveFolder(dir);
  browser = await launchChromium();
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await server?.close();
  if (dir !== '') rmSync(dir, { recursive: true, force: true });
});

test.skipIf(!available)(
  'the example page computes the same bits as Node in headless Chromium',
  async () => {
    const page = await browser!.newPage();
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    for (const [name, want] of expected) {
      const got = await openExamplePage(page, `${server!.url}/index.html?model=${name}`, 30_000);
      expect(got, name).toEqual(want);
      expect(await page.textContent('#status')).toMatch(new RegExp(`^${name}\\.wasm: \\d+ bytes, run in`));
    }
    expect(errors).toEqual([]);
    await page.close();
  },
  120_000,
);
