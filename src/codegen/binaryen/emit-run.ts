/**
 * The exported run(): the kernels in schedule order, each called over its
 * range (passes/kernel-range.ts) in one call, or, for a long kernel, in
 * several chunks. Why chunks: V8 runs a Wasm function's first call in its
 * baseline tier (Liftoff) and has no on-stack replacement for Wasm, so one
 * long call stays slow even after the optimized code is ready; the first
 * chunk makes V8 compile the function in the background and later chunks,
 * calling it again, run the optimized code once it is there (docs/kernels.md
 * "The first run"). Chunks also are the units threads will split.
 */
import type Binaryen from 'binaryen';
import { kernelWork, type KernelRange } from '../../passes/kernel-range.js';
import type { Kernel } from '../../passes/kernel.js';
import type { BinaryenApi } from './load-binaryen.js';

type Expr = Binaryen.ExpressionRef;

/**
 * Kernels with less work than this per chunk (kernelWork: loop iterations)
 * are not split further: a call costs tens of nanoseconds, a chunk of 32K
 * iterations several microseconds.
 */
const CHUNK_WORK = 1 << 15;
/** Most chunks per kernel: enough that the baseline tier runs a small share. */
export const MAX_CHUNKS = 32;
/**
 * Rows per chunk at least for a matmul: each chunk reads all of B, and the relaxed build's
 * 6-row tiles need chunks of several tiles (8 rows ran as 4 + 4; the W5 MLP's 128 rows in
 * 5 chunks instead of 16: best of 25 9.7 -> 9.2 ms on Node 24, docs/kernels.md).
 */
const MIN_ROWS_PER_CHUNK = 24;
/**
 * Work (kernelWork) the warm-up runs per kernel at least: V8 tiers a function
 * up after it ran about a budget of bytes of its code in the baseline tier
 * (--wasm-tiering-budget: 1.8M in Node 20, 13M since V8 12; an elementwise
 * kernel runs ~100 bytes per element), and a chunk may be less. 256K left
 * W4's layerNorm (2 of 32 chunks) in Liftoff on Node 24 and 26: first run
 * 35-52x its steady state, 1.4-1.6x with 1M (docs/kernels.md).
 */
const WARM_WORK = 1 << 20;

/** How run() calls one kernel: over `units` of its range in calls of `size` units. */
export interface KernelCalls {
  readonly units: number;
  /** Units per call (the last call may have fewer). */
  readonly size: number;
  /** Calls per run. */
  readonly chunks: number;
  /** Calls of the warm-up over the first chunk. */
  readonly warmCalls: number;
  /**
   * Units of the warm-up's calls: the first chunk's, or for a kernel that runs
   * whole (chunks 1) but has a range, as few units as spend WARM_WORK: Wasm has
   * no on-stack replacement, so a whole call warming a big matmul ran all of it
   * in the baseline tier (SqueezeNet's warm-up 125 ms for a 17 ms run).
   */
  readonly warmUnits: number;
  /** Whether the kernel takes a slice of a range (an empty one does nothing). */
  readonly ranged: boolean;
  /**
   * Whether its work (kernelWork) is below LIGHT_WORK: its first run in the
   * baseline tier costs less than compiling it, so load() neither starts its
   * optimized compile nor waits for it (tier_kernel answers 3).
   */
  readonly light: boolean;
  /**
   * Whether its work is below WAIT_WORK (and not light): load() starts its
   * optimized compile but does not wait for it (tier_kernel answers 4).
   */
  readonly minor: boolean;
}

/**
 * Work below which a kernel is not compiled before the first run: 64K
 * iterations run in ~0.2-0.6 ms in the baseline tier, while the optimizing
 * compile takes ~0.7 ms per KB of code on this machine and a softmax over
 * 1,000 classes (5K iterations) has ~8 KB (SqueezeNet's last kernels).
 */
const LIGHT_WORK = 1 << 16;
/**
 * Work below which load() does not wait for a kernel's optimized code: its
 * first run in the baseline tier takes ~0.02-0.4 ms (SqueezeNet's concats,
 * im2col copy and average pool, 65K-390K iterations, Node 26), and a small
 * function needs more empty calls than startTierUp makes to start its
 * compile, so waiting for it held load() up to ~40 ms more (docs/kernels.md).
 */
const WAIT_WORK = 1 << 19;

/** How run() calls `kernel` (`packsPerRun`: a matmul packing B into scratch in each call). */
export function kernelCalls(
  kernel: Kernel,
  range: KernelRange | undefined,
  packsPerRun: boolean,
): KernelCalls {
  if (range === undefined)
    return {
      units: 1,
      size: 1,
      chunks: 1,
      warmCalls: 1,
      warmUnits: 1,
      ranged: false,
      light: false,
      minor: false,
    };
  let chunks = Math.min(MAX_CHUNKS, range.units, Math.floor(kernelWork(kernel) / CHUNK_WORK));
  // a matmul chunk reads all of B again (from cache, at best); one that packs B per run would
  // pack all of it again (x[512,512] @ y[512,512] in 8 chunks: best of 20 5.5 -> 5.7-5.9 ms in
  // one process, A/B), so it runs whole
  // one over columns (a single row reading B in place, or a few rows over a B packed once) runs
  // whole too, as it did before it had a range: it is there for threads to split
  if (kernel.kind === 'matmul')
    chunks =
      packsPerRun || range.columns === true
        ? 1
        : Math.min(chunks, Math.floor(range.v.extent / MIN_ROWS_PER_CHUNK));
  const size = Math.ceil(range.units / Math.max(1, chunks));
  const count = Math.ceil(range.units / size);
  const work = kernelWork(kernel);
  const warmCalls = Math.min(count, Math.ceil(WARM_WORK / (work / count)));
  const warmUnits =
    count === 1 ? Math.min(range.units, Math.max(1, Math.ceil((range.units * WARM_WORK) / work))) : size;
  return {
    units: range.units,
    size,
    chunks: count,
    warmCalls,
    warmUnits,
    ranged: true,
    light: work < LIGHT_WORK,
    minor: work >= LIGHT_WORK && work < WAIT_WORK,
  };
}

/**
 * The statements of run() calling kernel `name` as `calls` says; `s` and `e`
 * are i32 locals of run() (the chunk's start and end).
 */
export function emitKernelCalls(
  b: BinaryenApi,
  m: Binaryen.Module,
  name: string,
  calls: KernelCalls,
  s: number,
  e: number,
): Expr[] {
  const i32 = b.i32;
  const get = (l: number): Expr => m.local.get(l, i32);
  if (calls.chunks === 1) return [m.call(name, [m.i32.const(0), m.i32.const(calls.units)], b.none)];
  const again = `${name}_chunks`;
  // s = 0; do { e = min(s + size, units); name(s, e); s = e } while (s < units)
  return [
    m.local.set(s, m.i32.const(0)),
    m.loop(
      again,
      m.block(null, [
        m.local.set(e, m.i32.add(get(s), m.i32.const(calls.size))),
        m.local.set(
          e,
          m.select(m.i32.lt_s(get(e), m.i32.const(calls.units)), get(e), m.i32.const(calls.units)),
        ),
        m.call(name, [get(s), get(e)], b.none),
        m.local.set(s, get(e)),
        m.br(again, m.i32.lt_s(get(s), m.i32.const(calls.units))),
      ]),
    ),
  ];
}

/**
 * The statements of the warm-up function (WARM_EXPORT) for kernel `name`:
 * calls over its first chunk, enough to exhaust V8's baseline tiering budget
 * (WARM_WORK), so that its optimized code is compiled in the background
 * before (or while) the first run calls it; a short kernel runs whole once.
 * `i` is an i32 local of the warm-up function.
 */
export function emitWarmCalls(
  b: BinaryenApi,
  m: Binaryen.Module,
  name: string,
  calls: KernelCalls,
  i: number,
): Expr[] {
  const call = (): Expr => m.call(name, [m.i32.const(0), m.i32.const(calls.warmUnits)], b.none);
  if (calls.warmCalls <= 1) return [call()];
  const again = `${name}_warm`;
  const get = (): Expr => m.local.get(i, b.i32);
  return [
    m.local.set(i, m.i32.const(0)),
    m.loop(
      again,
      m.block(null, [
        call(),
        m.local.set(i, m.i32.add(get(), m.i32.const(1))),
        m.br(again, m.i32.lt_s(get(), m.i32.const(calls.warmCalls))),
      ]),
    ),
  ];
}

/**
 * The body of WARM_KERNEL_EXPORT `(k) -> i32`: kernel `names[k]` called once
 * over its first chunk (warmUnits), returning `calls << 8 | warmCalls`, calls the
 * warm-up's call size per run (its chunks, more for a kernel that runs whole); 0 for a `k` past
 * the end. The runtime calls it instead of the warm-up function, timing each
 * call (src/runtime/warm-up.ts).
 */
export function emitWarmKernel(
  b: BinaryenApi,
  m: Binaryen.Module,
  names: readonly string[],
  calls: readonly KernelCalls[],
): Expr {
  return kernelSwitch(b, m, names, (name, i) => {
    const c = calls[i] as KernelCalls;
    return m.block(null, [
      m.call(name, [m.i32.const(0), m.i32.const(c.warmUnits)], b.none),
      // calls of the warm-up's size per run: the runtime's wait budget is one run in the baseline tier
      m.return(m.i32.const((Math.ceil(c.units / c.warmUnits) << 8) | Math.max(1, c.warmCalls))),
    ]);
  });
}

/**
 * `(k, ...) -> i32` by cases: `body(names[k], k)` (which returns) for the
 * kernel k asked for, 0 for a `k` past the end. Local 0 is k.
 */
function kernelSwitch(
  b: BinaryenApi,
  m: Binaryen.Module,
  names: readonly string[],
  body: (name: string, i: number) => Expr,
): Expr {
  const cases = names.map((name, i) => m.if(m.i32.eq(m.local.get(0, b.i32), m.i32.const(i)), body(name, i)));
  return m.block(null, [...cases, m.i32.const(0)], b.i32);
}

/**
 * The body of TIER_KERNEL_EXPORT `(k, n) -> i32`: kernel `names[k]` called `n`
 * times over an empty slice (0, 0), which does nothing but leave by the
 * function's end, where V8's baseline tier charges the call the whole
 * function's code size against its tiering budget: a few hundred empty calls
 * start the optimized compile that chunks of real work took tens of
 * milliseconds to start (docs/kernels.md "The first run"). Returns 1; 2 for a
 * kernel without a range (an empty call would run it whole: not called); 3
 * for a light one (not called: its first run costs less than its compile);
 * 4 for a minor one (called, but its optimized code is not waited for); 0
 * for a `k` past the end.
 */
export function emitTierKernel(
  b: BinaryenApi,
  m: Binaryen.Module,
  names: readonly string[],
  calls: readonly KernelCalls[],
): Expr {
  const n = (): Expr => m.local.get(1, b.i32);
  return kernelSwitch(b, m, names, (name, i) => {
    const c = calls[i] as KernelCalls;
    if (!c.ranged) return m.return(m.i32.const(2));
    if (c.light) return m.return(m.i32.const(3));
    const again = `${name}_tier`;
    // while (n > 0) { name(0, 0); n-- }
    return m.block(null, [
      m.if(
        m.i32.gt_s(n(), m.i32.const(0)),
        m.loop(
          again,
          m.block(null, [
            m.call(name, [m.i32.const(0), m.i32.const(0)], b.none),
            m.local.set(1, m.i32.sub(n(), m.i32.const(1))),
            m.br(again, m.i32.gt_s(n(), m.i32.const(0))),
          ]),
        ),
      ),
      m.return(m.i32.const(c.minor ? 4 : 1)),
    ]);
  });
}
