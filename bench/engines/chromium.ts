/**
 * The benchmark in headless Chromium (Debian's /usr/bin/chromium, driven by
 * playwright-core): compiles each workload's tensorwasm module here and saves
 * it, bundles bench/browser/page.ts, serves both with the packages' dist/
 * folders from a local server, and runs the shared measuring loop in the page,
 * in a freshly launched browser per pass (`--processes`: one pass per round).
 */
import { build } from 'esbuild';
import { existsSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { Browser } from 'playwright-core';
import { serveFolder, type StaticServer } from '../../examples/browser/static-server.js';
import { compile } from '../../src/index.js';
import type { PageConfig, PageResult } from '../browser/page.js';
import { buildGraph } from '../competitors/tensorwasm.js';
import { moduleFileName } from '../competitors/tensorwasm-runtime.js';
import { errorText, type Reporter } from '../measure.js';
import { competitorVersions, gitRevision } from '../provenance.js';
import type { EngineRun } from '../report.js';
import { makeWorkloads, selectWorkloads } from '../workloads.js';

export const CHROMIUM = '/usr/bin/chromium';

/**
 * Flags for a quiet, reproducible browser. Playwright starts every launch on
 * a fresh temporary profile (it refuses --user-data-dir in `args`).
 */
export const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/** Cross-origin isolation: the page's timer then has 5 us resolution instead of 100 us. */
const ISOLATION_HEADERS = {
  'cross-origin-opener-policy': 'same-origin',
  'cross-origin-embedder-policy': 'require-corp',
};

/** Each package's dist/ folder, served under its own name. */
export const DIST_FOLDERS: Readonly<Record<string, string>> = {
  'tfjs-core': 'node_modules/@tensorflow/tfjs-core/dist',
  'tfjs-backend-wasm': 'node_modules/@tensorflow/tfjs-backend-wasm/dist',
  ort: 'node_modules/onnxruntime-web/dist',
};

export interface ChromiumOptions {
  readonly quick: boolean;
  readonly only?: readonly string[];
  readonly competitors: readonly string[];
  /** Samples per cell at most (several passes share the time); the settings' own when absent. */
  readonly maxSamples?: number;
  readonly reporter: Reporter;
}

/**
 * Bundles the page script `entry` (a path from the repository's root) into
 * `dir`/page.js, for the browser as ES modules (`external` packages left
 * out: the page loads them itself), and writes `dir`/index.html, titled
 * `title`, that runs it. Shared by the Chromium benches and probes.
 */
export async function writePage(
  dir: string,
  entry: string,
  title: string,
  external: readonly string[] = [],
): Promise<void> {
  await build({
    entryPoints: [resolve(entry)],
    outfile: join(dir, 'page.js'),
    bundle: true,
    format: 'esm',
    platform: 'browser',
    target: 'es2022',
    external: [...external],
    logLevel: 'error',
  });
  writeFileSync(
    join(dir, 'index.html'),
    `<!doctype html><meta charset="utf-8"><title>${title}</title><link rel="icon" href="data:,"><script type="module" src="page.js"></script>\n`,
  );
}

/** Writes the page, its bundle, the saved modules and links to the dist/ folders into `dir`. */
async function preparePage(dir: string, options: ChromiumOptions): Promise<boolean> {
  for (const [name, folder] of Object.entries(DIST_FOLDERS)) symlinkSync(resolve(folder), join(dir, name));
  // The Node loaders of the tfjs and ORT adapters stay unbundled (the page passes its own).
  await writePage(dir, 'bench/browser/page.ts', 'tensorwasm benchmark', [
    '@tensorflow/*',
    'onnxruntime-web',
    '@jax-js/*',
  ]);
  mkdirSync(join(dir, 'tw'));
  // Both builds in each file (relaxedSimd: true builds the variant on any Node), and the page's
  // runtime runs the relaxed one where Chromium has it: what compile()'s default ('auto') gives
  // in the page itself. With the default here ('auto' on Node 20, no variant) Chromium ran the
  // baseline build: W2/W3 20-30% slower than Node 24/26 ran them.
  for (const workload of selectWorkloads(makeWorkloads(options.quick), options.only)) {
    options.reporter.progress(`chromium: compiling ${workload.id}`);
    const model = await compile(buildGraph(workload.spec), { relaxedSimd: true });
    writeFileSync(join(dir, 'tw', moduleFileName(workload)), model.save());
    model.dispose();
  }
  return true;
}

/** Chromium 131.0.6778.85 ships V8 13.1 (V8's version is Chromium's milestone / 10). */
function v8OfChromium(version: string): string {
  const milestone = Number(version.split('.')[0]);
  return Number.isFinite(milestone) ? `${Math.floor(milestone / 10)}.${milestone % 10}` : '?';
}

/** A prepared page that can be measured in fresh browsers, pass after pass. */
export interface ChromiumSession {
  /** Launches Chromium, runs the page's benchmark once, closes it; a pass that cannot run comes back with `error`. */
  pass(): Promise<EngineRun>;
  /** Stops the server and deletes the page's folder. */
  close(): Promise<void>;
}

/**
 * Prepares the page once (compiles and saves the modules, bundles the page,
 * starts the server); each pass then launches its own browser, so every pass
 * runs in a fresh renderer process.
 */
export async function openChromium(options: ChromiumOptions): Promise<ChromiumSession> {
  const failed = (error: string, loadStart = loadavg()): EngineRun => ({
    engine: { name: 'Chromium', v8: '?', detail: '', relaxedSimd: false, loadStart, loadEnd: loadavg() },
    error,
  });
  if (!existsSync(CHROMIUM)) {
    const error = `no Chromium at ${CHROMIUM} (apt-get install -y chromium)`;
    return { pass: () => Promise.resolve(failed(error)), close: () => Promise.resolve() };
  }
  const dir = mkdtempSync(join(tmpdir(), 'tensorwasm-bench-chromium-'));
  let server: StaticServer | undefined;
  const close = async (): Promise<void> => {
    await server?.close();
    rmSync(dir, { recursive: true, force: true });
  };
  let relaxed = false;
  try {
    options.reporter.progress('chromium: preparing the page', true);
    relaxed = await preparePage(dir, options);
    server = await serveFolder(dir, 0, ISOLATION_HEADERS);
  } catch (e) {
    await close();
    const error = errorText(e);
    return { pass: () => Promise.resolve(failed(error)), close: () => Promise.resolve() };
  }
  const url = server.url;
  return {
    pass: async () => {
      const loadStart = loadavg();
      try {
        return await runPass(url, relaxed, options, loadStart);
      } catch (e) {
        return failed(errorText(e), loadStart);
      }
    },
    close,
  };
}

/** One pass: a fresh browser on the page at `url`. */
async function runPass(
  url: string,
  relaxed: boolean,
  options: ChromiumOptions,
  loadStart: readonly number[],
): Promise<EngineRun> {
  const started = performance.now();
  let browser: Browser | undefined;
  try {
    const { chromium } = await import('playwright-core');
    browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
    const version = browser.version();
    const page = await browser.newPage();
    page.on('console', (message) => {
      if (message.type() === 'debug') options.reporter.progress(`chromium: ${message.text()}`);
      else options.reporter.print(`chromium: ${message.text()}`);
    });
    page.on('response', (response) => {
      if (response.status() >= 400)
        options.reporter.print(`chromium: HTTP ${response.status()} for ${response.url()}`);
    });
    page.on('pageerror', (e) => options.reporter.print(`chromium page error: ${e.message}`));
    await page.goto(`${url}/index.html`);
    await page.waitForFunction(() => 'tensorwasmBench' in globalThis, undefined, { timeout: 60_000 });
    const config: PageConfig = {
      quick: options.quick,
      ...(options.only === undefined ? {} : { only: options.only }),
      competitors: options.competitors,
      relaxedSimd: relaxed,
      versions: competitorVersions(),
      ...(options.maxSamples === undefined ? {} : { maxSamples: options.maxSamples }),
    };
    const out: PageResult = await page.evaluate(
      (c) =>
        (globalThis as unknown as { tensorwasmBench(c: PageConfig): Promise<PageResult> }).tensorwasmBench(c),
      config,
    );
    if (!out.crossOriginIsolated) options.reporter.print('chromium: the page is not cross-origin isolated');
    return {
      engine: {
        name: `Chromium ${version}`,
        v8: v8OfChromium(version),
        detail: out.userAgent,
        relaxedSimd: out.relaxedSimd,
        ...(relaxed ? { relaxedSimdUsed: true } : {}),
        loadStart,
        loadEnd: loadavg(),
      },
      result: {
        meta: {
          date: new Date().toISOString().slice(0, 10),
          machine: cpus()[0]?.model.trim() ?? 'unknown',
          cores: cpus().length,
          node: `Chromium ${version}`,
          v8: v8OfChromium(version),
          commit: gitRevision(),
          mode: options.quick ? 'quick' : 'full',
          totalSeconds: (performance.now() - started) / 1000,
        },
        competitors: out.competitors,
        compile: { mlpMs: NaN, mlpBestMs: NaN, mlpStats: {} },
        workloads: out.workloads,
      },
    };
  } finally {
    await browser?.close();
  }
}

/** Runs the benchmark in headless Chromium once; a run that cannot start comes back with `error`. */
export async function runChromium(options: ChromiumOptions): Promise<EngineRun> {
  const session = await openChromium(options);
  try {
    return await session.pass();
  } finally {
    await session.close();
  }
}
