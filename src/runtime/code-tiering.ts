/**
 * When a model's kernels get the engine's optimized code (docs/kernels.md
 * "The first run"): the state a Model keeps from load()'s first steps to its
 * first run, over warm-up.ts's calls. Before the first run where the run's
 * work outweighs the code's compile (load() then waits for it), else when the
 * first run is done.
 */
import {
  awaitOptimizedCode,
  startTierUp,
  waitsForOptimizedCode,
  warmKernels,
  type BaselineTime,
  type TierKernel,
  type TierUp,
  type WarmKernel,
} from './warm-up.js';

/** The module's exports the tiering calls, where it has them. */
export interface TieringExports {
  /** Runs each kernel over its first chunk (WARM_EXPORT). */
  warm?: () => void;
  /** One kernel over its first chunk (WARM_KERNEL_EXPORT). */
  warm_kernel?: WarmKernel;
  /** Empty calls of one kernel (TIER_KERNEL_EXPORT). */
  tier_kernel?: TierKernel;
}

/** One instance's optimized-code state: start(), warm(), ready(), then afterRun() after each run. */
export class CodeTiering {
  /** The kernels whose optimized code warm() readied and ready() waits for. */
  private baselineTimes: readonly BaselineTime[] = [];
  /**
   * When the kernels' optimized compile starts: before the first run, which
   * load() and compile() wait for, or after it; 'started' once the first run
   * started it.
   */
  private when: 'before-first-run' | 'after-first-run' | 'started' = 'before-first-run';
  /** The kernels whose compile start() started, with their empty calls' baseline time. */
  private tiered: TierUp | undefined;

  constructor(private readonly exports: TieringExports) {}

  /**
   * Decides when the optimized code is compiled: where compiling before the
   * first run pays (waitsForOptimizedCode: the run's work, `flops`, against
   * the code's size, `codeBytes`), each kernel's compile starts now by empty
   * calls through tier_kernel, to run in the background while the constants
   * are written and the pages touched; else the first run starts it when it
   * is done. Empty calls read no memory: call before writing the constants.
   */
  start(flops: number | undefined, codeBytes: number): void {
    const waits = this.exports.tier_kernel === undefined || waitsForOptimizedCode(flops, codeBytes);
    this.when = waits ? 'before-first-run' : 'after-first-run';
    if (waits) this.tiered = this.tierUp();
  }

  /**
   * Where the model waits for its optimized code: the baseline tier's time of
   * each kernel's first chunk, which bounds ready()'s wait; modules without
   * tier_kernel spend their kernels' tiering budget here by timed calls over
   * their first chunks (warm_kernel), older ones by their warm function. A
   * trap propagates (the caller ignores it: the warm-up only readies code).
   */
  warm(): void {
    try {
      if (this.when !== 'before-first-run') return;
      if (this.exports.warm_kernel !== undefined)
        this.baselineTimes = warmKernels(this.exports.warm_kernel, this.tiered);
      else this.exports.warm?.();
    } finally {
      this.tiered = undefined;
    }
  }

  /**
   * After warm(): waits, pausing ~1 ms between probes, until the optimized
   * code of the kernels warm() timed is in, at most `budgetMs` (warm-up.ts).
   */
  async ready(budgetMs?: number): Promise<void> {
    const { warm_kernel: warmKernel, tier_kernel: tierKernel } = this.exports;
    if (warmKernel === undefined || this.baselineTimes.length === 0) return;
    await awaitOptimizedCode(warmKernel, this.baselineTimes, budgetMs, tierKernel);
    this.baselineTimes = [];
  }

  /** After a run: the first one starts the optimized compile where start() left it for then. */
  afterRun(): void {
    if (this.when !== 'after-first-run') return;
    // the first run ran in the baseline tier: the optimized code comes for the next ones
    this.when = 'started';
    this.tierUp();
  }

  /** startTierUp through the module's tier_kernel, where it has one. */
  private tierUp(): TierUp | undefined {
    const tierKernel = this.exports.tier_kernel;
    try {
      return tierKernel === undefined ? undefined : startTierUp(tierKernel);
    } catch {
      // empty calls do nothing: a trap here would be the engine's, and they only ready code
      return undefined;
    }
  }
}
