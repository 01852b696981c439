/**
 * Graph.sum / mean / maximum / minimum over several broadcast operands (ONNX
 * Sum, Mean, Max, Min) against a float64 reference, then compiled.
 */
import { describe, expect, test } from 'vitest';
import { DTypeError, Graph, ShapeError } from '../../src/index.js';
import { randomData } from '../support/differential.js';
import { checkAgainstReference } from '../support/reference-check.js';

describe('n-ary elementwise ops', () => {
  test('three operands of shapes [3,1,5], [4,5], [5] broadcast to [3,4,5]', async () => {
    const g = new Graph();
    const a = g.input('a', [3, 1, 5]);
    const b = g.input('b', [4, 5]);
    const c = g.input('c', [5]);
    g.output('sum', g.sum([a, b, c]));
    g.output('mean', g.mean([a, b, c]));
    g.output('max', g.maximum([a, b, c]));
    g.output('min', g.minimum([a, b, c]));
    g.output('one', g.sum([b]));
    const feeds = { a: randomData('f32', 15, 1), b: randomData('f32', 20, 2), c: randomData('f32', 5, 3) };
    const n = 60;
    const ref = (f: (x: number, y: number, z: number) => number): Float32Array =>
      Float32Array.from({ length: n }, (_, i) => {
        const [p, q, r] = [Math.floor(i / 20), Math.floor(i / 5) % 4, i % 5];
        return f(feeds.a[p * 5 + r] as number, feeds.b[q * 5 + r] as number, feeds.c[r] as number);
      });
    await checkAgainstReference(g, feeds, {
      sum: ref((x, y, z) => x + y + z),
      mean: ref((x, y, z) => (x + y + z) / 3),
      max: ref((x, y, z) => Math.max(x, y, z)),
      min: ref((x, y, z) => Math.min(x, y, z)),
      one: feeds.b,
    });
  });

  test('i32 operands: sum and max stay i32, mean is f32', async () => {
    const g = new Graph();
    const a = g.input('a', [7], 'i32');
    const b = g.input('b', [7], 'i32');
    expect(g.sum([a, b]).dtype).toBe('i32');
    expect(g.mean([a, b]).dtype).toBe('f32');
    g.output('s', g.sum([a, b]));
    g.output('m', g.mean([a, b]));
    const feeds = { a: randomData('i32', 7, 4), b: randomData('i32', 7, 5) };
    await checkAgainstReference(g, feeds, {
      s: Int32Array.from(feeds.a, (v, i) => v + (feeds.b[i] as number)),
      m: Float32Array.from(feeds.a, (v, i) => (v + (feeds.b[i] as number)) / 2),
    });
  });

  test('typed errors', () => {
    const g = new Graph();
    expect(() => g.sum([])).toThrow(ShapeError);
    expect(() => g.maximum([g.input('a', [2]), g.input('b', [3])])).toThrow(ShapeError);
    expect(() => g.sum([g.input('c', [2], 'bool'), g.input('d', [2], 'bool')])).toThrow(DTypeError);
  });
});
