/**
 * The tiled f32 matmul (geometry and matching in passes/matmul-shape.ts):
 * C is computed in register tiles of TILE_ROWS rows (RELAXED_TILE_ROWS in the
 * relaxed build, with 4-row tiles for the rows left) × TILE_VECTORS f32x4
 * vectors; for each k, the tile's vectors of B are loaded once and each row's
 * A[m, k] is splatted (one load32_splat) and multiplied into its own
 * accumulators. Cache blocks of BLOCK_K × BLOCK_N; in each, full tiles read B
 * as packed strips of BLOCK_K × 8 contiguous floats (emit-matmul-pack.ts: the
 * block order, and the copies, per run into the kernel's scratch or once for
 * a param or constant B). Edges use 4-column tiles and a scalar column,
 * reading B in place, or, where B is packed, the 8-column tile over its last
 * strip padded with zero columns, storing only the real columns. Pointers
 * advance by constant strides; row and vector
 * offsets within a tile are constant memarg offsets. A window B's interior
 * strips are copied by the block's first row tile as it computes (the pack
 * only records them). Other matmuls take the generic path.
 */
import type Binaryen from 'binaryen';
import { InternalError } from '../../common/errors.js';
import * as ix from '../../passes/index-expr.js';
import type { Kernel } from '../../passes/kernel.js';
import {
  matchMatmulOperands,
  packedPanelBytes,
  padsLastStrip,
  panelBytes,
  cacheBlocks,
  COLUMN_UNIT,
  STRIP_COLUMNS,
  TILE_ROWS,
  TILE_VECTORS,
  type MatmulShape,
} from '../../passes/matmul-shape.js';
import { emitIndex } from './emit-index.js';
import {
  basePart,
  bBlockAt,
  blockLoops,
  packedBlockAt,
  packBlock,
  packLocals,
  type First,
} from './emit-matmul-pack.js';
import {
  emitWindowTables,
  packWindowBlock,
  windowPackLocals,
  windowTableOffsets,
} from './emit-matmul-window-pack.js';
import { STRIP_RECORD_BYTES, stripRecordsAt } from '../../passes/matmul-window.js';
import { emitScalar, emitVector, isVectorizable, type ExprEnv } from './emit-expr.js';
import type { FunctionBuilder } from './function-builder.js';
import type { RangeBounds } from './range-bounds.js';
import { relaxedMadd } from './vector-ops.js';
import { THREAD_ID_GLOBAL } from './emit-threads.js';
import { emitRowLoops, RELAXED_TILE_ROWS, tallTiles, type RowTiles } from './emit-matmul-rows.js';

type Expr = Binaryen.ExpressionRef;

const NV = TILE_VECTORS;
const W = STRIP_COLUMNS;
/**
 * Vectors of a single-row tile reading B in place (GEMV-like products with
 * fewer than 8 rows): 32 columns read whole cache lines of each row of B, where
 * an 8-column tile reads half of each line and its neighbour tile reads the
 * line again (x[1,784] @ w[784,1024]: 0.28 -> 0.14 ms).
 */
const ROW_VECTORS = TILE_ROWS * NV;
/**
 * k-block of a B read in place (fewer rows than packing repays): all of n in
 * each block, so the tiles read `IN_PLACE_BLOCK_K` rows of B side by side,
 * each front to back — sequential streams the prefetcher follows — instead of
 * walking 256 rows N·4 bytes apart per tile (x[1,9216] @ w[9216,4096], the
 * weights far larger than the caches: see docs/kernels.md).
 */
const IN_PLACE_BLOCK_K = 16;

/** A matmul kernel the micro-kernel handles (its epilogue vectorizes along n), or undefined. */
export function matchMatmul(kernel: Kernel): MatmulShape | undefined {
  const shape = matchMatmulOperands(kernel);
  // a fused epilogue (bias, activation, residual) is computed per tile vector along n
  return shape !== undefined && isVectorizable(shape.store.value, shape.n) ? shape : undefined;
}

/**
 * Emits the tiled matmul for a matched kernel: all of it, or with `range`
 * the rows of this call's slice (over s.m, in whole tiles but the last) or,
 * for a B read in place, its columns (over s.n, in COLUMN_UNITs but the last).
 */
export function emitMatmul(
  fb: FunctionBuilder,
  kernel: Kernel,
  s: MatmulShape,
  env: ExprEnv,
  range?: RangeBounds,
): Expr {
  const m = fb.m;
  const i32 = fb.b.i32;
  const f32 = fb.b.f32;
  const v128 = fb.b.v128;
  const out = s.store;
  const addr = (nodeId: number): number => env.addresses.get(nodeId) ?? 0;
  const M = s.m?.extent ?? 1;
  const get = (l: number): Expr => m.local.get(l, i32);
  const add = (a: Expr, bytes: number): Expr => (bytes === 0 ? a : m.i32.add(a, m.i32.const(bytes)));
  const mulc = (a: Expr, c: number): Expr => (c === 1 ? a : m.i32.mul(a, m.i32.const(c)));
  // the relaxed build carries 6-row tiles beside the 4-row ones where M has 6 rows, chosen at
  // run time by TALL_TILES_GLOBAL (set by the runtime on engines that compile them well)
  const tallToo = tallTiles(fb, env.relaxedSimd, M);
  const MAX_ROWS = tallToo ? RELAXED_TILE_ROWS : TILE_ROWS;

  // batch-dependent base addresses (bytes, absolute)
  const pa0 = fb.addLocal(i32);
  const pb0 = fb.addLocal(i32);
  const pc0 = fb.addLocal(i32);
  const vars = [s.m, s.n, s.k, ...s.folded];
  const bases = [
    m.local.set(
      pa0,
      add(
        mulc(emitIndex(fb, basePart(ix.ravel(s.a.index, s.a.node.shape), vars), env), 4),
        addr(s.a.node.id),
      ),
    ),
    m.local.set(
      pb0,
      add(
        // a window B (implicit GEMM): the batch part of its address in x
        mulc(emitIndex(fb, s.window?.base ?? basePart(ix.ravel(s.b.index, s.b.node.shape), vars), env), 4),
        addr(s.b.node.id),
      ),
    ),
    m.local.set(
      pc0,
      add(
        mulc(emitIndex(fb, basePart(ix.ravel(out.index, out.node.shape), vars), env), 4),
        addr(out.node.id),
      ),
    ),
  ];
  const m0 = fb.addLocal(i32);
  const n0 = fb.addLocal(i32);
  const kk = fb.addLocal(i32);
  const pa = fb.addLocal(i32);
  const pb = fb.addLocal(i32);
  const pc = fb.addLocal(i32);
  const pbEnd = fb.addLocal(i32);
  const av = fb.addLocal(v128);
  const bv = Array.from({ length: NV }, () => fb.addLocal(v128));
  const acc = Array.from({ length: MAX_ROWS * NV }, () => fb.addLocal(v128));
  const sacc = Array.from({ length: MAX_ROWS }, () => fb.addLocal(f32));

  const plain = s.store.value.k === 'ref';
  /**
   * The stored value of row i, column offset `col` of the tile, whose
   * accumulator is `acc`: the epilogue with $slot = acc, its loads at
   * m = m0 + i, n = n0 + col (set into m's and n's loop locals).
   */
  const epilogue = (i: number, col: number, acc: number, vector: boolean): Expr => {
    if (plain) return m.local.get(acc, vector ? v128 : f32);
    env.refs.set(s.slot, vector ? { scalar: acc, vector: acc } : { scalar: acc });
    const setVars: Expr[] = [m.local.set(env.vars.get(s.n.id)!, add(get(n0), col))];
    if (s.m !== undefined) setVars.push(m.local.set(env.vars.get(s.m.id)!, add(get(m0), i)));
    const value = vector ? emitVector(fb, s.store.value, s.n, env) : emitScalar(fb, s.store.value, env);
    return m.block(null, [...setVars, value], vector ? v128 : f32);
  };

  const kc0 = fb.addLocal(i32);
  const nc0 = fb.addLocal(i32);
  const nEnd = fb.addLocal(i32);
  const zero = (): Expr => fb.v128Const(new Uint8Array(16));
  /** An accumulator's start: 0 in the first k-block, else what C holds (`either`: kc0 = 0 decides). */
  const start = (first: First, fromZero: () => Expr, fromC: () => Expr): Expr =>
    first === 'either' ? m.select(m.i32.eqz(get(kc0)), fromZero(), fromC()) : first ? fromZero() : fromC();

  // the planner reserved packedPanelBytes(s) of scratch for this kernel when it is > 0, or
  // a copy of the whole B that the module's pack function fills (env.packed)
  const prepacked = env.packed ?? -1;
  const scratch = prepacked < 0 && env.scratch !== undefined && packedPanelBytes(s) > 0 ? env.scratch : -1;
  const packing = scratch >= 0 || prepacked >= 0;
  if (!packing && s.bN !== 1)
    throw new InternalError('codegen', `${kernel.name}: a strided B needs the packing scratch`);
  const packedTile = (nv: number): boolean => packing && nv === NV;
  // this call's slice: of the rows, or of the columns where B is read in place (kernel-range.ts;
  // its one n-block is all of n, so the slice's tiles are the ones a whole run has there)
  const colBounds = range?.id === s.n.id && !packing && s.bN === 1 ? range : undefined;
  // or of its n-blocks where it packs B per run (kernel-range.ts: each thread packs only its own)
  const blockBounds = range?.id === s.n.id && scratch >= 0 ? range : undefined;
  const bounds = colBounds === undefined && blockBounds === undefined ? range : undefined;
  if (bounds !== undefined && bounds.id !== s.m?.id)
    throw new InternalError('codegen', `${kernel.name}: a matmul's range must be over its rows or columns`);
  if (colBounds !== undefined) colBounds.used = true;
  if (blockBounds !== undefined) blockBounds.used = true;
  // a slice must start where a tile of the whole run starts (the widest: a single row's)
  if (colBounds !== undefined && COLUMN_UNIT % (4 * ROW_VECTORS) !== 0)
    throw new InternalError('codegen', `${kernel.name}: column slices of ${COLUMN_UNIT} split its tiles`);
  /** Bytes between consecutive k of B as the tile reads it. */
  const bStep = (nv: number): number => (packedTile(nv) ? W * 4 : s.bK * 4);
  const locals = scratch >= 0 ? packLocals(fb) : undefined;
  /** This thread's scratch: its own slice in a threaded build's split kernel (planned per thread). */
  const scratchAt = (): Expr =>
    env.threadScratch === true
      ? m.i32.add(
          m.i32.const(scratch),
          m.i32.mul(m.global.get(THREAD_ID_GLOBAL, i32), m.i32.const(packedPanelBytes(s))),
        )
      : m.i32.const(scratch);
  /**
   * Copies B[kc0 .. kc0 + kLen, nc0 .. nc0 + width] into scratch as strips of
   * kLen × W, the last padded with zero columns.
   */
  const windowLocals = scratch >= 0 && s.window !== undefined ? windowPackLocals(fb, s) : undefined;
  const windowTables = (): Expr => m.i32.add(scratchAt(), m.i32.const(panelBytes(s)));
  /**
   * Where full tiles exist, the pack leaves each interior strip of a window B to the block's
   * first row tile, which copies it as it computes (the copy's loads and stores run beside the
   * tile's multiplies; see docs/kernels.md): `on` is set when this call has a full row tile.
   */
  const leave =
    windowLocals !== undefined && s.window !== undefined && M >= TILE_ROWS
      ? {
          on: fb.addLocal(i32),
          records: (): Expr =>
            m.i32.add(windowTables(), m.i32.const(stripRecordsAt(s.window!, s.k.extent, s.n.extent))),
        }
      : undefined;
  /** The current strip's record (n0's strip of the block). */
  const stripRecord = (): Expr =>
    m.i32.add(leave!.records(), mulc(m.i32.sub(get(n0), get(nc0)), STRIP_RECORD_BYTES / W));
  const mFirst = fb.addLocal(i32);
  const [copySrc, copyK, copyAt] = [fb.addLocal(i32), fb.addLocal(i32), fb.addLocal(i32)];
  const pack = (kLen: number, width: number): Expr[] => {
    if (windowLocals !== undefined) {
      const xStart = addr(s.b.node.id);
      const xEnd = xStart + 4 * s.b.node.shape.reduce((a, d) => a * d, 1);
      const at = { xBase: pb0, xStart, xEnd, tables: windowTables, dst: scratchAt };
      return packWindowBlock(fb, s, windowLocals, at, nc0, kc0, kLen, width, leave);
    }
    if (locals === undefined) return [];
    const src = (): Expr => bBlockAt(fb, s, pb0, nc0, kc0);
    return packBlock({ fb, s, l: locals, src, dst: scratchAt, kLen }, width);
  };
  /** Where a packed tile's strip starts: in the block's scratch, or in the whole packed B. */
  const packedStrip = (kLen: number, width: number): Expr =>
    m.i32.add(
      prepacked >= 0 ? packedBlockAt(fb, s, prepacked, nc0, kc0, width) : scratchAt(),
      mulc(m.i32.sub(get(n0), get(nc0)), kLen * 4),
    );
  /**
   * One tile of `rows` × `nv` vectors (nv = 0: one scalar column) at (m0, n0)
   * over k in [kc0, kc0 + kLen). The first k-block starts from 0, later ones
   * from what C holds ('either': decided at run time by kc0 = 0, so the first
   * and the middle k-blocks share one copy of the code); only the last applies
   * the epilogue. `valid`: the tile's columns that exist (fewer in a padded
   * strip), loaded, stored and given the epilogue lane by lane.
   */
  const plainTile = (
    rows: number,
    nv: number,
    kLen: number,
    first: First,
    last: boolean,
    width: number,
    valid: number,
    copies: boolean,
  ): Expr[] => {
    const setup = [
      m.local.set(pa, m.i32.add(m.i32.add(get(pa0), mulc(get(m0), s.aM * 4)), mulc(get(kc0), s.aK * 4))),
      packedTile(nv)
        ? m.local.set(pb, packedStrip(kLen, width))
        : m.local.set(pb, m.i32.add(m.i32.add(get(pb0), mulc(get(n0), s.bN * 4)), mulc(get(kc0), s.bK * 4))),
      m.local.set(pc, m.i32.add(m.i32.add(get(pc0), mulc(get(m0), s.cM * 4)), mulc(get(n0), 4))),
    ];
    if (copies)
      setup.push(
        m.local.set(copySrc, m.i32.load(4, 4, stripRecord())),
        m.local.set(copyK, m.i32.add(add(windowTables(), windowTableOffsets(s).kAt(0)), mulc(get(kc0), 4))),
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
      if (copies) {
        // B from x at the strip's address + 4·(k's address part), stored into the packed strip too
        const at = m.i32.add(get(copySrc), m.i32.mul(m.i32.load(0, 4, get(copyK)), m.i32.const(4)));
        body.push(m.local.set(copyAt, at), m.local.set(copyK, add(get(copyK), 4)));
        for (let j = 0; j < nv; j++)
          body.push(
            m.local.set(bv[j]!, m.v128.load(j * 16, 4, get(copyAt))),
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
            m.local.set(
              c,
              env.relaxedSimd ? relaxedMadd(fb, a, b, sum) : m.f32x4.add(sum, m.f32x4.mul(a, b)),
            ),
          );
        }
      }
    }
    body.push(m.local.set(pa, add(get(pa), s.aK * 4)), m.local.set(pb, add(get(pb), bStep(nv))));
    for (let i = 0; i < rows; i++) {
      if (nv === 0) {
        const c = sacc[i]!;
        init.push(
          m.local.set(
            c,
            start(
              first,
              () => m.f32.const(0),
              () => m.f32.load(i * s.cM * 4, 4, get(pc)),
            ),
          ),
        );
        stores.push(
          m.f32.store(i * s.cM * 4, 4, get(pc), last ? epilogue(i, 0, c, false) : m.local.get(c, f32)),
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
              start(first, zero, () => m.v128.load(at, 4, get(pc))),
            ),
          );
          stores.push(
            m.v128.store(at, 4, get(pc), last ? epilogue(i, j * 4, c, true) : m.local.get(c, v128)),
          );
          continue;
        }
        // lane by lane: a whole vector would read and write past the row (the next row, or past C)
        const fromC = (): Expr => {
          let v = zero();
          for (let l = 0; l < lanes; l++) v = m.f32x4.replace_lane(v, l, m.f32.load(at + 4 * l, 4, get(pc)));
          return v;
        };
        init.push(m.local.set(c, lanes === 0 ? zero() : start(first, zero, fromC)));
        for (let l = 0; l < lanes; l++) {
          const lane = sacc[0]!;
          stores.push(
            m.local.set(lane, m.f32x4.extract_lane(m.local.get(c, v128), l)),
            m.f32.store(
              at + 4 * l,
              4,
              get(pc),
              last ? epilogue(i, j * 4 + l, lane, false) : m.local.get(lane, f32),
            ),
          );
        }
      }
    }
    // full register tiles only: a single-row tile over B in place (memory-bound) measured 9% slower
    const full = rows >= TILE_ROWS && nv === NV;
    if (full && packedTile(nv) && kLen > 0) {
      // B's pointer is the loop's variable (it steps W·4 > 0 bytes per k, and the loop runs at least
      // once): no counter to step and test beside it, one instruction less per k step (TurboFan's
      // copies of the step 26 -> 25; docs/kernels.md)
      const again = fb.label('k');
      const kLoop = m.loop(again, m.block(null, [...body, m.br(again, m.i32.ne(get(pb), get(pbEnd)))]));
      // pb = pbEnd after the loop: the wrappers' pbEnd < pb never holds
      const never = (): Expr => m.i32.lt_u(get(pbEnd), get(pb));
      return [
        ...setup,
        m.local.set(pbEnd, add(get(pb), kLen * bStep(nv))),
        ...init,
        fb.nestForUnrolling(kLoop, kk, kLen, never),
        ...stores,
      ];
    }
    const kLoop = fb.forLoop(kk, 0, kLen, 1, false, body);
    return [...setup, ...init, full ? fb.nestForUnrolling(kLoop, kk, kLen) : kLoop, ...stores];
  };

  /**
   * A tile (plainTile); a full packed tile of a window B in two copies where the pack leaves the
   * interior strips to the block's first row tile: that tile (m0 = mFirst) copies such a strip
   * (its record says so) as it computes, the others read the packed strip.
   */
  const tile = (
    rows: number,
    nv: number,
    kLen: number,
    first: First,
    last: boolean,
    width: number,
    valid = 4 * nv,
  ): Expr[] => {
    const plain = plainTile(rows, nv, kLen, first, last, width, valid, false);
    if (leave === undefined || rows < TILE_ROWS || !packedTile(nv) || kLen === 0) return plain;
    const copying = m.i32.and(m.i32.eq(get(m0), get(mFirst)), m.i32.load(0, 4, stripRecord()));
    const copy = plainTile(rows, nv, kLen, first, last, width, valid, true);
    return [m.if(copying, m.block(null, copy), m.block(null, plain))];
  };

  /** Tiles over the columns [nc0, nEnd) of the current n-block, for `rows` rows at m0. */
  const columns = (rows: number, kLen: number, first: First, last: boolean, width: number): Expr[] => {
    // only the loops that run (the widths are known): 8-column tiles, then a 4-column, then scalar,
    // or after the 8-column tiles one over a padded strip
    const out: Expr[] = [];
    let covered = 0;
    // single rows over B in place (no packing) take whole cache lines: 32 columns per tile
    const wide = rows === 1 && !packing && s.bN === 1 ? [[4 * ROW_VECTORS, ROW_VECTORS] as const] : [];
    // a packed B pads its last strip with zero columns: one more 8-column tile covers the rest
    const padded = packing && padsLastStrip(width, s.bN);
    const tails = padded
      ? []
      : ([
          [4, 1],
          [1, 0],
        ] as const);
    for (const [step, nv] of [...wide, [4 * NV, NV] as const, ...tails]) {
      const count = Math.floor((width - covered) / step);
      // a 4-column tile loads B as a vector: only where B is contiguous along n
      if (count === 0 || (nv === 1 && s.bN !== 1)) continue;
      const start = out.length === 0 ? (colBounds !== undefined ? get(colBounds.start) : get(nc0)) : null;
      out.push(fb.forRange(n0, start, nEnd, step, step > 1, tile(rows, nv, kLen, first, last, width)));
      covered += count * step;
    }
    if (padded) {
      const at = m.local.set(n0, m.i32.add(get(nc0), m.i32.const(covered)));
      out.push(at, ...tile(rows, NV, kLen, first, last, width, width - covered));
    }
    return out;
  };
  const rows: RowTiles = { M, tallToo, m0, end6: fb.addLocal(i32), bounds };
  const rowLoops = (body: (rows: number) => Expr[]): Expr[] => emitRowLoops(fb, rows, body);
  /** All rows for one k-block of the current n-block (`width` columns). */
  const kBlock = (kLen: number, first: First, last: boolean, width: number): Expr[] => [
    ...pack(kLen, width),
    ...rowLoops((rows) => columns(rows, kLen, first, last, width)),
  ];
  const blocks = packing ? cacheBlocks(s) : { kc: IN_PLACE_BLOCK_K, nc: s.n.extent };
  const nLoops = blockLoops(
    fb,
    s,
    nc0,
    kc0,
    (kLen, first, last, width) => [
      m.local.set(
        nEnd,
        colBounds !== undefined ? get(colBounds.end) : m.i32.add(get(nc0), m.i32.const(width)),
      ),
      ...kBlock(kLen, first, last, width),
    ],
    blocks,
    blockBounds === undefined
      ? undefined
      : { start: blockBounds.start, end: blockBounds.end, fullEnd: fb.addLocal(i32) },
  );
  const batchVars = s.batch;
  // batch variables folded into the rows stay 0: the epilogue's addresses move with m alone
  const pinned = s.folded.map((v) => m.local.set(env.vars.get(v.id)!, m.i32.const(0)));
  let inner: Expr[] = [...pinned, ...bases, ...nLoops];
  for (let i = batchVars.length - 1; i >= 0; i--) {
    const v = batchVars[i]!;
    inner = [fb.forLoop(env.vars.get(v.id)!, 0, v.extent, 1, false, inner)];
  }
  if (windowLocals !== undefined) inner = [...emitWindowTables(fb, s, env, windowTables), ...inner];
  if (leave !== undefined) {
    // the call's first row, and whether its first row tile is a full one (a slice of fewer rows has none)
    const firstRow = bounds === undefined ? m.i32.const(0) : get(bounds.start);
    const hasFull =
      bounds === undefined
        ? m.i32.const(1)
        : m.i32.ge_s(m.i32.sub(get(bounds.end), get(bounds.start)), m.i32.const(TILE_ROWS));
    inner = [m.local.set(mFirst, firstRow), m.local.set(leave.on, hasFull), ...inner];
  }
  return m.block(null, inner);
}
