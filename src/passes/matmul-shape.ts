/**
 * Which matmul kernels take the tiled micro-kernel, their strides, and the
 * tile geometry. Binaryen-free, so the planner can reserve the packing
 * scratch a tiled matmul needs before any code is emitted.
 *
 * The micro-kernel computes C in register tiles of MR rows × NV f32x4 vectors
 * (4 × 8: 8 accumulators, 2 vectors of B, 4 splats of A and a product fit in
 * the 15 XMM registers V8 allocates; 6 × 8 spills). Cache blocks of KC × NC:
 * for each block, B[kc.., nc..] is first copied into scratch as strips of
 * KC × 8 contiguous floats ("packing"), so a tile's k-loop reads B
 * sequentially. Without packing, a tile walks down B's columns with a stride
 * of N floats: with N a power of two every row of the strip falls into the
 * same few L1 sets (measured 23 GF/s at N = 512 against 37 packed).
 */
import type { Node } from '../ir/node.js';
import * as ix from './index-expr.js';
import type { IndexExpr, LoopVar } from './index-expr.js';
import { asReduction, loadsOf, type Kernel, type KExpr, type StoreStep } from './kernel.js';
import { matchWindow, windowBlocks, windowTableBytes, type WindowOperand } from './matmul-window.js';

type Load = Extract<KExpr, { k: 'load' }>;

/** Rows per register tile. */
export const TILE_ROWS = 4;
/** f32x4 vectors per tile row (TILE_VECTORS · 4 columns: one packed strip). */
export const TILE_VECTORS = 2;
/** Columns of one packed strip of B. */
export const STRIP_COLUMNS = TILE_VECTORS * 4;
/** Cache block of k: a KC × NC panel of B (256 KiB) stays in L2 while every row uses it. */
export const BLOCK_K = 256;
/** Cache block of n. */
export const BLOCK_N = 256;
/**
 * Columns per unit of a matmul's range over columns (kernel-range.ts: one
 * with too few rows to pack B): a multiple of every tile width reading B in
 * place (single-row tiles of 32 columns, 8 and 4), so each part of a split
 * starts where a tile of the whole run starts and runs the same tiles — the
 * last part the same narrow tiles over the last columns: bit-identical.
 */
export const COLUMN_UNIT = 32;
/** Fewer rows than this: packing B costs more than it saves. */
const MIN_ROWS_TO_PACK = 2 * TILE_ROWS;

export interface MatmulShape {
  readonly a: Load;
  readonly b: Load;
  readonly m: LoopVar | undefined;
  readonly n: LoopVar;
  readonly k: LoopVar;
  readonly batch: readonly LoopVar[];
  /**
   * Batch variables folded into the rows (foldBatchIntoRows): `m` counts
   * their rows too, and they stay 0 while every address moves with `m`.
   */
  readonly folded: readonly LoopVar[];
  /** Element strides (bN is 1 for row-major B, K for a transposed one). */
  readonly aM: number;
  readonly aK: number;
  readonly bK: number;
  readonly bN: number;
  readonly cM: number;
  /** The store of the result, whose value is the epilogue applied to `$slot`. */
  readonly store: StoreStep;
  readonly slot: number;
  /** B is a conv's windows packed straight from x (implicit GEMM); `b` is then x's load. */
  readonly window?: WindowOperand;
}

/**
 * The operands of an f32 matmul kernel whose A and B are plain loads through
 * affine maps with C contiguous along n, or undefined. B may have any stride
 * along n (`x @ w.T`) when the kernel packs it (8+ rows and columns: packing
 * reads B element by element); otherwise B must be contiguous along n.
 * (Codegen also needs the epilogue to vectorize along n.)
 */
export function matchMatmulOperands(kernel: Kernel): MatmulShape | undefined {
  const single = asReduction(kernel);
  if (kernel.kind !== 'matmul' || single === undefined) return undefined;
  const red = single.reduce.reduction;
  const body = single.reduce.body;
  const out = single.store;
  // the tiles accumulate and store f32 (an epilogue may end in a cast: not here)
  if (red.dtype !== 'f32' || out.node.dtype !== 'f32') return undefined;
  if (body.k !== 'op' || body.op !== 'mul') return undefined;
  const [a, b] = body.args;
  const k = red.vars[0];
  if (k === undefined || red.vars.length !== 1) return undefined;
  // an empty product (a zero extent anywhere) is left to the generic loops, which then run
  // no step: the tiles compute their base addresses before any loop, and a view of a
  // zero-size tensor indexes through a division by that zero extent (a trap)
  if (k.extent === 0 || kernel.domain.some((v) => v.extent === 0)) return undefined;
  if (a?.k !== 'load' || a.dtype !== 'f32') return undefined;
  if (b?.k !== 'load' || b.dtype !== 'f32' || !isAffine(b))
    return matchWindowMatmul(kernel, a, b, k, single.store, single.reduce.slot);
  const fa = ix.ravel(a.index, a.node.shape);
  const fb = ix.ravel(b.index, b.node.shape);
  const fc = ix.ravel(out.index, out.node.shape);
  const live = kernel.domain.filter((v) => v.extent > 1);
  const n =
    live.find(
      (v) => ix.affineCoef(fb, v) === 1 && ix.affineCoef(fa, v) === 0 && ix.affineCoef(fc, v) === 1,
    ) ??
    live.find(
      (v) => (ix.affineCoef(fb, v) ?? 0) > 0 && ix.affineCoef(fa, v) === 0 && ix.affineCoef(fc, v) === 1,
    );
  if (n === undefined) return undefined;
  // m: the row variable of A that B does not read; of several (a batch that B broadcasts over),
  // the one with the smallest stride, so a batch of row blocks stays a batch (x[b, s, d] @ w[d, n])
  const rowStride = (v: LoopVar): number => Math.abs(ix.affineCoef(fa, v) ?? 0);
  const row = live
    .filter((v) => v !== n && rowStride(v) !== 0 && ix.affineCoef(fb, v) === 0)
    .reduce<LoopVar | undefined>(
      (best, v) => (best === undefined || rowStride(v) < rowStride(best) ? v : best),
      undefined,
    );
  const indices = [...loadsOf(body), ...loadsOf(out.value), out].map((e) => ix.ravel(e.index, e.node.shape));
  const { m, folded } = foldBatchIntoRows(
    row,
    live.filter((v) => v !== n && v !== row),
    indices,
  );
  const batch = live.filter((v) => v !== n && v !== row && !folded.includes(v));
  const coef = (e: IndexExpr, v: LoopVar | undefined): number | undefined =>
    v === undefined ? 0 : ix.affineCoef(e, v);
  const aM = coef(fa, m);
  const aK = coef(fa, k);
  const bK = coef(fb, k);
  const bN = coef(fb, n) ?? 0;
  const cM = coef(fc, m);
  if (aM === undefined || aK === undefined || bK === undefined || cM === undefined) return undefined;
  if (aM < 0 || aK < 0 || bK < 0 || cM < 0) return undefined;
  // batch variables must not mix with m, n, k (plain affine terms)
  if (batch.some((v) => [fa, fb, fc].some((e) => ix.affineCoef(e, v) === undefined))) return undefined;
  const shape = { a, b, m, n, k, batch, folded, aM, aK, bK, bN, cM, store: out, slot: single.reduce.slot };
  // a strided B is only read through the packing copy
  return bN === 1 || packedPanelBytes(shape) > 0 ? shape : undefined;
}

/** Whether a load's flat index is affine in every loop variable (no div/mod, guard or gather atom). */
function isAffine(load: Load): boolean {
  return ix.ravel(load.index, load.node.shape).terms.every((t) => t.atom.kind === 'var');
}

/**
 * A matmul whose B is a conv's windows read from x (implicit GEMM,
 * matmul-window.ts): n is the column variable of C that A does not read, m
 * A's row variable, the other variables a batch (no folding: B moves with
 * them). B is only read through its packing, so it needs rows to repay it.
 */
function matchWindowMatmul(
  kernel: Kernel,
  a: Load,
  bExpr: KExpr | undefined,
  k: LoopVar,
  out: StoreStep,
  slot: number,
): MatmulShape | undefined {
  const fa = ix.ravel(a.index, a.node.shape);
  const fc = ix.ravel(out.index, out.node.shape);
  const live = kernel.domain.filter((v) => v.extent > 1);
  for (const n of live.filter((v) => ix.affineCoef(fc, v) === 1 && ix.affineCoef(fa, v) === 0)) {
    const window = matchWindow(bExpr, k, n);
    if (window === undefined) continue;
    const b = window.x;
    // the rows of A that B does not move with (a group variable moves both: a batch)
    const rows = live.filter(
      (v) => v !== n && (ix.affineCoef(fa, v) ?? 0) > 0 && !ix.mentions(window.base, v),
    );
    const m = rows[0];
    if (m === undefined || rows.length !== 1) return undefined;
    const batch = live.filter((v) => v !== n && v !== m);
    const affine = (e: IndexExpr, v: LoopVar): boolean => ix.affineCoef(e, v) !== undefined;
    if (batch.some((v) => !affine(fa, v) || !affine(fc, v) || !affine(window.base, v))) return undefined;
    const [aM, aK, cM] = [ix.affineCoef(fa, m), ix.affineCoef(fa, k), ix.affineCoef(fc, m)];
    if (aM === undefined || aK === undefined || cM === undefined || aK < 0 || cM < 0) return undefined;
    if (m.extent < MIN_ROWS_TO_PACK) return undefined;
    // bK and bN are unused: the window packing reads x through its tables
    return { a, b, m, n, k, batch, folded: [], aM, aK, bK: 0, bN: 0, cM, store: out, slot, window };
  }
  return undefined;
}

/**
 * Batch variables whose rows continue the rows of `m` in every access of the
 * kernel (each index moves by M · (its stride along m) per step of the
 * variable; B, shared, by 0): x[b, s, d] @ w[d, n] with x and the result
 * contiguous is one matmul of b·s rows. Folding them gives the tiles more
 * rows (full tiles, and the packing that 8+ rows repay) where each batch alone
 * has few. `m` becomes a variable of the same id over all the rows; the
 * folded variables are held at 0, so every address, the epilogue's included,
 * is computed from `m` alone. Innermost (smallest stride) first.
 */
function foldBatchIntoRows(
  row: LoopVar | undefined,
  batch: readonly LoopVar[],
  indices: readonly IndexExpr[],
): { m: LoopVar | undefined; folded: LoopVar[] } {
  if (row === undefined) return { m: row, folded: [] };
  const folded: LoopVar[] = [];
  let rows = row.extent;
  const continuesRows = (v: LoopVar): boolean =>
    indices.every((e) => {
      const along = ix.affineCoef(e, row);
      const step = ix.affineCoef(e, v);
      return along !== undefined && step !== undefined && step === along * rows;
    });
  for (;;) {
    const next = batch.find((v) => !folded.includes(v) && continuesRows(v));
    if (next === undefined) break;
    folded.push(next);
    rows *= next.extent;
  }
  return { m: folded.length === 0 ? row : { id: row.id, extent: rows }, folded };
}

/**
 * Bytes of scratch the tiled matmul packs B into (one KC × NC block at a
 * time, its last strip padded with zero columns: padsLastStrip), or 0 when
 * it reads B in place: too few rows to repay the copy, or only 4 columns.
 */
export function packedPanelBytes(shape: MatmulShape): number {
  const rows = shape.m?.extent ?? 1;
  if (rows < MIN_ROWS_TO_PACK) return 0;
  const tables =
    shape.window === undefined ? 0 : windowTableBytes(shape.window, shape.k.extent, shape.n.extent);
  return panelBytes(shape) + tables;
}

/** Bytes of one packed KC × NC block of B (the scratch's first part; a window B's tables follow). */
export function panelBytes(shape: MatmulShape): number {
  const { kc, nc } = cacheBlocks(shape);
  const strips = packedStrips(Math.min(shape.n.extent, nc), shape.bN);
  return Math.min(shape.k.extent, kc) * strips * STRIP_COLUMNS * 4;
}

/**
 * Bytes of all of B packed block by block (packedBlockAt's layout): what a
 * thread of a split kernel packs once per run where its pieces share it
 * (packsWholeB).
 */
export function wholePackedBytes(shape: MatmulShape): number {
  const { nc } = cacheBlocks(shape);
  const full = Math.floor(shape.n.extent / nc) * nc;
  const lastStrips = packedStrips(shape.n.extent - full, shape.bN);
  return (full / STRIP_COLUMNS + lastStrips) * STRIP_COLUMNS * shape.k.extent * 4;
}

/**
 * Most bytes of B a thread packs whole (packsWholeB): W1's 1024 × 1024 B is
 * 4 MB (whole per thread against packing it again in each claimed piece:
 * 0.96-0.98 of the time on 2 threads in Chromium, Node 20 and Node 26,
 * paired; 2 MB until session 18); ResNet-50's largest, a 3x3 conv's windows
 * at 14x14 (2304 × 200 floats), is 1.8 MB; a 3x3 conv of 512 channels at
 * 28x28 (VGG) would take 14 MB per thread, and packs per piece instead.
 */
export const MAX_WHOLE_PACK_BYTES = 8 * 2 ** 20;

/**
 * Whether each thread of a split matmul packs all of B into its scratch in
 * its first call of a run, so that its later calls (claimed pieces) read it
 * there instead of packing it again: split by rows (`byRows`), B packed per
 * run, one batch, at most MAX_WHOLE_PACK_BYTES of it.
 */
export function packsWholeB(shape: MatmulShape, byRows: boolean): boolean {
  return (
    byRows &&
    packedPanelBytes(shape) > 0 &&
    prepackedBytes(shape) === 0 &&
    shape.batch.every((v) => v.extent === 1) &&
    wholePackedBytes(shape) <= MAX_WHOLE_PACK_BYTES
  );
}

/** Scratch bytes of one thread: a packed panel (or all of B: packsWholeB) and a window B's tables. */
export function threadScratchBytes(shape: MatmulShape, whole: boolean): number {
  const panel = packedPanelBytes(shape);
  return whole ? panel - panelBytes(shape) + wholePackedBytes(shape) : panel;
}

/** The KC × NC cache blocks of a packed B: a window B's own (windowBlocks), else BLOCK_K × BLOCK_N. */
export function cacheBlocks(shape: MatmulShape): { readonly kc: number; readonly nc: number } {
  return shape.window === undefined ? { kc: BLOCK_K, nc: BLOCK_N } : windowBlocks(shape.k.extent);
}

/**
 * Bytes of B packed once for all runs, or 0. When B is a param or a constant
 * that every batch reads at the same place, the whole of it is packed ahead
 * of the runs, block by block in the order the kernel visits its cache blocks
 * (packedBlockAt in emit-matmul-pack.ts), by the module's `pack` function, which the runtime calls after params change:
 * the kernel then packs nothing per run. As in the per-run panel, columns
 * past the last whole strip of an n-block are packed as one more strip
 * padded with zero columns (see padsLastStrip).
 */
export function prepackedBytes(shape: MatmulShape): number {
  const source = shape.b.node.op;
  if (shape.window !== undefined) return 0;
  if ((source !== 'param' && source !== 'constant') || packedPanelBytes(shape) === 0) return 0;
  const fb = ix.ravel(shape.b.index, shape.b.node.shape);
  if (shape.batch.some((v) => ix.affineCoef(fb, v) !== 0)) return 0;
  const full = Math.floor(shape.n.extent / BLOCK_N) * BLOCK_N;
  const lastStrips = packedStrips(shape.n.extent - full, shape.bN);
  return (full / STRIP_COLUMNS + lastStrips) * STRIP_COLUMNS * shape.k.extent * 4;
}

/**
 * Whether the columns of a packed B past its last whole strip (of an
 * n-block of `columns`) are packed as one more strip padded with zero
 * columns. Its tile computes the padding too and stores only the real
 * columns: 128 × 1024 @ 1024 × 10 + bias 150 → 101 us, × 3 5.6 → 19.7 GF/s,
 * × 9 23.3 → 24.9 (the leftover columns took scalar tiles). Not for exactly
 * 4 columns of a B contiguous along n: a 4-column tile reads them in place,
 * faster (128 × 1024 × 12: 33.8 against 31.9 GF/s).
 */
export function padsLastStrip(columns: number, bN: number): boolean {
  const rest = columns % STRIP_COLUMNS;
  return rest !== 0 && !(rest === 4 && bN === 1);
}

/** Strips of a packed B over `columns` columns, a padded one included. */
export function packedStrips(columns: number, bN: number): number {
  return Math.floor(columns / STRIP_COLUMNS) + (padsLastStrip(columns, bN) ? 1 : 0);
}

/** Memory a kernel needs besides the values it reads and writes (SIMD code only). */
export interface KernelBuffers {
  /** Bytes of scratch, live while the kernel runs. */
  readonly scratchBytes: number;
  /** B packed once for all runs (see prepackedBytes): its source and size. */
  readonly packed: { readonly source: Node; readonly bytes: number } | undefined;
}

/** The scratch and packed copies a kernel's SIMD code uses. */
export function kernelBuffers(kernel: Kernel): KernelBuffers {
  const shape = matchMatmulOperands(kernel);
  if (shape === undefined) return { scratchBytes: 0, packed: undefined };
  const bytes = prepackedBytes(shape);
  return bytes > 0
    ? { scratchBytes: 0, packed: { source: shape.b.node, bytes } }
    : { scratchBytes: packedPanelBytes(shape), packed: undefined };
}
