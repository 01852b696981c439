/**
 * A running model: one Wasm instance over one memory laid out by the plan.
 * `run` checks every feed before writing anything, copies in, makes one call
 * into Wasm and copies out; `view` + `execute` skip the copies. Shared by
 * compiled models and models loaded from saved modules.
 */
import { encodeArtifact } from '../common/artifact.js';
import { ARRAY_CLASS, type DType, type TypedArray, type TypedArrayFor } from '../common/dtype.js';
import { InputError, InternalError } from '../common/errors.js';
import type { ExternalType, Manifest, TensorSlot } from '../common/manifest.js';
import type { MemoryPlan } from '../common/plan.js';
import type { ExternalArray } from './external-types.js';
import { checkFeeds, slotSize, toExternal } from './feeds.js';

export const WASM_PAGE_BYTES = 65536;

/** A named tensor's public description. */
export interface TensorInfo {
  readonly name: string;
  readonly shape: readonly number[];
  readonly dtype: DType;
  /**
   * The type an i32 value is fed and returned as (ONNX models; computed as i32):
   * 'int64' as a BigInt64Array, 'int8' as an Int8Array, 'uint8', 'int16', 'uint16', 'uint32' likewise.
   */
  readonly external?: ExternalType;
}

/** Options of save(). */
export interface SaveOptions {
  /** Embed the current param values, so load() sets them (default false). */
  readonly params?: boolean;
}

/** Values by name: typed arrays, or plain number arrays (converted). */
export type Feeds = Readonly<Record<string, TypedArray | ExternalArray | readonly number[]>>;

/** Names to shapes and dtypes, as a typed graph records them (type-level only); the default takes any name. */
export type TensorTypes = Readonly<
  Record<string, { readonly shape: readonly number[]; readonly dtype: DType }>
>;

/**
 * `run()`/`setParams()` values for the names in `T`: each dtype's typed array
 * class, or a number array; an i32 slot exchanged as int64 (ONNX) takes a BigInt64Array, one
 * exchanged as a narrow integer type its typed array (TensorInfo.external).
 */
export type FeedsOf<T extends TensorTypes> = {
  readonly [K in keyof T]:
    TypedArrayFor<T[K]['dtype']> | readonly number[] | ('i32' extends T[K]['dtype'] ? ExternalArray : never);
};

/** `run()` results by output name, each in its dtype's typed array class. */
export type ResultsOf<T extends TensorTypes> = { [K in keyof T]: TypedArrayFor<T[K]['dtype']> };

interface Exports {
  run: () => void;
  /** Fills the packed copies of params and constants (PACK_EXPORT), when the module has any. */
  pack?: () => void;
  /** Runs each kernel over its first chunk (WARM_EXPORT), in modules that have it. */
  warm?: () => void;
  err_site: WebAssembly.Global;
  err_value: WebAssembly.Global;
}

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
  private readonly moduleBytes: Uint8Array | undefined;

  /**
   * Instantiates `module` over a fresh memory sized to the plan. `wasm` is the
   * module's bytes (without the manifest and params sections), kept for
   * save(); `features`: those of the module instantiated (default: the
   * manifest's); `dataModule`: a module instantiated first on the same
   * memory to fill it with the constants (a variant's baseline). @internal
   */
  constructor(
    module: WebAssembly.Module,
    manifest: Manifest,
    wasm?: Uint8Array,
    features?: readonly string[],
    dataModule?: WebAssembly.Module,
  ) {
    this.manifest = manifest;
    this.features = features ?? manifest.features;
    this.moduleBytes = wasm;
    this.inputs = manifest.inputs.map(info);
    this.outputs = manifest.outputs.map(info);
    this.params = manifest.params.map(info);
    this.plan = manifest.plan;
    const pages = Math.max(1, Math.ceil(manifest.memoryBytes / WASM_PAGE_BYTES));
    this.memory = new WebAssembly.Memory({ initial: pages });
    if (dataModule) new WebAssembly.Instance(dataModule, { env: { memory: this.memory } });
    const instance = new WebAssembly.Instance(module, { env: { memory: this.memory } });
    this.exports = instance.exports as unknown as Exports;
    for (const p of manifest.params) if (slotSize(p) === 0) this.paramsSet.add(p.name);
  }

  /**
   * Readies the instance for its first run (docs/kernels.md "The first run"),
   * which would otherwise pay for what happens only once: the operating
   * system mapping each page of memory at its first touch (here: every page
   * touched now), the packed copies of constant weights (filled now when every
   * param is set), and V8 running each function's first call in its baseline
   * tier (the module's warm function calls each kernel over one chunk, so
   * the optimized code compiles in the background meanwhile). load() and
   * compile() call it. @internal
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
      exports.warm?.();
    } catch {
      // a kernel may trap on what memory holds now (a gather's index check, an integer division by
      // zero): the warm-up only readies code, and every run starts afresh
    }
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
    if (options.params !== true) return encodeArtifact(this.moduleBytes, this.manifest);
    const memory = this.live('save');
    this.checkParamsSet('save');
    const bytes = this.manifest.params.map((slot) => new Uint8Array(memory.buffer, slot.offset, slot.bytes));
    return encodeArtifact(this.moduleBytes, this.manifest, bytes);
  }

  /** Releases the instance and its memory; the model cannot be used afterwards. */
  dispose(): void {
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
    try {
      if (exports.pack !== undefined && (this.packStale || this.packEveryRun)) {
        exports.pack();
        this.packStale = false;
      }
      exports.run();
    } catch (error) {
      const site = exports.err_site.value as number;
      if (site > 0) {
        const what = this.manifest.checkSites[site - 1] ?? 'a checked index';
        const value = exports.err_value.value as number;
        throw new InputError(`run: index ${value} is out of range in ${what}`, { index: value, site: what });
      }
      throw new InternalError('runtime', `the module trapped: ${String(error)}`);
    }
  }
}
