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

/** Whether two spans share an element: their hulls overlap and, strip by strip of the one with fewer, they meet. */
export function touches(a: Span, b: Span): boolean {
  if (!overlaps(a, b)) return false;
  if (a.strips === undefined && b.strips === undefined) return true;
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
  const whole = ix.rangeOf(flat, vars);
  let best: { coef: number; index: number } | undefined;
  flat.terms.forEach((t, index) => {
    if (t.atom.kind !== 'var' || t.coef <= 0) return;
    const r = vars(t.atom.v);
    if (r.hi > r.lo && (best === undefined || t.coef > best.coef)) best = { coef: t.coef, index };
  });
  if (best === undefined) return whole;
  const rest = ix.rangeOf({ c: flat.c, terms: flat.terms.filter((_, i) => i !== best!.index) }, vars);
  const width = rest.hi - rest.lo + 1;
  if (width >= best.coef) return whole;
  return { ...whole, strips: { width, stride: best.coef } };
}
