/** The memory a model runs on, sized by its plan (shared for a threaded build). */
import { CONTROL_BYTES } from '../common/thread-control.js';
import type { Manifest, ThreadBuilds } from '../common/manifest.js';

/** Bytes per Wasm memory page. */
const WASM_PAGE_BYTES = 65536;

/**
 * A fresh memory for `manifest`'s plan: plain, or shared (never grows) for a
 * threaded build, whose memory also holds the control block after the plan.
 */
export function modelMemory(manifest: Manifest, threads?: ThreadBuilds): WebAssembly.Memory {
  const bytes = threads === undefined ? manifest.memoryBytes : threads.control + CONTROL_BYTES;
  const pages = Math.max(1, Math.ceil(bytes / WASM_PAGE_BYTES));
  return threads === undefined
    ? new WebAssembly.Memory({ initial: pages })
    : new WebAssembly.Memory({ initial: pages, maximum: pages, shared: true });
}
