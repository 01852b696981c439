/**
 * Packing B for the tiled matmul (emit-matmul.ts): the order in which the
 * kernel visits its cache blocks, and the copies of B in that order — one
 * KC × NC block at a time into the kernel's scratch before the tiles use it,
 * or the whole of a param or constant B once, by the module's `pack` function
 * (emitPrepack). Both copy strips of kLen × 8 contiguous floats.
 */
import type Binaryen from 'binaryen';
import { InternalError } from '../../common/errors.js';
import * as ix from '../../passes/index-expr.js';
import type { IndexExpr, LoopVar } from '../../passes/index-expr.js';
import {
  BLOCK_K,
  BLOCK_N,
  packedStrips,
  padsLastStrip,
  STRIP_COLUMNS,
  TILE_VECTORS,
  type MatmulShape,
} from '../../passes/matmul-shape.js';
import { addressOps } from './address-ops.js';
import { emitIndex } from './emit-index.js';
import type { ExprEnv } from './emit-expr.js';
import type { FunctionBuilder } from './function-builder.js';

type Expr = Binaryen.ExpressionRef;

const NV = TILE_VECTORS;
const KC = BLOCK_K;
const NC = BLOCK_N;
const W = STRIP_COLUMNS;
/** k rows packed per step: one row gives each strip 32 scattered bytes (W5's packing 0.79 ms), 8 give it 256 (0.39 ms). */
const PACK_ROWS = 8;

/** Whether a tile's k-block is the first: known, or decided at run time. */
export type First = boolean | 'either';

/** `flat` with m, n, k set to 0: the batch part of an address, in elements. */
export function basePart(flat: IndexExpr, vars: readonly (LoopVar | undefined)[]): IndexExpr {
  const zero = new Map(vars.filter((v): v is LoopVar => v !== undefined).map((v) => [v.id, ix.ZERO]));
  return ix.substitute(flat, zero);
}

/**
 * The cache blocks in the order the kernel visits them: n-blocks of NC
 * columns (a KC × NC panel of B stays in cache across all rows), and in each
 * the k-blocks of KC, all but the last in one loop (the first starts from
 * zero), then the last (with the epilogue). `visit` is called once per code
 * copy (each expression may be used once) with the i32 locals `nc0` and `kc0`
 * set at run time, and, for a block of whole strips whose end is known only
 * at run time (`columns`: blockRangeLoops), the i32 local holding its end:
 * `width` is then the most columns it has.
 */
export function blockLoops(
  fb: FunctionBuilder,
  s: MatmulShape,
  nc0: number,
  kc0: number,
  visit: (kLen: number, first: First, last: boolean, width: number, end?: number) => Expr[],
  blocks: { readonly kc: number; readonly nc: number } = { kc: KC, nc: NC },
  columns?: BlockRange,
): Expr[] {
  const m = fb.m;
  const K = s.k.extent;
  const N = s.n.extent;
  const { kc: KC, nc: NC } = blocks;
  const kBlocks = Math.max(1, Math.ceil(K / KC));
  const lastLen = K - (kBlocks - 1) * KC;
  const kSteps = (width: number, end?: number): Expr[] =>
    kBlocks === 1
      ? [m.local.set(kc0, m.i32.const(0)), ...visit(K, true, true, width, end)]
      : [
          fb.forLoop(kc0, 0, (kBlocks - 1) * KC, KC, false, visit(KC, 'either', false, width, end)),
          m.local.set(kc0, m.i32.const((kBlocks - 1) * KC)),
          ...visit(lastLen, false, true, width, end),
        ];
  const fullN = Math.floor(N / NC) * NC;
  if (columns !== undefined) return blockRangeLoops(fb, nc0, columns, N, NC, kSteps);
  const loops: Expr[] = [];
  if (fullN > 0) loops.push(fb.forLoop(nc0, 0, fullN, NC, true, kSteps(NC)));
  if (N > fullN) loops.push(m.local.set(nc0, m.i32.const(fullN)), ...kSteps(N - fullN));
  return loops;
}

/**
 * A call's columns (a matmul whose range is over its n-blocks in units of
 * whole strips: passes/kernel-range.ts blockSplitUnit): i32 locals holding
 * its first column and its end (multiples of the unit, or N), and two free
 * i32 locals for the end of its whole strips and of the current block.
 */
export interface BlockRange {
  readonly start: number;
  readonly end: number;
  readonly limit: number;
  readonly blockEnd: number;
}

/**
 * blockLoops over the columns [start, end) only, in the pieces the whole
 * run's blocks are cut into at the call's bounds: its columns of whole
 * strips block by block — from its start to the end of the block it starts
 * in, whole blocks, then the start of the block it ends in — in one loop
 * whose piece ends at run time (`width` NC, the piece's end in a local: its
 * strips are whole, so the packing copies and the tiles cover them as in a
 * whole block); then, in the call that ends at N, the columns past the last
 * whole strip (a padded strip, or 4-column and scalar tiles), as the whole
 * run's last block ends. Each column takes the tile it takes in the whole
 * run and each block's k-blocks run in the same order: the same bits. One
 * copy of the block code for any cut, so the unit may be any number of
 * strips.
 */
function blockRangeLoops(
  fb: FunctionBuilder,
  nc0: number,
  columns: BlockRange,
  N: number,
  NC: number,
  kSteps: (width: number, end?: number) => Expr[],
): Expr[] {
  const m = fb.m;
  const { get } = addressOps(fb);
  const c = (value: number): Expr => m.i32.const(value);
  const min = (a: () => Expr, b: () => Expr): Expr => m.select(m.i32.lt_s(a(), b()), a(), b());
  // columns in whole strips: every block but the last has only those
  const whole = Math.floor(N / W) * W;
  const loops: Expr[] = [];
  if (whole > 0) {
    const brk = fb.label('done');
    const cont = fb.label('blocks');
    // the block nc0 lies in ends at its start + NC, or at the call's limit
    const blockEnd = (): Expr => m.i32.add(m.i32.mul(m.i32.div_u(get(nc0), c(NC)), c(NC)), c(NC));
    loops.push(
      m.local.set(
        columns.limit,
        min(
          () => get(columns.end),
          () => c(whole),
        ),
      ),
      m.local.set(nc0, get(columns.start)),
      m.block(brk, [
        m.br(brk, m.i32.ge_s(get(nc0), get(columns.limit))),
        m.loop(
          cont,
          m.block(null, [
            m.local.set(
              columns.blockEnd,
              min(blockEnd, () => get(columns.limit)),
            ),
            ...kSteps(NC, columns.blockEnd),
            m.local.set(nc0, get(columns.blockEnd)),
            m.br(cont, m.i32.lt_s(get(nc0), get(columns.limit))),
          ]),
        ),
      ]),
    );
  }
  if (N > whole) {
    // the call that ends at N (and starts at or before the last strip: not an empty one past it)
    const ends = m.i32.and(m.i32.eq(get(columns.end), c(N)), m.i32.le_s(get(columns.start), c(whole)));
    loops.push(m.if(ends, m.block(null, [m.local.set(nc0, c(whole)), ...kSteps(N - whole)])));
  }
  return loops;
}

/**
 * Where block (nc0, kc0)'s strips start in the whole packed B: blocks lie in
 * the order the kernel visits them, each as the per-block scratch would hold
 * it (strips of kLen × W floats), so the kernel reads the copy front to back.
 * The full n-blocks before nc0 hold nc0 · K floats; the k-blocks before kc0 in
 * this n-block kc0 · strips · W.
 */
export function packedBlockAt(
  fb: FunctionBuilder,
  s: MatmulShape,
  base: Expr,
  nc0: number,
  kc0: number,
  width: number,
): Expr {
  const m = fb.m;
  const { get } = addressOps(fb);
  const strips = packedStrips(width, s.bN);
  const blockStart = m.i32.add(
    m.i32.mul(get(nc0), m.i32.const(s.k.extent * 4)),
    m.i32.mul(get(kc0), m.i32.const(strips * W * 4)),
  );
  return m.i32.add(base, blockStart);
}

/**
 * Where the strip at column nc0 (a multiple of W, anywhere in its block) of
 * k-block kc0 (`kLen` rows) starts in a B packed once ahead of the runs
 * (packedBlockAt's layout in blocks of NC: never a window B): its block's
 * start, the block's k-blocks before kc0 (all of its strips each: the last
 * block of a B whose columns are not whole blocks has fewer), then the
 * strips before nc0 in this k-block. For a call over some columns only
 * (blockRangeLoops), whose pieces start inside blocks.
 */
export function packedStripAt(
  fb: FunctionBuilder,
  s: MatmulShape,
  base: Expr,
  nc0: number,
  kc0: number,
  kLen: number,
): Expr {
  const m = fb.m;
  const { get } = addressOps(fb);
  const N = s.n.extent;
  const fullN = Math.floor(N / NC) * NC;
  const blockStart = (): Expr => m.i32.mul(m.i32.div_u(get(nc0), m.i32.const(NC)), m.i32.const(NC));
  const stripBytes = (strips: number): Expr => m.i32.const(strips * W * 4);
  const lastStrips = packedStrips(N - fullN, s.bN);
  // the k-blocks before kc0 in this block: kc0 rows of each of its strips
  const perRow =
    N > fullN
      ? m.select(m.i32.ge_u(blockStart(), m.i32.const(fullN)), stripBytes(lastStrips), stripBytes(NC / W))
      : stripBytes(NC / W);
  return m.i32.add(
    m.i32.add(base, m.i32.mul(blockStart(), m.i32.const(s.k.extent * 4))),
    m.i32.add(
      m.i32.mul(get(kc0), perRow),
      m.i32.mul(m.i32.sub(get(nc0), blockStart()), m.i32.const(kLen * 4)),
    ),
  );
}

/** Byte address of B[kc0, nc0], from B's address (batch included) in the i32 local `base`. */
export function bBlockAt(fb: FunctionBuilder, s: MatmulShape, base: number, nc0: number, kc0: number): Expr {
  const m = fb.m;
  const { get, mulc } = addressOps(fb);
  return m.i32.add(m.i32.add(get(base), mulc(get(kc0), s.bK * 4)), mulc(get(nc0), s.bN * 4));
}

/** Locals of the packing loops. */
interface PackLocals {
  readonly pk: number;
  readonly ps: number;
  readonly psrc: number;
  readonly pdst: number;
}

export function packLocals(fb: FunctionBuilder): PackLocals {
  const i32 = fb.b.i32;
  return { pk: fb.addLocal(i32), ps: fb.addLocal(i32), psrc: fb.addLocal(i32), pdst: fb.addLocal(i32) };
}

/** One block's copy: from byte address `src()` (B[k0, n0]) to `dst()`, `kLen` rows of k, with the locals `l`. */
export interface BlockCopy {
  readonly fb: FunctionBuilder;
  readonly s: MatmulShape;
  readonly l: PackLocals;
  readonly src: () => Expr;
  readonly dst: () => Expr;
  readonly kLen: number;
  /**
   * An i32 local holding how many strips the block has, when that is known
   * only at run time (a piece of whole strips of a block: blockRangeLoops);
   * its `width` is then the most columns.
   */
  readonly strips?: number;
}

/**
 * Copies `kLen` rows × `strips` strips of B, starting at byte address `src()`
 * (B[k0, n0]), into `dst()` as strips of kLen × W contiguous floats: strip g
 * at dst + g·kLen·W·4. PACK_ROWS k rows at a time, so each strip receives 256
 * contiguous bytes, then single rows. Vectors when B is contiguous along n,
 * else element by element. `src` and `dst` build fresh expressions per call.
 */
function packStrips({ fb, s, l, src, dst, kLen, strips: copyStrips }: BlockCopy, strips: number): Expr[] {
  const m = fb.m;
  const { get, add, mulc } = addressOps(fb);
  /** Copies `rows` consecutive k rows of one strip: rows·W·4 contiguous bytes of the copy. */
  const copy = (rows: number): Expr[] => {
    const out: Expr[] = [];
    for (let r = 0; r < rows; r++) {
      if (s.bN === 1) {
        for (let j = 0; j < NV; j++) {
          const from = m.v128.load(r * s.bK * 4 + j * 16, 4, get(l.psrc));
          out.push(m.v128.store(r * W * 4 + j * 16, 4, get(l.pdst), from));
        }
        continue;
      }
      for (let c = 0; c < W; c++) {
        const from = m.f32.load((r * s.bK + c * s.bN) * 4, 4, get(l.psrc));
        out.push(m.f32.store((r * W + c) * 4, 4, get(l.pdst), from));
      }
    }
    out.push(
      m.local.set(l.psrc, add(get(l.psrc), W * s.bN * 4)),
      m.local.set(l.pdst, add(get(l.pdst), kLen * W * 4)),
    );
    return out;
  };
  const rowsLoop = (rows: number): Expr[] => [
    m.local.set(l.psrc, m.i32.add(src(), mulc(get(l.pk), s.bK * 4))),
    m.local.set(l.pdst, m.i32.add(dst(), mulc(get(l.pk), W * 4))),
    copyStrips === undefined
      ? fb.forLoop(l.ps, 0, strips, 1, false, copy(rows))
      : fb.forRange(l.ps, m.i32.const(0), copyStrips, 1, false, copy(rows)),
  ];
  return fb.stepsThenSingles(l.pk, kLen, PACK_ROWS, rowsLoop);
}

/** Byte address of B's element [0, 0] (of the first batch: a prepacked B reads the same for every batch). */
function bBase(fb: FunctionBuilder, s: MatmulShape, env: ExprEnv): Expr {
  const m = fb.m;
  const flat = basePart(ix.ravel(s.b.index, s.b.node.shape), [s.m, s.n, s.k, ...s.folded, ...s.batch]);
  const at = env.addresses.get(s.b.node.id) ?? 0;
  return m.i32.add(m.i32.mul(emitIndex(fb, flat, env), m.i32.const(4)), m.i32.const(at));
}

/**
 * The whole of a param or constant B packed into `env.packed` (see
 * prepackedBytes), block by block (packedBlockAt). For the module's `pack`
 * function, which the runtime calls before a run whenever params changed.
 */
export function emitPrepack(fb: FunctionBuilder, s: MatmulShape, env: ExprEnv): Expr {
  const m = fb.m;
  const i32 = fb.b.i32;
  const packed = env.packed;
  if (packed === undefined) throw new InternalError('codegen', 'emitPrepack: no packed copy was planned');
  const [base, nc0, kc0] = [fb.addLocal(i32), fb.addLocal(i32), fb.addLocal(i32)];
  const l = packLocals(fb);
  const src = (): Expr => bBlockAt(fb, s, base, nc0, kc0);
  const loops = blockLoops(fb, s, nc0, kc0, (kLen, _first, _last, width) => {
    const dst = (): Expr => packedBlockAt(fb, s, m.i32.const(packed), nc0, kc0, width);
    return packBlock({ fb, s, l, src, dst, kLen }, width);
  });
  return m.block(null, [m.local.set(base, bBase(fb, s, env)), ...loops]);
}

/**
 * Packs one block of `width` columns of B: its whole strips (packStrips),
 * then, where padsLastStrip, the columns past them in one more strip with
 * zero columns after them (element by element: one strip per block).
 */
export function packBlock(copy: BlockCopy, width: number): Expr[] {
  const { fb, s, l, src, dst, kLen } = copy;
  const m = fb.m;
  const strips = Math.floor(width / W);
  const whole = strips > 0 ? packStrips(copy, strips) : [];
  if (!padsLastStrip(width, s.bN)) return whole;
  const { get } = addressOps(fb);
  const columns = width % W;
  const row: Expr[] = [];
  for (let c = 0; c < W; c++) {
    const value = c < columns ? m.f32.load(c * s.bN * 4, 4, get(l.psrc)) : m.f32.const(0);
    row.push(m.f32.store(c * 4, 4, get(l.pdst), value));
  }
  row.push(
    m.local.set(l.psrc, m.i32.add(get(l.psrc), m.i32.const(s.bK * 4))),
    m.local.set(l.pdst, m.i32.add(get(l.pdst), m.i32.const(W * 4))),
  );
  return [
    ...whole,
    m.local.set(l.psrc, m.i32.add(src(), m.i32.const(strips * W * s.bN * 4))),
    m.local.set(l.pdst, m.i32.add(dst(), m.i32.const(strips * kLen * W * 4))),
    fb.forLoop(l.pk, 0, kLen, 1, false, row),
  ];
}
