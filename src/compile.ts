/**
 * compile(): the pipeline as a list of named stages, each a pure function of
 * the previous stage's value, each timed:
 *   lower composites -> simplify -> choose stored values (fusion) -> form kernels ->
 *   liveness -> plan memory -> verify plan -> emit with Binaryen -> instantiate.
 */
import { GraphError } from './common/errors.js';
import { FORMAT_VERSION, type Manifest, type TensorSlot } from './common/manifest.js';
import { emitModule, watOf } from './codegen/binaryen/emit-module.js';
import type { VectorMode } from './codegen/binaryen/emit-kernel.js';
import { Graph } from './ir/graph.js';
import type { TensorSpecs } from './ir/types/graph-types.js';
import type { Node } from './ir/node.js';
import { topoSort } from './ir/node.js';
import { nameNodes } from './ir/print.js';
import { chooseMaterialized, type Decision } from './passes/choose-materialized.js';
import { formKernels } from './passes/form-kernels.js';
import { fuseKernels } from './passes/fuse-kernels.js';
import type { Kernel, Schedule } from './passes/kernel.js';
import { lowerComposites } from './passes/lower-composites.js';
import { simplify } from './passes/simplify.js';
import { verifyGraph } from './ir/verify.js';
import { formatSchedule } from './passes/print-kernels.js';
import { analyzeLiveness, bytesOf, type LiveBuffer } from './planner/liveness.js';
import { planMemory, type PlannerKind, type PlannedMemory } from './planner/memory-plan.js';
import { verifyPlan } from './planner/verify-plan.js';
import { Model } from './runtime/model.js';

export const COMPILER_VERSION = '0.1.0';

/** Options of compile(). */
export interface CompileOptions {
  /** f32x4 SIMD loops (default true). */
  readonly simd?: boolean;
  /** Fuse elementwise producers into their consumers (default true). */
  readonly fuse?: boolean;
  /** Let elementwise kernels write over a dead input (default true; planned with the planner issue). */
  readonly inPlace?: boolean;
  /** 'best-fit' reuses memory; 'bump' never does (for comparison). */
  readonly planner?: PlannerKind;
  /** Binaryen optimization level 0-4 (default 2). */
  readonly optimizeLevel?: number;
}

export type IrStage = 'built' | 'simplified' | 'fused' | 'scheduled';

/** A fused kernel as inspection reports it. */
export interface KernelInfo {
  readonly name: string;
  /** The graph nodes it computes, as printed in ir('simplified'). */
  readonly nodes: readonly string[];
  readonly kind: Kernel['kind'];
  readonly vectorMode: VectorMode;
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
    private readonly wasm: Uint8Array<ArrayBuffer>,
    private readonly irText: Readonly<Record<IrStage, string>>,
    /** Each kernel in schedule order. */
    readonly kernels: readonly KernelInfo[],
    /** Milliseconds per compile stage. */
    readonly stats: CompileStats,
  ) {
    super(module, manifest, wasm);
  }

  /** The text IR after a stage (default 'fused'). */
  ir(stage: IrStage = 'fused'): string {
    return this.irText[stage];
  }

  /** The module as WebAssembly text. */
  wat(): Promise<string> {
    return watOf(this.wasm);
  }
}

function slotsOf(nodes: readonly (readonly [string, Node])[], memory: PlannedMemory): TensorSlot[] {
  return nodes.map(([name, node]) => ({
    name,
    shape: [...node.shape],
    dtype: node.dtype,
    offset: memory.addresses.get(node.id) ?? 0,
    bytes: bytesOf(node),
  }));
}

function manifestOf(
  schedule: Schedule,
  memory: PlannedMemory,
  checkSites: readonly string[],
  simd: boolean,
): Manifest {
  const leaves = schedule.leaves.map(
    (n) => [n.op === 'input' || n.op === 'param' ? n.attrs.name : '', n] as const,
  );
  return {
    format: FORMAT_VERSION,
    compiler: COMPILER_VERSION,
    features: simd ? ['simd128'] : [],
    memoryBytes: memory.plan.memoryBytes,
    inputs: slotsOf(
      leaves.filter(([, n]) => n.op === 'input'),
      memory,
    ),
    params: slotsOf(
      leaves.filter(([, n]) => n.op === 'param'),
      memory,
    ),
    outputs: slotsOf(schedule.outputs, memory),
    plan: memory.plan,
    checkSites,
  };
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
  const lowered = pass('simplify', simplify, pass('lower', lowerComposites, graph));
  const nodes = topoSort([...lowered.leaves, ...lowered.outputs.map(([, n]) => n)]);
  const { materialized, decisions } = time('fuse', () =>
    chooseMaterialized(
      nodes,
      lowered.outputs.map(([, n]) => n),
      options.fuse ?? true,
    ),
  );
  const formed = time('kernels', () => formKernels(lowered, materialized));
  const { schedule, notes } = time('merge', () =>
    (options.fuse ?? true) ? fuseKernels(formed) : { schedule: formed, notes: [] as string[] },
  );
  const live = time('liveness', () => analyzeLiveness(schedule));
  const memory = time('plan', () => planMemory(live, options.planner ?? 'best-fit'));
  time('verify', () => verifyPlan(schedule, memory));
  return { built: graph, lowered, nodes, decisions, notes, schedule, live, memory, stats };
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
  const { lowered, nodes, decisions, notes, schedule, memory, stats } = planned;
  const simd = options.simd ?? true;
  const start = performance.now();
  const layout = { addresses: memory.addresses, memoryBytes: memory.plan.memoryBytes };
  const emitted = await emitModule(schedule, layout, { simd, optimizeLevel: options.optimizeLevel ?? 2 });
  stats.emit = performance.now() - start;
  const instantiateStart = performance.now();
  const module = new WebAssembly.Module(emitted.wasm);
  stats.instantiate = performance.now() - instantiateStart;

  const annotate = (k: Kernel): string => ` [simd: ${emitted.vectorModes[k.index] ?? 'scalar'}]`;
  const fused = formatSchedule(schedule, decisions, annotate, notes);
  const irText: Record<IrStage, string> = {
    built: graph.toString(),
    simplified: lowered.toString(),
    fused,
    scheduled: fused,
  };
  const names = nameNodes(nodes);
  const kernels = schedule.kernels.map((k) => ({
    name: k.name,
    nodes: k.covers.map((n) => `${names.get(n.id) ?? '?'} = ${n.op}`),
    kind: k.kind,
    vectorMode: emitted.vectorModes[k.index] ?? 'scalar',
  }));
  const manifest = manifestOf(schedule, memory, emitted.checkSites, simd);
  return new CompiledModel(module, manifest, emitted.wasm, irText, kernels, stats);
}
