/**
 * Implicit GEMM: a matmul whose B is a convolution's windows (an `unfold`
 * left unstored, choose-materialized.ts) read straight from the conv's input
 * x. Its element B[k, n] is x at an address that splits into a part in k (the
 * tap: channel and kernel offsets), a part in n (the output position) and a
 * batch part, 0 where a padding guard fails; each guard's index splits the
 * same way. The tiled matmul packs B's strips from x through per-run tables of
 * these parts (emit-matmul-pack.ts), instead of a kernel first copying every
 * window into a buffer 9x the input (3x3) that the packing then copies again.
 */
import * as ix from './index-expr.js';
import type { IndexExpr, LoopVar, Range } from './index-expr.js';
import type { KExpr } from './kernel.js';

type Load = Extract<KExpr, { k: 'load' }>;

/** A padding guard of B: holds when kPart(k) + nPart(n) lies in [0, size). */
export interface WindowGuard {
  readonly kPart: IndexExpr;
  readonly nPart: IndexExpr;
  readonly size: number;
  /** Bounds of kPart over all k (conservative: a strip inside them for every k needs no check). */
  readonly kRange: Range;
}

/** How B[k, n] reads x: x.flat[base + kPart(k) + nPart(n)] when every guard holds, else 0. */
export interface WindowOperand {
  /** The load of x inside B's expression. */
  readonly x: Load;
  /** The batch part of the address (batch variables and a constant), in elements. */
  readonly base: IndexExpr;
  readonly kPart: IndexExpr;
  readonly nPart: IndexExpr;
  readonly guards: readonly WindowGuard[];
}

/** `e` with every `within` atom replaced by its expression (the guards establish its range). */
function opened(e: IndexExpr): IndexExpr {
  let out = ix.constant(e.c);
  for (const t of e.terms) {
    const atom: IndexExpr =
      t.atom.kind === 'within' ? opened(t.atom.e) : { c: 0, terms: [{ coef: 1, atom: t.atom }] };
    out = ix.add(out, ix.scale(atom, t.coef));
  }
  return out;
}

/** `e` as rest + a part in k only + a part in n only, or undefined when a term mixes them (or reads a gather). */
function split(
  e: IndexExpr,
  k: LoopVar,
  n: LoopVar,
): { rest: IndexExpr; kPart: IndexExpr; nPart: IndexExpr } | undefined {
  const parts = { rest: ix.constant(e.c), kPart: ix.ZERO, nPart: ix.ZERO };
  for (const t of e.terms) {
    const term: IndexExpr = { c: 0, terms: [t] };
    if (ix.hasDynamic(term)) return undefined;
    const inK = ix.mentions(term, k);
    const inN = ix.mentions(term, n);
    if (inK && inN) return undefined;
    if (inK) parts.kPart = ix.add(parts.kPart, term);
    else if (inN) parts.nPart = ix.add(parts.nPart, term);
    else parts.rest = ix.add(parts.rest, term);
  }
  return parts;
}

/**
 * B's expression `b` (over reduction variable k and column variable n) as a
 * window read of an f32 x: `guard(g..., load x, 0)` or a plain load through
 * div/mod, its address and guards separable in k and n. Undefined otherwise.
 */
export function matchWindow(b: KExpr | undefined, k: LoopVar, n: LoopVar): WindowOperand | undefined {
  let load = b;
  let guardList: readonly { index: IndexExpr; size: number }[] = [];
  if (b?.k === 'guard') {
    if (b.otherwise.k !== 'const' || b.otherwise.value !== 0) return undefined;
    load = b.then;
    guardList = b.guards;
  }
  if (load?.k !== 'load' || load.dtype !== 'f32') return undefined;
  const address = split(opened(ix.ravel(load.index, load.node.shape)), k, n);
  if (address === undefined || !ix.mentions(address.kPart, k) || !ix.mentions(address.nPart, n))
    return undefined;
  const guards: WindowGuard[] = [];
  for (const g of guardList) {
    const parts = split(opened(g.index), k, n);
    // a guard on a batch variable would make the tables per batch
    if (parts === undefined || parts.rest.terms.length > 0) return undefined;
    guards.push({
      kPart: parts.kPart,
      nPart: ix.addConst(parts.nPart, parts.rest.c),
      size: g.size,
      kRange: ix.rangeOf(parts.kPart),
    });
  }
  return { x: load, base: address.rest, kPart: address.kPart, nPart: address.nPart, guards };
}

/**
 * Columns of the n tables: every strip of 8 columns has its entries, the
 * last padded (its padding fails every guard, so it packs zeros).
 */
export function windowColumns(n: number): number {
  return Math.ceil(n / 8) * 8;
}

/**
 * Bytes of the per-run tables of a window B over k in [0, K) and n in [0, N):
 * the address part and each guard's part, i32 per k and per n; then the
 * current block's strip records (stripRecordsAt).
 */
export function windowTableBytes(w: WindowOperand, K: number, N: number): number {
  return stripRecordsAt(w, K, N) + (WINDOW_BLOCK_N / 8) * STRIP_RECORD_BYTES;
}

/**
 * Where the current block's strip records start in a window B's tables (bytes
 * from the tables' start): per strip of 8 columns, STRIP_RECORD_BYTES — whether
 * the pack left the strip's copy to the block's first row tile (i32), and x's
 * address of its first column at k's part 0 (i32).
 */
export function stripRecordsAt(w: WindowOperand, K: number, N: number): number {
  return (1 + w.guards.length) * (K + windowColumns(N)) * 4;
}

/** Bytes of one strip's record (stripRecordsAt). */
export const STRIP_RECORD_BYTES = 8;

/** Most k rows in one block of a window B: a 64-column panel of 512 KiB at most. */
const MAX_WINDOW_BLOCK_K = 2048;
/** Columns per block of a window B (8 strips). */
const WINDOW_BLOCK_N = 64;

/**
 * The KC × NC cache blocks of a window B with K rows: all of k in one block
 * when it fits (C is then stored once, with its epilogue, and never read
 * back) over narrow blocks of 64 columns, so the packed panel stays small
 * (W8, K = 576: 144 KiB). Measured on W8 against 256 × 256 blocks (the plain
 * matmul's), interleaved in one process: 5.31 -> 5.10 ms median CPU time;
 * 32 columns 5.10, 128 5.16, 256 5.27; k in blocks of 256 or 288 over 64
 * columns 5.46-5.55; after the 6-row relaxed tiles (Node 26) 64 columns 4.95,
 * 32 5.05, 256 5.17 (docs/kernels.md).
 */
export function windowBlocks(K: number): { readonly kc: number; readonly nc: number } {
  const blocks = Math.ceil(K / MAX_WINDOW_BLOCK_K);
  return { kc: Math.ceil(K / blocks), nc: WINDOW_BLOCK_N };
}

/** Most taps of a window B's masked border copy (one mask per tap and vector, kept in locals). */
const MAX_PERIODIC_TAPS = 25;

/**
 * A window B whose k parts repeat every `taps.length` values of k (a conv's
 * k is (channel, taps...)): the address part kPart(c·T + t) = c·stride +
 * taps[t], and each guard's part guardTaps[g][t], the same for every channel
 * (spatial guards). Known at compile time, so a border strip's lanes outside
 * the padding are one mask per tap for the whole strip.
 */
export interface TapPeriod {
  readonly taps: readonly number[];
  readonly stride: number;
  readonly guardTaps: readonly (readonly number[])[];
}

/**
 * `e` with the variable `k` at `v`, or undefined when it reads anything else
 * (a run-time value, another variable) or divides a negative value (the
 * kernel's tables use unsigned division: not mirrored here).
 */
function valueAt(e: IndexExpr, k: LoopVar, v: number): number | undefined {
  let sum = e.c;
  for (const { coef, atom } of e.terms) {
    let x: number | undefined;
    switch (atom.kind) {
      case 'var':
        x = atom.v.id === k.id ? v : undefined;
        break;
      case 'dyn':
        x = undefined;
        break;
      case 'within':
        x = valueAt(atom.e, k, v);
        break;
      case 'div': {
        const inner = valueAt(atom.e, k, v);
        x = inner === undefined || inner < 0 ? undefined : Math.floor(inner / atom.d);
        break;
      }
      case 'mod': {
        const inner = valueAt(atom.e, k, v);
        x = inner === undefined || inner < 0 ? undefined : inner % atom.d;
        break;
      }
    }
    if (x === undefined) return undefined;
    sum += coef * x;
  }
  return sum;
}

/** `e` at k = 0 .. K-1 (evaluated directly: ix.substitute per k took ~0.1 ms each), or undefined. */
function valuesOverK(e: IndexExpr, k: LoopVar): number[] | undefined {
  const out: number[] = [];
  for (let v = 0; v < k.extent; v++) {
    const at = valueAt(e, k, v);
    if (at === undefined) return undefined;
    out.push(at);
  }
  return out;
}

/** The stride with which `values` repeat every T (values[c·T + t] = values[t] + c·stride), or undefined. */
function strideOver(values: readonly number[], T: number): number | undefined {
  const stride = values.length > T ? values[T]! - values[0]! : 0;
  return values.every((p, v) => p === values[v % T]! + Math.floor(v / T) * stride) ? stride : undefined;
}

/**
 * The smallest period T <= MAX_PERIODIC_TAPS dividing K with which a window
 * B's address part repeats with a nonnegative stride and every guard's part
 * repeats unchanged, or undefined.
 */
export function tapPeriod(w: WindowOperand, k: LoopVar): TapPeriod | undefined {
  const K = k.extent;
  const address = valuesOverK(w.kPart, k);
  const guards = w.guards.map((g) => valuesOverK(g.kPart, k));
  if (address === undefined || guards.some((g) => g === undefined)) return undefined;
  for (let T = 1; T <= Math.min(MAX_PERIODIC_TAPS, K); T++) {
    if (K % T !== 0) continue;
    const stride = strideOver(address, T);
    if (stride === undefined || stride < 0) continue;
    if (guards.some((g) => strideOver(g!, T) !== 0)) continue;
    return { taps: address.slice(0, T), stride, guardTaps: guards.map((g) => g!.slice(0, T)) };
  }
  return undefined;
}
