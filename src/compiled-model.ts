/**
 * The compiled model compile() returns: the runtime Model plus what the
 * compiler can show (the IR after each stage, the kernels, compile stats,
 * the module's text, per-kernel profiles).
 */
import { InputError, InternalError } from './common/errors.js';
import { type Manifest } from './common/manifest.js';
import { watOf } from './codegen/binaryen/emit-module.js';
import type { VectorMode } from './codegen/binaryen/emit-kernel.js';
import type { TensorSpecs } from './ir/types/graph-types.js';
import { type Kernel } from './passes/kernel.js';
import { Model } from './runtime/model.js';
import type { FeedsOf } from './runtime/model-types.js';
import type { ThreadBuilds } from './common/manifest.js';
import { profileKernels, type Profile, type ProfileOptions } from './inspect/profile-kernels.js';
import { extractFunction } from './inspect/wat-function.js';

export type IrStage = 'built' | 'simplified' | 'fused' | 'scheduled';

/** A fused kernel as inspection reports it. */
export interface KernelInfo {
  readonly name: string;
  /** The graph nodes it computes, as printed in ir('simplified'). */
  readonly nodes: readonly string[];
  readonly kind: Kernel['kind'];
  readonly vectorMode: VectorMode;
  /** Bytes loaded per run (every load times how often it runs; see src/inspect/kernel-cost.ts). */
  readonly bytesRead: number;
  /** Bytes stored per run. */
  readonly bytesWritten: number;
  /** Arithmetic operations per run (elementwise ops and reduction combines). */
  readonly flops: number;
  /**
   * Units of the kernel's range (its function's (start, end) parameters run
   * units [start, end); 1 when it has none: see src/passes/kernel-range.ts).
   */
  readonly units: number;
  /** Calls run() makes to it per run, each over a chunk of its range (docs/kernels.md "The first run"). */
  readonly chunks: number;
  /** Each thread runs its part of the range (compiled with threads > 1); else thread 0 runs it whole. */
  readonly split: boolean;
  /**
   * A split kernel whose last units the threads claim chunk by chunk, so a
   * thread slowed down takes fewer (docs/threads.md "Claimed chunks").
   */
  readonly claimed: boolean;
}

/** Milliseconds spent in each compile stage. */
export type CompileStats = Readonly<Record<string, number>>;

/** A compiled model: the runtime Model (typed by the graph's names) plus what the compiler can show. */
export class CompiledModel<
  I extends TensorSpecs = TensorSpecs,
  P extends TensorSpecs = TensorSpecs,
  O extends TensorSpecs = TensorSpecs,
> extends Model<I, P, O> {
  /** @internal */
  constructor(
    module: WebAssembly.Module,
    manifest: Manifest,
    private readonly wasm: () => Uint8Array<ArrayBuffer>,
    private readonly irText: Readonly<Record<IrStage, () => string>>,
    /** Each kernel in schedule order. */
    readonly kernels: readonly KernelInfo[],
    /** Milliseconds per compile stage. */
    readonly stats: CompileStats,
    features?: readonly string[],
    threads?: ThreadBuilds,
  ) {
    // no module fills the memory: compile() writes the constants into it (writeConstants)
    super(module, manifest, wasm, features, threads);
  }

  /** The text IR after a stage (default 'fused'). */
  ir(stage: IrStage = 'fused'): string {
    const make = (this.irText as Partial<Record<string, () => string>>)[stage];
    if (make === undefined) {
      throw new InputError(
        `ir: unknown stage ${JSON.stringify(stage)}`,
        { stage },
        `Use one of ${Object.keys(this.irText).join(', ')}`,
      );
    }
    const text = this.irCache.get(stage) ?? make();
    this.irCache.set(stage, text);
    return text;
  }

  private readonly irCache = new Map<IrStage, string>();

  /** The module as WebAssembly text, or only kernel `kernel`'s function. */
  async wat(kernel?: string): Promise<string> {
    const text = await watOf(this.wasm());
    if (kernel === undefined) return text;
    const fn = extractFunction(text, kernel);
    if (fn === undefined) {
      const names = this.kernels.map((k) => k.name).join(', ');
      throw new InputError(`wat: unknown kernel "${kernel}" (expected one of: ${names})`, { kernel });
    }
    return fn;
  }

  /**
   * Per-kernel milliseconds on `feeds`: runs once (checking the feeds and
   * warming up), then times each kernel's exported function, in schedule
   * order, `repeats` times (default 10), and reports medians.
   *
   * @example
   * for (const k of model.profile({ x }).kernels) console.log(k.name, k.ms);
   */
  profile(feeds: FeedsOf<I>, options: ProfileOptions = {}): Profile {
    this.run(feeds);
    const exports = this.instanceExports('profile');
    const calls = this.kernels.map((k) => {
      const fn = exports[k.name];
      if (typeof fn !== 'function')
        throw new InternalError('profile', `the module does not export kernel ${k.name}`);
      // one call over the kernel's whole range
      const call = fn as (start: number, end: number) => void;
      return { name: k.name, call: () => call(0, k.units) };
    });
    return profileKernels(calls, options);
  }
}
