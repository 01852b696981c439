/**
 * How the tiled matmul splits a call's rows into 6-row (relaxed build),
 * 4-row and single-row tiles: every row once, fewest single rows.
 */
import { describe, expect, test } from 'vitest';
import { rowSplit } from '../../src/codegen/binaryen/emit-matmul-rows.js';

describe('rowSplit', () => {
  test('covers every row count exactly, and leaves fewer than 4 single rows', () => {
    for (const tall of [4, 6])
      for (let rows = 0; rows <= 200; rows++) {
        const [t, s, one] = rowSplit(rows, tall);
        expect(t * tall + s * 4 + one, `${rows} rows, tall ${tall}`).toBe(rows);
        expect(Math.min(t, s, one), `${rows}`).toBeGreaterThanOrEqual(0);
        expect(one, `${rows}`).toBeLessThan(4);
        // a multiple of 4 (a chunk of whole units) needs no single rows
        if (rows % 4 === 0) expect(one, `${rows}`).toBe(0);
      }
  });

  test('takes the tall tiles where they leave a remainder 4-row tiles cover', () => {
    expect(rowSplit(8, 6)).toEqual([0, 2, 0]);
    expect(rowSplit(9, 6)).toEqual([0, 2, 1]);
    expect(rowSplit(28, 6)).toEqual([4, 1, 0]);
    expect(rowSplit(512, 6)).toEqual([84, 2, 0]);
    expect(rowSplit(128, 6)).toEqual([20, 2, 0]);
    expect(rowSplit(131, 4)).toEqual([32, 0, 3]);
  });
});
