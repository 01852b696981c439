/**
 * `npm run bench -- --threads 2 --browser`: the threads benchmark in headless
 * Chromium on a cross-origin isolated page. Compiles each threads workload
 * here for 1 and N threads and saves it, bundles bench/browser/threads-page.ts,
 * serves both with the packages' dist/ folders (COOP/COEP), and runs three
 * passes, each in a fresh page so no engine's workers outlive its pass: ours
 * on 1 and N threads, then tfjs-wasm's threaded build with N threads and
 * with 1 (its own speed-up) and ORT-web with N threads, each beside our 1
 * thread; with --models[=ids] the whole ONNX
 * models follow in the ours and ORT-web passes. Writes the Chromium block of
 * bench/results-threads.md and bench/results-threads-chromium.json.
 */
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { startCoreProbe } from '../core-latency.js';
import { othersMeter } from '../cpu-others.js';
import { join, resolve } from 'node:path';
import type { Browser } from 'playwright-core';
import {
  CROSS_ORIGIN_ISOLATION,
  serveFolder,
  type StaticServer,
} from '../../examples/browser/static-server.js';
import { compile, fromOnnx } from '../../src/index.js';
import { buildGraph } from '../competitors/tensorwasm.js';
import { moduleFileName } from '../competitors/tensorwasm-runtime.js';
import { CHROMIUM, CHROMIUM_ARGS, DIST_FOLDERS, writePage } from '../engines/chromium.js';
import { errorText, type Reporter } from '../measure.js';
import { competitorVersions, gitRevision } from '../provenance.js';
import type { StartupResult, WorkloadResult } from '../report.js';
import { makeModelWorkloads } from '../models/model-workloads.js';
import { MODELS_FULL, MODELS_QUICK } from '../models/run-models.js';
import { THREAD_WORKLOADS } from '../threads.js';
import { makeWorkloads, selectWorkloads, type Workload } from '../workloads.js';
import type { PageModelSpec } from './page-models.js';
import type { ThreadsPageConfig, ThreadsPageResult, ThreadsPass } from './threads-page.js';
import {
  chromiumBlock,
  renderChromiumThreads,
  withChromiumBlock,
  type ChromiumThreadsResult,
} from './threads-report.js';

/** The passes in order: ours first, then each competitor beside our 1 thread. */
const PASSES: readonly ThreadsPass[] = ['ours', 'tfjs', 'tfjs1', 'ort'];

export interface ChromiumThreadsOptions {
  readonly threads: number;
  readonly quick: boolean;
  /** Workload ids or groups among the threads workloads (all of them when undefined). */
  readonly only?: readonly string[] | undefined;
  readonly write: boolean;
  readonly outDir: string;
  readonly reporter: Reporter;
  /** Whole models to add (ids, as `--models=resnet`; [] or undefined for none here, unlike Node's undefined = all). */
  readonly models?: readonly string[] | undefined;
}

/** Writes the page, its bundle, the saved modules (1 and `threads` threads) and links to the dist/ folders into `dir`. */
async function preparePage(
  dir: string,
  workloads: readonly Workload[],
  options: ChromiumThreadsOptions,
): Promise<void> {
  for (const [name, folder] of Object.entries(DIST_FOLDERS)) symlinkSync(resolve(folder), join(dir, name));
  // The Node loaders of the tfjs and ORT adapters stay unbundled (the page passes its own).
  await writePage(dir, 'bench/browser/threads-page.ts', 'tensorwasm threads benchmark', [
    '@tensorflow/*',
    'onnxruntime-web',
  ]);
  mkdirSync(join(dir, 'tw'));
  // relaxedSimd: true builds the relaxed variant beside the baseline, and the page's runtime runs
  // it where Chromium has it, as the engines bench does (bench/engines/chromium.ts)
  for (const workload of workloads) {
    for (const threads of [1, options.threads]) {
      options.reporter.progress(`chromium: compiling ${workload.id} for ${threads} thread(s)`, true);
      const model = await compile(buildGraph(workload.spec), {
        relaxedSimd: true,
        ...(threads > 1 ? { threads } : {}),
      });
      writeFileSync(join(dir, 'tw', moduleFileName(workload, threads)), model.save());
      model.dispose();
    }
  }
}

/**
 * Writes each model's bytes, its seeded input and our 1- and `threads`-thread
 * modules (fromOnnx + compile, relaxedSimd as for the workloads) under
 * models/ and tw/; one model's bytes in memory at a time.
 */
async function prepareModels(dir: string, options: ChromiumThreadsOptions): Promise<PageModelSpec[]> {
  const ids = options.models ?? [];
  if (ids.length === 0) return [];
  mkdirSync(join(dir, 'models'));
  const specs: PageModelSpec[] = [];
  for (const w of makeModelWorkloads(ids)) {
    options.reporter.progress(`chromium: ${w.id}: making the model (random weights) and compiling it`, true);
    const file = moduleFileName(w).replace(/\.wasm$/, '');
    const bytes = w.bytes();
    writeFileSync(join(dir, 'models', `${file}.onnx`), bytes);
    const input = w.makeData().inputs[0];
    if (input === undefined) throw new Error(`bench: ${w.id} has no input`);
    writeFileSync(
      join(dir, 'models', `${file}.input.bin`),
      new Uint8Array(input.data.buffer, input.data.byteOffset, input.data.byteLength),
    );
    for (const threads of [1, options.threads]) {
      const model = await compile(await fromOnnx(bytes), {
        relaxedSimd: true,
        ...(threads > 1 ? { threads } : {}),
      });
      writeFileSync(join(dir, 'tw', moduleFileName(w, threads)), model.save());
      model.dispose();
    }
    w.release();
    specs.push({ id: w.id, title: w.title, file, input: w.input, inputShape: w.inputShape });
  }
  return specs;
}

/** One pass on a fresh page; the page (and every worker it started) is closed after. */
async function runPass(
  browser: Browser,
  url: string,
  config: ThreadsPageConfig,
  reporter: Reporter,
): Promise<{ result: ThreadsPageResult; workers: number; wasm: string[] }> {
  const page = await browser.newPage();
  let workers = 0;
  const wasm: string[] = [];
  const tag = `chromium ${config.pass}`;
  page.on('worker', () => workers++);
  page.on('console', (message) => {
    if (message.type() === 'debug') reporter.progress(`${tag}: ${message.text()}`);
    else reporter.print(`${tag}: ${message.text()}`);
  });
  page.on('response', (response) => {
    if (response.status() >= 400) reporter.print(`${tag}: HTTP ${response.status()} for ${response.url()}`);
    else if (response.url().endsWith('.wasm')) wasm.push(new URL(response.url()).pathname);
  });
  page.on('pageerror', (e) => reporter.print(`${tag} page error: ${e.message}`));
  try {
    await page.goto(url);
    await page.waitForFunction(() => 'tensorwasmThreadsBench' in globalThis, undefined, { timeout: 60_000 });
    const result: ThreadsPageResult = await page.evaluate(
      (c) =>
        (
          globalThis as unknown as {
            tensorwasmThreadsBench(c: ThreadsPageConfig): Promise<ThreadsPageResult>;
          }
        ).tensorwasmThreadsBench(c),
      config,
    );
    return { result, workers, wasm };
  } finally {
    await page.close();
  }
}

/** Our 1-thread cells of a competitor's pass, renamed `tensorwasm@<pass>`; its own cells as they are. */
function passCells(
  pass: ThreadsPass,
  result: ThreadsPageResult | undefined,
  id: string,
): WorkloadResult['cells'] {
  const cells = result?.workloads.find((w) => w.id === id)?.cells ?? [];
  return cells.map((c) => (c.competitor === 'tensorwasm' ? { ...c, competitor: `tensorwasm@${pass}` } : c));
}

/** Runs the three passes; returns what they measured (a pass that failed is named in `passErrors`). */
export async function runThreadsChromium(options: ChromiumThreadsOptions): Promise<ChromiumThreadsResult> {
  const { reporter } = options;
  if (!existsSync(CHROMIUM))
    throw new Error(`bench: no Chromium at ${CHROMIUM} (apt-get install -y chromium)`);
  const ids = THREAD_WORKLOADS.filter(
    (id) => options.only === undefined || options.only.some((o) => id === o || id.split(' ')[0] === o),
  );
  const workloads = selectWorkloads(makeWorkloads(false), ids);
  const load: number[] = [loadavg()[0] ?? NaN];
  const sampler = setInterval(() => load.push(loadavg()[0] ?? NaN), 2000);
  sampler.unref();
  const dir = mkdtempSync(join(tmpdir(), 'tensorwasm-bench-threads-'));
  let server: StaticServer | undefined;
  let browser: Browser | undefined;
  try {
    await preparePage(dir, workloads, options);
    const models = await prepareModels(dir, options);
    server = await serveFolder(dir, 0, CROSS_ORIGIN_ISOLATION);
    const { chromium } = await import('playwright-core');
    browser = await chromium.launch({ executablePath: CHROMIUM, args: [...CHROMIUM_ARGS] });
    const results = new Map<ThreadsPass, ThreadsPageResult>();
    const workers: Partial<Record<ThreadsPass, number>> = {};
    const others: Partial<Record<ThreadsPass, number>> = {};
    const trips: Partial<Record<ThreadsPass, number>> = {};
    // how far apart the host has the vCPUs (the page's threads run on them too), around each pass
    const probe = await startCoreProbe();
    const passErrors: Partial<Record<ThreadsPass, string>> = {};
    let tfjsBuild: string | undefined;
    for (const pass of PASSES) {
      reporter.progress(`chromium: the ${pass} pass`, true);
      const config: ThreadsPageConfig = {
        pass,
        threads: options.threads,
        quick: options.quick,
        only: workloads.map((w) => w.id),
        versions: competitorVersions(),
        models,
        modelSettings: options.quick ? MODELS_QUICK : MODELS_FULL,
      };
      // the CPU the rest of the machine took during the pass (ours: this process and Chromium's)
      const stop = othersMeter(true)();
      const tripBefore = probe.roundTripNs();
      try {
        const run = await runPass(browser, `${server.url}/index.html`, config, reporter);
        const cores = stop();
        if (cores !== undefined) others[pass] = cores;
        trips[pass] = Math.max(tripBefore, probe.roundTripNs());
        results.set(pass, run.result);
        workers[pass] = run.workers;
        if (pass === 'tfjs')
          tfjsBuild = run.wasm
            .find((p) => p.startsWith('/tfjs-backend-wasm/'))
            ?.split('/')
            .pop();
      } catch (e) {
        passErrors[pass] = errorText(e);
        reporter.print(`chromium: the ${pass} pass failed: ${passErrors[pass]}`);
      }
    }
    await probe.close();
    load.push(loadavg()[0] ?? NaN);
    const ours = results.get('ours');
    if (ours === undefined)
      throw new Error(`bench: the Chromium threads run failed: ${passErrors.ours ?? '?'}`);
    const tfjsThreads = results.get('tfjs')?.tfjsThreads;
    const tfjsCoresShown = results.get('tfjs')?.tfjsCoresShown;
    const result: ChromiumThreadsResult = {
      threads: options.threads,
      date: new Date().toISOString().slice(0, 10),
      commit: gitRevision(),
      machine: cpus()[0]?.model.trim() ?? 'unknown',
      cores: cpus().length,
      chromium: browser.version(),
      crossOriginIsolated: ours.crossOriginIsolated,
      hardwareConcurrency: ours.hardwareConcurrency,
      ...(tfjsThreads === undefined ? {} : { tfjsThreads }),
      ...(tfjsBuild === undefined ? {} : { tfjsBuild }),
      ...(tfjsCoresShown === undefined ? {} : { tfjsCoresShown }),
      workers,
      ...(Object.keys(others).length === 0 ? {} : { othersCores: others }),
      ...(Object.keys(trips).length === 0 ? {} : { coreRoundTripNs: trips }),
      ...(Object.keys(passErrors).length === 0 ? {} : { passErrors }),
      load,
      startup: PASSES.flatMap((p): readonly StartupResult[] => results.get(p)?.competitors ?? []),
      workloads: ours.workloads.map((w) => ({
        ...w,
        cells: [
          ...w.cells,
          ...passCells('tfjs', results.get('tfjs'), w.id),
          ...passCells('tfjs1', results.get('tfjs1'), w.id),
          ...passCells('ort', results.get('ort'), w.id),
        ],
      })),
    };
    console.log(`\n${renderChromiumThreads(result)}`);
    if (options.write) {
      const path = join(options.outDir, 'results-threads.md');
      const previous = existsSync(path) ? readFileSync(path, 'utf8') : '';
      writeFileSync(path, withChromiumBlock(previous, chromiumBlock(result)));
      writeFileSync(
        join(options.outDir, 'results-threads-chromium.json'),
        `${JSON.stringify(result, null, 1)}\n`,
      );
      console.log(
        `\nwrote the Chromium block of ${path} and ${options.outDir}/results-threads-chromium.json`,
      );
    }
    return result;
  } finally {
    clearInterval(sampler);
    await browser?.close();
    await server?.close();
    rmSync(dir, { recursive: true, force: true });
  }
}
