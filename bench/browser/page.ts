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
import { makeTfjs, type TfjsModules } from '../competitors/tfjs.js';
import { FULL, QUICK, initCompetitors, measureWorkloads, type Reporter } from '../measure.js';
import type { StartupResult, WorkloadResult } from '../report.js';
import { makeWorkloads, selectWorkloads } from '../workloads.js';
import type * as Ort from 'onnxruntime-web';

/** What the driver asks for. */
export interface PageConfig {
  readonly quick: boolean;
  readonly only?: readonly string[];
  /** Competitors besides tensorwasm: 'tfjs', 'ort', 'plainjs'. */
  readonly competitors: readonly string[];
  /** The saved modules were compiled with relaxed SIMD. */
  readonly relaxedSimd: boolean;
  readonly versions: Readonly<Record<string, string>>;
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

/** Where the server puts each package's dist/ folder and the saved modules. */
const TFJS_CORE = '/tfjs-core/tf-core.min.js';
const TFJS_WASM = '/tfjs-backend-wasm/';
const ORT_DIST = '/ort/';

function loadScript(src: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const script = document.createElement('script');
    script.src = src;
    script.onload = () => resolve();
    script.onerror = () => reject(new Error(`could not load ${src}`));
    document.head.append(script);
  });
}

/** tfjs-core and the wasm backend as UMD scripts (their ES builds import Node's fs). */
async function loadTfjs(): Promise<TfjsModules> {
  await loadScript(TFJS_CORE);
  await loadScript(`${TFJS_WASM}tf-backend-wasm.min.js`);
  const tf = (globalThis as unknown as { tf: TfjsModules['tf'] & { wasm: WasmBackend } }).tf;
  tf.wasm.setWasmPaths(TFJS_WASM);
  return { tf, setThreadsCount: (count) => tf.wasm.setThreadsCount(count) };
}
interface WasmBackend {
  setWasmPaths(prefix: string): void;
  setThreadsCount(count: number): void;
}

async function loadOrt(): Promise<typeof Ort> {
  // A computed URL: the bundler leaves the import to the browser.
  const url = `${ORT_DIST}ort.wasm.min.mjs`;
  const ort = (await import(/* @vite-ignore */ url)) as typeof Ort;
  ort.env.wasm.wasmPaths = ORT_DIST;
  return ort;
}

const started = performance.now();
let lastProgress = 0;
/** Progress goes to console.debug (the driver shows it as a status line), results to console.log. */
const reporter: Reporter = {
  progress: (text, force = false) => {
    if (force || performance.now() - lastProgress > 2000) {
      console.debug(text);
      lastProgress = performance.now();
    }
  },
  print: (line) => console.log(line),
};

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
  const results = await measureWorkloads(workloads, ready, config.quick ? QUICK : FULL, reporter);
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
