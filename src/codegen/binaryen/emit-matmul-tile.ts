/**
 * The tiled matmul's register tile (emit-matmul.ts places the tiles): rows ×
 * nv f32x4 vectors of C at (m0, n0) over one k-block. For each k the tile's
 * vectors of B are loaded once and each row's A[m, k] is splatted (one
 * load32_splat) and multiplied into its own accumulators; pointers advance
 * by constant strides, and row and vector offsets within the tile are
 * constant memarg offsets. The accumulators start from 0 or from C, and the
 * last k-block stores them through the fused epilogue. A window B's interior
 * strips, left by the pack to the block's first row tile, are copied by that
 * tile's second copy as it computes. A tile writes only its part of C (and,
 * copying, the strip it packs).
 */
import type Binaryen from 'binaryen';
import { STRIP_COLUMNS, TILE_ROWS, TILE_VECTORS, type MatmulShape } from '../../passes/matmul-shape.js';
import { STRIP_RECORD_BYTES } from '../../passes/matmul-window.js';
import { addressOps } from './address-ops.js';
import { emitScalar, emitVector, type ExprEnv } from './emit-expr.js';
import type { First } from './emit-matmul-pack.js';
import { windowTableOffsets } from './emit-matmul-window-pack.js';
import type { FunctionBuilder } from './function-builder.js';
import { relaxedMadd } from './vector-ops.js';

type Expr = Binaryen.ExpressionRef;

const NV = TILE_VECTORS;
const W = STRIP_COLUMNS;

/** The locals a tile computes in: its k counter, its pointers, B's vectors, its accumulators. */
export interface TileLocals {
  readonly kk: number;
  /** i32: A, B and C at the tile's current k (bytes). */
  readonly pa: number;
  readonly pb: number;
  readonly pc: number;
  /** i32: where B's pointer ends (a full packed tile's loop runs until pb reaches it). */
  readonly pbEnd: number;
  /** v128: A[m, k] splatted. */
  readonly av: number;
  /** v128: the tile's TILE_VECTORS vectors of B at k. */
  readonly bv: readonly number[];
  /** v128: accumulator of row i, vector j at i · TILE_VECTORS + j. */
  readonly acc: readonly number[];
  /** f32: accumulator of row i of a scalar column (and a lane being stored). */
  readonly sacc: readonly number[];
}

/** Adds the tile's locals, for tiles of up to `maxRows` rows. */
export function tileLocals(fb: FunctionBuilder, maxRows: number): TileLocals {
  const i32 = fb.b.i32;
  const v128 = fb.b.v128;
  return {
    kk: fb.addLocal(i32),
    pa: fb.addLocal(i32),
    pb: fb.addLocal(i32),
    pc: fb.addLocal(i32),
    pbEnd: fb.addLocal(i32),
    av: fb.addLocal(v128),
    bv: Array.from({ length: NV }, () => fb.addLocal(v128)),
    acc: Array.from({ length: maxRows * NV }, () => fb.addLocal(v128)),
    sacc: Array.from({ length: maxRows }, () => fb.addLocal(fb.b.f32)),
  };
}

/** The i32 locals of the copy a window B's first row tile makes of a strip (TileCopy). */
export interface TileCopyLocals {
  /** The call's first row: the block's first row tile is the one at m0 = mFirst. */
  readonly mFirst: number;
  /** x's address of the strip's first column at k's address part 0 (bytes; the strip's record). */
  readonly src: number;
  /** The current k's entry in the k table of address parts. */
  readonly k: number;
  /** x's address of the current k's row of the strip. */
  readonly at: number;
}

/** Adds the copy's locals (every matmul has them; only a window B's tiles use them). */
export function tileCopyLocals(fb: FunctionBuilder): TileCopyLocals {
  const i32 = fb.b.i32;
  return { mFirst: fb.addLocal(i32), src: fb.addLocal(i32), k: fb.addLocal(i32), at: fb.addLocal(i32) };
}

/** Where the pack left a window B's interior strips to the block's first row tile. */
export interface TileCopy extends TileCopyLocals {
  /** Byte address of the block's strip records (stripRecordsAt: copy it?, its x address). */
  readonly records: () => Expr;
  /** Byte address of the window's tables (windowTableOffsets). */
  readonly tables: () => Expr;
}

/** What the tiles of one matmul read: its shape, its locals, and where B's strips are. */
export interface TileContext {
  readonly fb: FunctionBuilder;
  readonly s: MatmulShape;
  readonly env: ExprEnv;
  /** i32 locals: A's, B's (x's, for a window B) and C's batch base addresses (bytes, absolute). */
  readonly pa0: number;
  readonly pb0: number;
  readonly pc0: number;
  /** i32 locals: the tile's first row and column, the block's first column and first k. */
  readonly m0: number;
  readonly n0: number;
  readonly nc0: number;
  readonly kc0: number;
  readonly l: TileLocals;
  /** B is packed: full-width tiles (TILE_VECTORS vectors) read strips of kLen × STRIP_COLUMNS floats. */
  readonly packing: boolean;
  /** Where the packed strip at the local nc0 starts in the current block (of `width` columns, k-block of `kLen`). */
  readonly blockStrips: (width: number, kLen: number) => Expr;
  /** A window B's strips left to the block's first row tile, or undefined. */
  readonly copy: TileCopy | undefined;
}

/** The k-block a tile runs over: kLen values of k from kc0, in an n-block of `width` columns. */
export interface TileBlock {
  readonly kLen: number;
  readonly first: First;
  /** The last k-block: the tile applies the epilogue. */
  readonly last: boolean;
  readonly width: number;
}

/**
 * A tile of `rows` × `nv` vectors (nv = 0: one scalar column) over `block`
 * (plainTile); a full packed tile of a window B in two copies where the pack
 * leaves the interior strips to the block's first row tile: that tile
 * (m0 = mFirst) copies such a strip (its record says so) as it computes, the
 * others read the packed strip. `valid`: the tile's columns that exist.
 */
export function emitTile(t: TileContext, block: TileBlock, rows: number, nv: number, valid = 4 * nv): Expr[] {
  const m = t.fb.m;
  const { get } = addressOps(t.fb);
  const plain = plainTile(t, block, rows, nv, valid, false);
  if (t.copy === undefined || rows < TILE_ROWS || !packedTile(t, nv) || block.kLen === 0) return plain;
  const copying = m.i32.and(
    m.i32.eq(get(t.m0), get(t.copy.mFirst)),
    m.i32.load(0, 4, stripRecord(t, t.copy)),
  );
  const copy = plainTile(t, block, rows, nv, valid, true);
  return [m.if(copying, m.block(null, copy), m.block(null, plain))];
}

/** Whether a tile of `nv` vectors reads B's packed strips (else B in place). */
function packedTile(t: TileContext, nv: number): boolean {
  return t.packing && nv === NV;
}

/** Bytes between consecutive k of B as a tile of `nv` vectors reads it. */
function bStep(t: TileContext, nv: number): number {
  return packedTile(t, nv) ? W * 4 : t.s.bK * 4;
}

/** The current strip's record (n0's strip of the block). */
function stripRecord(t: TileContext, copy: TileCopy): Expr {
  const { get, mulc } = addressOps(t.fb);
  const m = t.fb.m;
  return m.i32.add(copy.records(), mulc(m.i32.sub(get(t.n0), get(t.nc0)), STRIP_RECORD_BYTES / W));
}

/**
 * The stored value of row i, column offset `col` of the tile, whose
 * accumulator is `acc`: the epilogue with $slot = acc, its loads at
 * m = m0 + i, n = n0 + col (set into m's and n's loop locals).
 */
function epilogue(t: TileContext, i: number, col: number, acc: number, vector: boolean): Expr {
  const { fb, s, env } = t;
  const m = fb.m;
  const { get, add } = addressOps(fb);
  const type = vector ? fb.b.v128 : fb.b.f32;
  if (s.store.value.k === 'ref') return m.local.get(acc, type);
  env.refs.set(s.slot, vector ? { scalar: acc, vector: acc } : { scalar: acc });
  const setVars: Expr[] = [m.local.set(env.vars.get(s.n.id)!, add(get(t.n0), col))];
  if (s.m !== undefined) setVars.push(m.local.set(env.vars.get(s.m.id)!, add(get(t.m0), i)));
  const value = vector ? emitVector(fb, s.store.value, s.n, env) : emitScalar(fb, s.store.value, env);
  return m.block(null, [...setVars, value], type);
}

/**
 * One tile of `rows` × `nv` vectors (nv = 0: one scalar column) at (m0, n0)
 * over k in [kc0, kc0 + kLen). The first k-block starts from 0, later ones
 * from what C holds ('either': decided at run time by kc0 = 0, so the first
 * and the middle k-blocks share one copy of the code); only the last applies
 * the epilogue. `valid`: the tile's columns that exist (fewer in a padded
 * strip), loaded, stored and given the epilogue lane by lane. `copies`: B
 * comes from x at the strip's record and is stored into the packed strip too.
 */
function plainTile(
  t: TileContext,
  { kLen, first, last, width }: TileBlock,
  rows: number,
  nv: number,
  valid: number,
  copies: boolean,
): Expr[] {
  const { fb, s, env, m0, n0, kc0 } = t;
  const { kk, pa, pb, pc, pbEnd, av, bv, acc, sacc } = t.l;
  const m = fb.m;
  const f32 = fb.b.f32;
  const v128 = fb.b.v128;
  const { get, add, mulc } = addressOps(fb);
  const zero = (): Expr => fb.v128Const(new Uint8Array(16));
  /** An accumulator's start: 0 in the first k-block, else what C holds (`either`: kc0 = 0 decides). */
  const start = (fromZero: () => Expr, fromC: () => Expr): Expr =>
    first === 'either' ? m.select(m.i32.eqz(get(kc0)), fromZero(), fromC()) : first ? fromZero() : fromC();
  const copy = copies ? t.copy : undefined;
  const setup = [
    m.local.set(pa, m.i32.add(m.i32.add(get(t.pa0), mulc(get(m0), s.aM * 4)), mulc(get(kc0), s.aK * 4))),
    packedTile(t, nv)
      ? m.local.set(pb, m.i32.add(t.blockStrips(width, kLen), mulc(m.i32.sub(get(n0), get(t.nc0)), kLen * 4)))
      : m.local.set(pb, m.i32.add(m.i32.add(get(t.pb0), mulc(get(n0), s.bN * 4)), mulc(get(kc0), s.bK * 4))),
    m.local.set(pc, m.i32.add(m.i32.add(get(t.pc0), mulc(get(m0), s.cM * 4)), mulc(get(n0), 4))),
  ];
  if (copy !== undefined)
    setup.push(
      m.local.set(copy.src, m.i32.load(4, 4, stripRecord(t, copy))),
      m.local.set(copy.k, m.i32.add(add(copy.tables(), windowTableOffsets(s).kAt(0)), mulc(get(kc0), 4))),
    );
  const init: Expr[] = [];
  const stores: Expr[] = [];
  /** One k step: the tile's multiply-adds, then the pointers advance. */
  const body: Expr[] = [];
  if (nv === 0) {
    for (let i = 0; i < rows; i++) {
      const c = sacc[i]!;
      const a = m.f32.load(i * s.aM * 4, 4, get(pa));
      const b = m.f32.load(0, 4, get(pb));
      body.push(m.local.set(c, m.f32.add(m.local.get(c, f32), m.f32.mul(a, b))));
    }
  } else {
    // a wide single-row tile loads each vector of B where it is used (its 8 accumulators and
    // 8 vectors of B would not fit the registers together)
    const inline = nv > NV;
    if (copy !== undefined) {
      // B from x at the strip's address + 4·(k's address part), stored into the packed strip too
      const at = m.i32.add(get(copy.src), m.i32.mul(m.i32.load(0, 4, get(copy.k)), m.i32.const(4)));
      body.push(m.local.set(copy.at, at), m.local.set(copy.k, add(get(copy.k), 4)));
      for (let j = 0; j < nv; j++)
        body.push(
          m.local.set(bv[j]!, m.v128.load(j * 16, 4, get(copy.at))),
          m.v128.store(j * 16, 4, get(pb), m.local.get(bv[j]!, v128)),
        );
    } else if (!inline)
      for (let j = 0; j < nv; j++) body.push(m.local.set(bv[j]!, m.v128.load(j * 16, 4, get(pb))));
    for (let i = 0; i < rows; i++) {
      body.push(m.local.set(av, m.v128.load32_splat(i * s.aM * 4, 4, get(pa))));
      for (let j = 0; j < nv; j++) {
        const c = acc[i * NV + j]!;
        const bj = inline ? m.v128.load(j * 16, 4, get(pb)) : m.local.get(bv[j]!, v128);
        const [a, b, sum] = [m.local.get(av, v128), bj, m.local.get(c, v128)];
        body.push(
          m.local.set(c, env.relaxedSimd ? relaxedMadd(fb, a, b, sum) : m.f32x4.add(sum, m.f32x4.mul(a, b))),
        );
      }
    }
  }
  body.push(m.local.set(pa, add(get(pa), s.aK * 4)), m.local.set(pb, add(get(pb), bStep(t, nv))));
  for (let i = 0; i < rows; i++) {
    if (nv === 0) {
      const c = sacc[i]!;
      init.push(
        m.local.set(
          c,
          start(
            () => m.f32.const(0),
            () => m.f32.load(i * s.cM * 4, 4, get(pc)),
          ),
        ),
      );
      stores.push(
        m.f32.store(i * s.cM * 4, 4, get(pc), last ? epilogue(t, i, 0, c, false) : m.local.get(c, f32)),
      );
    }
    for (let j = 0; j < nv; j++) {
      const c = acc[i * NV + j]!;
      const at = i * s.cM * 4 + j * 16;
      // columns of this vector that exist (a padded strip's last vectors have fewer, or none)
      const lanes = Math.min(4, Math.max(0, valid - 4 * j));
      if (lanes === 4) {
        init.push(
          m.local.set(
            c,
            start(zero, () => m.v128.load(at, 4, get(pc))),
          ),
        );
        stores.push(
          m.v128.store(at, 4, get(pc), last ? epilogue(t, i, j * 4, c, true) : m.local.get(c, v128)),
        );
        continue;
      }
      // lane by lane: a whole vector would read and write past the row (the next row, or past C)
      const fromC = (): Expr => {
        let v = zero();
        for (let l = 0; l < lanes; l++) v = m.f32x4.replace_lane(v, l, m.f32.load(at + 4 * l, 4, get(pc)));
        return v;
      };
      init.push(m.local.set(c, lanes === 0 ? zero() : start(zero, fromC)));
      for (let l = 0; l < lanes; l++) {
        const lane = sacc[0]!;
        stores.push(
          m.local.set(lane, m.f32x4.extract_lane(m.local.get(c, v128), l)),
          m.f32.store(
            at + 4 * l,
            4,
            get(pc),
            last ? epilogue(t, i, j * 4 + l, lane, false) : m.local.get(lane, f32),
          ),
        );
      }
    }
  }
  // full register tiles only: a single-row tile over B in place (memory-bound) measured 9% slower
  const full = rows >= TILE_ROWS && nv === NV;
  if (full && packedTile(t, nv) && kLen > 0) {
    // B's pointer is the loop's variable (it steps W·4 > 0 bytes per k, and the loop runs at least
    // once): no counter to step and test beside it, one instruction less per k step (TurboFan's
    // copies of the step 26 -> 25; docs/kernels.md)
    const again = fb.label('k');
    const kLoop = m.loop(again, m.block(null, [...body, m.br(again, m.i32.ne(get(pb), get(pbEnd)))]));
    // pb = pbEnd after the loop: the wrappers' pbEnd < pb never holds
    const never = (): Expr => m.i32.lt_u(get(pbEnd), get(pb));
    return [
      ...setup,
      m.local.set(pbEnd, add(get(pb), kLen * bStep(t, nv))),
      ...init,
      fb.nestForUnrolling(kLoop, kk, kLen, never),
      ...stores,
    ];
  }
  const kLoop = fb.forLoop(kk, 0, kLen, 1, false, body);
  return [...setup, ...init, full ? fb.nestForUnrolling(kLoop, kk, kLen) : kLoop, ...stores];
}
