/**
 * Access spans as strips (passes/access-span.ts): a thread's columns of a
 * [rows, cols] buffer are strips, apart from the other thread's columns
 * although their hulls overlap; `touches` agrees with the element sets.
 */
import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import {
  crossRace,
  indexSpan,
  overlaps,
  touches,
  type OwnedSpan,
  type Span,
} from '../../src/passes/access-span.js';
import * as ix from '../../src/passes/index-expr.js';

/** Every element of a span. */
function elements(s: Span): Set<number> {
  const out = new Set<number>();
  const width = s.strips?.width ?? s.hi - s.lo + 1;
  const stride = s.strips?.stride ?? width;
  for (let start = s.lo; start <= s.hi; start += stride)
    for (let x = start; x < start + width && x <= s.hi; x++) out.add(x);
  return out;
}

const span: fc.Arbitrary<Span> = fc
  .record({
    lo: fc.integer({ min: 0, max: 60 }),
    width: fc.integer({ min: 1, max: 9 }),
    gap: fc.integer({ min: 0, max: 9 }),
    count: fc.integer({ min: 1, max: 6 }),
    plain: fc.boolean(),
  })
  .map(({ lo, width, gap, count, plain }): Span => {
    const stride = width + gap;
    const hi = lo + (count - 1) * stride + width - 1;
    return plain ? { lo, hi } : { lo, hi, strips: { width, stride } };
  });

describe('access spans', () => {
  test("a thread's columns of a [64, 3136] buffer are strips, apart from the other thread's", () => {
    const k = { id: 1, extent: 64 };
    const n = { id: 2, extent: 3136 };
    const flat = ix.add(ix.scale(ix.variable(k), 3136), ix.variable(n));
    const part = (lo: number, hi: number) => (v: ix.LoopVar) =>
      v.id === n.id ? { lo, hi } : { lo: 0, hi: 63 };
    const first = indexSpan(flat, part(0, 1567));
    const second = indexSpan(flat, part(1568, 3135));
    expect(first).toEqual({ lo: 0, hi: 63 * 3136 + 1567, strips: { width: 1568, stride: 3136 } });
    expect(overlaps(first, second)).toBe(true);
    expect(touches(first, second)).toBe(false);
    // one column more and they share an element in every row
    expect(touches(indexSpan(flat, part(0, 1568)), second)).toBe(true);
  });

  test('a term that does not step past the others gives the plain interval', () => {
    const a = { id: 1, extent: 10 };
    const b = { id: 2, extent: 10 };
    // 4a + b: b spans 10 > 4, the strips would overlap
    const flat = ix.add(ix.scale(ix.variable(a), 4), ix.variable(b));
    expect(indexSpan(flat, (v) => ({ lo: 0, hi: v.extent - 1 }))).toEqual({ lo: 0, hi: 45 });
  });

  test('touches is true exactly when the element sets meet', () => {
    fc.assert(
      fc.property(span, span, (a, b) => {
        const theirs = elements(b);
        const meet = [...elements(a)].some((x) => theirs.has(x));
        expect(touches(a, b)).toBe(meet);
        expect(touches(b, a)).toBe(meet);
      }),
      { numRuns: 2000 },
    );
  });

  test('crossRace finds two owners sharing an element, one storing, exactly when some pair does', () => {
    const owned = fc.record({ span, write: fc.boolean(), owner: fc.integer({ min: 0, max: 2 }) });
    fc.assert(
      fc.property(fc.array(owned, { maxLength: 10 }), (list) => {
        const spans: OwnedSpan[] = list.map(({ span: s, write, owner }) => ({ ...s, write, owner }));
        const brute = spans.some((a, i) =>
          spans.some((b, j) => i < j && a.owner !== b.owner && (a.write || b.write) && touches(a, b)),
        );
        const found = crossRace(spans);
        expect(found !== undefined).toBe(brute);
        if (found !== undefined) {
          const [w, other] = found;
          expect([w.write, w.owner !== other.owner, touches(w, other)]).toEqual([true, true, true]);
        }
      }),
      { numRuns: 1000 },
    );
  });
});
