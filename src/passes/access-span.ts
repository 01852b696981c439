/**
 * The elements of a buffer a part of a kernel touches, as an interval or as
 * strips of one (rows × a column range): what the thread checks compare. A
 * thread's columns of a [C, HW] activation run from its columns in the first
 * row to its columns in the last; as a plain interval they would cover the
 * other threads' columns of every row between, so two kernels split by the
 * same columns could never share a barrier interval (docs/threads.md).
 */
import type { Node } from '../ir/node.js';
import * as ix from './index-expr.js';
import type { VarRanges } from './index-expr.js';

/**
 * Repeats of a strip: the elements lo + i·stride + [0, width) for every i
 * whose strip starts at or before `hi` (the last ends exactly at `hi`).
 */
export interface Strips {
  readonly width: number;
  readonly stride: number;
}

/** An inclusive interval [lo, hi]: all of it, or only its `strips`. */
export interface Span {
  readonly lo: number;
  readonly hi: number;
  readonly strips?: Strips;
}

/** An element interval [lo, hi] of a value's buffer that a kernel loads or stores. */
export interface AccessSpan extends Span {
  readonly node: Node;
  readonly write: boolean;
}

/** Whether two inclusive intervals share a point (the hulls of two spans). */
export function overlaps(a: { lo: number; hi: number }, b: { lo: number; hi: number }): boolean {
  return a.lo <= b.hi && b.lo <= a.hi;
}

/** Strips of `s` (1 without strips). */
function stripCount(s: Span): number {
  return s.strips === undefined ? 1 : Math.floor((s.hi - s.lo) / s.strips.stride) + 1;
}

/** Whether `s` holds an element of [x, y]. */
function hitsInterval(s: Span, x: number, y: number): boolean {
  const lo = Math.max(x, s.lo);
  const hi = Math.min(y, s.hi);
  if (hi < lo) return false;
  if (s.strips === undefined) return true;
  const { width, stride } = s.strips;
  const start = s.lo + Math.floor((lo - s.lo) / stride) * stride;
  // the strip holding or before lo reaches it, or the next one starts by hi
  return start + width - 1 >= lo || start + stride <= hi;
}

/**
 * Whether strips of one stride s meet (the rows × columns of two parts of
 * one buffer), in O(1): strip i of a and strip j = i + k of b share an
 * element when a.lo - b.lo - k·s lies in (-a's width, b's width), for some
 * i with both strips present.
 */
function sameStrideTouch(a: Span, as: Strips, b: Span, bs: Strips): boolean {
  const s = as.stride;
  const d = a.lo - b.lo;
  const countA = stripCount(a);
  const countB = stripCount(b);
  // d - k·s > -as.width and d - k·s < bs.width
  for (let k = Math.floor((d - bs.width) / s) + 1; k * s < d + as.width; k++) {
    const first = Math.max(0, -k);
    const last = Math.min(countA - 1, countB - 1 - k);
    if (first <= last) return true;
  }
  return false;
}

/** Whether two spans share an element: their hulls overlap and, strip by strip of the one with fewer, they meet. */
export function touches(a: Span, b: Span): boolean {
  if (!overlaps(a, b)) return false;
  if (a.strips === undefined && b.strips === undefined) return true;
  if (a.strips !== undefined && b.strips !== undefined && a.strips.stride === b.strips.stride)
    return sameStrideTouch(a, a.strips, b, b.strips);
  const [few, many] = stripCount(a) <= stripCount(b) ? [a, b] : [b, a];
  if (few.strips === undefined) return hitsInterval(many, few.lo, few.hi);
  const { width, stride } = few.strips;
  for (let x = few.lo; x <= few.hi; x += stride) if (hitsInterval(many, x, x + width - 1)) return true;
  return false;
}

/** `span` (elements) in bytes of `bytes` each at address `at`. */
export function spanBytes(span: Span, at: number, bytes: number): Span {
  const lo = at + span.lo * bytes;
  const hi = at + (span.hi + 1) * bytes - 1;
  if (span.strips === undefined) return { lo, hi };
  return { lo, hi, strips: { width: span.strips.width * bytes, stride: span.strips.stride * bytes } };
}

/**
 * The values `flat` takes with the loop variables over `vars`: its interval,
 * as strips when one variable's term, with the largest coefficient, steps
 * past everything the other terms add (flat = coef · v + rest, rest's range
 * narrower than coef): for each value of v the strip coef · v + [rest].
 * Sound whatever the rest holds (v inside a div or mod of it included: its
 * range is taken over all of v's values).
 */
export function indexSpan(flat: ix.IndexExpr, vars: VarRanges): Span {
  // rangeOf's sum, term by term, keeping the widest-stepping variable term apart
  let lo = flat.c;
  let hi = flat.c;
  let stride = 0;
  let stepLo = 0;
  let stepHi = 0;
  for (const t of flat.terms) {
    const r = ix.atomRange(t.atom, vars);
    const [tLo, tHi] = t.coef > 0 ? [t.coef * r.lo, t.coef * r.hi] : [t.coef * r.hi, t.coef * r.lo];
    lo += tLo;
    hi += tHi;
    if (t.atom.kind === 'var' && t.coef > stride && r.hi > r.lo) {
      stride = t.coef;
      stepLo = tLo;
      stepHi = tHi;
    }
  }
  // the rest: everything but the step term
  const width = hi - stepHi - (lo - stepLo) + 1;
  if (stride === 0 || width >= stride) return { lo, hi };
  return { lo, hi, strips: { width, stride } };
}

/** A span one owner (a thread, a claimed piece) loads or stores. */
export interface OwnedSpan extends Span {
  readonly write: boolean;
  readonly owner: number;
}

/**
 * Two spans of different owners that share an element where at least one
 * stores (the first returned stores), or undefined: a sweep over the spans
 * sorted by `lo`, each compared (touches) with the spans seen whose hulls
 * reach it — O(n log n) plus the pairs whose hulls overlap, where comparing
 * every pair grows with the square of the spans (a split kernel has one set
 * per row of its outer loops).
 */
export function crossRace<S extends OwnedSpan>(spans: readonly S[]): readonly [S, S] | undefined {
  const sorted = [...spans].sort((a, b) => a.lo - b.lo);
  const active: S[] = [];
  for (const x of sorted) {
    // drop the spans that end before x: no later span (lo >= x.lo) reaches them either
    let kept = 0;
    for (const y of active) if (y.hi >= x.lo) active[kept++] = y;
    active.length = kept;
    for (const y of active) {
      if (y.owner === x.owner || !(x.write || y.write) || !touches(x, y)) continue;
      return y.write ? [y, x] : [x, y];
    }
    active.push(x);
  }
  return undefined;
}
