/**
 * compile(): the pipeline as a list of named stages, each a pure function of
 * the previous stage's value, each timed:
 *   lower composites -> simplify -> choose stored values (fusion) -> form kernels ->
 *   liveness -> plan memory -> verify plan -> emit with Binaryen -> instantiate.
 */
import { GraphError, InputError, InternalError } from './common/errors.js';
import {
  formatForExternals,
  type ExternalType,
  type Manifest,
  type ModuleVariant,
  type TensorSlot,
} from './common/manifest.js';
import { emitBuilds } from './codegen/binaryen/emit-builds.js';
import { withDataSection } from './codegen/binaryen/data-section.js';
import { emitModule, watOf, type ByteRange, type EmitLayout } from './codegen/binaryen/emit-module.js';
import type { VectorMode } from './codegen/binaryen/emit-kernel.js';
import { Graph } from './ir/graph.js';
import type { TensorSpecs } from './ir/types/graph-types.js';
import type { Node } from './ir/node.js';
import { bytesOf, topoSort } from './ir/node.js';
import { nameNodes, printGraph } from './ir/print.js';
import { chooseMaterialized, type Decision } from './passes/choose-materialized.js';
import { formKernels } from './passes/form-kernels.js';
import { fuseKernels } from './passes/fuse-kernels.js';
import { scheduleKernels } from './passes/schedule.js';
import { storedShape, type Kernel, type Schedule } from './passes/kernel.js';
import { lowerComposites } from './passes/lower-composites.js';
import { simplify } from './passes/simplify.js';
import { verifyGraph } from './ir/verify.js';
import { formatSchedule } from './passes/print-kernels.js';
import { analyzeLiveness, type LiveBuffer } from './planner/liveness.js';
import { kernelBuffers } from './passes/matmul-shape.js';
import { localizeRows } from './passes/localize-rows.js';
import { planMemory, slotBuffer, type PlannedMemory } from './planner/memory-plan.js';
import { verifyPlan } from './planner/verify-plan.js';
import { findInPlace } from './planner/in-place.js';
import { Model, type FeedsOf } from './runtime/model.js';
import { checkCompileOptions, wantsRelaxedVariant, type CompileOptions } from './compile-options.js';
import { CONTROL_BYTES } from './common/thread-control.js';
import type { ThreadBuilds } from './common/manifest.js';
import { planThreads, type ThreadPlan } from './passes/thread-split.js';
import { splitWholeReductions } from './passes/split-reductions.js';
import { joinBarrierIntervals } from './planner/thread-barriers.js';
import { verifyThreads } from './planner/verify-threads.js';
import { selectBuild } from './runtime/select-build.js';
import { DEFAULT_THREAD_TIMEOUT_MS, requestedThreads } from './runtime/thread-support.js';

export type { CompileOptions } from './compile-options.js';
import { costOfKernel } from './inspect/kernel-cost.js';
import { debugCompile } from './inspect/debug.js';
import { formatScheduled } from './inspect/format-scheduled.js';
import { profileKernels, type Profile, type ProfileOptions } from './inspect/profile-kernels.js';
import { extractFunction } from './inspect/wat-function.js';

export const COMPILER_VERSION = '0.1.0';

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
    super(module, manifest, wasm, features, undefined, threads);
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

function slotsOf(
  nodes: readonly (readonly [string, Node])[],
  memory: PlannedMemory,
  externals: ReadonlyMap<string, ExternalType>,
): TensorSlot[] {
  return nodes.map(([name, node]) => {
    const external = externals.get(name);
    return {
      name,
      shape: [...node.shape],
      dtype: node.dtype,
      offset: memory.addresses.get(node.id) ?? 0,
      bytes: bytesOf(node),
      ...(external === undefined ? {} : { external }),
    };
  });
}

function manifestOf(
  schedule: Schedule,
  memory: PlannedMemory,
  checkSites: readonly string[],
  features: readonly string[],
  variants: readonly ModuleVariant[],
  externals: ReadonlyMap<string, ExternalType>,
  threads: ThreadBuilds | undefined,
): Manifest {
  const leaves = schedule.leaves.map(
    (n) => [n.op === 'input' || n.op === 'param' ? n.attrs.name : '', n] as const,
  );
  return {
    format: formatForExternals(externals.values()),
    compiler: COMPILER_VERSION,
    features: [...features],
    ...(variants.length > 0 ? { variants } : {}),
    memoryBytes: memory.plan.memoryBytes,
    inputs: slotsOf(
      leaves.filter(([, n]) => n.op === 'input'),
      memory,
      externals,
    ),
    params: slotsOf(
      leaves.filter(([, n]) => n.op === 'param'),
      memory,
      externals,
    ),
    outputs: slotsOf(schedule.outputs, memory, externals),
    plan: memory.plan,
    checkSites,
    ...(threads === undefined ? {} : { threads }),
  };
}

/** Binaryen optimization level unless the caller chooses one. */
const DEFAULT_OPTIMIZE_LEVEL = 0;

/** Guard gap after every arena slot when poisoning. */
const POISON_GUARD_BYTES = 16;

/** What debugPoison fills: the arena and outputs at the start, each arena slot once its last reader ran. */
function poisonRanges(memory: PlannedMemory, schedule: Schedule): NonNullable<EmitLayout['poison']> {
  const outputs = memory.plan.buffers
    .filter((b) => b.kind === 'output')
    .map((b): ByteRange => [b.offset, b.bytes]);
  const start: ByteRange[] = [[memory.arenaStart, memory.plan.memoryBytes - memory.arenaStart], ...outputs];
  const after = new Map<number, ByteRange[]>();
  memory.slots.forEach((chain, i) => {
    const { bytes, lastUse: last } = slotBuffer(chain, memory.guardBytes);
    if (last >= schedule.kernels.length - 1) return;
    const list = after.get(last) ?? [];
    list.push([memory.arenaStart + (memory.arena.offsets[i] ?? 0), bytes]);
    after.set(last, list);
  });
  return { start, after };
}

/** Everything the pipeline knows before code generation. */
export interface PlannedGraph {
  /** The graph as built. */
  readonly built: Graph;
  /** Composites lowered to primitives, then simplified. */
  readonly lowered: Graph;
  /** Lowered nodes in topological order. */
  readonly nodes: readonly Node[];
  readonly decisions: readonly Decision[];
  /** Why kernels were merged or not. */
  readonly notes: readonly string[];
  readonly schedule: Schedule;
  readonly live: readonly LiveBuffer[];
  readonly memory: PlannedMemory;
  /** Which kernels split among threads (all run on one thread unless compiled with threads > 1). */
  readonly threads: ThreadPlan;
  /** Milliseconds per stage so far. */
  readonly stats: Record<string, number>;
}

/**
 * The pipeline up to a verified memory plan, without Binaryen: lower
 * composites -> simplify -> choose stored values (fusion) -> form kernels -> liveness ->
 * plan memory -> verify plan. Used by compile() and by tools that only need
 * the plan (the planner benchmark, inspection).
 */
export function planGraph(graph: Graph, options: CompileOptions = {}): PlannedGraph {
  if (!(graph instanceof Graph)) throw new GraphError('compile: expected a Graph');
  checkCompileOptions(options);
  if (graph.outputs.length === 0) {
    throw new GraphError(
      'compile: the graph has no outputs',
      {},
      'Mark at least one result with g.output(name, tensor)',
    );
  }
  const stats: Record<string, number> = {};
  const time = <T>(stage: string, fn: () => T): T => {
    const start = performance.now();
    const value = fn();
    stats[stage] = performance.now() - start;
    return value;
  };
  const pass = (stage: string, fn: (g: Graph) => Graph, input: Graph): Graph =>
    time(stage, () => {
      const result = fn(input);
      verifyGraph(result.outputs, result.leaves, stage);
      return result;
    });
  const maxThreads = requestedThreads(options.threads);
  const simplified = pass('simplify', simplify, pass('lower', lowerComposites, graph));
  // with threads, a large whole-tensor reduction becomes partials (rows to split) and their reduction
  const lowered =
    maxThreads > 1
      ? pass('split-reductions', (g) => splitWholeReductions(g, maxThreads), simplified)
      : simplified;
  const nodes = topoSort([...lowered.leaves, ...lowered.outputs.map(([, n]) => n)]);
  const { materialized, decisions } = time('fuse', () =>
    chooseMaterialized(
      nodes,
      lowered.outputs.map(([, n]) => n),
      options.fuse ?? true,
    ),
  );
  const formed = time('kernels', () => formKernels(lowered, materialized));
  const { schedule: merged, notes } = time('merge', () =>
    (options.fuse ?? true) ? fuseKernels(formed) : { schedule: formed, notes: [] as string[] },
  );
  const scheduled = time('schedule', () => scheduleKernels(merged).schedule);
  // a row-local buffer holds one row for all rows (with threads, one row per thread)
  const localized = time('localize', () =>
    (options.fuse ?? true)
      ? localizeRows(scheduled, maxThreads)
      : { schedule: scheduled, notes: [] as string[] },
  );
  const schedule = localized.schedule;
  notes.push(...localized.notes);
  // SIMD matmuls pack B: into scratch the planner places like any temp, or once for all runs
  // (a param or constant B) into a copy beside its source
  const threadPlan = time('threads', () =>
    planThreads(schedule, maxThreads, (n) => storedShape(schedule, n), options.threadMinWork),
  );
  // each thread of a split kernel has its own slice of scratch
  const strides = new Map<number, number>();
  const extras =
    (options.simd ?? true)
      ? (k: Kernel): ReturnType<typeof kernelBuffers> => {
          const buffers = kernelBuffers(k);
          if (threadPlan.split[k.index] !== true || buffers.scratchBytes === 0) return buffers;
          strides.set(k.index, buffers.scratchBytes);
          return { ...buffers, scratchBytes: buffers.scratchBytes * maxThreads };
        }
      : undefined;
  const live = time('liveness', () => analyzeLiveness(schedule, extras));
  const memory = time('plan', () =>
    planMemory(
      live,
      options.planner ?? 'best-fit',
      (options.inPlace ?? true) ? findInPlace(schedule, live) : new Map(),
      options.debugPoison === true ? POISON_GUARD_BYTES : 0,
    ),
  );
  // split kernels that do not touch each other's threads' bytes run without a barrier between them
  const barriers = time('barriers', () =>
    maxThreads > 1 ? joinBarrierIntervals(schedule, memory, threadPlan, strides) : threadPlan,
  );
  time('verify', () => {
    verifyPlan(schedule, memory);
    verifyThreads(schedule, memory, barriers, strides);
  });
  return { built: graph, lowered, nodes, decisions, notes, schedule, live, memory, threads: barriers, stats };
}

/**
 * Compiles a graph to a WebAssembly module and instantiates it.
 *
 * @example
 * const model = await compile(g);
 * const { y } = model.run({ x: new Float32Array([1, 2, 3]) });
 */
export async function compile<I extends TensorSpecs, P extends TensorSpecs, O extends TensorSpecs>(
  graph: Graph<I, P, O>,
  options: CompileOptions = {},
): Promise<CompiledModel<I, P, O>> {
  const planned = planGraph(graph, options);
  const { lowered, nodes, decisions, notes, schedule, memory, stats, threads } = planned;
  const simd = options.simd ?? true;
  const start = performance.now();
  // a threaded build's control block follows the plan, on its own cache line
  const control =
    threads.maxThreads > 1 ? Math.ceil(memory.plan.memoryBytes / CONTROL_BYTES) * CONTROL_BYTES : undefined;
  const layout: EmitLayout = {
    addresses: memory.addresses,
    memoryBytes: memory.plan.memoryBytes,
    ...(options.debugPoison === true ? { poison: poisonRanges(memory, schedule) } : {}),
  };
  const builds = await emitBuilds(schedule, layout, {
    simd,
    relaxed: wantsRelaxedVariant(options),
    optimizeLevel: options.optimizeLevel ?? DEFAULT_OPTIMIZE_LEVEL,
    ...(control === undefined ? {} : { threads: { plan: threads, control } }),
  });
  const emitted = builds.baseline;
  stats.emit = performance.now() - start;
  const manifest = manifestOf(
    schedule,
    memory,
    emitted.checkSites,
    builds.features,
    builds.variants,
    graph.externals,
    builds.threads,
  );
  // as load() would choose: a threaded build where asked and possible, else the relaxed build where
  // the engine has relaxed SIMD, each on memory the baseline's instance filled
  // the builds carry no data section: the constants go straight into the memory (below), and the
  // file's module (save(), wat()) is made with its data section on first use
  const chosen = selectBuild(builds.bytes, manifest, options.threads, 'compile');
  const runsVariant = chosen.variant;
  const instantiateStart = performance.now();
  const module = new WebAssembly.Module(chosen.bytes);
  stats.instantiate = performance.now() - instantiateStart;
  let fileBytes: Uint8Array<ArrayBuffer> | undefined;
  const wasm = (): Uint8Array<ArrayBuffer> => (fileBytes ??= withDataSection(builds.bytes, emitted.segments));

  const annotate = (k: Kernel): string => ` [simd: ${emitted.vectorModes[k.index] ?? 'scalar'}]`;
  // the built graph may grow after compile: its outputs and leaves are taken now (nodes are
  // immutable) and every text is made on demand (a model with large constants prints megabytes)
  const builtOutputs = [...graph.outputs];
  const builtLeaves = graph.leaves;
  const irText: Record<IrStage, () => string> = {
    built: () => printGraph(builtOutputs, builtLeaves),
    simplified: () => lowered.toString(),
    fused: () => formatSchedule(schedule, decisions, annotate, notes),
    scheduled: () => formatScheduled(planned),
  };
  const names = nameNodes(nodes);
  const kernels = schedule.kernels.map((k) => ({
    name: k.name,
    nodes: k.covers.map((n) => `${names.get(n.id) ?? '?'} = ${n.op}`),
    kind: k.kind,
    vectorMode: emitted.vectorModes[k.index] ?? 'scalar',
    ...costOfKernel(k),
    units: emitted.calls[k.index]?.units ?? 1,
    chunks: emitted.calls[k.index]?.chunks ?? 1,
    split: threads.split[k.index] === true,
  }));
  const instanceStart = performance.now();
  const model = new CompiledModel<I, P, O>(
    module,
    manifest,
    wasm,
    irText,
    kernels,
    stats,
    runsVariant ? chosen.features : undefined,
    chosen.threads > 1 ? manifest.threads : undefined,
  );
  model.writeConstants(emitted.segments);
  stats.instance = performance.now() - instanceStart;
  // like load(): the first run right after compile() is what a page that compiles and runs once
  // waits for, and the wait is bounded by one baseline-tier run (at most 100 ms)
  const warmStart = performance.now();
  model.warmUp(true);
  await model.readyCode();
  stats.warm = performance.now() - warmStart;
  if (chosen.threads > 1) {
    try {
      await model.startThreads(chosen.threads, options.threadTimeoutMs ?? DEFAULT_THREAD_TIMEOUT_MS);
    } catch (error) {
      model.dispose();
      throw error;
    }
  }
  await debugCompile({
    model,
    builtNodes: topoSort([...graph.leaves, ...graph.outputs.map(([, n]) => n)]).length,
    loweredNodes: nodes.length,
    unoptimizedWat: async () => {
      const unoptimized = await emitModule(schedule, layout, {
        simd,
        relaxedSimd: chosen.features.includes('relaxed-simd'),
        optimizeLevel: 0,
      });
      return watOf(withDataSection(unoptimized.wasm, unoptimized.segments));
    },
  });
  return model;
}
