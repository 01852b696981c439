/**
 * How a benchmark page loads tfjs-wasm and ORT-web: from their packages'
 * dist/ files, which the driver serves under fixed folders (shared by the
 * engines page and the threads page).
 */
import type { TfjsModules } from '../competitors/tfjs.js';
import type * as Ort from 'onnxruntime-web';

/** Where the server puts each package's dist/ folder. */
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

interface WasmBackend {
  setWasmPaths(prefix: string): void;
  setThreadsCount(count: number): void;
  getThreadsCount(): number;
}

/** tfjs-core and the wasm backend as UMD scripts (their ES builds import Node's fs). */
export async function loadTfjs(): Promise<TfjsModules> {
  await loadScript(TFJS_CORE);
  await loadScript(`${TFJS_WASM}tf-backend-wasm.min.js`);
  const tf = (globalThis as unknown as { tf: TfjsModules['tf'] & { wasm: WasmBackend } }).tf;
  tf.wasm.setWasmPaths(TFJS_WASM);
  return {
    tf,
    setThreadsCount: (count) => tf.wasm.setThreadsCount(count),
    getThreadsCount: () => tf.wasm.getThreadsCount(),
  };
}

/** onnxruntime-web's Wasm-only ES build. */
export async function loadOrt(): Promise<typeof Ort> {
  // A computed URL: the bundler leaves the import to the browser.
  const url = `${ORT_DIST}ort.wasm.min.mjs`;
  const ort = (await import(/* @vite-ignore */ url)) as typeof Ort;
  ort.env.wasm.wasmPaths = ORT_DIST;
  return ort;
}
