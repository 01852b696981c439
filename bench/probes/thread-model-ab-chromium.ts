/**
 * Probe: thread-model-ab.ts in headless Chromium — saved builds
 * (thread-model-save.ts, with `relaxed` as the Chromium bench compiles) on 1
 * and 2 threads, interleaved in every order on a cross-origin isolated page
 * (thread-model-ab-page.ts), each run against its base's run of the same
 * round. The page has no CPU clock, so no clean rounds; the driver prints
 * the load it saw.
 *
 *   node scripts/run-ts.mjs bench/probes/thread-model-ab-chromium.ts /tmp/ab/old.twm,/tmp/ab/new.twm [resnet|W1|…] [rounds=30] [ones]
 */
import { copyFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { CROSS_ORIGIN_ISOLATION, serveFolder } from '../../examples/browser/static-server.js';
import { CHROMIUM, CHROMIUM_ARGS, writePage } from '../engines/chromium.js';
import { makeModelWorkloads } from '../models/model-workloads.js';
import type { AbPageConfig } from './thread-model-ab-page.js';

const files = (process.argv[2] ?? '').split(',').filter((f) => f !== '');
const id = process.argv[3] ?? 'resnet';
const rounds = Number(process.argv[4] ?? 30);
const ones = process.argv[5] === 'ones';
if (files.length === 0)
  throw new Error('usage: thread-model-ab-chromium.ts a.twm,b.twm [model|W1|…] [rounds]');

const dir = mkdtempSync(join(tmpdir(), 'tensorwasm-ab-'));
try {
  await writePage(dir, 'bench/probes/thread-model-ab-page.ts', 'tensorwasm thread A/B');
  mkdirSync(join(dir, 'tw'));
  files.forEach((f, i) => copyFileSync(f, join(dir, 'tw', `${i}.twm`)));
  let input: AbPageConfig['input'];
  if (!/^W\d/.test(id)) {
    const [w] = makeModelWorkloads([id]);
    const x = w?.makeData().inputs[0];
    if (w === undefined || x === undefined) throw new Error(`no model ${id}`);
    writeFileSync(
      join(dir, 'input.bin'),
      new Uint8Array(x.data.buffer, x.data.byteOffset, x.data.byteLength),
    );
    input = { name: w.input, shape: w.inputShape };
  }
  const config: AbPageConfig = {
    labels: files.map((f) => basename(f)),
    rounds,
    ones,
    ...(input === undefined ? { workload: id } : { input }),
  };
  const server = await serveFolder(dir, 0, CROSS_ORIGIN_ISOLATION);
  const { chromium } = await import('playwright-core');
  const browser = await chromium.launch({ executablePath: CHROMIUM, args: [...CHROMIUM_ARGS] });
  try {
    const page = await browser.newPage();
    page.on('pageerror', (e) => console.log(`page error: ${e.message}`));
    await page.goto(`${server.url}/index.html`);
    await page.waitForFunction(() => 'threadModelAb' in globalThis, undefined, { timeout: 60_000 });
    const loads = [loadavg()[0]!];
    const lines: string[] = await page.evaluate(
      (c) =>
        (globalThis as unknown as { threadModelAb(c: AbPageConfig): Promise<string[]> }).threadModelAb(c),
      config,
    );
    loads.push(loadavg()[0]!);
    console.log(
      `${id} in Chromium ${browser.version()}, ${rounds} rounds, load ${Math.min(...loads).toFixed(2)}-${Math.max(...loads).toFixed(2)}`,
    );
    for (const line of lines) console.log(line);
  } finally {
    await browser.close();
    await server.close();
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}
