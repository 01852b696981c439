/**
 * ONNX Runtime Web adapter: the WebAssembly execution provider, one thread.
 * Each workload is an ONNX model built in memory (bench/onnx-models.ts) with
 * weights as initializers. A run is `session.run(feeds)`, which by its API
 * copies the inputs into Wasm memory and the output back out: those copies
 * are inside ORT's timings and cannot be taken out. The package is imported
 * in init() so start-up includes loading it.
 */
import type * as Ort from 'onnxruntime-web';
import { buildOnnxModel } from '../onnx-models.js';
import type { Workload, WorkloadData } from '../workloads.js';
import type { Competitor, Prepared } from './competitor.js';

/**
 * `load` imports onnxruntime-web (a browser page imports its dist/ file and
 * sets the wasm paths). `threads`: ORT's numThreads (key `ort-t<threads>`
 * above 1); it is global to the package, so one process runs one setting.
 */
export function makeOrt(
  load: () => Promise<typeof Ort> = () => import('onnxruntime-web'),
  threads = 1,
): Competitor {
  let loaded: typeof Ort | undefined;
  return {
    key: threads > 1 ? `ort-t${threads}` : 'ort',
    label: threads > 1 ? `ORT-web ${threads} threads` : 'ORT-web',
    describe: () =>
      `WASM EP, numThreads = ${threads}, graphOptimizationLevel 'all'; run() includes input/output copies`,
    async init() {
      // ORT's Emscripten glue sets global.Worker = worker_threads.Worker in
      // Node. With one thread it never starts a worker, but jax-js would see
      // a Worker and go multi-threaded (and fail on blob: URLs): put it back
      // (with more threads ORT needs it; the threads bench runs no jax-js).
      const globals = globalThis as { Worker?: unknown };
      const workerBefore = globals.Worker;
      const ort = await load();
      ort.env.wasm.numThreads = threads;
      ort.env.wasm.proxy = false;
      ort.env.logLevel = 'error';
      // The Wasm runtime loads with the first session: make a trivial one now
      // so its start-up is counted here and not in the first workload.
      const warm = buildOnnxModel(
        { kind: 'chain', size: 4, ops: [{ op: 'add', value: 1 }] },
        { inputs: [{ name: 'x', shape: [4], data: new Float32Array(4) }], weights: [], outputShape: [4] },
      );
      const session = await ort.InferenceSession.create(warm, { executionProviders: ['wasm'] });
      await session.release();
      if (threads === 1) {
        if (workerBefore === undefined) delete globals.Worker;
        else globals.Worker = workerBefore;
      }
      loaded = ort;
    },
    async setup(workload: Workload, data: WorkloadData): Promise<Prepared> {
      const ort = loaded;
      if (ort === undefined) throw new Error('ort: setup() before init()');
      const bytes = buildOnnxModel(workload.spec, data);
      const session = await ort.InferenceSession.create(bytes, {
        executionProviders: ['wasm'],
        graphOptimizationLevel: 'all',
      });
      const feeds: Record<string, Ort.Tensor> = {};
      for (const t of data.inputs) feeds[t.name] = new ort.Tensor('float32', t.data, [...t.shape]);
      let last: Ort.InferenceSession.ReturnType | undefined;
      return {
        run: async () => {
          last = await session.run(feeds);
        },
        output: () => {
          const y = last?.y;
          if (y === undefined) throw new Error('ort: output() before run()');
          // float32 outputs come back as Float32Array.
          return Float32Array.from(y.data as Float32Array);
        },
        dispose: () => {
          void session.release();
        },
      };
    },
  };
}
