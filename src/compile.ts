/**
 * compile(): the pipeline as a list of named stages, each a pure function of
 * the previous stage's value, each timed:
 *   lower composites -> simplify -> choose stored values (fusion) -> form kernels ->
 *   liveness -> plan memory -> verify plan -> emit with Binaryen -> instantiate.
 */
import {
  formatForExternals,
  type ExternalType,
  type Manifest,
  type ModuleVariant,
  type TensorSlot,
} from './common/manifest.js';
import { emitBuilds } from './codegen/binaryen/emit-builds.js';
import { withDataSection } from './common/data-segments.js';
import { emitModule, watOf, type ByteRange, type EmitLayout } from './codegen/binaryen/emit-module.js';
import type { Graph } from './ir/graph.js';
import type { TensorSpecs } from './ir/types/graph-types.js';
import type { Node } from './ir/node.js';
import { bytesOf, topoSort } from './ir/node.js';
import { nameNodes, printGraph } from './ir/print.js';
import { type Kernel, type Schedule } from './passes/kernel.js';
import { formatSchedule } from './passes/print-kernels.js';
import { slotBuffer, type PlannedMemory } from './planner/memory-plan.js';
import { wantsRelaxedVariant, type CompileOptions } from './compile-options.js';
import { CONTROL_BYTES } from './common/thread-control.js';
import type { ThreadBuilds } from './common/manifest.js';
import { selectBuild } from './runtime/select-build.js';
import { DEFAULT_THREAD_TIMEOUT_MS } from './runtime/thread-support.js';
import { costOfKernel, type KernelCost } from './inspect/kernel-cost.js';
import { debugCompile } from './inspect/debug.js';
import { formatScheduled } from './inspect/format-scheduled.js';
import { CompiledModel, type IrStage } from './compiled-model.js';
import { planGraph } from './plan-graph.js';

export type { CompileOptions } from './compile-options.js';

export const COMPILER_VERSION = '0.1.0';

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
  flops: number,
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
    flops,
  };
}

/** Binaryen optimization level unless the caller chooses one. */
const DEFAULT_OPTIMIZE_LEVEL = 0;

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
  const costs = schedule.kernels.map(costOfKernel);
  const manifest = manifestOf(
    schedule,
    memory,
    emitted.checkSites,
    builds.features,
    builds.variants,
    graph.externals,
    builds.threads,
    costs.reduce((sum, c) => sum + c.flops, 0),
  );
  // as load() would choose: a threaded build where asked and possible, else the relaxed build where
  // the engine has relaxed SIMD. No build carries a data section: the constants go straight into
  // the memory (below), and the file's module (save(), wat()) gets its data section on first use
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
  const kernels = schedule.kernels.map((k, i) => ({
    name: k.name,
    nodes: k.covers.map((n) => `${names.get(n.id) ?? '?'} = ${n.op}`),
    kind: k.kind,
    vectorMode: emitted.vectorModes[k.index] ?? 'scalar',
    ...(costs[i] as KernelCost),
    units: emitted.calls[k.index]?.units ?? 1,
    chunks: emitted.calls[k.index]?.chunks ?? 1,
    split: threads.split[k.index] === true,
    claimed: threads.claimed?.[k.index] === true,
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
  // the kernels' optimized compile starts before the constants are written, and runs while they are
  model.startOptimizing(chosen.codeBytes);
  model.writeConstants(emitted.segments);
  stats.instance = performance.now() - instanceStart;
  // like load(): the first run right after compile() is what a page that compiles and runs once
  // waits for, and the wait is bounded by one baseline-tier run (at most 100 ms)
  const warmStart = performance.now();
  model.warmUp();
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
