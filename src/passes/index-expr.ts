/**
 * Symbolic integer index expressions over loop variables: the index maps that
 * views compose into. An expression is kept in canonical linear form
 * `const + Σ coef·atom`, where an atom is a loop variable, a floor division or
 * a modulo of a (non-negative) expression, or a run-time value with a checked
 * range (gather). Simplification uses variable ranges so that, e.g., unravel
 * followed by ravel folds back to the original variable.
 */

/** A loop variable with its extent: it takes values 0 … extent-1. */
export interface LoopVar {
  readonly id: number;
  readonly extent: number;
}

export type Atom =
  | { readonly kind: 'var'; readonly v: LoopVar }
  | { readonly kind: 'div'; readonly e: IndexExpr; readonly d: number }
  | { readonly kind: 'mod'; readonly e: IndexExpr; readonly d: number }
  /** A value computed at run time and checked to lie in [0, size) before use. */
  | { readonly kind: 'dyn'; readonly slot: number; readonly size: number }
  /**
   * `e`, used only where a guard has established 0 <= e < size (pad, concat).
   * Keeping it whole lets range analysis use that fact through later views.
   */
  | { readonly kind: 'within'; readonly e: IndexExpr; readonly size: number };

export interface Term {
  readonly coef: number;
  readonly atom: Atom;
}

/** `c + Σ coef·atom`; terms sorted by atom key, no zero coefficients, no repeated atoms. */
export interface IndexExpr {
  readonly c: number;
  readonly terms: readonly Term[];
}

export const ZERO: IndexExpr = { c: 0, terms: [] };

/** An inclusive integer interval. */
export interface Range {
  readonly lo: number;
  readonly hi: number;
}

export function constant(c: number): IndexExpr {
  return { c, terms: [] };
}

export function variable(v: LoopVar): IndexExpr {
  return v.extent === 1 ? ZERO : { c: 0, terms: [{ coef: 1, atom: { kind: 'var', v } }] };
}

/** `e` marked as guarded to lie in [0, size) (plain `e` when its range already shows it). */
export function within(e: IndexExpr, size: number): IndexExpr {
  const r = rangeOf(e);
  if (r.lo >= 0 && r.hi < size) return e;
  return { c: 0, terms: [{ coef: 1, atom: { kind: 'within', e, size } }] };
}

export function dynamic(slot: number, size: number): IndexExpr {
  return { c: 0, terms: [{ coef: 1, atom: { kind: 'dyn', slot, size } }] };
}

/** A stable structural key, used to combine like terms and to compare expressions. */
export function atomKey(a: Atom): string {
  switch (a.kind) {
    case 'var':
      return `v${a.v.id}`;
    case 'div':
      return `(${exprKey(a.e)})/${a.d}`;
    case 'mod':
      return `(${exprKey(a.e)})%${a.d}`;
    case 'dyn':
      return `dyn${a.slot}`;
    case 'within':
      return `[${exprKey(a.e)}]<${a.size}`;
  }
}

export function exprKey(e: IndexExpr): string {
  return `${e.terms.map((t) => `${t.coef}*${atomKey(t.atom)}`).join('+')}+${e.c}`;
}

function normalize(c: number, terms: readonly Term[]): IndexExpr {
  const byKey = new Map<string, { coef: number; atom: Atom }>();
  for (const t of terms) {
    const key = atomKey(t.atom);
    const found = byKey.get(key);
    if (found) found.coef += t.coef;
    else byKey.set(key, { coef: t.coef, atom: t.atom });
  }
  let list = [...byKey.entries()].filter(([, t]) => t.coef !== 0);
  // d·k·(x div d) + k·(x mod d) = k·x
  for (const [, t] of list) {
    if (t.atom.kind !== 'mod' || t.coef === 0) continue;
    // the div atom as floorDiv makes it: ((x div a) mod b) pairs with (x div a·b)
    const quotient = floorDiv(t.atom.e, t.atom.d);
    const single = quotient.c === 0 && quotient.terms.length === 1 ? quotient.terms[0] : undefined;
    const divKey =
      single?.coef === 1 && single.atom.kind === 'div'
        ? atomKey(single.atom)
        : `(${exprKey(t.atom.e)})/${t.atom.d}`;
    const div = byKey.get(divKey);
    if (div && div.coef === t.coef * t.atom.d) {
      const k = t.coef;
      div.coef = 0;
      t.coef = 0;
      const merged = scale(t.atom.e, k);
      return add({ c, terms: list.filter(([, u]) => u.coef !== 0).map(([, u]) => u) }, merged);
    }
  }
  list = list.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return { c, terms: list.map(([, t]) => ({ coef: t.coef, atom: t.atom })) };
}

export function add(a: IndexExpr, b: IndexExpr): IndexExpr {
  return normalize(a.c + b.c, [...a.terms, ...b.terms]);
}

export function addConst(a: IndexExpr, c: number): IndexExpr {
  return c === 0 ? a : { c: a.c + c, terms: a.terms };
}

export function scale(a: IndexExpr, k: number): IndexExpr {
  if (k === 0) return ZERO;
  if (k === 1) return a;
  return { c: a.c * k, terms: a.terms.map((t) => ({ coef: t.coef * k, atom: t.atom })) };
}

/** The values a loop variable takes (its whole extent unless a caller knows better). */
export type VarRanges = (v: LoopVar) => Range;

const fullExtent: VarRanges = (v) => ({ lo: 0, hi: v.extent - 1 });

/** The range of an atom's values. */
export function atomRange(a: Atom, vars: VarRanges = fullExtent): Range {
  switch (a.kind) {
    case 'var':
      return vars(a.v);
    case 'dyn':
    case 'within':
      return { lo: 0, hi: a.size - 1 };
    case 'div': {
      const r = rangeOf(a.e, vars);
      return { lo: Math.floor(r.lo / a.d), hi: Math.floor(r.hi / a.d) };
    }
    case 'mod': {
      const r = rangeOf(a.e, vars);
      if (r.lo >= 0 && r.hi < a.d) return r;
      return { lo: 0, hi: a.d - 1 };
    }
  }
}

/** Interval bounds of an expression over all values of its variables. */
export function rangeOf(e: IndexExpr, vars: VarRanges = fullExtent): Range {
  let lo = e.c;
  let hi = e.c;
  for (const t of e.terms) {
    const r = atomRange(t.atom, vars);
    if (t.coef > 0) {
      lo += t.coef * r.lo;
      hi += t.coef * r.hi;
    } else {
      lo += t.coef * r.hi;
      hi += t.coef * r.lo;
    }
  }
  return { lo, hi };
}

/** Splits `e` into the part divisible by `d` (divided) and the remainder. */
function splitByDivisor(e: IndexExpr, d: number): { q: IndexExpr; r: IndexExpr } {
  const qc = Math.floor(e.c / d);
  const rc = e.c - qc * d;
  const qTerms: Term[] = [];
  const rTerms: Term[] = [];
  for (const t of e.terms) {
    if (t.coef % d === 0) qTerms.push({ coef: t.coef / d, atom: t.atom });
    else rTerms.push(t);
  }
  return { q: normalize(qc, qTerms), r: normalize(rc, rTerms) };
}

/**
 * A factor `a` of `d` with `e = a·q + r`, 0 <= r < a (r: the terms `a` does not
 * divide): then e div d = q div (d/a) and e mod d = a·(q mod d/a) + r. This is
 * what folds a flat index raveled over one shape and unraveled over another
 * (a reshape of a reshape) back to plain variables.
 */
function commonFactor(e: IndexExpr, d: number): { a: number; q: IndexExpr; r: IndexExpr } | undefined {
  const gcd = (x: number, y: number): number => (y === 0 ? x : gcd(y, x % y));
  const candidates = new Set(e.terms.map((t) => gcd(Math.abs(t.coef), d)));
  let best: { a: number; q: IndexExpr; r: IndexExpr } | undefined;
  for (const a of candidates) {
    if (a <= 1 || a >= d || (best !== undefined && a <= best.a)) continue;
    const { q, r } = splitByDivisor(e, a);
    const rr = rangeOf(r);
    if (rr.lo >= 0 && rr.hi < a && rangeOf(q).lo >= 0) best = { a, q, r };
  }
  return best;
}

/**
 * Floor division of a non-negative expression by a positive constant. Emitted
 * code divides unsigned, so a div atom only ever wraps a non-negative
 * expression: `e` is split into `d·q + r` only when `r` cannot go negative.
 */
export function floorDiv(e: IndexExpr, d: number): IndexExpr {
  if (d === 1) return e;
  const er = rangeOf(e);
  if (er.lo >= 0 && er.hi < d) return ZERO;
  const { q, r } = splitByDivisor(e, d);
  const rr = rangeOf(r);
  if (rr.lo >= 0 && rr.hi < d) return q;
  if (rr.lo < 0) return { c: 0, terms: [{ coef: 1, atom: { kind: 'div', e, d } }] };
  const factor = commonFactor(e, d);
  if (factor !== undefined) return floorDiv(factor.q, d / factor.a);
  // (x div a) div b = x div (a·b)
  if (r.c === 0 && r.terms.length === 1 && r.terms[0]?.coef === 1 && r.terms[0].atom.kind === 'div') {
    const inner = r.terms[0].atom;
    return add(q, floorDiv(inner.e, inner.d * d));
  }
  return add(q, { c: 0, terms: [{ coef: 1, atom: { kind: 'div', e: r, d } }] });
}

/** Modulo of a non-negative expression by a positive constant (wraps only non-negative expressions, as floorDiv). */
export function mod(e: IndexExpr, d: number): IndexExpr {
  if (d === 1) return ZERO;
  const { r } = splitByDivisor(e, d);
  const rr = rangeOf(r);
  if (rr.lo >= 0 && rr.hi < d) return r;
  const factor = rr.lo >= 0 ? commonFactor(r, d) : undefined;
  if (factor !== undefined) return add(scale(mod(factor.q, d / factor.a), factor.a), factor.r);
  return { c: 0, terms: [{ coef: 1, atom: { kind: 'mod', e: rr.lo < 0 ? e : r, d } }] };
}

/** Row-major flat index of a multi-index into `shape`. */
export function ravel(idx: readonly IndexExpr[], shape: readonly number[]): IndexExpr {
  let out = ZERO;
  let stride = 1;
  for (let i = shape.length - 1; i >= 0; i--) {
    out = add(out, scale(idx[i] ?? ZERO, stride));
    stride *= shape[i] ?? 1;
  }
  return out;
}

/** Row-major multi-index into `shape` of a flat index in [0, size). */
export function unravel(flat: IndexExpr, shape: readonly number[]): IndexExpr[] {
  const out: IndexExpr[] = [];
  let stride = 1;
  for (let i = shape.length - 1; i >= 0; i--) {
    const dim = shape[i] ?? 1;
    const q = floorDiv(flat, stride);
    out[i] = dim === 1 ? ZERO : i === 0 ? q : mod(q, dim);
    stride *= dim;
  }
  return out;
}

/** The coefficient of variable `v` when `e` is affine in it (v appears only as a plain term), else undefined. */
export function affineCoef(e: IndexExpr, v: LoopVar): number | undefined {
  let coef = 0;
  for (const t of e.terms) {
    if (t.atom.kind === 'var') {
      if (t.atom.v.id === v.id) coef += t.coef;
    } else if (t.atom.kind !== 'dyn' && mentions(t.atom.e, v)) {
      return undefined;
    }
  }
  return coef;
}

/** True when `v` occurs anywhere in `e`. */
export function mentions(e: IndexExpr, v: LoopVar): boolean {
  return e.terms.some((t) =>
    t.atom.kind === 'var' ? t.atom.v.id === v.id : t.atom.kind === 'dyn' ? false : mentions(t.atom.e, v),
  );
}

/** Every guarded atom in `e` (to check each sits under its guard). */
export function withinAtoms(e: IndexExpr): Extract<Atom, { kind: 'within' }>[] {
  const out: Extract<Atom, { kind: 'within' }>[] = [];
  for (const t of e.terms) {
    if (t.atom.kind === 'within') out.push(t.atom);
    if (t.atom.kind !== 'var' && t.atom.kind !== 'dyn') out.push(...withinAtoms(t.atom.e));
  }
  return out;
}

/** True when `e` reads a run-time (gather) value. */
export function hasDynamic(e: IndexExpr): boolean {
  return e.terms.some((t) => t.atom.kind === 'dyn' || (t.atom.kind !== 'var' && hasDynamic(t.atom.e)));
}

/** Replaces variables by expressions (used to merge or split loops). */
export function substitute(e: IndexExpr, map: ReadonlyMap<number, IndexExpr>): IndexExpr {
  let out = constant(e.c);
  for (const t of e.terms) {
    let part: IndexExpr;
    switch (t.atom.kind) {
      case 'var':
        part = map.get(t.atom.v.id) ?? variable(t.atom.v);
        break;
      case 'dyn':
        part = { c: 0, terms: [{ coef: 1, atom: t.atom }] };
        break;
      case 'within':
        part = within(substitute(t.atom.e, map), t.atom.size);
        break;
      case 'div':
        part = floorDiv(substitute(t.atom.e, map), t.atom.d);
        break;
      case 'mod':
        part = mod(substitute(t.atom.e, map), t.atom.d);
        break;
    }
    out = add(out, scale(part, t.coef));
  }
  return out;
}

/** Readable text: `3*i0 + i1 + 2`, `(i0 div 3)`, `(i1 mod 4)`. */
export function formatIndex(e: IndexExpr): string {
  const parts = e.terms.map((t) => {
    const a = formatAtom(t.atom);
    return t.coef === 1 ? a : `${t.coef}*${a}`;
  });
  if (e.c !== 0 || parts.length === 0) parts.push(String(e.c));
  return parts.join(' + ');
}

function formatAtom(a: Atom): string {
  switch (a.kind) {
    case 'var':
      return `i${a.v.id}`;
    case 'dyn':
      return `idx${a.slot}`;
    case 'within':
      return `[${formatIndex(a.e)}]`;
    case 'div':
      return `(${formatIndex(a.e)} div ${a.d})`;
    case 'mod':
      return `(${formatIndex(a.e)} mod ${a.d})`;
  }
}
