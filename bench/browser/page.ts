/**
 * The benchmark page for headless Chromium (bundled by bench/engines/chromium.ts):
 * runs the shared measuring loop (bench/measure.ts) on tensorwasm (saved
 * modules + the runtime), tfjs-wasm and ORT-web loaded from their packages'
 * dist/ files, and plain JS. The driver calls window.tensorwasmBench(config)
 * and gets the measurements back as JSON.
 */
import { supportsRelaxedSimd } from '../../src/runtime/features.js';
import type { Competitor } from '../competitors/competitor.js';
import { makeOrt } from '../competitors/ort.js';
import { makePlainJs } from '../competitors/plainjs.js';
import { makeTensorwasmRuntime } from '../competitors/tensorwasm-runtime.js';
import { makeTfjs } from '../competitors/tfjs.js';
import { FULL, QUICK, initCompetitors, measureWorkloads } from '../measure.js';
import type { StartupResult, WorkloadResult } from '../report.js';
import { makeWorkloads, selectWorkloads } from '../workloads.js';
import { loadOrt, loadTfjs } from './page-loaders.js';
import { consoleReporter } from './page-reporter.js';

/** What the driver asks for. */
export interface PageConfig {
  readonly quick: boolean;
  readonly only?: readonly string[];
  /** Competitors besides tensorwasm: 'tfjs', 'ort', 'plainjs'. */
  readonly competitors: readonly string[];
  /** The saved modules were compiled with relaxed SIMD. */
  readonly relaxedSimd: boolean;
  readonly versions: Readonly<Record<string, string>>;
  /** Samples per cell at most, when several page loads share the engines bench's time (`--processes`). */
  readonly maxSamples?: number;
}

/** What the page measured. */
export interface PageResult {
  readonly userAgent: string;
  readonly relaxedSimd: boolean;
  readonly crossOriginIsolated: boolean;
  readonly competitors: readonly StartupResult[];
  readonly workloads: readonly WorkloadResult[];
  readonly totalSeconds: number;
}

const started = performance.now();
const reporter = consoleReporter();

async function tensorwasmBench(config: PageConfig): Promise<PageResult> {
  const available: Record<string, () => Competitor> = {
    tfjs: () => makeTfjs(loadTfjs),
    ort: () => makeOrt(loadOrt),
    plainjs: makePlainJs,
  };
  const chosen = [
    makeTensorwasmRuntime('/tw/', config.relaxedSimd),
    ...config.competitors.flatMap((key) => available[key]?.() ?? []),
  ];
  const { startup, ready } = await initCompetitors(chosen, config.versions, reporter);
  const workloads = selectWorkloads(makeWorkloads(config.quick), config.only);
  const base = config.quick ? QUICK : FULL;
  const settings = config.maxSamples === undefined ? base : { ...base, maxSamples: config.maxSamples };
  const results = await measureWorkloads(workloads, ready, settings, reporter);
  return {
    userAgent: navigator.userAgent,
    relaxedSimd: supportsRelaxedSimd(),
    crossOriginIsolated: globalThis.crossOriginIsolated,
    competitors: startup,
    workloads: results,
    totalSeconds: (performance.now() - started) / 1000,
  };
}

(globalThis as unknown as { tensorwasmBench: typeof tensorwasmBench }).tensorwasmBench = tensorwasmBench;
