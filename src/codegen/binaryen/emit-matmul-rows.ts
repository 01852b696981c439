/**
 * The row loops of the tiled matmul (emit-matmul.ts): how a call's rows split
 * into 6-row tiles (relaxed build, switched on at run time), 4-row tiles and
 * single rows, every row once and in order, so the sums are the same whichever
 * tiles run.
 */
import type Binaryen from 'binaryen';
import { TALL_TILES_EXPORT } from '../../common/manifest.js';
import { TILE_ROWS } from '../../passes/matmul-shape.js';
import type { FunctionBuilder } from './function-builder.js';
import type { RangeBounds } from './range-bounds.js';

type Expr = Binaryen.ExpressionRef;

/**
 * Rows of a full tile in the relaxed build: with fused multiply-adds no product register is
 * needed, so 12 accumulators, 2 vectors of B and a splat of A fit V8's 15 XMM registers. Zen 4
 * runs two FMAs a cycle at 4 cycles' latency, so the 4-row tile's 8 independent chains cap it
 * near 50 GF/s (an FMA loop with no loads: 8 chains 49.9, 12 chains 54.0 GF/s, Node 24); the
 * 6-row tile measured 512³ 5.39 -> 5.0 ms (docs/kernels.md).
 */
export const RELAXED_TILE_ROWS = 6;
/** The relaxed build's switch to its 6-row tiles (exported as TALL_TILES_EXPORT; 0 until the runtime sets it). */
const TALL_TILES_GLOBAL = 'tall_tiles';

/**
 * Multiply-adds below which a matmul keeps to 4-row tiles in the relaxed build too: its 6-row
 * tiles would be a second copy of the tile code for V8 to compile at load, for ~5% of a small
 * kernel's time. SqueezeNet's 1x1 convolutions (1.5-6M multiply-adds) without them: its relaxed
 * code 93 -> 78 KB, V8's optimizing compile 91 -> 62 ms CPU, load() + first run 160 -> 148 ms
 * on Node 26, steady 1.2% slower (docs/kernels.md "6-row tiles").
 */
export const TALL_MIN_MACS = 8_000_000;

/**
 * Whether a matmul of `M` rows and `work` (kernelWork: its multiply-adds, give or take the
 * epilogue's steps) carries 6-row tiles beside the 4-row ones (the relaxed build, M >= 6,
 * work >= TALL_MIN_MACS); adds the module's TALL_TILES_GLOBAL on first use.
 */
export function tallTiles(fb: FunctionBuilder, relaxedSimd: boolean, M: number, work: number): boolean {
  const m = fb.m;
  const tallToo = relaxedSimd && M >= RELAXED_TILE_ROWS && work >= TALL_MIN_MACS;
  if (tallToo && m.getGlobal(TALL_TILES_GLOBAL) === 0) {
    m.addGlobal(TALL_TILES_GLOBAL, fb.b.i32, true, m.i32.const(0));
    m.addGlobalExport(TALL_TILES_GLOBAL, TALL_TILES_EXPORT);
  }
  return tallToo;
}

/**
 * How `rows` rows split into [tiles of `tall` rows, tiles of TILE_ROWS rows, single rows]:
 * as many tall tiles as leave a remainder that TILE_ROWS-row tiles cover with fewest single
 * rows (with tall = 6: 8 rows as 4 + 4, 9 as 4 + 4 + 1, 14 as 6 + 4 + 4).
 */
export function rowSplit(rows: number, tall: number): [number, number, number] {
  let q = Math.floor(rows / tall);
  if (tall !== TILE_ROWS && q > 0 && [2, 3].includes(rows - q * tall)) q--;
  const rest = rows - q * tall;
  const short = Math.floor(rest / TILE_ROWS);
  return [q, short, rest - short * TILE_ROWS];
}

/** The rows one matmul call covers, and the i32 locals its row loops use. */
export interface RowTiles {
  /** All rows of the matmul. */
  readonly M: number;
  /** 6-row tiles too (tallTiles). */
  readonly tallToo: boolean;
  /** The row variable's local (the tile's first row). */
  readonly m0: number;
  /** The end of the 6-row tiles in a sliced call. */
  readonly end6: number;
  /** This call's slice of the rows, or all of them. */
  readonly bounds: RangeBounds | undefined;
}

/**
 * Row tiles over all the rows or this call's slice, continuing one row variable: in the
 * relaxed build first 6-row tiles where TALL_TILES_GLOBAL is set (as many as `rowSplit`
 * takes), then 4-row tiles, then single rows. A slice is whole units of TILE_ROWS rows
 * (kernel-range.ts): 8 rows run as 4 + 4, not 6 + 2 singles. The same sums in the same
 * order whichever tiles run: bit-identical either way.
 */
export function emitRowLoops(fb: FunctionBuilder, r: RowTiles, body: (rows: number) => Expr[]): Expr[] {
  const m = fb.m;
  const i32 = fb.b.i32;
  const get = (l: number): Expr => m.local.get(l, i32);
  const { M, tallToo, m0, end6, bounds } = r;
  // the row counts a call may get: all of M, or (sliced) whole units and the last slice's rest
  const counts = new Set([M]);
  if (bounds !== undefined) {
    bounds.used = true;
    for (let r = TILE_ROWS; r < M; r += TILE_ROWS) counts.add(r).add(M - r);
  }
  const splits = [...counts].flatMap((c) => [
    rowSplit(c, TILE_ROWS),
    ...(tallToo ? [rowSplit(c, RELAXED_TILE_ROWS)] : []),
  ]);
  const tallRuns = tallToo && splits.some(([tall]) => tall > 0);
  const shortRuns = splits.some(([tall, short], i) => (tallToo && i % 2 === 1 ? short : tall) > 0);
  const singleRuns = splits.some((sp) => sp[2] > 0);
  const ifTall = (body: Expr[]): Expr => m.if(m.global.get(TALL_TILES_GLOBAL, i32), m.block(null, body));
  const out: Expr[] = [m.local.set(m0, bounds === undefined ? m.i32.const(0) : get(bounds.start))];
  if (bounds === undefined) {
    const [tall] = rowSplit(M, RELAXED_TILE_ROWS);
    const loop = (h: number, end: number): Expr => fb.forLoop(m0, null, end, h, h > 1, body(h));
    if (tallRuns) out.push(ifTall([loop(RELAXED_TILE_ROWS, tall * RELAXED_TILE_ROWS)]));
    if (shortRuns) out.push(loop(TILE_ROWS, M));
    if (singleRuns) out.push(loop(1, M));
    return out;
  }
  if (tallRuns) {
    const h = RELAXED_TILE_ROWS;
    // end6 = m0 + h · (the tall tiles rowSplit takes of end - m0)
    const r = (): Expr => m.i32.sub(get(bounds.end), get(m0));
    const q = (): Expr => m.i32.div_u(r(), m.i32.const(h));
    const rem = (): Expr => m.i32.sub(r(), m.i32.mul(q(), m.i32.const(h)));
    // q > 0 and rem in {2, 3}: one tall tile fewer, its rows as two 4-row tiles
    const fewer = m.i32.and(
      m.i32.le_u(m.i32.sub(rem(), m.i32.const(2)), m.i32.const(1)),
      m.i32.ne(q(), m.i32.const(0)),
    );
    out.push(
      ifTall([
        m.local.set(end6, m.i32.add(get(m0), m.i32.mul(m.i32.sub(q(), fewer), m.i32.const(h)))),
        fb.forRange(m0, null, end6, h, true, body(h)),
      ]),
    );
  }
  if (shortRuns) out.push(fb.forRange(m0, null, bounds.end, TILE_ROWS, true, body(TILE_ROWS)));
  if (singleRuns) out.push(fb.forRange(m0, null, bounds.end, 1, false, body(1)));
  return out;
}
