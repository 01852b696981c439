/**
 * The HTML report in real headless Chromium (Debian's, driven by
 * playwright-core): the page renders (not blank), shows the plan chart with a
 * rectangle per buffer, the kernel table and the IR, loads nothing from the
 * network and throws nothing. Skipped, with a warning, when Chromium is
 * missing or cannot launch. The screenshot is left in the temp folder.
 */
import { writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, test } from 'vitest';
import type { Browser } from 'playwright-core';
import { compile, htmlReport, planGraph, toDot } from '../../src/index.js';
import { mlpHead } from './graphs.js';
import { chromiumMissing, launchChromium } from '../support/chromium.js';

/** Where the test leaves its screenshot, for a person to look at. */
const SCREENSHOT = join(tmpdir(), 'tensorwasm-inspect-report.png');

let browser: Browser | undefined;
let skipReason = chromiumMissing();

beforeAll(async () => {
  if (skipReason !== '') return;
  try {
    browser = await launchChromium();
  } catch (error) {
    skipReason = `Chromium did not launch: ${String(error).split('\n')[0]}`;
  }
  if (skipReason !== '') console.warn(`SKIPPED tests/inspect/html-report.browser.test.ts: ${skipReason}`);
}, 60_000);

afterAll(async () => {
  await browser?.close();
});

test('the report renders in Chromium with the plan chart, the kernels and the IR', async (context) => {
  if (browser === undefined) {
    console.warn(`SKIPPED html report test: ${skipReason}`);
    context.skip();
    return;
  }
  const graph = mlpHead();
  const model = await compile(graph);
  model.setParams({ w: new Float32Array(12).fill(0.5) });
  const profile = model.profile({ x: new Float32Array(8).fill(1) }, { repeats: 3 });
  const html = await htmlReport(model, { title: 'mlp head', profile, dot: toDot(planGraph(graph)) });
  expect(html).not.toMatch(/<script|<link|\bsrc=|url\(/i);

  const page = await browser.newPage({ viewport: { width: 1200, height: 900 } });
  const errors: string[] = [];
  const requests: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  page.on('request', (r) => requests.push(r.url()));
  await page.setContent(html, { waitUntil: 'load' });

  const text = await page.evaluate(() => document.body.innerText);
  expect(text.length).toBeGreaterThan(500);
  for (const heading of [
    'tensorwasm report: mlp head',
    'Memory plan',
    'Kernels',
    'Compile timings',
    'IR per stage',
    'WebAssembly text',
  ])
    expect(text).toContain(heading);
  for (const k of model.kernels) expect(text).toContain(k.name);

  const chart = page.locator('svg.tensorwasm-plan').first();
  const box = await chart.boundingBox();
  expect(box?.width).toBeGreaterThan(600);
  expect(box?.height).toBeGreaterThan(200);
  expect(await chart.locator('g.buffer').count()).toBe(model.plan.buffers.length);
  expect(await chart.locator('line.lower-bound').count()).toBe(1);
  // the fused IR is open by default and visible
  expect(await page.locator('details[open] pre').first().isVisible()).toBe(true);

  const png = await page.screenshot({ fullPage: true });
  writeFileSync(SCREENSHOT, png);
  expect(png.length).toBeGreaterThan(30_000); // a blank page compresses to a few KB
  expect(errors).toEqual([]);
  expect(requests.filter((u) => !u.startsWith('data:') && u !== 'about:blank')).toEqual([]);
  await page.close();
}, 120_000);
