/**
 * ONNX Runtime Web adapter: the WebAssembly execution provider, one thread.
 * Each workload is an ONNX model built in memory (bench/onnx-models.ts) with
 * weights as initializers. A run is `session.run(feeds)`, which by its API
 * copies the inputs into Wasm memory and the output back out: those copies
 * are inside ORT's timings and cannot be taken out.
 */
import * as ort from 'onnxruntime-web';
import { buildOnnxModel } from '../onnx-models.js';
import type { Workload, WorkloadData } from '../workloads.js';
import type { Competitor, Prepared } from './competitor.js';

export function makeOrt(): Competitor {
  return {
    key: 'ort',
    label: 'ORT-web',
    describe: () =>
      `onnxruntime-web ${ort.env.versions.web ?? '?'} (WASM EP, numThreads = 1, graphOptimizationLevel 'all')`,
    async init() {
      ort.env.wasm.numThreads = 1;
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
    },
    async setup(workload: Workload, data: WorkloadData): Promise<Prepared> {
      const bytes = buildOnnxModel(workload.spec, data);
      const session = await ort.InferenceSession.create(bytes, {
        executionProviders: ['wasm'],
        graphOptimizationLevel: 'all',
      });
      const feeds: Record<string, ort.Tensor> = {};
      for (const t of data.inputs) feeds[t.name] = new ort.Tensor('float32', t.data, [...t.shape]);
      let last: ort.InferenceSession.ReturnType | undefined;
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
