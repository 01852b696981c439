/**
 * Whole ONNX models (ResNet-50 and the other light CNNs) on the threads page:
 * the driver writes each model's bytes, its seeded input and our saved 1- and
 * N-thread modules; the page fetches them and measures tensorwasm (load +
 * execute) and ORT-web (session.run) on them with the shared loop.
 */
import type * as Ort from 'onnxruntime-web';
import { load, type Model } from '../../src/runtime/index.js';
import type { Competitor, Prepared } from '../competitors/competitor.js';
import { preparedSession } from '../competitors/ort-session.js';
import { prepareImportedModel } from '../competitors/tensorwasm-prepare.js';
import { moduleFileName } from '../competitors/tensorwasm-runtime.js';
import type { Measurable } from '../measure.js';
import type { WorkloadData } from '../workloads.js';

/** What the driver wrote for one model: `/models/<file>.onnx`, `<file>.input.bin` (float32) and `/tw/<file>[.tN].wasm`. */
export interface PageModelSpec {
  readonly id: string;
  readonly title: string;
  /** The files' stem (moduleFileName of the id without `.wasm`). */
  readonly file: string;
  readonly input: string;
  readonly inputShape: readonly number[];
}

/** A model made measurable in the page: its input fetched beforehand. */
export interface PageModel extends Measurable {
  readonly file: string;
}

/** Fetches `url`'s bytes, or throws naming it. */
async function fetchBytes(url: string): Promise<ArrayBuffer> {
  const response = await fetch(url);
  if (!response.ok) throw new Error(`${url}: HTTP ${response.status}`);
  return response.arrayBuffer();
}

/** The model's input, fetched now, so makeData (synchronous) hands it out. */
export async function fetchPageModel(spec: PageModelSpec): Promise<PageModel> {
  const data = new Float32Array(await fetchBytes(`/models/${spec.file}.input.bin`));
  const workloadData: WorkloadData = {
    inputs: [{ name: spec.input, shape: spec.inputShape, data }],
    weights: [],
    outputShape: [],
  };
  return { id: spec.id, group: 'models', title: spec.title, file: spec.file, makeData: () => workloadData };
}

/** tensorwasm on a model's saved module (compiled in Node; key `tensorwasm-t<threads>` above 1). */
export function makePageModelTensorwasm(threads = 1): Competitor<PageModel> {
  const key = threads > 1 ? `tensorwasm-t${threads}` : 'tensorwasm';
  return {
    key,
    label: threads > 1 ? `tensorwasm ${threads} threads` : 'tensorwasm',
    describe: () =>
      `fromOnnx + compile(relaxedSimd: true${threads > 1 ? `, threads: ${threads}` : ''}) in Node, saved; load() in the page; execute() on the input's view`,
    init: () => Promise.resolve(),
    async setup(workload: PageModel, data: WorkloadData): Promise<Prepared> {
      const bytes = await fetchBytes(`/tw/${moduleFileName(workload, threads)}`);
      const model: Model = await load(bytes, threads > 1 ? { threads } : {});
      if (model.threads !== threads) {
        model.dispose();
        throw new Error(`${key}: runs on ${model.threads} threads`);
      }
      return prepareImportedModel(model, data);
    },
  };
}

/** ORT-web on the model's bytes with `threads` threads (key `ort-t<threads>` above 1), as bench/models does in Node. */
export function makePageModelOrt(loadOrt: () => Promise<typeof Ort>, threads = 1): Competitor<PageModel> {
  const key = threads > 1 ? `ort-t${threads}` : 'ort';
  let ort: typeof Ort | undefined;
  return {
    key,
    label: threads > 1 ? `ORT-web ${threads} threads` : 'ORT-web',
    describe: () =>
      `WASM EP, numThreads = ${threads}, graphOptimizationLevel 'all'; run() includes input/output copies`,
    async init() {
      ort = await loadOrt();
      ort.env.wasm.numThreads = threads;
      ort.env.wasm.proxy = false;
      ort.env.logLevel = 'error';
    },
    async setup(workload: PageModel, data: WorkloadData): Promise<Prepared> {
      if (ort === undefined) throw new Error('ort: setup() before init()');
      const bytes = new Uint8Array(await fetchBytes(`/models/${workload.file}.onnx`));
      const session = await ort.InferenceSession.create(bytes, {
        executionProviders: ['wasm'],
        graphOptimizationLevel: 'all',
      });
      return preparedSession(ort, session, data);
    },
  };
}
