/**
 * Probe: can tfjs-wasm's threaded build (Emscripten pthreads) run in Node?
 * tfjs-backend-wasm reports no multithread support under Node
 * (WASM_HAS_MULTITHREAD_SUPPORT is false when IS_NODE, tfjs issue #3830);
 * this forces the flag, asks for 2 threads (setThreadsCount) and prints what
 * happens: the threads count the backend reports and a matmul's time, or the
 * error.
 *
 *   node scripts/run-ts.mjs bench/probes/tfjs-threads.ts
 */
import { loadavg } from 'node:os';

const tf = await import('@tensorflow/tfjs-core');
const wasm = await import('@tensorflow/tfjs-backend-wasm');
process.on('uncaughtException', (e) => {
  console.log(`uncaught: ${e instanceof Error ? e.message : String(e)}`);
  process.exit(0);
});
tf.env().set('WASM_HAS_MULTITHREAD_SUPPORT', true);
// Node's Worker takes no blob: URL (ERR_WORKER_PATH), which is how the backend hands Emscripten its
// pthread worker script: with `patch`, such a Blob is written to a file and its path handed instead
if (process.argv.includes('patch')) {
  const { writeFileSync, mkdtempSync } = await import('node:fs');
  const path = await import('node:path');
  const { tmpdir } = await import('node:os');
  const dir = mkdtempSync(path.join(tmpdir(), 'tfjs-threads-'));
  const texts = new WeakMap<Blob, string>();
  const Original = globalThis.Blob;
  globalThis.Blob = class extends Original {
    constructor(parts?: BlobPart[], options?: BlobPropertyBag) {
      super(parts, options);
      texts.set(this, (parts ?? []).map((p) => (typeof p === 'string' ? p : '')).join(''));
    }
  };
  let n = 0;
  const toFile = (blob: Blob): string => {
    const file = path.join(dir, `script-${n++}.js`);
    // the main script is the threaded factory's source, cut out of the node bundle: it still
    // names the bundle's aliases of require('fs'), ('path'), ...
    const text = texts.get(blob) ?? '';
    const prelude = [
      "var require$$0 = require('fs');",
      "var require$$1 = require('path');",
      "var require$$3 = require('perf_hooks');",
      "var require$$4 = require('os');",
      'var commonjsGlobal = globalThis;',
    ].join('\n');
    writeFileSync(file, text.includes('require$$0') ? `${prelude}\n${text}` : text);
    return file;
  };
  URL.createObjectURL = toFile;
  // the worker is then sent the main script as a Blob too (`urlOrBlob`), which it cannot load
  // either: hand it a file path instead
  // (the backend's glue sets the global Worker itself, so Node's Worker's own postMessage is patched)
  const { Worker: NodeWorker } = await import('node:worker_threads');
  // eslint-disable-next-line @typescript-eslint/unbound-method -- called with the worker as this
  const post = NodeWorker.prototype.postMessage;
  NodeWorker.prototype.postMessage = function (this: InstanceType<typeof NodeWorker>, message, transfer) {
    const m = message as { urlOrBlob?: unknown };
    if (m !== null && typeof m === 'object' && m.urlOrBlob instanceof Original)
      m.urlOrBlob = toFile(m.urlOrBlob);
    post.call(this, message, transfer);
  };
}
wasm.setThreadsCount(2);
const timer = setTimeout(() => {
  console.log('setBackend("wasm") did not settle within 20 s');
  process.exit(0);
}, 20_000);
try {
  const ok = await tf.setBackend('wasm');
  await tf.ready();
  clearTimeout(timer);
  console.log(`setBackend: ${ok}; threads: ${wasm.getThreadsCount()}`);
  const a = tf.randomNormal([512, 512]);
  const t = performance.now();
  for (let i = 0; i < 10; i++) tf.matMul(a, a).dataSync();
  console.log(
    `matmul 512: ${((performance.now() - t) / 10).toFixed(2)} ms; load ${loadavg()[0]!.toFixed(2)}`,
  );
} catch (e) {
  clearTimeout(timer);
  console.log(`error: ${e instanceof Error ? e.message : String(e)}`);
}
process.exit(0);
