/**
 * A running model: one Wasm instance over one memory laid out by the plan.
 * `run` checks every feed before writing anything, copies in, makes one call
 * into Wasm and copies out; `view` + `execute` skip the copies. Shared by
 * compiled models and models loaded from saved modules.
 */
import { encodeArtifact } from '../common/artifact.js';
import { writeSegments, type DataSegment } from '../common/data-segments.js';
import { ARRAY_CLASS, type TypedArray } from '../common/dtype.js';
import { InputError, InternalError, TensorWasmError } from '../common/errors.js';
import { TALL_TILES_EXPORT, type Manifest, type TensorSlot, type ThreadBuilds } from '../common/manifest.js';
import type { MemoryPlan } from '../common/plan.js';
import { THREAD_ID_EXPORT } from '../common/thread-control.js';
import { checkFeeds, slotSize, toExternal } from './feeds.js';
import { CodeTiering, type TieringExports } from './code-tiering.js';
import { ThreadPool, type ThreadCheckFailure } from './thread-pool.js';
import { prefersTallMatmulTiles } from './features.js';
import { modelMemory } from './model-memory.js';
import type { FeedsOf, ResultsOf, SaveOptions, TensorInfo, TensorTypes } from './model-types.js';

interface Exports extends TieringExports {
  run: () => void;
  /** Fills the packed copies of params and constants (PACK_EXPORT), when the module has any. */
  pack?: () => void;
  /** A threaded build's share of a run for this instance's thread (common/thread-control.ts). */
  run_thread?: (count: number, canBlock: number, timeoutMs: number) => number;
  err_site: WebAssembly.Global;
  err_value: WebAssembly.Global;
}

/** How long workers may take to start at least (ms): each compiles and warms up the module. */
const WORKER_START_MS = 30_000;

/** 32-bit words per page of the operating system's memory (4 KiB; touching more often costs nothing). */
const PAGE_WORDS = 1024;

function info(slot: TensorSlot): TensorInfo {
  const base = { name: slot.name, shape: [...slot.shape], dtype: slot.dtype };
  return slot.external === undefined ? base : { ...base, external: slot.external };
}

/**
 * A model ready to run. `I`, `P` and `O` type its inputs, params and outputs
 * by name when it was compiled from a typed graph (see docs/types.md).
 *
 * @example
 * const { y } = model.run({ x: new Float32Array(6) });
 */
export class Model<
  I extends TensorTypes = TensorTypes,
  P extends TensorTypes = TensorTypes,
  O extends TensorTypes = TensorTypes,
> {
  readonly inputs: readonly TensorInfo[];
  readonly outputs: readonly TensorInfo[];
  readonly params: readonly TensorInfo[];
  readonly plan: MemoryPlan;
  /**
   * The Wasm features of the module this model runs: the file's own, or a
   * variant's where the engine has more (['simd128', 'relaxed-simd']).
   */
  readonly features: readonly string[];
  /** @internal */
  protected readonly manifest: Manifest;
  private memory: WebAssembly.Memory | undefined;
  private exports: Exports | undefined;
  private readonly paramsSet = new Set<string>();
  /** The packed copies are older than the params and constants (true until the first run). */
  private packStale = true;
  /** A param view was handed out: its values may change at any time, so every run re-packs. */
  private packEveryRun = false;
  /** The module's bytes for save(), or how to make them (compile() writes the data section on demand). */
  private moduleBytes: Uint8Array | (() => Uint8Array) | undefined;
  /** When the kernels get the engine's optimized code (startOptimizing, warmUp, readyCode). */
  private readonly tiering: CodeTiering;
  private readonly module: WebAssembly.Module;
  /** The threaded build's control block address, when this model runs a threaded build. */
  private readonly control: number | undefined;
  private pool: ThreadPool | undefined;

  /**
   * Instantiates `module` over a fresh memory sized to the plan. `wasm` is the
   * module's bytes (without the manifest and params sections), kept for
   * save(), or a function making them on first use; `features`: those of the module instantiated (default: the
   * manifest's); `threads`: `module` is a threaded build, run on a shared
   * memory (startThreads() starts its workers); `memory`: the one to run on
   * (default a fresh modelMemory()). No module holds the constants: the caller
   * writes them (writeConstants, or into `memory` before). @internal
   */
  constructor(
    module: WebAssembly.Module,
    manifest: Manifest,
    wasm?: Uint8Array | (() => Uint8Array),
    features?: readonly string[],
    threads?: ThreadBuilds,
    memory: WebAssembly.Memory = modelMemory(manifest, threads),
  ) {
    this.manifest = manifest;
    this.module = module;
    this.control = threads?.control;
    this.features = features ?? manifest.features;
    this.moduleBytes = wasm;
    this.inputs = manifest.inputs.map(info);
    this.outputs = manifest.outputs.map(info);
    this.params = manifest.params.map(info);
    this.plan = manifest.plan;
    this.memory = memory;
    const instance = new WebAssembly.Instance(module, { env: { memory: this.memory } });
    this.exports = instance.exports as unknown as Exports;
    this.tiering = new CodeTiering(this.exports);
    // a relaxed build's matmuls take their 6-row tiles where the engine compiles them well
    const tall = instance.exports[TALL_TILES_EXPORT];
    if (tall instanceof WebAssembly.Global && prefersTallMatmulTiles()) tall.value = 1;
    for (const p of manifest.params) if (slotSize(p) === 0) this.paramsSet.add(p.name);
  }

  /**
   * Decides when the kernels' optimized code is compiled (CodeTiering.start):
   * now, in the background while the constants are written and the pages
   * touched, where the first run's work outweighs the compile, else after the
   * first run. `codeBytes`: the size of the code compiled. Call before writing
   * the constants. @internal
   */
  startOptimizing(codeBytes: number): void {
    this.live('startOptimizing');
    this.tiering.start(this.manifest.flops, codeBytes);
  }

  /**
   * Readies the instance for its first run, which would otherwise pay for
   * what happens only once: the operating system mapping each page of memory
   * at its first touch (here: every page touched now), the packed copies of
   * constant weights (filled now when every param is set), and, where the
   * model waits for its optimized code (startOptimizing), what readyCode()'s
   * wait needs (CodeTiering.warm).
   * @internal
   */
  warmUp(): void {
    const memory = this.live('warmUp');
    const exports = this.exports as Exports;
    const words = new Int32Array(memory.buffer);
    for (let i = 0; i < words.length; i += PAGE_WORDS) words[i] = words[i] ?? 0;
    try {
      if (exports.pack !== undefined && this.paramsSet.size === this.manifest.params.length) {
        exports.pack();
        this.packStale = false;
      }
      this.tiering.warm();
    } catch {
      // a kernel may trap on what memory holds now (a gather's index check, an integer division by
      // zero): the warm-up only readies code, and every run starts afresh
    }
  }

  /**
   * After warmUp(): waits, pausing ~1 ms between probes, until the engine's
   * optimized code of the kernels warmUp() timed is in (each runs a chunk
   * several times faster than in the baseline tier), at most `budgetMs`
   * (src/runtime/warm-up.ts). load() and compile() await it. @internal
   */
  async readyCode(budgetMs?: number): Promise<void> {
    if (this.exports !== undefined) await this.tiering.ready(budgetMs);
  }

  /** The threads each run uses (1 unless compiled or loaded with `threads` where shared memory exists). */
  get threads(): number {
    return this.pool?.count ?? 1;
  }

  /**
   * Starts the workers of a threaded build (constructed with `threads`):
   * `count - 1` of them, each on the same module and memory; a worker that
   * fails to start is a ThreadError. @internal
   */
  async startThreads(count: number, timeoutMs: number, workerSource?: string): Promise<void> {
    const memory = this.live('startThreads');
    if (this.control === undefined || count < 2) return;
    (this.exports as unknown as Record<string, WebAssembly.Global>)[THREAD_ID_EXPORT]!.value = 0;
    // starting instantiates and warms up the module in each worker: slower than a barrier may take
    const timeouts = { startMs: Math.max(timeoutMs, WORKER_START_MS), runMs: timeoutMs };
    this.pool = await ThreadPool.start(this.module, memory, this.control, count, timeouts, workerSource);
  }

  /** The thread pool, for tests of its failure paths. @internal */
  threadPool(): ThreadPool | undefined {
    return this.pool;
  }

  /** Runs on `feeds` (every input, by name) and returns copies of every output. */
  run(feeds: FeedsOf<I>): ResultsOf<O> {
    const memory = this.live('run');
    const checked = checkFeeds('run', feeds, this.manifest.inputs, true, (name) =>
      this.manifest.params.some((p) => p.name === name)
        ? `"${name}" is a param: set it with setParams()`
        : undefined,
    );
    this.checkParamsSet('run');
    this.pool?.wake();
    for (const [slot, array] of checked) this.slotArray(memory, slot).set(array);
    this.call();
    const out: Record<string, TypedArray> = {};
    for (const slot of this.manifest.outputs) {
      // an int64 output (ONNX) is returned as a BigInt64Array, a uint8 one as a Uint8Array, ...
      out[slot.name] = toExternal(slot, this.slotArray(memory, slot).slice()) as TypedArray;
    }
    return out as ResultsOf<O>;
  }

  /** Sets some or all params; they keep their values across runs. */
  setParams(values: Partial<FeedsOf<P>>): void {
    const memory = this.live('setParams');
    const checked = checkFeeds('setParams', values, this.manifest.params, false, (name) =>
      this.manifest.inputs.some((p) => p.name === name)
        ? `"${name}" is an input: pass it to run()`
        : undefined,
    );
    for (const [slot, array] of checked) {
      this.slotArray(memory, slot).set(array);
      this.paramsSet.add(slot.name);
    }
    this.packStale = true;
  }

  /** Writes the params' bytes as a saved module embeds them (load()). @internal */
  restoreParams(bytes: readonly Uint8Array[]): void {
    const memory = this.live('load');
    this.manifest.params.forEach((slot, i) => {
      new Uint8Array(memory.buffer, slot.offset, slot.bytes).set(bytes[i] ?? new Uint8Array(0));
      this.paramsSet.add(slot.name);
    });
    this.packStale = true;
  }

  /**
   * A typed array over an input's, param's or output's region, for zero-copy
   * use with `execute()`. Valid until `dispose()`. Once a param's view is
   * handed out its values may change at any time, so every later run re-packs
   * the packed copies of params (matmul weights): where speed matters, set
   * params with `setParams()`. An int64 slot (TensorInfo.external) is viewed
   * as the Int32Array it is computed in.
   */
  view(name: string): TypedArray {
    const memory = this.live('view');
    const slot = this.slotNamed(name);
    if (slot === undefined) {
      const names = [...this.manifest.inputs, ...this.manifest.params, ...this.manifest.outputs].map(
        (s) => s.name,
      );
      throw new InputError(`view: unknown name "${String(name)}" (expected one of: ${names.join(', ')})`, {
        name,
      });
    }
    if (this.manifest.params.includes(slot)) {
      this.paramsSet.add(slot.name);
      this.packEveryRun = true;
    }
    return this.slotArray(memory, slot);
  }

  /** Runs on whatever the input and param regions hold now. */
  execute(): void {
    this.live('execute');
    this.checkParamsSet('execute');
    this.call();
  }

  /**
   * One self-describing .wasm: the module, its checksummed manifest and, with
   * `{ params: true }`, the current param values. `load()` reads it back.
   *
   * @example
   * writeFileSync('model.wasm', model.save({ params: true }));
   */
  save(options: SaveOptions = {}): Uint8Array<ArrayBuffer> {
    if (this.moduleBytes === undefined)
      throw new InputError('save: this model was made without its module bytes');
    if (typeof this.moduleBytes === 'function') this.moduleBytes = this.moduleBytes();
    if (options.params !== true) return encodeArtifact(this.moduleBytes, this.manifest);
    const memory = this.live('save');
    this.checkParamsSet('save');
    const bytes = this.manifest.params.map((slot) => new Uint8Array(memory.buffer, slot.offset, slot.bytes));
    return encodeArtifact(this.moduleBytes, this.manifest, bytes);
  }

  /**
   * The memory's copy of each segment (a view: constants are never written
   * after writeConstants()), for save() of a loaded model. @internal
   */
  constantsIn(segments: readonly DataSegment[]): DataSegment[] {
    const memory = this.live('save');
    return segments.map((s) => ({
      offset: s.offset,
      bytes: new Uint8Array(memory.buffer, s.offset, s.bytes.byteLength),
    }));
  }

  /**
   * Writes each segment's bytes at its offset: compile() and load()
   * instantiate a module without data segments and fill the memory with the
   * constants straight from their arrays (one copy of the weights). @internal
   */
  writeConstants(segments: readonly DataSegment[]): void {
    writeSegments(this.live('compile'), segments);
  }

  /** Releases the instance and its memory and ends its worker threads; the model cannot be used afterwards. */
  dispose(): void {
    this.pool?.dispose();
    this.pool = undefined;
    this.memory = undefined;
    this.exports = undefined;
  }

  private slotNamed(name: string): TensorSlot | undefined {
    const m = this.manifest;
    return [...m.inputs, ...m.params, ...m.outputs].find((s) => s.name === name);
  }

  private slotArray(memory: WebAssembly.Memory, slot: TensorSlot): TypedArray {
    return new ARRAY_CLASS[slot.dtype](memory.buffer, slot.offset, slotSize(slot));
  }

  /** The instance's exports (each kernel's function too), for compile-side tools such as profile(). @internal */
  protected instanceExports(call: string): Readonly<Record<string, unknown>> {
    this.live(call);
    return this.exports as unknown as Readonly<Record<string, unknown>>;
  }

  private live(call: string): WebAssembly.Memory {
    if (this.memory === undefined) throw new InputError(`${call}: the model was disposed`);
    return this.memory;
  }

  private checkParamsSet(call: string): void {
    const missing = this.manifest.params.filter((p) => !this.paramsSet.has(p.name)).map((p) => p.name);
    if (missing.length > 0) {
      throw new InputError(
        `${call}: params never set: ${missing.join(', ')}`,
        { missing },
        'Call setParams() first',
      );
    }
  }

  private call(): void {
    const exports = this.exports as Exports;
    let failed: ThreadCheckFailure | undefined;
    try {
      if (exports.pack !== undefined && (this.packStale || this.packEveryRun)) {
        exports.pack();
        this.packStale = false;
      }
      const runThread = exports.run_thread;
      if (this.pool !== undefined && runThread !== undefined) failed = this.pool.run('run', runThread);
      else exports.run();
      this.tiering.afterRun();
    } catch (error) {
      if (error instanceof TensorWasmError) throw error;
      const site = exports.err_site.value as number;
      if (site === 0) throw new InternalError('runtime', `the module trapped: ${String(error)}`);
      failed = { site, value: exports.err_value.value as number };
    }
    if (failed === undefined) return;
    if (failed.site === 0) throw new InternalError('runtime', 'a worker thread trapped');
    const what = this.manifest.checkSites[failed.site - 1] ?? 'a checked index';
    throw new InputError(`run: index ${failed.value} is out of range in ${what}`, {
      index: failed.value,
      site: what,
    });
  }
}
