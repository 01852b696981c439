/**
 * What this platform offers threads: the cores it reports, whether shared
 * memory, Wasm threads and workers are there (and, when not, the precise
 * reason), whether the calling thread may block, and Node's worker_threads
 * (reached without a static import, so the runtime still loads in browsers).
 */
import { InputError } from '../common/errors.js';
import type * as NodeWorkerThreads from 'node:worker_threads';
import { FEATURE_PROBES } from './features.js';

/** Node's worker_threads module (types only: the runtime never imports it statically). */
export type WorkerThreads = typeof NodeWorkerThreads;

/** The `threads` option: a count, or 'auto' (the cores reported, at most MAX_AUTO_THREADS). */
export type ThreadsOption = number | 'auto';

/** Most threads 'auto' takes: past this, barriers cost more than the cores give on the kernels we split. */
export const MAX_AUTO_THREADS = 8;

/** Most threads a count may ask for. */
export const MAX_THREADS = 64;

/** How long a thread waits at a barrier, or a worker to start, before the run fails (ms). */
export const DEFAULT_THREAD_TIMEOUT_MS = 10_000;

/** Throws InputError unless `value` is a valid `threads` option. */
export function checkThreadsOption(call: string, value: unknown): void {
  if (value === undefined || value === 'auto') return;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 1 || value > MAX_THREADS) {
    throw new InputError(
      `${call}: option threads must be an integer from 1 to ${MAX_THREADS} or 'auto' (got ${JSON.stringify(value) ?? typeof value})`,
      { option: 'threads' },
    );
  }
}

/** Throws InputError unless `value` is a valid `threadTimeoutMs` option. */
export function checkTimeoutOption(call: string, value: unknown): void {
  if (value === undefined) return;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 1 || value > 3_600_000) {
    throw new InputError(
      `${call}: option threadTimeoutMs must be an integer from 1 to 3600000 (got ${JSON.stringify(value) ?? typeof value})`,
      { option: 'threadTimeoutMs' },
    );
  }
}

interface NodeProcess {
  readonly versions?: { readonly node?: string };
  readonly getBuiltinModule?: (id: string) => unknown;
}

function nodeProcess(): NodeProcess | undefined {
  const p = (globalThis as { process?: NodeProcess }).process;
  return typeof p?.versions?.node === 'string' ? p : undefined;
}

/** Whether this is Node.js (workers from worker_threads) rather than a browser (Worker). */
export function isNode(): boolean {
  return nodeProcess() !== undefined;
}

/** The cores the platform reports (navigator.hardwareConcurrency, or Node's availableParallelism). */
export function reportedCores(): number {
  const nav = (globalThis as { navigator?: { hardwareConcurrency?: number } }).navigator;
  if (typeof nav?.hardwareConcurrency === 'number' && nav.hardwareConcurrency > 0)
    return nav.hardwareConcurrency;
  const os = nodeProcess()?.getBuiltinModule?.('node:os') as
    { availableParallelism?: () => number } | undefined;
  return os?.availableParallelism?.() ?? 1;
}

/** The thread count a `threads` option asks for (`'auto'`: the cores, at most MAX_AUTO_THREADS). */
export function requestedThreads(option: ThreadsOption | undefined): number {
  if (option === undefined) return 1;
  return option === 'auto' ? Math.max(1, Math.min(reportedCores(), MAX_AUTO_THREADS)) : option;
}

/** Whether this engine validates Wasm threads (shared memory, atomics). */
export function supportsWasmThreads(): boolean {
  return FEATURE_PROBES.threads?.() ?? false;
}

/**
 * Why threads cannot run here, or undefined when they can: no
 * SharedArrayBuffer (a page that is not cross-origin isolated), no Wasm
 * threads, or no way to start a worker.
 */
export function threadsUnavailable(): string | undefined {
  const isolated = (globalThis as { crossOriginIsolated?: boolean }).crossOriginIsolated;
  if (typeof SharedArrayBuffer === 'undefined' || isolated === false) {
    return (
      'shared memory is unavailable: the page is not cross-origin isolated (serve it with the headers ' +
      'Cross-Origin-Opener-Policy: same-origin and Cross-Origin-Embedder-Policy: require-corp)'
    );
  }
  if (!supportsWasmThreads())
    return 'this engine does not support WebAssembly threads (shared memory, atomics)';
  if (!isNode() && typeof Worker === 'undefined') return 'this environment cannot start workers (no Worker)';
  return undefined;
}

/** Whether the calling thread may block in Atomics.wait (not a browser's main thread). */
export function canBlock(): boolean {
  try {
    Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 1, 0);
    return true;
  } catch {
    return false;
  }
}

/** Node's worker_threads module (only called in Node). */
export async function nodeWorkerThreads(): Promise<WorkerThreads> {
  const builtin = nodeProcess()?.getBuiltinModule?.('node:worker_threads');
  if (builtin !== undefined) return builtin as WorkerThreads;
  // a specifier bundlers leave alone: the browser build never resolves it
  const name = 'node:worker_threads';
  return (await import(/* @vite-ignore */ name)) as WorkerThreads;
}
