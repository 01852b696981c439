/**
 * The pipeline up to a verified memory plan, without Binaryen (planGraph):
 * what compile() emits code for, and what inspection and the planner
 * benchmark read.
 */
import { GraphError } from './common/errors.js';
import { Graph } from './ir/graph.js';
import type { Node } from './ir/node.js';
import { topoSort } from './ir/node.js';
import { chooseMaterialized, type Decision } from './passes/choose-materialized.js';
import { formKernels } from './passes/form-kernels.js';
import { fuseKernels } from './passes/fuse-kernels.js';
import { scheduleKernels } from './passes/schedule.js';
import { storedShape, type Kernel, type Schedule } from './passes/kernel.js';
import { lowerComposites } from './passes/lower-composites.js';
import { kMajorWeights } from './passes/k-major-weights.js';
import { simplify } from './passes/simplify.js';
import { verifyGraph } from './ir/verify.js';
import { analyzeLiveness, type LiveBuffer } from './planner/liveness.js';
import { kernelBuffers } from './passes/matmul-shape.js';
import { threadScratchOf } from './passes/thread-claims.js';
import { localizeRows } from './passes/localize-rows.js';
import { foldBatchRowsAll } from './passes/fold-batch-rows.js';
import { planMemory, type PlannedMemory } from './planner/memory-plan.js';
import { verifyPlan } from './planner/verify-plan.js';
import { findInPlace } from './planner/in-place.js';
import { checkCompileOptions, type CompileOptions } from './compile-options.js';
import { planThreads, type ThreadPlan } from './passes/thread-split.js';
import { claimKernels } from './planner/claim-kernels.js';
import { splitWholeReductions } from './passes/split-reductions.js';
import { joinBarrierIntervals } from './planner/thread-barriers.js';
import { verifyThreads } from './planner/verify-threads.js';
import { requestedThreads } from './runtime/thread-support.js';

/** Guard gap after every arena slot when poisoning. */
const POISON_GUARD_BYTES = 16;

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
  const simplified = pass(
    'k-major',
    kMajorWeights,
    pass('simplify', simplify, pass('lower', lowerComposites, graph)),
  );
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
  const ordered = time('schedule', () => scheduleKernels(merged).schedule);
  // threads split a matmul by rows: one whose rows fold a batch is made a matmul over all of them
  const scheduled = maxThreads > 1 ? foldBatchRowsAll(ordered) : ordered;
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
          const stride = threadScratchOf(k);
          strides.set(k.index, stride);
          return { ...buffers, scratchBytes: stride * maxThreads };
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
  // kernels alone in their barrier interval leave their last units to whichever thread is free first
  const claimed = time('claim', () =>
    maxThreads > 1 ? claimKernels(schedule, memory, barriers, strides) : barriers,
  );
  time('verify', () => {
    verifyPlan(schedule, memory);
    verifyThreads(schedule, memory, claimed, strides);
  });
  return { built: graph, lowered, nodes, decisions, notes, schedule, live, memory, threads: claimed, stats };
}
