/**
 * Packing a window B (implicit GEMM, passes/matmul-window.ts) for the tiled
 * matmul: per call, the k and n tables of the window's address and guard
 * parts in the kernel's scratch, then each block packed straight from x into
 * the strips of kLen × 8 floats the tiles read (emit-matmul-pack.ts' layout),
 * or, for interior strips, a record that the block's first row tile copies
 * them (emit-matmul-tile.ts); a lane outside a guard packs 0, never what x holds there.
 */
import type Binaryen from 'binaryen';
import { InternalError } from '../../common/errors.js';
import { cacheBlocks, packedStrips, STRIP_COLUMNS, type MatmulShape } from '../../passes/matmul-shape.js';
import { STRIP_RECORD_BYTES, tapPeriod, windowColumns, type TapPeriod } from '../../passes/matmul-window.js';
import { emitIndex } from './emit-index.js';
import type { ExprEnv } from './emit-expr.js';
import type { FunctionBuilder } from './function-builder.js';

type Expr = Binaryen.ExpressionRef;

const W = STRIP_COLUMNS;

/**
 * Byte offsets of a window B's tables (passes/matmul-window.ts), after the
 * packed block in the kernel's scratch: the address part per k, each guard's
 * part per k, the address part per n, each guard's part per n (i32 each).
 */
export function windowTableOffsets(s: MatmulShape): {
  kAt: (g: number) => number;
  nAt: (g: number) => number;
} {
  const w = s.window;
  if (w === undefined) throw new InternalError('codegen', 'window tables of a matmul without a window B');
  const K = s.k.extent;
  const columns = windowColumns(s.n.extent);
  const nStart = (1 + w.guards.length) * K * 4;
  // g = 0: the address part; g = 1 + i: guard i's part
  return { kAt: (g) => g * K * 4, nAt: (g) => nStart + g * columns * 4 };
}

/** A guard's part of a padded column: far below 0, so the guard fails and the column packs zeros. */
const FAILS_GUARD = -(1 << 30);

/**
 * Fills a window B's tables at byte address `tables()`: for every k the
 * address part and each guard's part, for every n (then the padded columns
 * to a whole strip) the same. K + N index evaluations per call; with
 * `columns` (a call over part of the n-blocks: i32 locals holding its first
 * column and its end) only that part's n entries, as only its strips are
 * packed: a thread's part of a split, or a claimed piece, does not repeat
 * the others' (ResNet-50's 56x56 3x3 convs: 3136 columns per call).
 */
export function emitWindowTables(
  fb: FunctionBuilder,
  s: MatmulShape,
  env: ExprEnv,
  tables: () => Expr,
  columns?: { readonly start: number; readonly end: number },
): Expr[] {
  const m = fb.m;
  const i32 = fb.b.i32;
  const w = s.window;
  if (w === undefined) throw new InternalError('codegen', 'window tables of a matmul without a window B');
  const { kAt, nAt } = windowTableOffsets(s);
  const kLocal = env.vars.get(s.k.id);
  const nLocal = env.vars.get(s.n.id);
  if (kLocal === undefined || nLocal === undefined)
    throw new InternalError('codegen', 'a window B needs locals for k and n');
  const at = (local: number): Expr => m.i32.add(tables(), m.i32.mul(m.local.get(local, i32), m.i32.const(4)));
  const kRow = [w.kPart, ...w.guards.map((g) => g.kPart)].map((e, g) =>
    m.i32.store(kAt(g), 4, at(kLocal), emitIndex(fb, e, env)),
  );
  const nRow = [w.nPart, ...w.guards.map((g) => g.nPart)].map((e, g) =>
    m.i32.store(nAt(g), 4, at(nLocal), emitIndex(fb, e, env)),
  );
  const N = s.n.extent;
  const padding: Expr[] = [];
  for (let c = N; c < windowColumns(N); c++)
    for (let g = 0; g <= w.guards.length; g++)
      padding.push(m.i32.store(nAt(g) + c * 4, 4, tables(), m.i32.const(g === 0 ? 0 : FAILS_GUARD)));
  const nLoop =
    columns === undefined
      ? fb.forLoop(nLocal, 0, N, 1, false, nRow)
      : fb.forRange(nLocal, m.local.get(columns.start, i32), columns.end, 1, false, nRow);
  return [fb.forLoop(kLocal, 0, s.k.extent, 1, false, kRow), nLoop, ...padding];
}

/** Locals of the window packing. */
export interface WindowPackLocals {
  readonly strip: number;
  readonly row: number;
  /** Byte address of this strip's first column's entries in the n tables (relative to the tables). */
  readonly pn: number;
  /** Byte offset of the current k's entries in the k tables. */
  readonly pk: number;
  readonly pdst: number;
  /** x's address of the strip's first column at k's part 0 (bytes). */
  readonly src: number;
  /** The strip's columns are consecutive in x (address part n0 + l for lane l). */
  readonly contiguous: number;
  /** Every guard holds on every lane for every k (no check per row). */
  readonly inside: number;
  readonly off: number;
  /** Per guard: the lowest and highest n part over the strip's lanes, then the current k's part. */
  readonly lo: readonly number[];
  readonly hi: readonly number[];
  readonly gk: readonly number[];
  /** k's parts as taps repeating per channel (tapPeriod), when they do. */
  readonly period: TapPeriod | undefined;
  /** Per tap, the two lane masks of a border strip (v128: all ones where every guard holds). */
  readonly masks: readonly (readonly [number, number])[];
}

export function windowPackLocals(fb: FunctionBuilder, s: MatmulShape): WindowPackLocals {
  const i32 = fb.b.i32;
  const add = (): number => fb.addLocal(i32);
  const guards = s.window?.guards.length ?? 0;
  const each = (): number[] => Array.from({ length: guards }, add);
  // border strips take the masked copy only where there are guards to mask
  const period = s.window !== undefined && guards > 0 ? tapPeriod(s.window, s.k) : undefined;
  return {
    strip: add(),
    row: add(),
    pn: add(),
    pk: add(),
    pdst: add(),
    src: add(),
    contiguous: add(),
    inside: add(),
    off: add(),
    lo: each(),
    hi: each(),
    gk: each(),
    period,
    masks: (period?.taps ?? []).map(() => [fb.addLocal(fb.b.v128), fb.addLocal(fb.b.v128)] as const),
  };
}

/**
 * Packs block (kc0, nc0) of a window B — `width` columns, `kLen` rows of k —
 * from x into `dst()` as strips of kLen × W floats, reading x at
 * `xBase` + 4·(k part + n part). Per strip: whether its lanes are consecutive
 * in x, and each guard's lowest and highest n part. A strip whose guards hold
 * for every k (the interior) copies two vectors per k with no check; others
 * check each k's guards against the strip's bounds and copy two vectors when
 * all lanes are in range, else lane by lane (0 where a guard fails).
 */
export function packWindowBlock(
  fb: FunctionBuilder,
  s: MatmulShape,
  l: WindowPackLocals,
  at: {
    readonly xBase: number;
    /** x's buffer, [xStart, xEnd) in bytes: a whole-vector read must stay inside it. */
    readonly xStart: number;
    readonly xEnd: number;
    readonly tables: () => Expr;
    readonly dst: () => Expr;
  },
  nc0: number,
  kc0: number,
  kLen: number,
  width: number,
  /**
   * The block's first row tile copies the interior strips itself (emit-matmul-tile.ts), when the
   * i32 local `on` is set: the pack then only records each strip (stripRecordsAt) at `records()`.
   */
  leave?: { readonly on: number; readonly records: () => Expr },
  /** An i32 local holding the block's strips when only run time knows them (`width` is then the most). */
  stripCount?: number,
): Expr[] {
  const m = fb.m;
  const i32 = fb.b.i32;
  const w = s.window;
  if (w === undefined) throw new InternalError('codegen', 'window packing of a matmul without a window B');
  const { kAt, nAt } = windowTableOffsets(s);
  const get = (local: number): Expr => m.local.get(local, i32);
  const set = (local: number, v: Expr): Expr => m.local.set(local, v);
  const add = (a: Expr, b: Expr): Expr => m.i32.add(a, b);
  const c = (v: number): Expr => m.i32.const(v);
  const guards = w.guards;
  const nEntry = (g: number, lane: number): Expr => m.i32.load(nAt(g) + lane * 4, 4, get(l.pn));
  const kEntry = (g: number): Expr => m.i32.load(kAt(g), 4, get(l.pk));
  // per strip: where its lanes are, and each guard's bounds over them
  const stripSetup: Expr[] = [
    set(l.pn, add(at.tables(), m.i32.mul(add(get(nc0), m.i32.mul(get(l.strip), c(W))), c(4)))),
    set(l.src, add(get(at.xBase), m.i32.mul(nEntry(0, 0), c(4)))),
    set(l.contiguous, c(1)),
  ];
  for (let lane = 1; lane < W; lane++)
    stripSetup.push(
      set(l.contiguous, m.i32.and(get(l.contiguous), m.i32.eq(nEntry(0, lane), add(nEntry(0, 0), c(lane))))),
    );
  stripSetup.push(set(l.inside, get(l.contiguous)));
  guards.forEach((g, i) => {
    stripSetup.push(set(l.lo[i]!, nEntry(i + 1, 0)), set(l.hi[i]!, nEntry(i + 1, 0)));
    for (let lane = 1; lane < W; lane++)
      stripSetup.push(
        set(l.off, nEntry(i + 1, lane)),
        set(l.lo[i]!, m.select(m.i32.lt_s(get(l.off), get(l.lo[i]!)), get(l.off), get(l.lo[i]!))),
        set(l.hi[i]!, m.select(m.i32.gt_s(get(l.off), get(l.hi[i]!)), get(l.off), get(l.hi[i]!))),
      );
    // lo + kLo >= 0 and hi + kHi < size: in range for every k
    stripSetup.push(
      set(
        l.inside,
        m.i32.and(
          get(l.inside),
          m.i32.and(
            m.i32.ge_s(add(get(l.lo[i]!), c(g.kRange.lo)), c(0)),
            m.i32.lt_s(add(get(l.hi[i]!), c(g.kRange.hi)), c(g.size)),
          ),
        ),
      ),
    );
  });
  stripSetup.push(
    set(l.pdst, add(at.dst(), m.i32.mul(get(l.strip), c(kLen * W * 4)))),
    set(l.pk, add(at.tables(), m.i32.mul(get(kc0), c(4)))),
  );
  /** Two vectors of x at src + 4·(k's address part) into the strip's row. */
  const copyRow = (): Expr[] => [
    set(l.off, add(get(l.src), m.i32.mul(kEntry(0), c(4)))),
    m.v128.store(0, 4, get(l.pdst), m.v128.load(0, 4, get(l.off))),
    m.v128.store(16, 4, get(l.pdst), m.v128.load(16, 4, get(l.off))),
  ];
  const advance = (): Expr[] => [set(l.pdst, add(get(l.pdst), c(W * 4))), set(l.pk, add(get(l.pk), c(4)))];
  const interior = fb.forLoop(l.row, 0, kLen, 1, false, [...copyRow(), ...advance()]);
  // border strips: this k's guard parts, then all lanes in range -> vectors, else lane by lane
  const rowAllIn = guards.reduce<Expr>(
    (acc, g, i) =>
      m.i32.and(
        acc,
        m.i32.and(
          m.i32.ge_s(add(get(l.lo[i]!), get(l.gk[i]!)), c(0)),
          m.i32.lt_s(add(get(l.hi[i]!), get(l.gk[i]!)), c(g.size)),
        ),
      ),
    get(l.contiguous),
  );
  const lanes: Expr[] = [];
  for (let lane = 0; lane < W; lane++) {
    const ok = guards.reduce<Expr>(
      (acc, g, i) => m.i32.and(acc, m.i32.lt_u(add(nEntry(i + 1, lane), get(l.gk[i]!)), c(g.size))),
      c(1),
    );
    const value = m.if(
      ok,
      m.f32.load(0, 4, add(get(at.xBase), m.i32.mul(add(nEntry(0, lane), kEntry(0)), c(4)))),
      m.f32.const(0),
    );
    lanes.push(m.f32.store(lane * 4, 4, get(l.pdst), value));
  }
  // a consecutive strip whose two vectors lie inside x's buffer: load them whole and zero the
  // lanes a guard excludes (by a mask, so whatever x holds there never enters)
  const masked: Expr[] = [0, 1].map((h) => {
    const mask = guards.reduce<Expr | undefined>((acc, g, i) => {
      const index = m.i32x4.add(m.v128.load(nAt(i + 1) + 16 * h, 4, get(l.pn)), m.i32x4.splat(get(l.gk[i]!)));
      const ok = m.i32x4.lt_u(index, m.i32x4.splat(c(g.size)));
      return acc === undefined ? ok : m.v128.and(acc, ok);
    }, undefined);
    const value = m.v128.load(16 * h, 4, get(l.off));
    return m.v128.store(16 * h, 4, get(l.pdst), mask === undefined ? value : m.v128.and(value, mask));
  });
  const inBuffer = m.i32.and(
    get(l.contiguous),
    m.i32.and(m.i32.ge_u(get(l.off), c(at.xStart)), m.i32.le_u(get(l.off), c(at.xEnd - W * 4))),
  );
  const border = fb.forLoop(l.row, 0, kLen, 1, false, [
    ...guards.map((_, i) => set(l.gk[i]!, kEntry(i + 1))),
    set(l.off, add(get(l.src), m.i32.mul(kEntry(0), c(4)))),
    m.if(rowAllIn, m.block(null, copyRow()), m.if(inBuffer, m.block(null, masked), m.block(null, lanes))),
    ...advance(),
  ]);
  const strips = packedStrips(width, s.bN);
  const stripLoop = (body: Expr[]): Expr =>
    stripCount === undefined
      ? fb.forLoop(l.strip, 0, strips, 1, false, body)
      : fb.forRange(l.strip, c(0), stripCount, 1, false, body);
  const period = l.period;
  // whole channels in this block and in every block before it (kc0 a multiple of the taps)
  const periodic =
    period !== undefined && kLen % period.taps.length === 0 && cacheBlocks(s).kc % period.taps.length === 0;
  const outside = periodic ? maskedBorder(fb, l, period, guards, nAt, at, kc0, kLen, border) : border;
  if (leave === undefined) return [stripLoop([...stripSetup, m.if(get(l.inside), interior, outside)])];
  // the record: whether the first row tile copies this strip (interior, and `on`), and its x address
  const record = (): Expr => add(leave.records(), m.i32.mul(get(l.strip), c(STRIP_RECORD_BYTES)));
  const recorded = [
    m.i32.store(0, 4, record(), m.i32.and(get(l.inside), get(leave.on))),
    m.i32.store(4, 4, record(), get(l.src)),
  ];
  const copy = m.if(get(l.inside), m.if(get(leave.on), m.nop(), interior), outside);
  return [stripLoop([...stripSetup, ...recorded, copy])];
}

/**
 * A border strip of a window B whose k parts repeat per channel (tapPeriod;
 * kc0 and kLen whole channels): which lanes a guard excludes depends on the
 * tap alone, so the strip computes one mask per tap and vector once, then
 * copies each k as two vectors of x at a constant offset from the channel's
 * pointer, masked (`v128.and`: what x holds outside the padding never
 * enters; 0 as the lane-by-lane path stores). Only where the strip's lanes
 * are consecutive and every whole-vector read of every k lies inside x's
 * buffer; else `otherwise` (the per-k checks). The same values as the per-k
 * path, bit for bit.
 */
function maskedBorder(
  fb: FunctionBuilder,
  l: WindowPackLocals,
  period: TapPeriod,
  guards: readonly { readonly size: number }[],
  nAt: (g: number) => number,
  at: { readonly xStart: number; readonly xEnd: number },
  kc0: number,
  kLen: number,
  otherwise: Expr,
): Expr {
  const m = fb.m;
  const i32 = fb.b.i32;
  const v128 = fb.b.v128;
  const get = (local: number): Expr => m.local.get(local, i32);
  const c = (v: number): Expr => m.i32.const(v);
  const { taps, stride, guardTaps } = period;
  const T = taps.length;
  const channels = kLen / T;
  // offsets from the lowest tap keep every memarg offset >= 0
  const lo = Math.min(...taps);
  const hi = Math.max(...taps);
  const setup: Expr[] = [];
  taps.forEach((_, t) =>
    [0, 1].forEach((h) => {
      const mask = guards
        .map((g, i) => {
          const part = m.v128.load(nAt(i + 1) + 16 * h, 4, get(l.pn));
          return m.i32x4.lt_u(
            m.i32x4.add(part, m.i32x4.splat(c(guardTaps[i]![t]!))),
            m.i32x4.splat(c(g.size)),
          );
        })
        .reduce((a, b) => m.v128.and(a, b));
      setup.push(m.local.set(l.masks[t]![h]!, mask));
    }),
  );
  const step: Expr[] = [];
  taps.forEach((tap, t) =>
    [0, 1].forEach((h) => {
      const value = m.v128.load((tap - lo) * 4 + 16 * h, 4, get(l.off));
      const masked = m.v128.and(value, m.local.get(l.masks[t]![h]!, v128));
      step.push(m.v128.store(t * W * 4 + 16 * h, 4, get(l.pdst), masked));
    }),
  );
  step.push(
    m.local.set(l.off, m.i32.add(get(l.off), c(stride * 4))),
    m.local.set(l.pdst, m.i32.add(get(l.pdst), c(T * W * 4))),
  );
  // x at k = kc0 (whole channels), lowest tap: src + 4·(lo + (kc0 / T)·stride)
  const first = m.i32.add(
    m.i32.add(get(l.src), c(lo * 4)),
    m.i32.mul(m.i32.div_u(get(kc0), c(T)), c(stride * 4)),
  );
  // the reads span [first, first + 4·((channels - 1)·stride + hi - lo) + 32)
  const span = 4 * ((channels - 1) * stride + hi - lo) + W * 4;
  // no strip of this block fits in x (its channels span more than x): the per-k checks only
  if (at.xEnd - span < at.xStart) return otherwise;
  const fits = m.i32.and(
    get(l.contiguous),
    m.i32.and(m.i32.ge_u(get(l.off), c(at.xStart)), m.i32.le_u(get(l.off), c(at.xEnd - span))),
  );
  return m.block(null, [
    m.local.set(l.off, first),
    m.if(fits, m.block(null, [...setup, fb.forLoop(l.row, 0, channels, 1, false, step)]), otherwise),
  ]);
}
