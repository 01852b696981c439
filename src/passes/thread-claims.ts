/**
 * Claimed chunks: a split kernel alone in its barrier interval may leave the
 * last 1 / CLAIM_SHARE of its range in CLAIM_CHUNKS chunks that whichever
 * thread is free claims from a shared counter (docs/threads.md "Claimed
 * chunks"). The layout of such a range (codegen emits the same arithmetic),
 * the pieces it runs in for the verifier, which kernels may claim, and the
 * scratch each thread of a split kernel uses (a matmul split by rows may
 * pack all of B once per run, its pieces reading it: packsWholeOf).
 */
import { kernelRange, type KernelRange } from './kernel-range.js';
import type { Kernel } from './kernel.js';
import {
  matchMatmulOperands,
  packedPanelBytes,
  packsWholeB,
  prepackedBytes,
  threadScratchBytes,
} from './matmul-shape.js';
import { threadUnits, type ThreadPlan } from './thread-split.js';

/**
 * A claimed kernel leaves 1 / CLAIM_SHARE of its units to be claimed; the
 * threads split the rest up front. 2 since session 18 (4 before): a thread
 * up to 3x slower than the other (the host runs the vCPUs at different
 * speeds at times) still ends with it; ResNet-50 beside half a core of
 * other work 0.936 and 1 / 1.048 paired, on a quiet machine even.
 */
export const CLAIM_SHARE = 2;
/** Chunks the claimed units are cut into (1/32 of the range each): 4 until session 17, when claimed pieces stopped packing B again (docs/threads.md "Session 17"), 8 until session 18 (with a quarter claimed). */
export const CLAIM_CHUNKS = 16;
/** Fewest units of a kernel whose range is claimed in part (fewer: the chunks would be too coarse). */
export const MIN_CLAIM_UNITS = 8;
/**
 * Fewest rows of a matmul packing B per run, split by rows, whose range is
 * claimed in part where its threads do not pack all of B once (packsWholeB:
 * a batched B, or more than MAX_WHOLE_PACK_BYTES of it): each piece is then
 * a call that packs all of B again. ResNet-50 on one thread, its whole
 * range in one call against the 6 calls of a claimed 2-thread run (4 chunks
 * then; bench/probes/thread-claim-cost.ts; a fixed split makes 2):
 * 1x1 convs of 256 rows +1-7%, 512 rows +0-4%, 1024 +0.2-3%, 2048 ±0 — and
 * a conv's windows (implicit GEMM, a dearer packing) +6-12% at 256-512 rows,
 * which never claim.
 */
export const MIN_CLAIM_ROWS = 1024;

/** How a claimed kernel's units divide: `fixed` leading units split up front, then `chunks` chunks of `chunk` units. */
export interface ClaimLayout {
  readonly fixed: number;
  readonly chunk: number;
  readonly chunks: number;
}

/** The claim layout of a range of `units` units (emit-threads.ts emits the same arithmetic). */
export function claimLayout(units: number): ClaimLayout {
  const reserve = Math.floor(units / CLAIM_SHARE);
  const chunk = Math.max(1, Math.ceil(reserve / CLAIM_CHUNKS));
  return { fixed: units - reserve, chunk, chunks: Math.ceil(reserve / chunk) };
}

/**
 * Every piece [start, end) a claimed kernel's range runs in with `threads`
 * threads: thread t's part of the fixed units (threadUnits), then the
 * claimed chunks, which any thread may run. Empty pieces are left out.
 */
export function claimPieces(units: number, threads: number): (readonly [number, number])[] {
  const { fixed, chunk, chunks } = claimLayout(units);
  const pieces: (readonly [number, number])[] = [];
  for (let t = 0; t < threads; t++) pieces.push(threadUnits(fixed, t, threads));
  for (let c = 0; c < chunks; c++) pieces.push([fixed + c * chunk, Math.min(units, fixed + (c + 1) * chunk)]);
  return pieces.filter(([start, end]) => end > start);
}

/**
 * The pieces of every thread count 2..maxThreads cut at each other's
 * bounds: every piece of any count is a run of these. When no two of them
 * race (each with the thread variable over every thread), no two pieces of
 * any count do — a piece touches no more than its sub-pieces together — so
 * one check stands for every count.
 */
export function claimSubPieces(units: number, maxThreads: number): (readonly [number, number])[] {
  const bounds = new Set<number>([0, units]);
  for (let threads = 2; threads <= maxThreads; threads++)
    for (const [start, end] of claimPieces(units, threads)) bounds.add(start).add(end);
  const sorted = [...bounds].sort((a, b) => a - b);
  return sorted.slice(1).map((end, i) => [sorted[i]!, end] as const);
}

/**
 * Whether the pieces of `kernel` cost more than its fixed part: a matmul
 * split by rows that packs B per run, unless each thread packs all of it in
 * its first call and reads it in the later ones (packsWholeB), packs all of
 * it again in each call, which pays only over MIN_CLAIM_ROWS rows or more.
 */
function dearPieces(kernel: Kernel, range: KernelRange): boolean {
  const shape = matchMatmulOperands(kernel);
  if (shape === undefined || range.columns === true) return false;
  if (packsWholeOf(kernel)) return false;
  const repacks = packedPanelBytes(shape) > 0 && prepackedBytes(shape) === 0;
  return repacks && (shape.m?.extent ?? 1) < MIN_CLAIM_ROWS;
}

/**
 * Whether split kernel `index` of `plan` may claim part of its range: it is
 * alone in its barrier interval (joined kernels rely on each thread running
 * the same part of each), has at least MIN_CLAIM_UNITS units, and its
 * pieces cost no more than its fixed part (dearPieces). Whether its pieces
 * race is decided on the planned addresses (planner/claim-kernels.ts).
 */
export function mayClaim(kernel: Kernel, plan: ThreadPlan): boolean {
  const i = kernel.index;
  if (plan.split[i] !== true || plan.joined?.[i] === true || plan.joined?.[i - 1] === true) return false;
  const range = kernelRange(kernel);
  return range !== undefined && range.units >= MIN_CLAIM_UNITS && !dearPieces(kernel, range);
}

/** Whether the threads of `kernel`, split, each pack all of its B once per run (packsWholeB). */
export function packsWholeOf(kernel: Kernel): boolean {
  const shape = matchMatmulOperands(kernel);
  const range = kernelRange(kernel);
  if (shape === undefined || range === undefined || range.columns === true) return false;
  return packsWholeB(shape, range.v.id === shape.m?.id);
}

/** Bytes of scratch each thread of `kernel`, split, uses (its slice; 0: none). */
export function threadScratchOf(kernel: Kernel): number {
  const shape = matchMatmulOperands(kernel);
  return shape === undefined ? 0 : threadScratchBytes(shape, packsWholeOf(kernel));
}
