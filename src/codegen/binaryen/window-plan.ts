/**
 * The plan of a window kernel's fast form (emit-window.ts): a conv or pool
 * whose taps are few enough to unroll. Each tap is the body with the tap
 * variables fixed, its padding guards split into row guards (not involving
 * the output column, checked once per row) and column guards, which fix at
 * compile time the interior columns where every tap reads inside the input:
 * there no tap needs a guard at all.
 */
import * as ix from '../../passes/index-expr.js';
import type { IndexExpr, LoopVar } from '../../passes/index-expr.js';
import {
  mapExpr,
  type Guard,
  type KExpr,
  type Kernel,
  type ReduceStep,
  type StoreStep,
} from '../../passes/kernel.js';
import { isVectorizable } from './emit-expr.js';
import { unwrapIndex, unwrapLoads } from './emit-vector-guard.js';
import { innermost, LANES } from './loop-vars.js';
import { identity } from './reduce-identity.js';
import { hasVectorForm } from './vector-ops.js';

/** At most this many vectors of a row are border vectors, each its own code (a window wider than most of the row). */
const MAX_BORDER_VECTORS = 8;

/**
 * A row's columns: vectors at the fixed positions `left` and `right` (some
 * lanes' taps out of range), the interior's vectors over [from, to) (no tap
 * out of range), then one output at a time from `scalarFrom` (fewer than
 * four columns).
 */
export interface ColumnLayout {
  readonly left: readonly number[];
  readonly interior: { readonly from: number; readonly to: number } | undefined;
  readonly right: readonly number[];
  readonly scalarFrom: number;
}

/** The columns of a row of `plan` (its interior starts on a multiple of four). */
export function columnLayout(plan: Pick<WindowPlan, 'd' | 'lo' | 'hi'>): ColumnLayout {
  const extent = plan.d.extent;
  const from = LANES * Math.ceil(Math.max(plan.lo, 0) / LANES);
  const to = from + LANES * Math.floor(Math.max(0, Math.min(plan.hi, extent) - from) / LANES);
  const interior = to > from ? { from, to } : undefined;
  const left: number[] = [];
  const right: number[] = [];
  for (let p = 0; interior !== undefined && p < from; p += LANES) left.push(p);
  let p = interior === undefined ? 0 : to;
  for (; p + LANES <= extent; p += LANES) right.push(p);
  return { left, interior, right, scalarFrom: p };
}

/** At most this many taps are unrolled (a 7×7 window, or 3×3 over five channels). */
export const MAX_UNROLLED_TAPS = 49;

/** A column guard of a tap: `a·d + c` must lie in [0, size). */
export interface ColumnGuard {
  readonly a: number;
  readonly c: number;
  readonly size: number;
}

/** One unrolled tap: its value with the tap variables fixed, its row and its column guards (all must hold). */
export interface WindowTap {
  readonly value: KExpr;
  readonly rowGuards: readonly Guard[];
  readonly columnGuards: readonly ColumnGuard[];
}

/** Whether every column guard of `tap` holds at column `d`. */
export function tapInColumn(tap: WindowTap, d: number): boolean {
  return tap.columnGuards.every((g) => g.a * d + g.c >= 0 && g.a * d + g.c < g.size);
}

/** How a window kernel runs in its fast form. */
export interface WindowPlan {
  /** The output column: the vector variable. */
  readonly d: LoopVar;
  /** Reduction variables kept as loops around the unrolled taps (input channels of a group). */
  readonly looped: readonly LoopVar[];
  readonly taps: readonly WindowTap[];
  /** Interior columns [lo, hi) (possibly empty): every tap's column guard holds. */
  readonly lo: number;
  readonly hi: number;
  /** The reduce step's combine: sum or max. */
  readonly kind: 'sum' | 'max';
}

/** True when `e` is built from loads affine in `d`, constants and ops with a vector form. */
function isWindowValue(e: KExpr, d: LoopVar): boolean {
  switch (e.k) {
    case 'const':
      return true;
    case 'load': {
      if (e.dtype !== 'f32' || e.index.some(ix.hasDynamic)) return false;
      const coef = ix.affineCoef(ix.ravel(e.index, e.node.shape), d);
      return coef !== undefined && coef >= 0;
    }
    case 'op':
      return e.dtype === 'f32' && hasVectorForm(e.op, 'f32') && e.args.every((a) => isWindowValue(a, d));
    default:
      return false;
  }
}

/** Every combination of values of `vars` (the last fastest), as substitution maps. */
function tapPoints(vars: readonly LoopVar[]): Map<number, IndexExpr>[] {
  let points = [new Map<number, IndexExpr>()];
  for (const v of vars) {
    const next: Map<number, IndexExpr>[] = [];
    for (const p of points)
      for (let k = 0; k < v.extent; k++) next.push(new Map([...p, [v.id, ix.constant(k)]]));
    points = next;
  }
  return points;
}

/** Column bounds [lo, hi) where `index = a·d + c` lies in [0, size). */
function columnBounds(a: number, c: number, size: number): { lo: number; hi: number } {
  return { lo: Math.ceil(-c / a), hi: Math.floor((size - 1 - c) / a) + 1 };
}

/**
 * The fast form of `kernel` (one reduce step and its store), or undefined when
 * it has none: the body must be a sum or max of f32 loads affine in the output
 * column under at most one guard whose otherwise is the reduction's identity,
 * and the taps few enough to unroll.
 */
export function planWindow(kernel: Kernel, reduce: ReduceStep, store: StoreStep): WindowPlan | undefined {
  if (kernel.kind !== 'conv' && kernel.kind !== 'pool') return undefined;
  const red = reduce.reduction;
  if ((red.kind !== 'sum' && red.kind !== 'max') || red.dtype !== 'f32') return undefined;
  const d = innermost(kernel.domain);
  if (d === undefined || d !== kernel.domain[kernel.domain.length - 1]) return undefined;
  if (!isVectorizable(store.value, d)) return undefined;
  let body = reduce.body;
  let guards: readonly Guard[] = [];
  if (body.k === 'guard') {
    const other = body.otherwise;
    if (other.k !== 'const' || other.value !== identity(red.kind, 'f32')) return undefined;
    guards = body.guards;
    body = body.then;
  }
  // no guard inside: isWindowValue refuses one
  const value = unwrapLoads(body);
  if (!isWindowValue(value, d)) return undefined;
  // unroll the innermost reduction variables, as many as fit; the rest stay loops and must not
  // reach a guard (then every guard is fixed per tap)
  const vars = red.vars.filter((v) => v.extent > 1);
  let split = vars.length;
  let count = 1;
  while (split > 0 && count * (vars[split - 1] as LoopVar).extent <= MAX_UNROLLED_TAPS)
    count *= (vars[--split] as LoopVar).extent;
  const looped = vars.slice(0, split);
  const unrolled = vars.slice(split);
  if (guards.some((g) => looped.some((v) => ix.mentions(g.index, v)))) return undefined;
  const outer = kernel.domain.filter((v) => v.id !== d.id);
  let lo = 0;
  let hi = d.extent;
  const taps: WindowTap[] = [];
  for (const point of tapPoints(unrolled)) {
    const at = (e: IndexExpr): IndexExpr => ix.substitute(e, point);
    const rowGuards: Guard[] = [];
    const columnGuards: ColumnGuard[] = [];
    let never = false;
    for (const g of guards) {
      const index = at(unwrapIndex(g.index));
      const r = ix.rangeOf(index);
      if (r.lo >= 0 && r.hi < g.size) continue;
      if (r.hi < 0 || r.lo >= g.size) never = true;
      if (!ix.mentions(index, d)) {
        if (!overVars(index, outer)) return undefined;
        rowGuards.push({ index, size: g.size });
        continue;
      }
      // a column guard: a·d + c with no other variable
      const a = ix.affineCoef(index, d);
      if (a === undefined || a <= 0 || index.terms.length !== 1) return undefined;
      columnGuards.push({ a, c: index.c, size: g.size });
    }
    // a tap never in range adds nothing, and does not narrow the interior
    if (never) continue;
    for (const g of columnGuards) {
      const b = columnBounds(g.a, g.c, g.size);
      lo = Math.max(lo, b.lo);
      hi = Math.min(hi, b.hi);
    }
    taps.push({
      value: mapExpr(
        value,
        at,
        (s) => s,
        () => undefined,
      ),
      rowGuards,
      columnGuards,
    });
  }
  if (d.extent < LANES || taps.length === 0) return undefined;
  const layout = columnLayout({ d, lo, hi });
  if (layout.left.length + layout.right.length > MAX_BORDER_VECTORS) return undefined;
  return { d, looped, taps, lo, hi, kind: red.kind };
}

/** True when `e` is affine in `vars` alone. */
function overVars(e: IndexExpr, vars: readonly LoopVar[]): boolean {
  return e.terms.every(
    (t) => t.atom.kind === 'var' && vars.some((v) => v.id === (t.atom as { v: LoopVar }).v.id),
  );
}
