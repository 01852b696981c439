/**
 * The two engines of the whole-model benchmark. tensorwasm: `fromOnnx` (weights
 * as constants, the default) then `compile`, the module saved and `load()`ed,
 * input written once with `view`, `execute()` timed. ORT-web: WASM EP, one thread, graphOptimizationLevel
 * 'all', `session.run` timed (it copies the input in and the output out).
 * Each records what the measuring loop does not: import and compile time, code
 * and memory sizes, into `details` by model id.
 */
import type * as Ort from 'onnxruntime-web';
import { compile, fromOnnx, load } from '../../src/index.js';
import type { Competitor, Prepared } from '../competitors/competitor.js';
import { preparedSession } from '../competitors/ort-session.js';
import { prepareImportedModel } from '../competitors/tensorwasm-prepare.js';
import { buildTinyGraph } from '../competitors/tensorwasm.js';
import type { WorkloadData } from '../workloads.js';
import type { ModelWorkload } from './model-workloads.js';
import { wasmSectionBytes } from './wasm-sections.js';
import { watchWasmMemories } from './watch-wasm-memories.js';

/** What one engine reported about one model besides its run times. */
export interface ModelDetails {
  /** tensorwasm: fromOnnx() wall time. */
  importMs?: number;
  /** tensorwasm: compile() wall time (Binaryen already loaded); ORT: InferenceSession.create. */
  compileMs?: number;
  /** tensorwasm: load() of the saved module (what a page that ships the .wasm waits for); the runs use the loaded model. */
  loadMs?: number;
  /** tensorwasm: the module's code section (kernels; no weights). */
  codeBytes?: number;
  /** tensorwasm: constants baked in as data segments (the weights). */
  weightBytes?: number;
  /** tensorwasm: the Wasm memory (weights + arena + inputs/outputs); ORT: its Wasm heap, see below. */
  memoryBytes?: number;
  /** tensorwasm: the temp arena within memoryBytes. */
  arenaBytes?: number;
  kernels?: number;
}

/** Details per model id, per competitor key. */
export type DetailsTable = Map<string, Map<string, ModelDetails>>;

function record(table: DetailsTable, id: string, key: string, details: ModelDetails): void {
  const row = table.get(id) ?? new Map<string, ModelDetails>();
  row.set(key, { ...row.get(key), ...details });
  table.set(id, row);
}

/**
 * tensorwasm on whole ONNX models; with `threads` > 1 compiled for that many (key `tensorwasm-t<threads>`).
 * `onSaved` gets each saved module (the fresh-process start-up runs load it), outside every timed span.
 */
export function makeModelTensorwasm(
  details: DetailsTable,
  threads = 1,
  onSaved?: (workload: ModelWorkload, saved: Uint8Array) => void,
): Competitor<ModelWorkload> {
  const key = threads > 1 ? `tensorwasm-t${threads}` : 'tensorwasm';
  return {
    key,
    label: threads > 1 ? `tensorwasm ${threads} threads` : 'tensorwasm',
    describe: () =>
      `fromOnnx (weights as constants) + compile() defaults${threads > 1 ? `, threads: ${threads}` : ''}, saved and load()ed; execute() on the input's view`,
    async init() {
      // loads Binaryen, so no model's compile time includes it
      (await compile(buildTinyGraph())).dispose();
    },
    async setup(workload: ModelWorkload, data: WorkloadData): Promise<Prepared> {
      // the model's bytes (random weights drawn on first use) are made before the clock starts
      const bytes = workload.bytes();
      let start = performance.now();
      const graph = await fromOnnx(bytes);
      const importMs = performance.now() - start;
      record(details, workload.id, key, { importMs });
      start = performance.now();
      const model = await compile(graph, threads > 1 ? { threads } : {});
      if (model.threads !== threads) throw new Error(`${key}: runs on ${model.threads} threads`);
      const compileMs = performance.now() - start;
      // the runs (the first one included) use the module as a page would: saved, then load()ed
      const saved = model.save();
      onSaved?.(workload, saved);
      const sections = wasmSectionBytes(saved);
      record(details, workload.id, key, {
        compileMs,
        codeBytes: sections.code,
        weightBytes: sections.data,
        memoryBytes: model.plan.memoryBytes,
        arenaBytes: model.plan.arenaBytes,
        kernels: model.kernels.length,
      });
      model.dispose();
      start = performance.now();
      const loaded = await load(saved, threads > 1 ? { threads } : {});
      record(details, workload.id, key, { loadMs: performance.now() - start });
      return prepareImportedModel(loaded, data);
    },
  };
}

/** ONNX Runtime Web on the same model bytes; with `threads` > 1 on that many (key `ort-t<threads>`). */
export function makeModelOrt(details: DetailsTable, threads = 1): Competitor<ModelWorkload> {
  const key = threads > 1 ? `ort-t${threads}` : 'ort';
  let ort: typeof Ort | undefined;
  let memories: readonly WebAssembly.Memory[] = [];
  const heapBytes = (): number | undefined =>
    memories.length === 0 ? undefined : Math.max(...memories.map((m) => m.buffer.byteLength));
  return {
    key,
    label: threads > 1 ? `ORT-web ${threads} threads` : 'ORT-web',
    describe: () =>
      `WASM EP, numThreads = ${threads}, graphOptimizationLevel 'all'; run() includes input/output copies`,
    async init() {
      const globals = globalThis as { Worker?: unknown };
      const workerBefore = globals.Worker;
      const watch = watchWasmMemories();
      try {
        ort = await import('onnxruntime-web');
        ort.env.wasm.numThreads = threads;
        ort.env.wasm.proxy = false;
        ort.env.logLevel = 'error';
        // the Wasm runtime loads with the first session: load it now (start-up, not a model's setup)
        const { buildAudioModel } = await import('./audio-model.js');
        await (
          await ort.InferenceSession.create(buildAudioModel(), { executionProviders: ['wasm'] })
        ).release();
      } finally {
        watch.restore();
        // ORT's threads are Workers from the global it set (bench/competitors/ort.ts): keep it then
        if (threads === 1) {
          if (workerBefore === undefined) delete globals.Worker;
          else globals.Worker = workerBefore;
        }
      }
      memories = watch.memories;
    },
    async setup(workload: ModelWorkload, data: WorkloadData): Promise<Prepared> {
      if (ort === undefined) throw new Error('ort: setup() before init()');
      const start = performance.now();
      const session = await ort.InferenceSession.create(workload.bytes(), {
        executionProviders: ['wasm'],
        graphOptimizationLevel: 'all',
      });
      record(details, workload.id, key, { compileMs: performance.now() - start });
      return preparedSession(ort, session, data, () => {
        // the heap only grows: its size after this model ran is a high-water mark of the process
        const heap = heapBytes();
        if (heap !== undefined) record(details, workload.id, key, { memoryBytes: heap });
      });
    },
  };
}
