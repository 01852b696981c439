/**
 * The interpreter's strided index maps (broadcast, transpose, slice read
 * through them) against the definition: for every multi-index in row-major
 * order, base + Σ coord·stride, over random shapes with size-0/1 axes and
 * strides that do and do not let axes merge.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { flatIndex, forEachIndex, stridedIndexMap } from '../../src/ir/interpret/indexing.js';

function definition(shape: readonly number[], strides: readonly number[], base: number): number[] {
  const out: number[] = [];
  forEachIndex(shape, (coords) => out.push(base + flatIndex(coords, strides)));
  return out;
}

describe('stridedIndexMap', () => {
  it('equals base + Σ coord·stride in row-major order', () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.integer({ min: 0, max: 4 }), fc.integer({ min: -6, max: 12 })), {
          maxLength: 5,
        }),
        fc.integer({ min: 0, max: 100 }),
        (axes, base) => {
          const shape = axes.map(([n]) => n);
          const strides = axes.map(([, s]) => s);
          expect(Array.from(stridedIndexMap(shape, strides, base))).toEqual(definition(shape, strides, base));
        },
      ),
      { numRuns: 300 },
    );
  });

  it('merges contiguous and broadcast axes (row-major strides, a per-row scale)', () => {
    expect(Array.from(stridedIndexMap([2, 3, 2], [6, 2, 1]))).toEqual(definition([2, 3, 2], [6, 2, 1], 0));
    expect(Array.from(stridedIndexMap([3, 2, 2], [1, 0, 0]))).toEqual(definition([3, 2, 2], [1, 0, 0], 0));
    expect(Array.from(stridedIndexMap([], [], 7))).toEqual([7]);
  });
});
