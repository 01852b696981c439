/**
 * The manifest: everything the runtime needs to drive a compiled module —
 * tensor slots with their addresses, the memory size and the plan. Saved
 * modules carry it as JSON in a custom section.
 */
import type { DType } from './dtype.js';
import type { MemoryPlan } from './plan.js';

/**
 * Bump when the manifest or the module's calling convention changes.
 * 2: a module may export PACK_EXPORT, which the runtime calls before a run
 * whenever params changed since the last call (and once after instantiation).
 */
export const FORMAT_VERSION = 4;

/**
 * 3: a slot may carry `external` (an i32 value exchanged as int64). Modules
 * without such slots are written as format 2, so older runtimes still load them.
 */
export const EXTERNAL_TYPES_FORMAT = 3;
/** The format written for modules that need nothing newer. */
export const BASE_FORMAT = 2;
/**
 * 4: `external` may also be one of the narrow integer types (int8, uint8,
 * int16, uint16, uint32). Written only by modules that have such a slot.
 */
export const NARROW_TYPES_FORMAT = 4;

/**
 * The types an i32 slot may be exchanged as at a model's boundary (ONNX
 * models): int64 as a BigInt64Array, the narrow types as their typed arrays.
 * Every one is computed as i32; a feed value outside the i32 range (int64,
 * uint32) or the type's range is an InputError.
 */
export const EXTERNAL_TYPES = ['int64', 'int8', 'uint8', 'int16', 'uint16', 'uint32'] as const;
export type ExternalType = (typeof EXTERNAL_TYPES)[number];
/** The typed arrays the external types are fed and returned as. */
export type ExternalArray = BigInt64Array | Int8Array | Uint8Array | Int16Array | Uint16Array | Uint32Array;

/** The format a module needs for its external types (BASE_FORMAT when it has none). */
export function formatForExternals(types: Iterable<ExternalType>): number {
  let format = BASE_FORMAT;
  for (const t of types)
    format = Math.max(format, t === 'int64' ? EXTERNAL_TYPES_FORMAT : NARROW_TYPES_FORMAT);
  return format;
}

/**
 * The export that fills the packed copies of params and constants (a
 * matmul's B in the layout its tiles read); present only when there are any.
 */
export const PACK_EXPORT = 'pack';

/**
 * An optional export the runtime calls once after instantiating: it runs
 * each kernel over the first chunk of its range, so the engine starts
 * compiling optimized code before the first run (docs/kernels.md "The first
 * run"). Its results are overwritten by every run; it changes no param.
 */
export const WARM_EXPORT = 'warm';

/**
 * An optional export `(k: i32) -> i32`: calls kernel `k` (in schedule order)
 * once over the first chunk of its range and returns `chunks << 8 | calls`:
 * how many chunks run() calls it in, and how many such calls the warm-up
 * makes (WARM_EXPORT's count; both 1-255); 0 without calling anything when
 * `k` is past the last kernel. The runtime drives the warm-up with it where
 * present, timing the calls to see when the engine's optimized code is in
 * (src/runtime/warm-up.ts). Same effects on memory as WARM_EXPORT.
 */
export const WARM_KERNEL_EXPORT = 'warm_kernel';
/**
 * `(k, n) -> i32`: kernel k called n times over an empty slice, spending V8's
 * tiering budget without running any of its work; 1, 2 for a kernel that has
 * no range and 3 for a light one (neither called: src/codegen/binaryen/emit-run.ts),
 * 0 past the last kernel (src/runtime/warm-up.ts).
 */
export const TIER_KERNEL_EXPORT = 'tier_kernel';

/**
 * An optional mutable i32 global of a relaxed-SIMD build: its matmuls run
 * 6-row register tiles when it is 1, 4-row tiles when 0 (the default), with
 * the same sums in the same order. The runtime sets it where the engine
 * compiles the taller tile well (`prefersTallMatmulTiles`, docs/kernels.md).
 */
export const TALL_TILES_EXPORT = 'tall_tiles';

/** A named tensor's place in memory. */
export interface TensorSlot {
  readonly name: string;
  readonly shape: readonly number[];
  readonly dtype: DType;
  /** Absolute byte address. */
  readonly offset: number;
  readonly bytes: number;
  /** Present when the i32 slot is fed and returned as another type (int64: format 3; narrow ints: 4). */
  readonly external?: ExternalType;
}

/**
 * Another build of the same module (same memory layout, imports and exports;
 * other instructions; no data segments), carried in a custom section of the
 * saved file. Engines never validate custom sections, so the file loads
 * everywhere. The runtime instantiates the file's own module, which fills the
 * memory with the constants, and then, on the same memory, the first variant
 * whose features the engine has, which runs.
 */
export interface ModuleVariant {
  /** The custom section holding the variant's module bytes. */
  readonly section: string;
  /** Wasm features the variant needs, e.g. 'simd128', 'relaxed-simd'. */
  readonly features: readonly string[];
}

/** The custom section of the relaxed-SIMD variant. */
export const RELAXED_SECTION = 'tensorwasm.relaxed';

/** The custom sections of the threaded builds (shared memory, run_thread). */
export const THREADS_SECTION = 'tensorwasm.threads';
export const THREADS_RELAXED_SECTION = 'tensorwasm.threads.relaxed';

/**
 * The threaded builds of a module (compile(g, { threads })): variants that
 * import a shared memory and export run_thread, run by the calling thread
 * and by workers instantiating the same module on that memory. A runtime
 * that does not know them ignores them and runs the file's own module.
 */
export interface ThreadBuilds {
  /** Threads the builds were planned for at most (each split kernel's per-thread scratch). */
  readonly maxThreads: number;
  /** Kernels that split among threads; with none, the module runs on one thread (nothing to share). */
  readonly splitKernels: number;
  /** Absolute address of the control block (common/thread-control.ts). */
  readonly control: number;
  /** The threaded builds, preferred in order; each needs the 'threads' feature. */
  readonly variants: readonly ModuleVariant[];
}

export interface Manifest {
  readonly format: number;
  readonly compiler: string;
  /** Wasm features the module needs, e.g. 'simd128'. */
  readonly features: readonly string[];
  /** Faster builds for engines with more features, preferred in order (optional). */
  readonly variants?: readonly ModuleVariant[];
  readonly memoryBytes: number;
  readonly inputs: readonly TensorSlot[];
  readonly outputs: readonly TensorSlot[];
  readonly params: readonly TensorSlot[];
  readonly plan: MemoryPlan;
  /** What each run-time check reports (gather bounds), by site id - 1. */
  readonly checkSites: readonly string[];
  /** The threaded builds, when compiled with threads > 1. */
  readonly threads?: ThreadBuilds;
  /**
   * Arithmetic operations per run (the kernels' flops, as model.kernels
   * counts them): the runtime weighs the first run's work against compiling
   * optimized code before it (src/runtime/warm-up.ts). Optional.
   */
  readonly flops?: number;
}
