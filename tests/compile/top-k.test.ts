/**
 * topK (ONNX TopK) against a stable sort of each lane (ties keep index order,
 * NaN largest), on random shapes, axes, k and directions with many ties; then
 * compiled against the interpreter.
 */
import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { DTypeError, Graph, ShapeError } from '../../src/index.js';
import { checkAgainstReference } from '../support/reference-check.js';
import { rng } from '../support/differential.js';

/** Values and indices of the top k of every lane along `axis` (row-major), by a stable sort. */
function reference(data: ArrayLike<number>, shape: number[], axis: number, k: number, largest: boolean) {
  const n = shape[axis] as number;
  const inner = shape.slice(axis + 1).reduce((p, d) => p * d, 1);
  const outer = shape.slice(0, axis).reduce((p, d) => p * d, 1);
  const values: number[] = new Array<number>(outer * k * inner);
  const indices: number[] = new Array<number>(outer * k * inner);
  const key = (v: number): number => (Number.isNaN(v) ? Infinity : v);
  for (let o = 0; o < outer; o++) {
    for (let q = 0; q < inner; q++) {
      const lane = Array.from({ length: n }, (_, i) => i);
      const at = (i: number): number => data[(o * n + i) * inner + q] as number;
      lane.sort((i, j) => {
        const [a, b] = [at(i), at(j)];
        const nanOrder = Number(Number.isNaN(a)) - Number(Number.isNaN(b));
        if (nanOrder !== 0) return largest ? -nanOrder : nanOrder;
        return (largest ? key(b) - key(a) : key(a) - key(b)) || i - j;
      });
      for (let r = 0; r < k; r++) {
        values[(o * k + r) * inner + q] = at(lane[r] as number);
        indices[(o * k + r) * inner + q] = lane[r] as number;
      }
    }
  }
  return { values, indices };
}

describe('topK', () => {
  test('random shapes, axes, k, direction, with ties and NaN (fast-check)', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.integer({ min: 1, max: 6 }), { minLength: 1, maxLength: 3 }),
        fc.nat(),
        fc.nat(),
        fc.boolean(),
        fc.boolean(),
        async (shape, axisSeed, kSeed, largest, ints) => {
          const axis = axisSeed % shape.length;
          const n = shape[axis] as number;
          const k = kSeed % (n + 1);
          const size = shape.reduce((p, d) => p * d, 1);
          const r = rng(size + k);
          const g = new Graph();
          const x = g.input('x', shape, ints ? 'i32' : 'f32');
          const [values, indices] = x.topK(k, axis - shape.length, largest);
          g.output('v', values);
          g.output('i', indices);
          const data = ints
            ? Int32Array.from({ length: size }, () => Math.floor(r() * 4) - 2)
            : Float32Array.from({ length: size }, () => (r() < 0.1 ? NaN : Math.floor(r() * 5) / 2 - 1));
          const ref = reference(data, shape, axis, k, largest);
          await checkAgainstReference(
            g,
            { x: data },
            {
              v: ints ? Int32Array.from(ref.values) : Float32Array.from(ref.values),
              i: Int32Array.from(ref.indices),
            },
            { rtol: 0, atol: 0 },
            { rtol: 0, atol: 0 },
          );
        },
      ),
      { numRuns: 15, seed: 5 },
    );
  });

  test('typed errors', () => {
    const g = new Graph();
    const x = g.input('x', [2, 3]);
    expect(() => x.topK(4)).toThrow(/topK: k must be an integer in \[0, 3\]/);
    expect(() => x.topK(1, 2)).toThrow(ShapeError);
    expect(() => g.input('b', [2], 'bool').topK(1)).toThrow(DTypeError);
  });
});
