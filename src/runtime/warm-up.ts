/**
 * The warm-up's calls of each kernel and the wait for the engine's optimized
 * code (docs/kernels.md "The first run"). V8 runs a Wasm function in its
 * baseline tier (Liftoff) until the function has spent a budget, then
 * compiles it again in the background and uses the new code from the next
 * call on; no API says when that code is in. A call of the same kernel over
 * the same chunk takes several times less once it is, so timing a few calls
 * tells: noise only ever makes a call slower, so a fast call is proof.
 */
import { compilesWithTurboshaft } from './features.js';

/**
 * `warm_kernel(k)` (WARM_KERNEL_EXPORT): kernel k over its first chunk; returns
 * `chunks << 8 | warmCalls`, 0 past the last kernel.
 */
export type WarmKernel = (k: number) => number;

/**
 * `tier_kernel(k, n)` (TIER_KERNEL_EXPORT): kernel k called n times over an
 * empty slice; 1, 2 for a kernel without a range and 3 for a light one (neither
 * called), 4 for a minor one (called, not worth waiting for), 0 past the last.
 */
export type TierKernel = (k: number, n: number) => number;

/** A kernel worth waiting for: its index, one chunk's time in the baseline tier, and its chunks per run. */
export interface BaselineTime {
  readonly kernel: number;
  readonly ms: number;
  readonly chunks: number;
  /**
   * PROBE_CALLS empty calls' time in the baseline tier (startTierUp), for a
   * kernel whose optimized compile they started: the wait probes it with empty
   * calls instead of chunks of work.
   */
  readonly emptyMs?: number;
}

/**
 * Empty calls that start a kernel's optimized compile: each is charged the
 * kernel function's whole baseline code (a few KB to tens of KB) against V8's
 * tiering budget (13M since V8 12, 1.8M in Node 20). Measured on SqueezeNet
 * (Node 26): 20-65 ns a call, 2,000 enough for all but the smallest kernels,
 * which the wait's probes keep charging (docs/kernels.md "The first run").
 */
const TIER_CALLS = 2000;
/** Empty calls per probe: 4-13 us in the baseline tier, 2-3x less once the optimized code is in. */
const PROBE_CALLS = 200;
/** A kernel's optimized code is in when its empty calls take at most 1 / EMPTY_SPEEDUP of their baseline time. */
const EMPTY_SPEEDUP = 1.5;

/** What the wait saves and costs on one engine (waitsForOptimizedCode). */
export interface WaitRates {
  /**
   * Arithmetic operations of a run (the manifest's `flops`) per ms the first
   * run is shorter with optimized code than in the baseline tier.
   */
  readonly savedFlopsPerMs: number;
  /** Bytes of code (the module's code section) per ms the wait costs. */
  readonly waitBytesPerMs: number;
}

/**
 * Measured on Node 26 and Node 20 (fresh processes, bench/probes/load-stages.ts
 * `wait` / `after-run`, load ~1.9-2.2, medians of 4; docs/kernels.md "Starting
 * the optimized compile by empty calls"): the first run without optimized code
 * against with it, and what the wait adds to load(). Turboshaft's engines
 * (Node 26): SqueezeNet (0.71 GFLOP, 78 KB) 90 vs 17 ms and +70 ms, ShuffleNet
 * (0.26 GFLOP, 102 KB) 34 vs 12 ms and +70 ms, the audio stack (0.032 GFLOP,
 * 38 KB) 6.3 vs 2.5 ms and +27 ms. TurboFan's (Node 20), whose baseline tier
 * runs these models up to 2x slower and whose optimizing compile is faster:
 * SqueezeNet 98 vs 17 ms and +56 ms, ShuffleNet 69 vs 8 ms and +50 ms, audio
 * 17 vs 3.7 ms and +24 ms.
 */
export const TURBOSHAFT_RATES: WaitRates = { savedFlopsPerMs: 1e7, waitBytesPerMs: 1250 };
export const TURBOFAN_RATES: WaitRates = { savedFlopsPerMs: 4e6, waitBytesPerMs: 1800 };

/**
 * What load() may spend on the wait beyond what it saves, in ms: a first run
 * near its steady time is worth a few ms of load() (W2's wait costs ~2 ms,
 * its first run in the baseline tier 3-4x the steady 1 ms).
 */
const WAIT_SLACK_MS = 10;

/**
 * Whether load() waits for the kernels' optimized code before the first run:
 * unless the wait costs (by the code's size) more than WAIT_SLACK_MS beyond
 * what it saves the first run (by the run's arithmetic). Measured (load() +
 * first run, medians of 4, Node 26 / Node 20): SqueezeNet waiting 127 / 110
 * ms, not 128 / 135; ShuffleNet 116 / 94, not 69 / 106; the audio stack 41 /
 * 38, not 18 / 27. A module without the estimate (`flops`: older files)
 * waits, as before.
 */
export function waitsForOptimizedCode(
  flops: number | undefined,
  codeBytes: number,
  rates: WaitRates = compilesWithTurboshaft() ? TURBOSHAFT_RATES : TURBOFAN_RATES,
): boolean {
  if (flops === undefined) return true;
  return flops / rates.savedFlopsPerMs + WAIT_SLACK_MS > codeBytes / rates.waitBytesPerMs;
}

/** What startTierUp did: the kernels whose compile it started, and the light ones it left. */
export interface TierUp {
  /** Each started kernel's PROBE_CALLS empty calls' time in the baseline tier. */
  readonly emptyMs: ReadonlyMap<number, number>;
  /** Kernels whose first run costs less than their compile (tier_kernel's 3): neither warmed nor waited for. */
  readonly light: ReadonlySet<number>;
  /**
   * Kernels whose compile it started, but whose first run gains too little
   * to wait for (tier_kernel's 4): not warmed either.
   */
  readonly minor: ReadonlySet<number>;
}

/**
 * Starts the optimized compile of every kernel with a range but the light
 * ones, without running any of its work: its first empty call compiles its
 * baseline code, two probes time empty calls there (not for a minor kernel,
 * which is not waited for), then TIER_CALLS spend its tiering budget. (A
 * minor kernel's calls also charge the function it may share with others:
 * Inception's wait grew from 9-24 to 60-66 ms when they were not made.)
 */
export function startTierUp(tierKernel: TierKernel): TierUp {
  const emptyMs = new Map<number, number>();
  const light = new Set<number>();
  const minor = new Set<number>();
  for (let k = 0; ; k++) {
    const reply = tierKernel(k, 0);
    if (reply === 0) break;
    if (reply === 3) light.add(k);
    if (reply === 4) {
      minor.add(k);
      tierKernel(k, TIER_CALLS);
    }
    if (reply !== 1) continue;
    tierKernel(k, 1);
    emptyMs.set(
      k,
      Math.min(
        timeCall(() => tierKernel(k, PROBE_CALLS)),
        timeCall(() => tierKernel(k, PROBE_CALLS)),
      ),
    );
    tierKernel(k, TIER_CALLS);
  }
  return { emptyMs, light, minor };
}

function timeCall(call: () => unknown): number {
  const t = performance.now();
  call();
  return performance.now() - t;
}

/**
 * Chunks faster than this in the baseline tier are not waited for: the
 * first run loses little on them. (Browsers round performance.now() to
 * 5-100 us: a chunk timed as 0 is not waited for, and a probe timed as 0
 * ends the wait, as it would without the wait.)
 */
const MIN_BASELINE_MS = 0.02;
/**
 * Nor chunks slower than this: each probe while waiting would cost as much
 * (a matmul that runs whole, packing B in each call).
 */
const MAX_BASELINE_MS = 8;
/**
 * Optimized code is in when a call takes at most 1 / SPEEDUP of the baseline
 * call. Measured (docs/kernels.md): Liftoff runs a matmul chunk ~3x slower
 * than the optimizing tier, W2's elementwise chunk ~1.45x. Noise only makes
 * calls slower, so a lower bar can only end the wait early (as if none).
 */
const SPEEDUP = 1.3;
/** The longest load() waits for optimized code, in ms. */
export const WAIT_LIMIT_MS = 100;

/**
 * Calls each kernel over its first chunk as many times as the module's
 * warm-up says (spending V8's tiering budget, so the optimized compile
 * starts), and up to three times (never more calls than the kernel has
 * chunks, so the warm-up costs at most one run in the baseline tier) when a
 * call is short enough to wait for, timing the second and third calls (the
 * first includes the lazy baseline compile; a background compile takes
 * longer than two calls). Returns the kernels worth waiting for with their
 * baseline time: those with a timed call. A kernel that traps on
 * what memory holds now is skipped: the warm-up only readies code.
 */
export function warmKernels(warmKernel: WarmKernel, tiered?: TierUp): BaselineTime[] {
  const waitFor: BaselineTime[] = [];
  for (let k = 0; ; k++) {
    let best = Infinity;
    let chunks = 1;
    const emptyMs = tiered?.emptyMs.get(k);
    // a light kernel runs its first run in the baseline tier, and tiers up later; a minor one's
    // compile started, and its first run gains too little to wait for
    if (tiered?.light.has(k) === true || tiered?.minor.has(k) === true) continue;
    try {
      const start = performance.now();
      const reply = warmKernel(k);
      if (reply === 0) break;
      chunks = reply >> 8 || 1;
      if (emptyMs !== undefined) {
        // its compile started already (startTierUp): one call for the wait's budget
        best = performance.now() - start;
        if (best >= MIN_BASELINE_MS) waitFor.push({ kernel: k, ms: best, chunks, emptyMs });
        continue;
      }
      const count = reply & 0xff;
      // at most one run's worth of calls (a whole-kernel call made three times was three runs of
      // it in the baseline tier: SqueezeNet's warm-up cost more than its first run saved)
      const calls =
        performance.now() - start > MAX_BASELINE_MS ? count : Math.max(count, Math.min(3, chunks));
      for (let i = 1; i < calls; i++) {
        const t = performance.now();
        warmKernel(k);
        if (i <= 2) best = Math.min(best, performance.now() - t);
      }
    } catch {
      continue;
    }
    if (best >= MIN_BASELINE_MS && best <= MAX_BASELINE_MS) waitFor.push({ kernel: k, ms: best, chunks });
  }
  return waitFor;
}

/**
 * Whether this is a browser page that is not visible: browsers throttle its
 * timers (to one a second, later one a minute), so the wait would take that
 * long, and no one is waiting for its first run yet.
 */
function pageHidden(): boolean {
  return (globalThis as { document?: { hidden?: unknown } }).document?.hidden === true;
}

/** A cell to sleep on with Atomics.wait, where shared memory exists. */
const sleepCell =
  typeof SharedArrayBuffer === 'function' ? new Int32Array(new SharedArrayBuffer(4)) : undefined;
/** Whether this thread may block in Atomics.wait (not a page's main thread); learnt on first use. */
let canSleep = sleepCell !== undefined;

/**
 * About 1 ms between probes, the compile threads having the cores. Where the
 * thread may block (Node, workers), a 1 ms Atomics.wait: a turn of Node's
 * event loop while V8 compiles in the background blocked the thread until
 * every compile had ended (Audio model: 28-52 ms on Node 20 against a 3.5 ms
 * budget; load() + first run 86-130 -> 53-57 ms, docs/kernels.md). Elsewhere
 * (a page's main thread may not block) a 1 ms timer.
 */
function pause(): Promise<void> {
  if (canSleep && sleepCell !== undefined) {
    try {
      Atomics.wait(sleepCell, 0, 0, 1);
      return Promise.resolve();
    } catch {
      canSleep = false;
    }
  }
  return new Promise((resolve) => setTimeout(resolve, 1));
}

/**
 * How long waiting can pay: a run of the kernels in the baseline tier (what
 * the first run would spend there at worst), at most WAIT_LIMIT_MS. Waiting
 * longer than the first run would take cannot make it end sooner.
 */
export function waitBudgetMs(waitFor: readonly BaselineTime[]): number {
  return Math.min(
    WAIT_LIMIT_MS,
    waitFor.reduce((sum, t) => sum + t.ms * t.chunks, 0),
  );
}

/**
 * Waits until each kernel of `waitFor` runs a call over its first chunk in at
 * most 1 / SPEEDUP of its baseline time, or `budgetMs` passed (not at all in
 * a hidden page); returns the milliseconds waited. Each call writes only what
 * every run overwrites.
 */
export async function awaitOptimizedCode(
  warmKernel: WarmKernel,
  waitFor: readonly BaselineTime[],
  budgetMs = waitBudgetMs(waitFor),
  tierKernel?: TierKernel,
): Promise<number> {
  const start = performance.now();
  let pending = pageHidden() ? [] : [...waitFor];
  while (pending.length > 0 && performance.now() - start < budgetMs) {
    await pause();
    pending = pending.filter(({ kernel, ms, emptyMs }) => {
      const t = performance.now();
      try {
        if (emptyMs !== undefined && tierKernel !== undefined) {
          tierKernel(kernel, PROBE_CALLS);
          return performance.now() - t > emptyMs / EMPTY_SPEEDUP;
        }
        warmKernel(kernel);
      } catch {
        return false;
      }
      return performance.now() - t > ms / SPEEDUP;
    });
  }
  return performance.now() - start;
}
