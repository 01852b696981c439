/**
 * g.einsum (ONNX Einsum) against a naive sum over every assignment of the
 * letters, for matmul-shaped, transposing, reducing, diagonal, broadcasting
 * (ellipsis) and three-operand equations; then compiled against the interpreter.
 */
import { describe, expect, test } from 'vitest';
import { DTypeError, Graph, ShapeError, type TypedArray } from '../../src/index.js';
import { randomData } from '../support/differential.js';
import { checkAgainstReference } from '../support/reference-check.js';

/** A naive einsum over explicit letter terms (no ellipsis), float64. */
function naive(terms: string[], output: string, data: ArrayLike<number>[], shapes: number[][]): number[] {
  const size = new Map<string, number>();
  terms.forEach((t, i) =>
    [...t].forEach((l, k) => size.set(l, Math.max(size.get(l) ?? 1, shapes[i]?.[k] ?? 1))),
  );
  const letters = [...size.keys()];
  const outShape = [...output].map((l) => size.get(l) ?? 1);
  const out = new Array<number>(outShape.reduce((p, d) => p * d, 1)).fill(0);
  const assign = new Map<string, number>();
  const walk = (k: number): void => {
    if (k === letters.length) {
      let prod = 1;
      terms.forEach((t, i) => {
        const shape = shapes[i] as number[];
        const flat = [...t].reduce(
          (acc, l, a) => acc * (shape[a] as number) + ((shape[a] === 1 ? 0 : assign.get(l)) as number),
          0,
        );
        prod *= data[i]?.[flat] as number;
      });
      const o = [...output].reduce(
        (acc, l, a) => acc * (outShape[a] as number) + (assign.get(l) as number),
        0,
      );
      out[o] = (out[o] as number) + prod;
      return;
    }
    const l = letters[k] as string;
    for (let v = 0; v < (size.get(l) as number); v++) {
      assign.set(l, v);
      walk(k + 1);
    }
  };
  walk(0);
  return out;
}

const CASES: [string, number[][], string[], string][] = [
  [
    'ij,jk->ik',
    [
      [3, 5],
      [5, 4],
    ],
    ['ij', 'jk'],
    'ik',
  ],
  [
    'bij,bjk->bik',
    [
      [2, 3, 5],
      [2, 5, 3],
    ],
    ['bij', 'bjk'],
    'bik',
  ],
  [
    'bhqd,bhkd->bhqk',
    [
      [2, 2, 3, 4],
      [2, 2, 5, 4],
    ],
    ['bhqd', 'bhkd'],
    'bhqk',
  ],
  ['ij->ji', [[3, 5]], ['ij'], 'ji'],
  ['ba', [[3, 5]], ['ba'], 'ab'],
  ['ij->', [[3, 5]], ['ij'], ''],
  ['i,i', [[7], [7]], ['i', 'i'], ''],
  ['i,j->ij', [[3], [4]], ['i', 'j'], 'ij'],
  [
    'ij,ij->ij',
    [
      [3, 4],
      [3, 4],
    ],
    ['ij', 'ij'],
    'ij',
  ],
  [
    'ij,jk,kl->il',
    [
      [2, 3],
      [3, 4],
      [4, 2],
    ],
    ['ij', 'jk', 'kl'],
    'il',
  ],
  [
    'ij,jk->i',
    [
      [3, 4],
      [4, 5],
    ],
    ['ij', 'jk'],
    'i',
  ],
  ['ii->i', [[4, 4]], ['ii'], 'i'],
  ['bii->b', [[2, 3, 3]], ['bii'], 'b'],
  [
    '...ij,...jk->...ik',
    [
      [2, 3, 4],
      [4, 5],
    ],
    ['bij', 'jk'],
    'bik',
  ],
  ['...ii->...i', [[3, 4, 4]], ['bii'], 'bi'],
];

describe('einsum', () => {
  test.each(CASES)('%s', async (equation, shapes, terms, output) => {
    const g = new Graph();
    const xs = shapes.map((s, i) => g.input(`x${i}`, s));
    g.output('y', g.einsum(equation, xs));
    const feeds: Record<string, TypedArray> = {};
    const data = shapes.map((s, i) => {
      const d = randomData(
        'f32',
        s.reduce((p, q) => p * q, 1),
        i + 3,
      );
      feeds[`x${i}`] = d;
      return d;
    });
    const ref = naive(terms, output, data, shapes);
    await checkAgainstReference(
      g,
      feeds,
      { y: Float32Array.from(ref) },
      { rtol: 1e-5, atol: 1e-5 },
      { rtol: 1e-5, atol: 1e-5 },
    );
  });

  test('i32 operands stay i32 (a matmul)', async () => {
    const g = new Graph();
    const a = g.input('a', [3, 4], 'i32');
    const b = g.input('b', [4, 2], 'i32');
    const y = g.einsum('ij,jk->ik', [a, b]);
    expect(y.dtype).toBe('i32');
    g.output('y', y);
    expect(g.toString()).toMatch(/= matmul\(/);
    const feeds = { a: randomData('i32', 12, 1), b: randomData('i32', 8, 2) };
    await checkAgainstReference(g, feeds, {
      y: Int32Array.from(
        naive(
          ['ij', 'jk'],
          'ik',
          [feeds.a, feeds.b],
          [
            [3, 4],
            [4, 2],
          ],
        ),
      ),
    });
  });

  test('typed errors', () => {
    const g = new Graph();
    const a = g.input('a', [3, 4]);
    const b = g.input('b', [5, 2]);
    expect(() => g.einsum('ij,jk->ik', [a, b])).toThrow(
      /einsum: letter j has size 5 in operand 1 \[5,2\] but 4 elsewhere/,
    );
    expect(() => g.einsum('ijk->i', [a])).toThrow(ShapeError);
    expect(() => g.einsum('ij->q', [a])).toThrow(ShapeError);
    expect(() => g.einsum('ij,jk', [a])).toThrow(ShapeError);
    expect(() => g.einsum('i->i', [g.input('c', [2], 'bool')])).toThrow(DTypeError);
  });
});
