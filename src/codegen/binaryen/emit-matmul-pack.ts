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
 * set at run time.
 */
export function blockLoops(
  fb: FunctionBuilder,
  s: MatmulShape,
  nc0: number,
  kc0: number,
  visit: (kLen: number, first: First, last: boolean, width: number) => Expr[],
  blocks: { readonly kc: number; readonly nc: number } = { kc: KC, nc: NC },
  columns?: BlockRange,
): Expr[] {
  const m = fb.m;
  const K = s.k.extent;
  const N = s.n.extent;
  const { kc: KC, nc: NC } = blocks;
  const kBlocks = Math.max(1, Math.ceil(K / KC));
  const lastLen = K - (kBlocks - 1) * KC;
  const kSteps = (width: number): Expr[] =>
    kBlocks === 1
      ? [m.local.set(kc0, m.i32.const(0)), ...visit(K, true, true, width)]
      : [
          fb.forLoop(kc0, 0, (kBlocks - 1) * KC, KC, false, visit(KC, 'either', false, width)),
          m.local.set(kc0, m.i32.const((kBlocks - 1) * KC)),
          ...visit(lastLen, false, true, width),
        ];
  const fullN = Math.floor(N / NC) * NC;
  if (columns !== undefined) return blockRangeLoops(fb, nc0, columns, N, NC, kSteps);
  const loops: Expr[] = [];
  if (fullN > 0) loops.push(fb.forLoop(nc0, 0, fullN, NC, true, kSteps(NC)));
  if (N > fullN) loops.push(m.local.set(nc0, m.i32.const(fullN)), ...kSteps(N - fullN));
  return loops;
}

/**
 * A call's columns (a matmul whose range is over its n-blocks in half blocks:
 * passes/kernel-range.ts BLOCK_SPLIT_UNIT): i32 locals holding its first
 * column and its end (multiples of half an n-block, or N), and a free i32
 * local for the end of its whole blocks.
 */
export interface BlockRange {
  readonly start: number;
  readonly end: number;
  readonly fullEnd: number;
}

/**
 * blockLoops over the columns [start, end) only, in the pieces the whole
 * run's blocks are cut into at the call's bounds: the second half of a
 * whole block it starts inside, its whole blocks, the first half of one it
 * ends inside, then the last, narrower block, whole or either half of it
 * cut at half a block. A half is a multiple of the strip width, so every
 * column takes the tile it takes in the whole run, and each block's
 * k-blocks run in the same order: the same bits.
 */
function blockRangeLoops(
  fb: FunctionBuilder,
  nc0: number,
  columns: BlockRange,
  N: number,
  NC: number,
  kSteps: (width: number) => Expr[],
): Expr[] {
  const m = fb.m;
  const { get } = addressOps(fb);
  const c = (value: number): Expr => m.i32.const(value);
  const half = NC / 2;
  const fullN = Math.floor(N / NC) * NC;
  const last = N - fullN;
  const loops: Expr[] = [];
  if (fullN > 0) {
    const endsInside = (): Expr => m.i32.lt_s(get(columns.end), c(fullN));
    const before = (): Expr => m.i32.lt_s(get(nc0), get(columns.fullEnd));
    loops.push(
      m.local.set(columns.fullEnd, m.select(endsInside(), get(columns.end), c(fullN))),
      m.local.set(nc0, get(columns.start)),
      m.if(
        m.i32.and(m.i32.ne(m.i32.and(get(nc0), c(NC - 1)), c(0)), before()),
        m.block(null, [...kSteps(half), m.local.set(nc0, m.i32.add(get(nc0), c(half)))]),
      ),
      fb.forRange(nc0, null, columns.fullEnd, NC, true, kSteps(NC)),
      m.if(before(), m.block(null, kSteps(half))),
    );
  }
  if (last > 0) {
    const from = (at: number): Expr => m.i32.le_s(get(columns.start), c(at));
    const to = (at: number): Expr => m.i32.eq(get(columns.end), c(at));
    const piece = (at: number, width: number): Expr =>
      m.block(null, [m.local.set(nc0, c(at)), ...kSteps(width)]);
    // the whole last block, as the whole run computes it
    let tail: Expr = m.if(m.i32.and(from(fullN), to(N)), piece(fullN, last));
    if (last > half)
      tail = m.if(
        m.i32.and(from(fullN), to(N)),
        piece(fullN, last),
        m.if(
          m.i32.and(from(fullN), to(fullN + half)),
          piece(fullN, half),
          m.if(
            m.i32.and(m.i32.eq(get(columns.start), c(fullN + half)), to(N)),
            piece(fullN + half, last - half),
          ),
        ),
      );
    loops.push(tail);
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
  base: number,
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
  return m.i32.add(m.i32.const(base), blockStart);
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
}

/**
 * Copies `kLen` rows × `strips` strips of B, starting at byte address `src()`
 * (B[k0, n0]), into `dst()` as strips of kLen × W contiguous floats: strip g
 * at dst + g·kLen·W·4. PACK_ROWS k rows at a time, so each strip receives 256
 * contiguous bytes, then single rows. Vectors when B is contiguous along n,
 * else element by element. `src` and `dst` build fresh expressions per call.
 */
function packStrips({ fb, s, l, src, dst, kLen }: BlockCopy, strips: number): Expr[] {
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
    fb.forLoop(l.ps, 0, strips, 1, false, copy(rows)),
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
    const dst = (): Expr => packedBlockAt(fb, s, packed, nc0, kc0, width);
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
