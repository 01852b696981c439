/**
 * A kernel's range: the slice of its outermost parallel iteration space that
 * one call of its function computes. Every kernel function takes (start, end)
 * in units of the range, so that run() can call a long kernel over several
 * chunks (the first call of a Wasm function runs in V8's baseline tier, which
 * has no on-stack replacement: the later chunks pick up the optimized code,
 * docs/kernels.md "The first run"), and later threads can split the same
 * range. Units: rows of a matmul in whole register tiles, or, for a matmul
 * with too few rows to pack B (a classifier on one image), columns in
 * COLUMN_UNITs, or, for one with few rows packing B per run, columns in
 * units of whole strips (blockSplitUnit); for a kernel whose only loop is its
 * innermost axis, groups of RANGE_VECTOR_UNIT elements (whole interleaved
 * vector steps); otherwise single steps of the outermost loop.
 * The plan verifier checks a range covers the domain (verifyKernelRange):
 * every chunk is a subrange of it, so the access proofs over the whole
 * domain hold for each chunk.
 */
import type { LoopVar } from './index-expr.js';
import { stepVars, type Kernel } from './kernel.js';
import {
  BLOCK_N,
  cacheBlocks,
  COLUMN_UNIT,
  matchMatmulOperands,
  packedPanelBytes,
  TILE_ROWS,
  type MatmulShape,
} from './matmul-shape.js';

/**
 * Elements per unit when the range is over the innermost axis: a multiple of
 * every interleaved vector step (4 lanes × 4, 5 or 8 vectors: 16, 20, 32), so
 * only the last chunk has a tail.
 */
export const RANGE_VECTOR_UNIT = 320;

/** The range a kernel function's (start, end) parameters index. */
export interface KernelRange {
  /** The domain variable the range runs over. */
  readonly v: LoopVar;
  /** Values of `v` per unit: units [s, e) are v in [s·unit, min(e·unit, extent)). */
  readonly unit: number;
  /** Units in the whole range: ceil(v.extent / unit). */
  readonly units: number;
  /** A matmul's range over its columns (n) rather than its rows. */
  readonly columns?: true;
}

/** Each kernel's range, once: matching a matmul's operands is most of a thread check's span work. */
const ranges = new WeakMap<Kernel, KernelRange | null>();

/** The range of `kernel`, or undefined when its function runs whole (called with (0, 1)). */
export function kernelRange(kernel: Kernel): KernelRange | undefined {
  const known = ranges.get(kernel);
  if (known !== undefined) return known ?? undefined;
  const range = rangeOf(kernel);
  ranges.set(kernel, range ?? null);
  return range;
}

function rangeOf(kernel: Kernel): KernelRange | undefined {
  if (kernel.domain.some((v) => v.extent === 0)) return undefined;
  const make = (v: LoopVar, unit: number): KernelRange => ({ v, unit, units: Math.ceil(v.extent / unit) });
  const matmul = matchMatmulOperands(kernel);
  if (matmul !== undefined) {
    // rows in whole tiles; rows folded with a batch run whole (their variable spans several axes)
    const m = matmul.m;
    if (matmul.folded.length > 0) return undefined;
    // too few rows to pack B (B read in place, each row streaming all of it): columns, so that
    // threads split B's bytes, not its readers (AlexNet's x[1, 9216] @ w[9216, 4096])
    if (packedPanelBytes(matmul) === 0 && matmul.bN === 1 && matmul.window === undefined)
      return { ...make(matmul.n, COLUMN_UNIT), columns: true };
    const unit = blockColumns(matmul) ? blockSplitUnit(matmul) : undefined;
    if (unit !== undefined) return { ...make(matmul.n, unit), columns: true };
    if (m === undefined || m.extent < 2) return undefined;
    return make(m, TILE_ROWS);
  }
  const v = rangeVar(kernel);
  if (v === undefined) return undefined;
  const innermost = kernel.domain[kernel.domain.length - 1] === v;
  // a cheap point (an elementwise or across step) is grouped into whole vector steps
  return make(v, innermost && pointWork(kernel) < RANGE_VECTOR_UNIT ? RANGE_VECTOR_UNIT : 1);
}

/**
 * Least units of a range over an outer axis before a later axis is taken
 * instead: fewer split unevenly among threads (3 input channels: 2 parts
 * to 1, the stem conv's im2col copy in ResNet-50; 5-7: 57% to one thread).
 */
export const MIN_RANGE_UNITS = 8;

/**
 * Most points of the domain variables outside a range (each point's
 * accesses are proved apart: passes/thread-split.ts threadAccessSpans) for a
 * later axis to be taken as the range.
 */
export const MAX_OUTER_POINTS = 256;

/**
 * The variable a non-matmul kernel's range runs over: the outermost with
 * extent > 1, unless that has fewer than MIN_RANGE_UNITS values and a later
 * axis, not the innermost (its loop may be vectorized) and with at most
 * MAX_OUTER_POINTS points outside it, has at least as many: then that
 * axis. Each call still runs the domain's loops in their order (the
 * generic loops honour a range over any variable), so every element is
 * computed as before.
 */
function rangeVar(kernel: Kernel): LoopVar | undefined {
  const first = kernel.domain.find((u) => u.extent > 1);
  if (first === undefined || first.extent >= MIN_RANGE_UNITS) return first;
  let points = 1;
  for (const u of kernel.domain.slice(0, -1)) {
    if (u !== first && u.extent >= MIN_RANGE_UNITS) return points <= MAX_OUTER_POINTS ? u : first;
    points *= u.extent;
  }
  return first;
}

/**
 * Most rows of a matmul packing B per run whose range may be its n-blocks:
 * split by rows, each thread packs all of B for its share of the rows (the
 * copy is repaid over fewer rows); by whole n-blocks each packs only its own.
 * 256 since session 13 (64 before): ResNet-50's 1x1 convs of 128 and 256
 * rows at 56x56 take half n-blocks too, 2 threads ~2% faster. 512 (session
 * 15: the race checks' strips need no per-row points, and ResNet-50's 28x28
 * stage is then split by columns throughout, each conv reading the columns
 * the one before wrote on the same core) measured -1.8% to +1.3% on 2
 * threads in four paired runs: no gain, not taken (docs/threads.md
 * "Session 15").
 */
export const MAX_BLOCK_SPLIT_ROWS = MAX_OUTER_POINTS;

/**
 * Columns per unit of a plain-packing matmul's range over its n-blocks: half
 * a block, so that parts balance (ResNet-50's 3136 columns: 13 to 12 halves,
 * 52% to one thread; in whole blocks 7 to 6, 54%); a half is a whole number
 * of strips.
 */
export const BLOCK_SPLIT_UNIT = BLOCK_N / 2;

/**
 * Fewest columns per unit of a range over n-blocks: two cache lines of C's
 * rows. Two threads' columns meet inside a line of every row of C when the
 * rows are not whole lines apart (the arena aligns 16 bytes), and both
 * write it in every k-block; at MIN_SPLIT_UNITS units of 32 columns or
 * more each thread's part of a row is 8+ lines. ResNet-50's 14x14 layers
 * (196 columns) split by single strips lost: each 1x1 conv of 256 rows
 * 1.8x -> 1.5x in a 2-thread run (docs/threads.md "Session 14"); they keep
 * rows.
 */
const MIN_UNIT_COLUMNS = 32;

/**
 * Columns per unit of a matmul's range over its n-blocks: half of its
 * n-block (cacheBlocks: BLOCK_SPLIT_UNIT for plain packing, 32 for a window
 * B, whose blocks are 64 columns), or, where that leaves fewer than
 * MIN_SPLIT_UNITS, the largest half of that down to MIN_UNIT_COLUMNS that
 * does not (ResNet-50's 28x28 layers, 784 columns: 25 units of 32). Any
 * number of whole strips keeps the bits (emit-matmul-pack.ts
 * blockRangeLoops); larger units cut fewer blocks. Undefined when even
 * the smallest leaves too few.
 */
export function blockSplitUnit(s: MatmulShape): number | undefined {
  for (let unit = cacheBlocks(s).nc / 2; unit >= MIN_UNIT_COLUMNS; unit /= 2)
    if (Math.ceil(s.n.extent / unit) >= MIN_SPLIT_UNITS) return unit;
  return undefined;
}

/** Least units (blockSplitUnit) of such a matmul for its range to be over its n-blocks: fewer split unevenly. */
export const MIN_SPLIT_UNITS = 16;

/**
 * Whether a matmul's range is over its n-blocks (in units of whole strips:
 * blockSplitUnit): it packs B (per run: plain packing, or a conv's windows
 * packed from x; or once ahead of the runs, a param or constant B: since
 * session 18), has at most MAX_BLOCK_SPLIT_ROWS rows and at least
 * MIN_SPLIT_UNITS units of MIN_UNIT_COLUMNS or more, and no batch. The kernel
 * visits the n-blocks outermost, and a part cut inside a block runs that
 * block's columns with the tiles the whole block has there
 * (emit-matmul-pack.ts blockRangeLoops): bit-identical. Split by rows each
 * thread would pack all of B; so each packs only its own columns. With B
 * packed once, split by rows both threads would read all of it at the same
 * time, block by block; by columns each reads only its own strips (W5's MLP
 * layers, 128 rows over 784 x 1024 and 1024 x 1024 weights, 2 threads:
 * 0.95-0.96 of the time in Chromium, 0.98 in Node 20, 1.00 in Node 26,
 * paired; one thread 0.96-0.99). ResNet-50's stem conv (64 × 147 × 12544),
 * its 1x1 convs of 64-256 rows at 56x56 and, since session 14, at 28x28,
 * its stride-2 conv's stored windows at 28x28 (128 rows) and its 3x3
 * window convs at 56x56 and 28x28 (64 and 128 rows).
 */
function blockColumns(s: MatmulShape): boolean {
  const rows = s.m?.extent ?? 1;
  return (
    packedPanelBytes(s) > 0 &&
    rows <= MAX_BLOCK_SPLIT_ROWS &&
    s.batch.every((v) => v.extent === 1) &&
    blockSplitUnit(s) !== undefined
  );
}

/** Iterations of each step's own loops at one point of the domain, summed over the steps. */
function pointWork(kernel: Kernel): number {
  return kernel.steps.reduce((sum, step) => sum + stepVars(step).reduce((p, u) => p * u.extent, 1), 0);
}

/** Roughly the kernel's work per run: domain points times each point's step iterations. */
export function kernelWork(kernel: Kernel): number {
  return kernel.domain.reduce((p, u) => p * u.extent, 1) * Math.max(1, pointWork(kernel));
}

/**
 * Throws (through `fail`) unless `range` is a range over `kernel`'s domain:
 * its variable is one of the domain's, with the same extent, and its units
 * cover exactly [0, extent). Any chunk [s, e) ⊆ [0, units) then runs a subset
 * of the domain, where every access was proved in bounds.
 */
export function checkKernelRange(kernel: Kernel, range: KernelRange, fail: (why: string) => never): void {
  const v = kernel.domain.find((u) => u.id === range.v.id);
  if (v === undefined || v.extent !== range.v.extent) fail('its range is not over a domain variable');
  if (!Number.isInteger(range.unit) || range.unit < 1) fail(`its range unit ${range.unit} is not a count`);
  if (range.units * range.unit < v.extent || (range.units - 1) * range.unit >= v.extent)
    fail(`its range of ${range.units} × ${range.unit} does not cover ${v.extent}`);
}
