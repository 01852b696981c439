/**
 * The tiled f32 matmul (geometry and matching in passes/matmul-shape.ts): the
 * loops that place its register tiles (emit-matmul-tile.ts) over C. Cache
 * blocks of BLOCK_K × BLOCK_N, each n-block's k-blocks in order
 * (emit-matmul-pack.ts: the block order, and the copies of B, per run into
 * the kernel's scratch or once for a param or constant B; a window B packed
 * from x by emit-matmul-window-pack.ts, its interior strips left to the
 * block's first row tile); in each block the row tiles (emit-matmul-rows.ts:
 * TILE_ROWS rows, RELAXED_TILE_ROWS in the relaxed build, then single rows)
 * and, per row tile, full 8-column tiles reading B's packed strips, then
 * 4-column tiles and a scalar column reading B in place, or, where B is
 * packed, the 8-column tile over its last strip padded with zero columns,
 * storing only the real columns. A threaded call's slice (of the rows, the
 * columns or the n-blocks) runs the tiles a whole run runs there: the same
 * sums in the same order. Other matmuls take the generic path.
 */
import type Binaryen from 'binaryen';
import { InternalError } from '../../common/errors.js';
import * as ix from '../../passes/index-expr.js';
import type { Kernel } from '../../passes/kernel.js';
import { kernelWork } from '../../passes/kernel-range.js';
import {
  matchMatmulOperands,
  packedPanelBytes,
  padsLastStrip,
  threadScratchBytes,
  wholePackedBytes,
  panelBytes,
  cacheBlocks,
  COLUMN_UNIT,
  STRIP_COLUMNS,
  TILE_ROWS,
  TILE_VECTORS,
  type MatmulShape,
} from '../../passes/matmul-shape.js';
import { stripRecordsAt } from '../../passes/matmul-window.js';
import { packsWholeOf } from '../../passes/thread-claims.js';
import { addressOps } from './address-ops.js';
import { emitIndex } from './emit-index.js';
import { isVectorizable, type ExprEnv } from './emit-expr.js';
import {
  basePart,
  bBlockAt,
  blockLoops,
  packedBlockAt,
  packedStripAt,
  packBlock,
  packLocals,
} from './emit-matmul-pack.js';
import { emitRowLoops, RELAXED_TILE_ROWS, tallTiles, type RowTiles } from './emit-matmul-rows.js';
import {
  emitTile,
  tileCopyLocals,
  tileLocals,
  type TileBlock,
  type TileContext,
} from './emit-matmul-tile.js';
import { emitWindowTables, packWindowBlock, windowPackLocals } from './emit-matmul-window-pack.js';
import { PACK_SKIP_GLOBAL, THREAD_ID_GLOBAL } from './emit-threads.js';
import type { FunctionBuilder } from './function-builder.js';
import type { RangeBounds } from './range-bounds.js';

type Expr = Binaryen.ExpressionRef;

const NV = TILE_VECTORS;
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
  const out = s.store;
  const addr = (nodeId: number): number => env.addresses.get(nodeId) ?? 0;
  const M = s.m?.extent ?? 1;
  const { get, add, mulc } = addressOps(fb);
  // the relaxed build carries 6-row tiles beside the 4-row ones where M has 6 rows and the
  // matmul is not small, chosen at run time by TALL_TILES_GLOBAL (set by the runtime on engines
  // that compile them well)
  const tallToo = tallTiles(fb, env.relaxedSimd, M, kernelWork(kernel));
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
  const l = tileLocals(fb, MAX_ROWS);
  const kc0 = fb.addLocal(i32);
  const nc0 = fb.addLocal(i32);
  const nEnd = fb.addLocal(i32);

  // the planner reserved packedPanelBytes(s) of scratch for this kernel when it is > 0, or
  // a copy of the whole B that the module's pack function fills (env.packed)
  const prepacked = env.packed ?? -1;
  const scratch = prepacked < 0 && env.scratch !== undefined && packedPanelBytes(s) > 0 ? env.scratch : -1;
  const packing = scratch >= 0 || prepacked >= 0;
  // a split kernel's threads each pack all of B in their first call of a run; later calls
  // (pack_skip set) read it
  const whole = scratch >= 0 && env.threadScratch === true && packsWholeOf(kernel);
  const skipping = (): Expr => m.global.get(PACK_SKIP_GLOBAL, i32);
  if (!packing && s.bN !== 1)
    throw new InternalError('codegen', `${kernel.name}: a strided B needs the packing scratch`);
  // this call's slice: of the rows, or of the columns where B is read in place (kernel-range.ts;
  // its one n-block is all of n, so the slice's tiles are the ones a whole run has there)
  const colBounds = range?.id === s.n.id && !packing && s.bN === 1 ? range : undefined;
  // or of its n-blocks where it packs B per run, plainly or a window B from x (kernel-range.ts:
  // each thread packs only its own; a piece of a block starts its packing at nc0, mid-block), or
  // reads B packed once (each thread reads only its columns' strips: packedStripAt)
  const blockBounds = range?.id === s.n.id && (scratch >= 0 || prepacked >= 0) ? range : undefined;
  const bounds = colBounds === undefined && blockBounds === undefined ? range : undefined;
  if (bounds !== undefined && bounds.id !== s.m?.id)
    throw new InternalError('codegen', `${kernel.name}: a matmul's range must be over its rows or columns`);
  if (colBounds !== undefined) colBounds.used = true;
  if (blockBounds !== undefined) blockBounds.used = true;
  // a slice must start where a tile of the whole run starts (the widest: a single row's)
  if (colBounds !== undefined && COLUMN_UNIT % (4 * ROW_VECTORS) !== 0)
    throw new InternalError('codegen', `${kernel.name}: column slices of ${COLUMN_UNIT} split its tiles`);
  const locals = scratch >= 0 ? packLocals(fb) : undefined;
  /** This thread's scratch: its own slice in a threaded build's split kernel (planned per thread). */
  const scratchAt = (): Expr =>
    env.threadScratch === true
      ? m.i32.add(
          m.i32.const(scratch),
          m.i32.mul(m.global.get(THREAD_ID_GLOBAL, i32), m.i32.const(threadScratchBytes(s, whole))),
        )
      : m.i32.const(scratch);
  const windowLocals = scratch >= 0 && s.window !== undefined ? windowPackLocals(fb, s) : undefined;
  const windowTables = (): Expr =>
    m.i32.add(scratchAt(), m.i32.const(whole ? wholePackedBytes(s) : panelBytes(s)));
  /** Where block (kc0, nc0)'s strips are: the block's scratch, all of B packed in scratch, or B packed once. */
  const stripsAt = (width: number, kLen: number): Expr =>
    prepacked >= 0
      ? blockBounds !== undefined
        ? packedStripAt(fb, s, m.i32.const(prepacked), nc0, kc0, kLen)
        : packedBlockAt(fb, s, m.i32.const(prepacked), nc0, kc0, width)
      : whole
        ? packedBlockAt(fb, s, scratchAt(), nc0, kc0, width)
        : scratchAt();
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
  const copyLocals = tileCopyLocals(fb);
  // a block of whole strips ending at run time (blockRangeLoops) packs (end - nc0) / 8 strips
  const stripCount = blockBounds !== undefined ? fb.addLocal(i32) : -1;
  if (STRIP_COLUMNS !== 8) throw new InternalError('codegen', 'a strip count by shift needs 8-column strips');
  /**
   * Copies block (kc0, nc0) of B — `kLen` rows of k, `width` columns — into scratch as
   * strips of kLen × STRIP_COLUMNS, the last padded with zero columns (a window B: from x,
   * see packWindowBlock); with `end`, a piece of whole strips up to that local's column.
   */
  const pack = (kLen: number, width: number, end?: number): Expr[] => {
    const dynamic = end !== undefined;
    if (dynamic && stripCount < 0)
      throw new InternalError(
        'codegen',
        `${kernel.name}: a block ending at run time, without a range over its n-blocks`,
      );
    const count = dynamic
      ? [m.local.set(stripCount, m.i32.shr_s(m.i32.sub(get(end), get(nc0)), m.i32.const(3)))]
      : [];
    const strips = dynamic ? { strips: stripCount } : {};
    if (windowLocals !== undefined) {
      const xStart = addr(s.b.node.id);
      const xEnd = xStart + 4 * s.b.node.shape.reduce((a, d) => a * d, 1);
      const at = { xBase: pb0, xStart, xEnd, tables: windowTables, dst: () => stripsAt(width, kLen) };
      const blockStrips = dynamic ? stripCount : undefined;
      const packed = [
        ...count,
        ...packWindowBlock(fb, s, windowLocals, at, nc0, kc0, kLen, width, leave, blockStrips),
      ];
      return whole ? [m.if(m.i32.eqz(skipping()), m.block(null, packed))] : packed;
    }
    if (locals === undefined) return [];
    const src = (): Expr => bBlockAt(fb, s, pb0, nc0, kc0);
    const packed = packBlock(
      { fb, s, l: locals, src, dst: () => stripsAt(width, kLen), kLen, ...strips },
      width,
    );
    return whole
      ? [m.if(m.i32.eqz(skipping()), m.block(null, [...count, ...packed]))]
      : [...count, ...packed];
  };
  const tiles: TileContext = {
    fb,
    s,
    env,
    pa0,
    pb0,
    pc0,
    m0,
    n0,
    nc0,
    kc0,
    l,
    packing,
    // the block's strips: in the block's scratch, or in the whole packed B
    blockStrips: stripsAt,
    copy: leave === undefined ? undefined : { ...copyLocals, records: leave.records, tables: windowTables },
  };

  /** Tiles over the columns [nc0, nEnd) of the current n-block, for `rows` rows at m0. */
  const columns = (rows: number, block: TileBlock): Expr[] => {
    const { width } = block;
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
      out.push(fb.forRange(n0, start, nEnd, step, step > 1, emitTile(tiles, block, rows, nv)));
      covered += count * step;
    }
    if (padded) {
      const at = m.local.set(n0, m.i32.add(get(nc0), m.i32.const(covered)));
      out.push(at, ...emitTile(tiles, block, rows, NV, width - covered));
    }
    return out;
  };
  const rows: RowTiles = { M, tallToo, m0, end6: fb.addLocal(i32), bounds };
  const rowLoops = (body: (rows: number) => Expr[]): Expr[] => emitRowLoops(fb, rows, body);
  /** All rows for one k-block of the current n-block (`width` columns, or up to the local `end`). */
  const kBlock = (block: TileBlock, end?: number): Expr[] => [
    ...pack(block.kLen, block.width, end),
    ...rowLoops((rows) => columns(rows, block)),
  ];
  const blocks = packing ? cacheBlocks(s) : { kc: IN_PLACE_BLOCK_K, nc: s.n.extent };
  const nLoops = blockLoops(
    fb,
    s,
    nc0,
    kc0,
    (kLen, first, last, width, end) => [
      m.local.set(
        nEnd,
        colBounds !== undefined
          ? get(colBounds.end)
          : end !== undefined
            ? get(end)
            : m.i32.add(get(nc0), m.i32.const(width)),
      ),
      ...kBlock({ kLen, first, last, width }, end),
    ],
    blocks,
    blockBounds === undefined
      ? undefined
      : {
          start: blockBounds.start,
          end: blockBounds.end,
          limit: fb.addLocal(i32),
          blockEnd: fb.addLocal(i32),
        },
  );
  const batchVars = s.batch;
  // batch variables folded into the rows stay 0: the epilogue's addresses move with m alone
  const pinned = s.folded.map((v) => m.local.set(env.vars.get(v.id)!, m.i32.const(0)));
  let inner: Expr[] = [...pinned, ...bases, ...nLoops];
  for (let i = batchVars.length - 1; i >= 0; i--) {
    const v = batchVars[i]!;
    inner = [fb.forLoop(env.vars.get(v.id)!, 0, v.extent, 1, false, inner)];
  }
  if (windowLocals !== undefined)
    inner = [...emitWindowTables(fb, s, env, windowTables, blockBounds), ...inner];
  if (leave !== undefined) {
    // the call's first row, and whether its first row tile is a full one (a slice of fewer rows has none)
    const called = bounds === undefined ? m.i32.const(0) : get(bounds.start);
    // a call that reads all of B packed by an earlier one copies no strip (no row is the first)
    const firstRow = whole ? m.select(skipping(), m.i32.const(-1), called) : called;
    const hasFull =
      bounds === undefined
        ? m.i32.const(1)
        : m.i32.ge_s(m.i32.sub(get(bounds.end), get(bounds.start)), m.i32.const(TILE_ROWS));
    inner = [m.local.set(copyLocals.mFirst, firstRow), m.local.set(leave.on, hasFull), ...inner];
  }
  return m.block(null, inner);
}
