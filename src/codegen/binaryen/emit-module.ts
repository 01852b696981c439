/**
 * The whole module: one imported memory sized to the plan, constants as data
 * segments at their planned addresses (returned beside Binaryen's output, for
 * a data section written later, see data-section.ts), one function per kernel taking
 * (start, end) over its range, and one exported `run()` that calls the
 * kernels in schedule order, long ones in chunks (emit-run.ts; a run is one
 * call from JS into Wasm). Validation failures become InternalError carrying the
 * validator's text and the WAT.
 */
import type Binaryen from 'binaryen';
import { InternalError } from '../../common/errors.js';
import type { Schedule } from '../../passes/kernel.js';
import { packedId, scratchId } from '../../planner/liveness.js';
import { PACK_EXPORT, TIER_KERNEL_EXPORT, WARM_EXPORT, WARM_KERNEL_EXPORT } from '../../common/manifest.js';
import type { DataSegment } from '../../common/data-segments.js';
import { emitPrepack } from './emit-matmul-pack.js';
import { emitKernelBody, type VectorMode } from './emit-kernel.js';
import type { ExprEnv } from './emit-expr.js';
import { FunctionBuilder } from './function-builder.js';
import { nonpositiveArgs } from './nonpositive-args.js';
import { offsetsToOperands } from './offset-operands.js';
import { loadBinaryen, type BinaryenApi } from './load-binaryen.js';
import { emitIpowFunction } from './scalar-ops.js';
import { emitFmodFunction } from './fmod-function.js';
import { kernelRange } from '../../passes/kernel-range.js';
import { packedPanelBytes } from '../../passes/matmul-shape.js';
import {
  emitKernelCalls,
  emitTierKernel,
  emitWarmCalls,
  emitWarmKernel,
  kernelCalls,
  type KernelCalls,
} from './emit-run.js';
import { emitRunThread, emitThreadGlobal, PACK_SKIP_GLOBAL } from './emit-threads.js';
import { CONTROL_BYTES } from '../../common/thread-control.js';
import type { ThreadPlan } from '../../passes/thread-split.js';

export const WASM_PAGE_BYTES = 65536;

export interface EmitOptions {
  readonly simd: boolean;
  /** Fused multiply-adds (f32x4.relaxed_madd) in matmul tiles and math polynomials. */
  readonly relaxedSimd: boolean;
  /**
   * The constants' segments in `segments` (default true). A variant built to
   * run beside a baseline module leaves them out: the baseline's constants
   * fill the shared memory (see ModuleVariant), so the file holds them once.
   */
  readonly dataSegments?: boolean;
  /** Binaryen optimization level (0 = none). */
  readonly optimizeLevel: number;
  /**
   * Kernels equal but for their buffers share one function (default true;
   * see shareKernels): addresses become operands, then Binaryen's
   * merge-similar-functions makes them parameters of the shared function.
   */
  readonly shareKernels?: boolean;
  /**
   * A threaded build (emit-threads.ts): a shared memory, the thread_id global,
   * run_thread, and per-thread scratch slices in the kernels `plan` splits.
   */
  readonly threads?: { readonly plan: ThreadPlan; readonly control: number };
}

/** A byte range [offset, offset + bytes). */
export type ByteRange = readonly [offset: number, bytes: number];

/** What codegen needs from the memory plan. */
export interface EmitLayout {
  /** Node id -> absolute byte address. */
  readonly addresses: ReadonlyMap<number, number>;
  readonly memoryBytes: number;
  /**
   * Debug poisoning: ranges filled with 0xFF bytes (NaN as f32, -1 as i32) at
   * the start of run(), and after each kernel (by schedule index) the ranges
   * that die there, so a stale read shows up as a wrong result.
   */
  readonly poison?: {
    readonly start: readonly ByteRange[];
    readonly after: ReadonlyMap<number, readonly ByteRange[]>;
  };
}

const FEATURES = (b: BinaryenApi, relaxedSimd = false, threads = false): number =>
  (relaxedSimd ? b.Features.RelaxedSIMD : 0) |
  (threads ? b.Features.Atomics : 0) |
  b.Features.SIMD128 |
  b.Features.NontrappingFPToInt |
  b.Features.MutableGlobals |
  b.Features.SignExt |
  b.Features.BulkMemory |
  b.Features.BulkMemoryOpt;

export interface EmittedModule {
  /** The module without data segments (its code: what Binaryen emitted). */
  readonly wasm: Uint8Array<ArrayBuffer>;
  /**
   * The constants at their planned addresses (views of their own arrays),
   * for the file's data section (withDataSection) or to write straight into
   * a memory: compile() does that and never copies the weights into a module.
   */
  readonly segments: readonly DataSegment[];
  /** Run-time check sites by id - 1 (what a failed gather index check reports). */
  readonly checkSites: readonly string[];
  /** How each kernel was vectorized, by kernel index. */
  readonly vectorModes: readonly VectorMode[];
  /** How run() calls each kernel (its range's units, in how many chunks), by kernel index. */
  readonly calls: readonly KernelCalls[];
}

/** Runs `fn` while collecting what Binaryen prints to stderr/console. */
function captureOutput<T>(fn: () => T): { value: T; text: string } {
  let text = '';
  const hasProcess = typeof process !== 'undefined' && typeof process.stderr?.write === 'function';
  // the caller's own function, unbound: restoring a bound copy would wrap it once more per call
  // eslint-disable-next-line @typescript-eslint/unbound-method -- restored onto the same object below
  const originalWrite = hasProcess ? process.stderr.write : undefined;
  const originalError = console.error;
  const originalWarn = console.warn;
  const sink = (...args: unknown[]): void => {
    text += args.map(String).join(' ') + '\n';
  };
  if (hasProcess) {
    process.stderr.write = (chunk: string | Uint8Array): boolean => {
      text += typeof chunk === 'string' ? chunk : new TextDecoder().decode(chunk);
      return true;
    };
  }
  console.error = sink;
  console.warn = sink;
  try {
    return { value: fn(), text };
  } finally {
    if (originalWrite) process.stderr.write = originalWrite;
    console.error = originalError;
    console.warn = originalWarn;
  }
}

/** Validates `m`; a failure becomes InternalError with the validator's text and the WAT. */
export function validateOrThrow(m: Binaryen.Module, stage: string): void {
  const { value, text } = captureOutput(() => m.validate());
  if (!value) {
    throw new InternalError(
      'codegen',
      `Binaryen rejected the module (${stage}): ${text.trim().slice(0, 2000)}`,
      {
        validator: text,
        wat: m.emitText(),
      },
    );
  }
}

/** The constants' bytes at their planned addresses (views of the constants' own arrays, not copies). */
function dataSegments(schedule: Schedule, layout: EmitLayout): DataSegment[] {
  return schedule.values.flatMap((n) => {
    if (n.op !== 'constant' || n.attrs.data.byteLength === 0) return [];
    const data = n.attrs.data;
    const offset = layout.addresses.get(n.id);
    if (offset === undefined) throw new InternalError('codegen', `constant %${n.id} has no address`);
    return [{ offset, bytes: new Uint8Array(data.buffer, data.byteOffset, data.byteLength) }];
  });
}

/** Whether kernels share code in this module: asked for, and at least two kernels to share. */
function sharesKernels(schedule: Schedule, options: EmitOptions): boolean {
  return options.shareKernels !== false && schedule.kernels.length >= 2;
}

/**
 * One function for kernels that differ only in constants (their buffers'
 * addresses, emitted as operands): Binaryen's merge-similar-functions keeps
 * each kernel as a small function (its name and export unchanged) calling
 * the shared one with its constants. The 1,030-node encoder's 252 kernels
 * (21 equal layers) went from 686 KB of code to 111 KB, and its first run
 * from ~50 ms to ~11 ms (fewer functions for V8 to compile); steady-state
 * run times were unchanged (docs/compile-time.md). Memory offsets in which
 * such kernels differ become operands first (offset-operands.ts): kernels of
 * one structure over other shapes share too.
 */
function shareKernels(b: BinaryenApi, m: Binaryen.Module): void {
  offsetsToOperands(b, m);
  m.runPasses(['merge-similar-functions']);
}

function buildModule(
  b: BinaryenApi,
  schedule: Schedule,
  layout: EmitLayout,
  options: EmitOptions,
): { m: Binaryen.Module; checkSites: string[]; vectorModes: VectorMode[]; calls: KernelCalls[] } {
  const m = new b.Module();
  const threads = options.threads;
  const shared = threads !== undefined;
  m.setFeatures(FEATURES(b, options.relaxedSimd, shared));
  // a threaded build's memory also holds the control block after the plan
  const bytes = threads === undefined ? layout.memoryBytes : threads.control + CONTROL_BYTES;
  const pages = Math.max(1, Math.ceil(bytes / WASM_PAGE_BYTES));
  // the constants' data section is written after Binaryen is done (data-section.ts);
  // a shared memory has a maximum: it never grows (the plan fixes its size)
  m.setMemory(pages, shared ? pages : -1, null, [], shared, false, 'memory');
  m.addMemoryImport('memory', 'env', 'memory', shared);
  if (shared) emitThreadGlobal(b, m);
  m.addGlobal('err_site', b.i32, true, m.i32.const(0));
  m.addGlobal('err_value', b.i32, true, m.i32.const(0));
  m.addGlobalExport('err_site', 'err_site');
  m.addGlobalExport('err_value', 'err_value');
  emitIpowFunction(b, m);
  emitFmodFunction(b, m);

  const checkSites: string[] = [];
  const vectorModes: VectorMode[] = [];
  const calls: KernelCalls[] = [];
  // every kernel function takes (start, end) over its range
  const rangeParams = b.createType([b.i32, b.i32]);
  // the packed copies of param and constant B operands, filled by one exported function
  const packer = new FunctionBuilder(b, m, options.relaxedSimd);
  const prepacks: Binaryen.ExpressionRef[] = [];
  const sharing = sharesKernels(schedule, options);
  for (const kernel of schedule.kernels) {
    const fb = new FunctionBuilder(b, m, options.relaxedSimd, [b.i32, b.i32], sharing);
    const range = kernelRange(kernel);
    const env: ExprEnv = {
      vars: new Map(),
      slots: new Map(),
      refs: new Map(),
      lets: new Map(),
      addresses: layout.addresses,
      scratch: layout.addresses.get(scratchId(kernel.index)),
      packed: layout.addresses.get(packedId(kernel.index)),
      threadScratch: threads?.plan.split[kernel.index] === true,
      nonpositive: nonpositiveArgs(kernel),
      relaxedSimd: options.relaxedSimd,
      addressOperands: sharing,
      addCheckSite: (what) => checkSites.push(`${what} (kernel ${kernel.name})`),
    };
    const { body, choice } = emitKernelBody(fb, kernel, env, options.simd, range);
    if (choice.matmul !== undefined && env.packed !== undefined)
      prepacks.push(emitPrepack(packer, choice.matmul, env));
    vectorModes.push(choice.mode);
    // a matmul without a packed copy of B packs it into its scratch in each call (as emitMatmul decides)
    const packsPerRun =
      choice.matmul !== undefined &&
      env.packed === undefined &&
      env.scratch !== undefined &&
      packedPanelBytes(choice.matmul) > 0;
    calls.push(kernelCalls(kernel, range, packsPerRun));
    m.addFunction(kernel.name, rangeParams, b.none, fb.locals, fb.withConstants(body));
    // exported too, so a profiler can time each kernel (model.profile)
    m.addFunctionExport(kernel.name, kernel.name);
  }
  const fill = ([offset, bytes]: ByteRange): Binaryen.ExpressionRef =>
    m.memory.fill(m.i32.const(offset), m.i32.const(0xff), m.i32.const(bytes));
  const poison = layout.poison;
  // run()'s locals: a chunk's start and end
  const [s, e] = [0, 1];
  const body = [
    ...(poison?.start ?? []).map(fill),
    ...schedule.kernels.flatMap((k) => [
      ...emitKernelCalls(b, m, k.name, calls[k.index] as KernelCalls, s, e),
      ...(poison?.after.get(k.index) ?? []).map(fill),
    ]),
  ];
  m.addFunction(
    'run',
    b.none,
    b.none,
    [b.i32, b.i32],
    m.block(null, [
      m.global.set('err_site', m.i32.const(0)),
      // a threaded module's kernels called whole pack B in every call (run_thread may have left it set)
      ...(threads === undefined ? [] : [m.global.set(PACK_SKIP_GLOBAL, m.i32.const(0))]),
      ...body,
    ]),
  );
  m.addFunctionExport('run', 'run');
  if (threads !== undefined) emitRunThread(b, m, schedule.kernels, calls, threads.plan, threads.control);
  const warm = schedule.kernels.flatMap((k) => emitWarmCalls(b, m, k.name, calls[k.index] as KernelCalls, 0));
  m.addFunction(WARM_EXPORT, b.none, b.none, [b.i32], m.block(null, warm));
  m.addFunctionExport(WARM_EXPORT, WARM_EXPORT);
  const kernelNames = schedule.kernels.map((k) => k.name);
  m.addFunction(
    WARM_KERNEL_EXPORT,
    b.i32,
    b.i32,
    [],
    emitWarmKernel(
      b,
      m,
      kernelNames,
      schedule.kernels.map((k) => calls[k.index] as KernelCalls),
    ),
  );
  m.addFunctionExport(WARM_KERNEL_EXPORT, WARM_KERNEL_EXPORT);
  m.addFunction(
    TIER_KERNEL_EXPORT,
    b.createType([b.i32, b.i32]),
    b.i32,
    [],
    emitTierKernel(
      b,
      m,
      kernelNames,
      schedule.kernels.map((k) => calls[k.index] as KernelCalls),
    ),
  );
  m.addFunctionExport(TIER_KERNEL_EXPORT, TIER_KERNEL_EXPORT);
  if (prepacks.length > 0) {
    m.addFunction(PACK_EXPORT, b.none, b.none, packer.locals, packer.withConstants(m.block(null, prepacks)));
    m.addFunctionExport(PACK_EXPORT, PACK_EXPORT);
  }
  return { m, checkSites, vectorModes, calls };
}

/** Emits, validates and optionally optimizes the module for a schedule and its layout. */
export async function emitModule(
  schedule: Schedule,
  layout: EmitLayout,
  options: EmitOptions,
): Promise<EmittedModule> {
  const b = await loadBinaryen();
  const { m, checkSites, vectorModes, calls } = buildModule(b, schedule, layout, options);
  try {
    validateOrThrow(m, 'as emitted');
    if (options.optimizeLevel > 0) {
      b.setOptimizeLevel(options.optimizeLevel);
      b.setShrinkLevel(0);
      b.setFastMath(false);
      b.setDebugInfo(true);
      m.optimize();
      validateOrThrow(m, 'after optimizing');
    }
    b.setDebugInfo(true);
    if (sharesKernels(schedule, options)) shareKernels(b, m);
    const wasm = m.emitBinary() as Uint8Array<ArrayBuffer>;
    const segments = options.dataSegments === false ? [] : dataSegments(schedule, layout);
    return { wasm, segments, checkSites, vectorModes, calls };
  } finally {
    m.dispose();
  }
}

/** The WAT text of a module's bytes. */
export async function watOf(wasm: Uint8Array): Promise<string> {
  const b = await loadBinaryen();
  const m = b.readBinary(wasm);
  try {
    m.setFeatures(FEATURES(b, true, true));
    return m.emitText();
  } finally {
    m.dispose();
  }
}
