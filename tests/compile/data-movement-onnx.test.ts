/**
 * ONNX shape and data-movement ops (build/data-movement.ts): split, tile, pad
 * modes, depthToSpace/spaceToDepth, trilu, cumsum and i32 mod against
 * references written from the ONNX spec with plain index arithmetic, then
 * compiled against the interpreter on odd sizes; typed errors for bad input.
 */
import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import {
  compile,
  DTypeError,
  Graph,
  InputError,
  interpret,
  ShapeError,
  type TypedArray,
} from '../../src/index.js';
import { randomData } from '../support/differential.js';
import { checkAgainstReference } from '../support/reference-check.js';

const EXACT = { rtol: 0, atol: 0 };

/** Every multi-index of `shape` in row-major order. */
function indices(shape: readonly number[]): number[][] {
  const out: number[][] = [];
  const total = shape.reduce((p, d) => p * d, 1);
  for (let flat = 0; flat < total; flat++) {
    const c: number[] = [];
    let r = flat;
    for (let i = shape.length - 1; i >= 0; i--) {
      const d = shape[i] as number;
      c.unshift(r % d);
      r = Math.floor(r / d);
    }
    out.push(c);
  }
  return out;
}

/** Row-major flat index of `c` in `shape`. */
const flatOf = (shape: readonly number[], c: readonly number[]): number =>
  c.reduce((acc, v, i) => acc * (shape[i] as number) + v, 0);

/** An array of `x`'s class whose element at each index of `shape` is `x[f(index)]`. */
function gatherRef(
  x: TypedArray,
  xShape: readonly number[],
  shape: readonly number[],
  f: (c: number[]) => number[],
): Float32Array | Int32Array {
  const values = indices(shape).map((c: number[]) => x[flatOf(xShape, f(c))] as number);
  return x instanceof Int32Array ? Int32Array.from(values) : Float32Array.from(values);
}

describe('split and tile', () => {
  test('split by sizes and by count (uneven: the last part is smaller), on a negative axis', async () => {
    const g = new Graph();
    const x = g.input('x', [3, 10]);
    const bySizes = x.split([2, 0, 5, 3], -1);
    const byCount = x.split(3, 1);
    expect(bySizes.map((t) => t.shape)).toEqual([
      [3, 2],
      [3, 0],
      [3, 5],
      [3, 3],
    ]);
    expect(byCount.map((t) => t.shape)).toEqual([
      [3, 4],
      [3, 4],
      [3, 2],
    ]);
    [...bySizes, ...byCount].forEach((t, i) => g.output(`p${i}`, t));
    const xs = randomData('f32', 30, 1);
    const starts = [0, 2, 2, 7, 0, 4, 8];
    const expected = Object.fromEntries(
      [...bySizes, ...byCount].map((t, i) => [
        `p${i}`,
        gatherRef(xs, [3, 10], t.shape, ([r, c]) => [r as number, (c as number) + (starts[i] as number)]),
      ]),
    );
    await checkAgainstReference(g, { x: xs }, expected, EXACT, EXACT);
  });

  test('tile [2,3] by [3,1] and a rank-3 tile with a zero repeat', async () => {
    const g = new Graph();
    const x = g.input('x', [2, 3]);
    const y = g.input('y', [1, 2, 3], 'i32');
    g.output('a', x.tile([3, 1]));
    g.output('b', y.tile([2, 2, 1]));
    g.output('c', x.tile([0, 2]));
    const xs = randomData('f32', 6, 2);
    const ys = randomData('i32', 6, 3);
    await checkAgainstReference(
      g,
      { x: xs, y: ys },
      {
        a: gatherRef(xs, [2, 3], [6, 3], ([i, j]) => [(i as number) % 2, j as number]),
        b: gatherRef(ys, [1, 2, 3], [2, 4, 3], ([, j, k]) => [0, (j as number) % 2, k as number]),
        c: new Float32Array(0),
      },
      EXACT,
      EXACT,
    );
  });
});

/** NumPy's pad modes for one coordinate j (may be outside [0, n)), written as repeated reflection. */
function padSource(mode: string, j: number, n: number): number {
  if (mode === 'edge') return Math.min(Math.max(j, 0), n - 1);
  if (mode === 'wrap') return ((j % n) + n) % n;
  if (n === 1) return 0;
  let k = j;
  while (k < 0 || k >= n) k = k < 0 ? -k : 2 * (n - 1) - k;
  return k;
}

describe('pad modes', () => {
  test('reflect, edge, wrap on random shapes and widths, including widths past the axis (fast-check)', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom('reflect', 'edge', 'wrap'),
        fc.array(fc.integer({ min: 1, max: 5 }), { minLength: 1, maxLength: 3 }),
        fc.array(fc.tuple(fc.integer({ min: 0, max: 7 }), fc.integer({ min: 0, max: 7 })), {
          minLength: 3,
          maxLength: 3,
        }),
        async (mode, shape, allWidths) => {
          const widths = allWidths.slice(0, shape.length);
          const g = new Graph();
          const x = g.input('x', shape);
          const y = x.pad(widths, 0, mode);
          g.output('y', y.mul(2));
          const xs = randomData(
            'f32',
            shape.reduce((p, d) => p * d, 1),
            5,
          );
          const ref = gatherRef(xs, shape, y.shape, (c) =>
            c.map((v, i) => padSource(mode, v - (widths[i]?.[0] ?? 0), shape[i] as number)),
          ).map((v) => v * 2);
          await checkAgainstReference(g, { x: xs }, { y: ref }, EXACT, EXACT);
        },
      ),
      { numRuns: 12, seed: 3 },
    );
  });

  test('the ONNX reflect example', async () => {
    const g = new Graph();
    const x = g.input('x', [3, 2]);
    g.output(
      'y',
      x.pad(
        [
          [0, 0],
          [2, 0],
        ],
        0,
        'reflect',
      ),
    );
    const xs = new Float32Array([1, 1.2, 2.3, 3.4, 4.5, 5.7]);
    const y = new Float32Array([1, 1.2, 1, 1.2, 2.3, 3.4, 2.3, 3.4, 4.5, 5.7, 4.5, 5.7]);
    await checkAgainstReference(g, { x: xs }, { y }, EXACT, EXACT);
  });
});

describe('depthToSpace and spaceToDepth', () => {
  test.each(['DCR', 'CRD'] as const)('depthToSpace %s of [2,8,3,5], blocksize 2', async (mode) => {
    const g = new Graph();
    const x = g.input('x', [2, 8, 3, 5]);
    g.output('y', x.depthToSpace(2, mode));
    const xs = randomData('f32', 240, 4);
    const y = gatherRef(xs, [2, 8, 3, 5], [2, 2, 6, 10], ([n, c, h, w]) => {
      const [i, j] = [(h as number) % 2, (w as number) % 2];
      const channel = mode === 'DCR' ? (i * 2 + j) * 2 + (c as number) : (c as number) * 4 + i * 2 + j;
      return [n as number, channel, Math.floor((h as number) / 2), Math.floor((w as number) / 2)];
    });
    await checkAgainstReference(g, { x: xs }, { y }, EXACT, EXACT);
  });

  test('spaceToDepth of [1,3,6,9], blocksize 3, and its DCR inverse', async () => {
    const g = new Graph();
    const x = g.input('x', [1, 3, 6, 9]);
    const s = x.spaceToDepth(3);
    g.output('s', s);
    g.output('back', s.depthToSpace(3));
    const xs = randomData('f32', 162, 6);
    const ref = gatherRef(xs, [1, 3, 6, 9], [1, 27, 2, 3], ([n, ch, h, w]) => {
      const block = Math.floor((ch as number) / 3);
      const [i, j] = [Math.floor(block / 3), block % 3];
      return [n as number, (ch as number) % 3, (h as number) * 3 + i, (w as number) * 3 + j];
    });
    await checkAgainstReference(g, { x: xs }, { s: ref, back: xs }, EXACT, EXACT);
  });
});

describe('trilu, cumsum, mod', () => {
  test.each([
    [true, 0],
    [true, 2],
    [true, -1],
    [false, 0],
    [false, -2],
    [false, 7],
  ])('trilu upper=%s k=%i of [2,4,5]', async (upper, k) => {
    const g = new Graph();
    const x = g.input('x', [2, 4, 5]);
    g.output('y', x.trilu(upper, k));
    const xs = randomData('f32', 40, 8);
    const y = Float32Array.from(indices([2, 4, 5]), (c) => {
      const d = (c[2] as number) - (c[1] as number);
      return (upper ? d >= k : d <= k) ? (xs[flatOf([2, 4, 5], c)] as number) : 0;
    });
    await checkAgainstReference(g, { x: xs }, { y }, EXACT, EXACT);
  });

  test.each([
    [false, false],
    [true, false],
    [false, true],
    [true, true],
  ])(
    'cumsum exclusive=%s reverse=%s along axes 1 (length 13) and 0, f32 and i32',
    async (exclusive, reverse) => {
      const g = new Graph();
      const x = g.input('x', [3, 13]);
      const xi = g.input('xi', [3, 13], 'i32');
      g.output('y', x.cumsum(1, exclusive, reverse));
      g.output('yi', xi.cumsum(-1, exclusive, reverse));
      g.output('y0', x.cumsum(0, exclusive, reverse));
      const xs = randomData('f32', 39, 9);
      const is = randomData('i32', 39, 10);
      const ref = (data: TypedArray, axis: number): number[] =>
        indices([3, 13]).map((c) => {
          let s = 0;
          const n = axis === 1 ? 13 : 3;
          for (let k = 0; k < n; k++) {
            const i = c[axis] as number;
            const inRange = reverse ? (exclusive ? k > i : k >= i) : exclusive ? k < i : k <= i;
            if (inRange)
              s += data[flatOf([3, 13], axis === 1 ? [c[0] as number, k] : [k, c[1] as number])] as number;
          }
          return s;
        });
      await checkAgainstReference(
        g,
        { x: xs, xi: is },
        {
          y: Float32Array.from(ref(xs, 1)),
          yi: Int32Array.from(ref(is, 1)),
          y0: Float32Array.from(ref(xs, 0)),
        },
        { rtol: 1e-6, atol: 1e-5 },
      );
    },
  );

  test('i32 mod: divisor sign (Python %) and dividend sign (fmod), broadcast, zero divisor', async () => {
    const g = new Graph();
    const a = g.input('a', [4, 6], 'i32');
    const b = g.input('b', [6], 'i32');
    g.output('mod', a.mod(b));
    g.output('fmod', a.mod(b, true));
    g.output('scalar', a.mod(-3));
    const as = Int32Array.from({ length: 24 }, (_, i) => ((i * 37) % 41) - 20);
    const bs = new Int32Array([3, -3, 7, -5, 0, 1]);
    const pyMod = (x: number, y: number): number => (y === 0 ? 0 : x - Math.floor(x / y) * y);
    const cMod = (x: number, y: number): number => (y === 0 ? 0 : x % y) | 0;
    await checkAgainstReference(
      g,
      { a: as, b: bs },
      {
        mod: Int32Array.from(as, (v, i) => pyMod(v, bs[i % 6] as number)),
        fmod: Int32Array.from(as, (v, i) => cMod(v, bs[i % 6] as number)),
        scalar: Int32Array.from(as, (v) => pyMod(v, -3)),
      },
      EXACT,
      EXACT,
    );
  });
});

describe('gatherElements (ONNX GatherElements)', () => {
  test.each([0, 1, 2, -1])('axis %i of [4,3,5] with smaller, negative and fused indices', async (axis) => {
    const a = axis < 0 ? axis + 3 : axis;
    const xShape = [4, 3, 5];
    const iShape = [3, 2, 4];
    iShape[a] = 6;
    const size = xShape[a] as number;
    const g = new Graph();
    const x = g.input('x', xShape);
    const idx = g.input('idx', iShape, 'i32');
    const y = x.gatherElements(idx, axis);
    expect(y.shape).toEqual(iShape);
    g.output('y', y);
    g.output('fused', x.exp().gatherElements(idx, axis).mul(2));
    const xs = randomData('f32', 60, 2);
    const n = iShape.reduce((p, d) => p * d, 1);
    const is = Int32Array.from({ length: n }, (_, i) => ((i * 7) % (2 * size)) - size);
    const pick = (c: number[]): number[] => {
      const v = is[flatOf(iShape, c)] as number;
      return c.map((u, j) => (j === a ? (v < 0 ? v + size : v) : u));
    };
    const ref = gatherRef(xs, xShape, iShape, pick);
    await checkAgainstReference(
      g,
      { x: xs, idx: is },
      { y: ref, fused: Float32Array.from(ref, (v) => 2 * Math.exp(v)) },
      { rtol: 1e-6, atol: 0 },
    );
  });

  test('an index out of range is an InputError from the interpreter and from run()', async () => {
    const g = new Graph();
    const x = g.input('x', [2, 3]);
    const idx = g.input('idx', [2, 3], 'i32');
    g.output('y', x.gatherElements(idx, 1));
    const feeds = { x: randomData('f32', 6, 1), idx: new Int32Array([0, 1, 2, -3, 3, 0]) };
    expect(() => interpret(g, feeds)).toThrow(InputError);
    expect(() => interpret(g, feeds)).toThrow(/gatherElements: index 3 is out of range for axis 1 of size 3/);
    const model = await compile(g);
    expect(() => model.run(feeds)).toThrow(InputError);
    expect(() => model.run(feeds)).toThrow(/gatherElements on axis 1 of size 3/);
    expect(Array.from(model.run({ ...feeds, idx: new Int32Array([0, 1, 2, -3, 2, 0]) })['y'] ?? [])).toEqual(
      [0, 1, 2, 3, 5, 3].map((i) => feeds.x[i]),
    );
    model.dispose();
  });

  test('shape and dtype rules', () => {
    const g = new Graph();
    const x = g.input('x', [2, 3] as number[]);
    expect(() => x.gatherElements(g.input('a', [2, 4], 'i32'), 0)).toThrow(
      /indices \[2,4\] do not fit x \[2,3\] on axis 0/,
    );
    expect(() => x.gatherElements(g.input('b', [2], 'i32'), 0)).toThrow(ShapeError);
    expect(() => x.gatherElements(g.input('c', [2, 3]), 0)).toThrow(DTypeError);
    expect(x.gatherElements(g.input('d', [5, 1], 'i32'), 0).shape).toEqual([5, 1]);
  });

  test('round-trips through the text IR', async () => {
    const { parseGraph } = await import('../../src/ir/parse.js');
    const g = new Graph();
    g.output('y', g.input('x', [2, 3]).gatherElements(g.input('i', [2, 2], 'i32'), -1));
    expect(parseGraph(g.toString()).toString()).toBe(g.toString());
  });
});

describe('typed errors', () => {
  test('shapes, modes and dtypes', () => {
    const g = new Graph();
    const x = g.input('x', [2, 6, 4, 4] as number[]);
    expect(() => x.split([1, 2], 1)).toThrow(
      /split: sizes \[1,2\] sum to 3, not to axis 1 of \[2,6,4,4\] \(6\)/,
    );
    expect(() => x.split(0)).toThrow(ShapeError);
    expect(() => x.tile([1, 2])).toThrow(ShapeError);
    expect(() => x.depthToSpace(2)).toThrow(/not divisible by 4/);
    expect(() => x.spaceToDepth(3)).toThrow(ShapeError);
    expect(() => g.input('v', [3]).trilu()).toThrow(ShapeError);
    expect(() => x.pad([[0, 0]], 0, 'reflect')).toThrow(ShapeError);
    expect(() =>
      x.pad(
        [
          [0, 0],
          [0, 0],
          [0, 0],
          [0, 0],
        ],
        0,
        'mirror' as 'reflect',
      ),
    ).toThrow(ShapeError);
    expect(() =>
      g.input('e', [0, 2]).pad(
        [
          [1, 0],
          [0, 0],
        ],
        0,
        'edge',
      ),
    ).toThrow(ShapeError);
    expect(() => x.mod(2)).toThrow(DTypeError);
    expect(() => g.input('xi', [3], 'i32').mod(2.5)).toThrow(DTypeError);
    expect(() => g.input('b', [2], 'bool').cumsum(0)).toThrow(DTypeError);
  });
});
