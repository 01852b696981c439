/**
 * Threads in headless Chromium: a module compiled with threads: 2, saved and
 * loaded by the example page with the bundled runtime, runs on two threads
 * (Blob-URL workers on a shared memory, the page's main thread spinning at
 * the barriers) where the page is cross-origin isolated, and gives the same
 * bits as one thread in Node. Without the COOP/COEP headers, asking for two
 * threads is a ThreadError saying why, and 'auto' runs on one. Skipped, with
 * a warning, when /usr/bin/chromium is missing (.ci/run installs it).
 */
import { copyFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, test } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import {
  CROSS_ORIGIN_ISOLATION,
  serveFolder,
  type StaticServer,
} from '../../examples/browser/static-server.js';
import { Graph, compile } from '../../src/index.js';
import { ROOT } from './ensure-built.js';
import { chromiumMissing, launchChromium } from '../support/chromium.js';
import { openExamplePage } from '../support/example-page.js';
import { bundleRuntime } from '../support/runtime-bundle.js';
import { bytesOf } from './models.js';

const missing = chromiumMissing();
const available = missing === '';
if (!available) console.warn(`SKIPPED tests/aot/browser-threads.test.ts: ${missing}`);

let dir = '';
let isolated: StaticServer | undefined;
let plain: StaticServer | undefined;
let browser: Browser | undefined;
let expected: Record<string, number[]> = {};

function graph(): Graph {
  const g = new Graph();
  const a = g.input('a', [96, 80]);
  const b = g.input('b', [80, 72]);
  const h = a.matmul(b).relu();
  g.output('h', h);
  g.output('p', h.softmax(-1));
  g.output('e', a.mul(0.5).tanh());
  return g;
}

beforeAll(async () => {
  if (!available) return;
  dir = mkdtempSync(join(tmpdir(), 'tensorwasm-threads-'));
  mkdirSync(join(dir, 'dist'));
  for (const file of ['index.html', 'main.js'])
    copyFileSync(join(ROOT, 'examples/browser', file), join(dir, file));
  await bundleRuntime(join(dir, 'dist/tensorwasm-runtime.js'));
  const inputs = {
    a: Float32Array.from({ length: 96 * 80 }, (_, i) => Math.sin(i * 0.1)),
    b: Float32Array.from({ length: 80 * 72 }, (_, i) => Math.cos(i * 0.3)),
  };
  const one = await compile(graph());
  expected = Object.fromEntries(Object.entries(one.run(inputs)).map(([k, v]) => [k, bytesOf(v)]));
  const two = await compile(graph(), { threads: 2, threadMinWork: 0 });
  writeFileSync(join(dir, 'dist/threads.wasm'), two.save());
  two.dispose();
  const json = Object.fromEntries(Object.entries(inputs).map(([k, v]) => [k, Array.from(v)]));
  writeFileSync(join(dir, 'dist/threads.inputs.json'), JSON.stringify(json));
  isolated = await serveFolder(dir, 0, CROSS_ORIGIN_ISOLATION);
  plain = await serveFolder(dir);
  browser = await launchChromium();
}, 180_000);

afterAll(async () => {
  await browser?.close();
  await isolated?.close();
  await plain?.close();
  if (dir !== '') rmSync(dir, { recursive: true, force: true });
});

/** Opens the example page and returns its outputs' bytes, or its error text. */
const open = (page: Page, url: string): Promise<Record<string, number[]> | string> =>
  openExamplePage(page, url, 60_000);

test.skipIf(!available)(
  'a cross-origin isolated page runs the module on 2 threads with the bits of one thread',
  async () => {
    const page = await browser!.newPage();
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    expect(await open(page, `${isolated!.url}/index.html?model=threads&threads=2`)).toEqual(expected);
    expect(await page.evaluate(() => crossOriginIsolated)).toBe(true);
    expect(await page.textContent('#status')).toMatch(/on 2 threads$/);
    // 'auto' takes the cores Chromium reports, at most the 2 the module was compiled for
    expect(await open(page, `${isolated!.url}/index.html?model=threads`)).toEqual(expected);
    expect(errors).toEqual([]);
    await page.close();
  },
  120_000,
);

test.skipIf(!available)(
  'without cross-origin isolation, 2 threads are refused with the reason and auto runs on one',
  async () => {
    const page = await browser!.newPage();
    expect(await open(page, `${plain!.url}/index.html?model=threads&threads=2`)).toMatch(
      /^E_THREAD: load: cannot run on 2 threads: shared memory is unavailable: the page is not cross-origin isolated/,
    );
    expect(await open(page, `${plain!.url}/index.html?model=threads&threads=auto`)).toEqual(expected);
    expect(await page.textContent('#status')).toMatch(/on 1 thread$/);
    await page.close();
  },
  120_000,
);
