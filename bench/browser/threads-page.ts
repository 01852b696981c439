/**
 * The threads benchmark's page for headless Chromium (bundled by
 * bench/browser/threads-chromium.ts): one pass of the shared measuring loop
 * (bench/measure.ts) per page — tensorwasm on 1 and N threads, or tensorwasm
 * on 1 thread (the reference outputs are checked against) beside tfjs-wasm's
 * threaded build or ORT-web, each with N threads. The driver calls
 * window.tensorwasmThreadsBench(config) on a fresh page per pass, so no
 * engine's workers outlive its pass. Whole ONNX models (--models) follow the
 * workloads in the ours and ORT-web passes.
 */
import type { Competitor } from '../competitors/competitor.js';
import { makeOrt } from '../competitors/ort.js';
import { makeTensorwasmRuntime } from '../competitors/tensorwasm-runtime.js';
import { makeTfjs } from '../competitors/tfjs.js';
import {
  FULL,
  QUICK,
  initCompetitors,
  measureWorkload,
  measureWorkloads,
  type Reporter,
  type Settings,
} from '../measure.js';
import type { StartupResult, WorkloadResult } from '../report.js';
import { makeWorkloads, selectWorkloads } from '../workloads.js';
import { loadOrt, loadTfjs } from './page-loaders.js';
import {
  fetchPageModel,
  makePageModelOrt,
  makePageModelTensorwasm,
  type PageModelSpec,
} from './page-models.js';
import { consoleReporter } from './page-reporter.js';

/**
 * Which engines one page measures: ours on 1 and N threads, or a competitor
 * with N threads, or tfjs-wasm on 1 thread ('tfjs1': its own speed-up shows
 * the N-thread run really ran on threads).
 */
export type ThreadsPass = 'ours' | 'tfjs' | 'tfjs1' | 'ort';

/** What the driver asks for. */
export interface ThreadsPageConfig {
  readonly pass: ThreadsPass;
  readonly threads: number;
  readonly quick: boolean;
  /** The workload ids (the threads workloads, or those --only names). */
  readonly only: readonly string[];
  readonly versions: Readonly<Record<string, string>>;
  /** Whole ONNX models to measure after the workloads (not in the tfjs pass: tfjs-wasm imports no ONNX). */
  readonly models: readonly PageModelSpec[];
  readonly modelSettings: Settings;
}

/** What one pass measured. */
export interface ThreadsPageResult {
  readonly userAgent: string;
  readonly crossOriginIsolated: boolean;
  readonly hardwareConcurrency: number;
  readonly competitors: readonly StartupResult[];
  readonly workloads: readonly WorkloadResult[];
  /** tfjs-wasm's backend's thread count (getThreadsCount()) in the tfjs pass, once it loaded. */
  readonly tfjsThreads?: number;
  /** The hardwareConcurrency tfjs-wasm's page was shown, where it was raised (presentCores). */
  readonly tfjsCoresShown?: number;
}

const reporter = consoleReporter();

/**
 * tfjs-wasm caps its thread pool at navigator.hardwareConcurrency / 2 (its
 * backend.cc assumes two hardware threads per core), so on a 2-core machine
 * without SMT it runs one thread whatever setThreadsCount asks. Its page is
 * shown `count` cores (read once, when its module starts) so it can take the
 * threads asked for; getThreadsCount() then says what it really runs.
 */
function presentCores(count: number): void {
  if (navigator.hardwareConcurrency >= count) return;
  Object.defineProperty(Navigator.prototype, 'hardwareConcurrency', { get: () => count, configurable: true });
}

/** The whole models (ResNet-50, ...): ours on 1 and N threads, or ORT-web on N beside our 1. */
async function measureModels(config: ThreadsPageConfig, n: number, log: Reporter): Promise<WorkloadResult[]> {
  const competitors = [
    makePageModelTensorwasm(1),
    config.pass === 'ours' ? makePageModelTensorwasm(n) : makePageModelOrt(loadOrt, n),
  ];
  const { ready } = await initCompetitors(competitors, config.versions, log);
  const out: WorkloadResult[] = [];
  for (const [i, spec] of config.models.entries()) {
    const model = await fetchPageModel(spec);
    out.push(await measureWorkload(model, i, config.models.length, ready, config.modelSettings, log));
  }
  return out;
}

async function tensorwasmThreadsBench(config: ThreadsPageConfig): Promise<ThreadsPageResult> {
  const n = config.threads;
  const hardwareConcurrency = navigator.hardwareConcurrency;
  if (config.pass === 'tfjs') presentCores(2 * n);
  const second: Record<ThreadsPass, () => Competitor> = {
    ours: () => makeTensorwasmRuntime('/tw/', true, n),
    tfjs: () => makeTfjs(loadTfjs, n),
    tfjs1: () => makeTfjs(loadTfjs, 1),
    ort: () => makeOrt(loadOrt, n),
  };
  // the modules were compiled with relaxedSimd: true (the runtime picks the baseline where it is missing)
  const chosen = [makeTensorwasmRuntime('/tw/', true), second[config.pass]()];
  const { startup, ready } = await initCompetitors(chosen, config.versions, reporter);
  const workloads = selectWorkloads(makeWorkloads(false), config.only);
  const results = await measureWorkloads(workloads, ready, config.quick ? QUICK : FULL, reporter);
  if ((config.pass === 'ours' || config.pass === 'ort') && config.models.length > 0)
    results.push(...(await measureModels(config, n, reporter)));
  const tf = (globalThis as { tf?: { wasm?: { getThreadsCount(): number } } }).tf;
  const tfjsThreads = config.pass === 'tfjs' ? tf?.wasm?.getThreadsCount() : undefined;
  const shown = navigator.hardwareConcurrency;
  return {
    ...(shown === hardwareConcurrency ? {} : { tfjsCoresShown: shown }),
    ...(tfjsThreads === undefined ? {} : { tfjsThreads }),
    userAgent: navigator.userAgent,
    crossOriginIsolated: globalThis.crossOriginIsolated,
    hardwareConcurrency,
    competitors: startup,
    workloads: results,
  };
}

(globalThis as unknown as { tensorwasmThreadsBench: typeof tensorwasmThreadsBench }).tensorwasmThreadsBench =
  tensorwasmThreadsBench;
