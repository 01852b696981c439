/**
 * Every op and dtype compiled and compared with the reference interpreter,
 * under fused/unfused, SIMD/scalar and best-fit/bump variants. Odd sizes
 * exercise the scalar tails of the vector loops.
 */
import { describe, expect, test } from 'vitest';
import { Graph, compile, interpret, type Tensor } from '../../src/index.js';
import { checkGraph, randomData, VARIANTS } from '../support/differential.js';

type D = 'f32' | 'i32' | 'bool';
const MATH_TOL = { rtol: 2e-5, atol: 1e-6 };

function unaryCase(op: string, dtype: D, shape: number[], lo = -4, hi = 4) {
  const g = new Graph();
  const x = g.input('x', shape, dtype);
  const f = (x as unknown as Record<string, () => Tensor>)[op] as () => Tensor;
  g.output('y', f.call(x));
  const size = shape.reduce((a, b) => a * b, 1);
  return { g, feeds: { x: randomData(dtype, size, 7, lo, hi) } };
}

describe('unary ops', () => {
  const f32Ops = [
    'neg',
    'abs',
    'exp',
    'sin',
    'cos',
    'tanh',
    'sigmoid',
    'relu',
    'gelu',
    'erf',
    'square',
    'reciprocal',
    'floor',
    'ceil',
    'round',
    'sign',
  ];
  test.each(f32Ops)('%s f32', async (op) => {
    const { g, feeds } = unaryCase(op, 'f32', [3, 7]);
    await checkGraph(g, feeds, MATH_TOL);
  });
  test.each(['sqrt', 'rsqrt', 'log'])('%s f32 on positives', async (op) => {
    const { g, feeds } = unaryCase(op, 'f32', [2, 9], 0.01, 50);
    await checkGraph(g, feeds, MATH_TOL);
  });
  test.each(['neg', 'abs', 'relu', 'square', 'floor', 'ceil', 'round', 'sign', 'exp', 'sqrt', 'sigmoid'])(
    '%s i32',
    async (op) => {
      const { g, feeds } = unaryCase(op, 'i32', [11], 0, 3);
      await checkGraph(g, feeds, MATH_TOL);
    },
  );
  test('not bool', async () => {
    const { g, feeds } = unaryCase('not', 'bool', [13]);
    await checkGraph(g, feeds);
  });
  test('special values', async () => {
    const g = new Graph();
    const x = g.input('x', [12]);
    for (const op of ['exp', 'log', 'tanh', 'sigmoid', 'relu', 'sign', 'round', 'sqrt', 'erf']) {
      g.output(op, (x as unknown as Record<string, () => Tensor>)[op]!.call(x));
    }
    const feeds = {
      x: new Float32Array([0, -0, Infinity, -Infinity, NaN, 0.5, 1.5, 2.5, -0.5, -2.5, 1e-40, 100]),
    };
    await checkGraph(g, feeds, MATH_TOL);
  });
});

describe('casts', () => {
  const types: D[] = ['f32', 'i32', 'bool'];
  for (const from of types) {
    for (const to of types) {
      test(`${from} -> ${to}`, async () => {
        const g = new Graph();
        const x = g.input('x', [9], from);
        g.output('y', x.cast(to));
        const data =
          from === 'f32'
            ? new Float32Array([0, -0.5, 1.9, -2.7, 3e9, -3e9, NaN, 2, -1])
            : randomData(from, 9, 3);
        await checkGraph(g, { x: data });
      });
    }
  }
});

describe('binary ops', () => {
  const arith = ['add', 'sub', 'mul', 'div', 'maximum', 'minimum', 'pow'];
  const cmp = ['eq', 'ne', 'lt', 'le', 'gt', 'ge'];
  const call = (a: Tensor, op: string, b: Tensor | number): Tensor =>
    (
      (a as unknown as Record<string, (o: Tensor | number) => Tensor>)[op] as (o: Tensor | number) => Tensor
    ).call(a, b);
  for (const dtype of ['f32', 'i32'] as const) {
    test.each([...arith, ...cmp])(`%s ${dtype} broadcast [3,1,5] x [4,5]`, async (op) => {
      const g = new Graph();
      const a = g.input('a', [3, 1, 5], dtype);
      const b = g.input('b', [4, 5], dtype);
      g.output('y', call(a, op, b));
      const lo = op === 'pow' && dtype === 'f32' ? 0.1 : -3;
      const feeds = {
        a: randomData(dtype, 15, 1, lo, 3),
        b: randomData(dtype, 20, 2, op === 'pow' ? -2 : -3, 3),
      };
      await checkGraph(g, feeds, MATH_TOL);
    });
  }
  test('i32 division truncates, x/0 = 0, INT_MIN/-1 wraps', async () => {
    const g = new Graph();
    const a = g.input('a', [6], 'i32');
    const b = g.input('b', [6], 'i32');
    g.output('q', a.div(b));
    await checkGraph(g, {
      a: new Int32Array([7, -7, 7, -7, 5, -2147483648]),
      b: new Int32Array([2, 2, -2, 0, 0, -1]),
    });
  });
  test('mixed dtypes and JS numbers', async () => {
    const g = new Graph();
    const a = g.input('a', [2, 7], 'i32');
    const b = g.input('b', [7]);
    g.output('x', a.add(b));
    g.output('y', a.mul(2.5));
    g.output('z', a.add(3));
    g.output('c', a.lt(b));
    await checkGraph(g, { a: randomData('i32', 14, 4), b: randomData('f32', 7, 5) });
  });
  test('and / or / comparisons of bool', async () => {
    const g = new Graph();
    const a = g.input('a', [3, 6], 'bool');
    const b = g.input('b', [6], 'bool');
    g.output('and', a.and(b));
    g.output('or', a.or(b));
    g.output('eq', a.eq(b));
    g.output('lt', a.lt(b));
    await checkGraph(g, { a: randomData('bool', 18, 1), b: randomData('bool', 6, 2) });
  });
  test('where with broadcasting', async () => {
    const g = new Graph();
    const x = g.input('x', [4, 9]);
    const y = g.input('y', [9]);
    g.output('w', g.where(x.gt(0), x, y));
    g.output('n', g.where(x.lt(y), 1, -1.5));
    await checkGraph(g, { x: randomData('f32', 36, 1), y: randomData('f32', 9, 2) });
  });
});

describe('reductions', () => {
  const ops = ['sum', 'prod', 'max', 'min', 'mean'] as const;
  const axesCases: (number | number[] | undefined)[] = [undefined, 0, 1, -1, [0, 2], []];
  for (const op of ops) {
    for (const axes of axesCases) {
      test(`${op} axes=${JSON.stringify(axes)} f32 and i32`, async () => {
        const g = new Graph();
        const x = g.input('x', [3, 5, 7]);
        const i = g.input('i', [3, 5, 7], 'i32');
        g.output('y', x[op](axes));
        g.output('k', x[op](axes, true));
        if (op !== 'mean' && op !== 'prod') g.output('yi', i[op](axes));
        const lo = op === 'prod' ? 0.8 : -4;
        const hi = op === 'prod' ? 1.2 : 4;
        await checkGraph(
          g,
          { x: randomData('f32', 105, 3, lo, hi), i: randomData('i32', 105, 4) },
          { rtol: 1e-5, atol: 1e-5 },
        );
      });
    }
  }
  test('f32 max and min are exact: NaN anywhere, signed zeros, infinities (bit-compared)', async () => {
    // rows of 37: the 16-wide loop, the 4-wide loop and the scalar tail all see the special values
    const n = 37;
    const rows: number[][] = [
      Array.from({ length: n }, (_, i) => (i === 20 ? NaN : Math.sin(i))),
      Array.from({ length: n }, (_, i) => (i === 36 ? NaN : Math.sin(i))),
      Array.from({ length: n }, (_, i) => (i === 5 ? 0 : -0)),
      Array.from({ length: n }, (_, i) => (i === 30 ? -0 : 0)),
      Array.from({ length: n }, () => -0),
      Array.from({ length: n }, () => -Infinity),
      Array.from({ length: n }, (_, i) => (i === 35 ? -0.5 : -1 - i)),
      Array.from({ length: n }, (_, i) => (i % 7 === 0 ? 0 : i % 7 === 1 ? -0 : -1)),
    ];
    const g = new Graph();
    const x = g.input('x', [rows.length, n]);
    g.output('max', x.max(-1));
    g.output('min', x.min(-1));
    g.output('negMin', x.neg().min(-1));
    const feeds = { x: new Float32Array(rows.flat()) };
    const expected = interpret(g, feeds);
    const bits = (a: unknown): number[] => Array.from(new Uint32Array((a as Float32Array).slice().buffer));
    for (const options of [...VARIANTS, { debugPoison: true }]) {
      const out = (await compile(g, options)).run(feeds);
      for (const name of ['max', 'min', 'negMin'] as const)
        expect(bits(out[name]), `${name} ${JSON.stringify(options)}`).toEqual(bits(expected[name]));
    }
  });
  test('long reductions read four streams: sum, max, min, mean over 70,001 and 3 x 131,079', async () => {
    // 70,001 = 4 streams of 17,500 + a 1-element tail; 131,079 = 4 x 32,768 + 7
    for (const shape of [[70001], [3, 131079]]) {
      const size = shape.reduce((a, b) => a * b, 1);
      const g = new Graph();
      const x = g.input('x', shape);
      g.output('sum', x.sum(-1));
      g.output('max', x.max(-1));
      g.output('min', x.min(-1));
      g.output('mean', x.mean(-1));
      const data = randomData('f32', size, 11, -1, 1) as Float32Array;
      // the extremes sit in the last stream and in the tail
      data[size - 1] = 7;
      data[Math.floor((size * 7) / 8)] = -9;
      await checkGraph(g, { x: data }, { rtol: 1e-4, atol: 1e-3 });
      data[Math.floor((size * 5) / 8)] = NaN;
      await checkGraph(g, { x: data }, { rtol: 1e-4, atol: 1e-3 }, [{}]);
    }
  });
  test('bool sum and max', async () => {
    const g = new Graph();
    const x = g.input('x', [4, 10], 'bool');
    g.output('s', x.sum(1));
    g.output('m', x.max(0));
    await checkGraph(g, { x: randomData('bool', 40, 9) });
  });
  test('argmax / argmin with ties and NaN', async () => {
    const g = new Graph();
    const x = g.input('x', [4, 5]);
    g.output('a', x.argmax(1));
    g.output('b', x.argmin(-1, true));
    g.output('c', x.argmax(0));
    const data = new Float32Array([1, 3, 3, 0, 2, -1, -1, -1, -1, -1, 0, NaN, 5, NaN, 1, 2, 2, 1, 1, 0]);
    await checkGraph(g, { x: data });
  });
  test('empty axes give the identity', async () => {
    const g = new Graph();
    const x = g.input('x', [3, 0]);
    g.output('s', x.sum(1));
    g.output('p', x.prod(1));
    await checkGraph(g, { x: new Float32Array(0) });
  });
});

describe('matmul', () => {
  const cases: [number[], number[]][] = [
    [
      [5, 7],
      [7, 9],
    ],
    [[7], [7, 3]],
    [[3, 7], [7]],
    [[7], [7]],
    [
      [2, 3, 4],
      [4, 5],
    ],
    [
      [2, 1, 3, 4],
      [3, 4, 6],
    ],
    [
      [4, 0],
      [0, 3],
    ],
  ];
  test.each(cases)('%j @ %j', async (sa, sb) => {
    const g = new Graph();
    const a = g.input('a', sa);
    const b = g.input('b', sb);
    g.output('c', a.matmul(b));
    const size = (s: number[]) => s.reduce((x, y) => x * y, 1);
    await checkGraph(
      g,
      { a: randomData('f32', size(sa), 1), b: randomData('f32', size(sb), 2) },
      { rtol: 1e-5, atol: 1e-5 },
    );
  });
  test('i32 matmul and transposed operand', async () => {
    const g = new Graph();
    const a = g.input('a', [3, 5], 'i32');
    const b = g.input('b', [6, 5], 'i32');
    g.output('c', a.matmul(b.transpose()));
    await checkGraph(g, { a: randomData('i32', 15, 1), b: randomData('i32', 30, 2) });
  });
});

describe('views and data movement', () => {
  test('reshape, transpose, expand, squeeze, unsqueeze, flatten', async () => {
    const g = new Graph();
    const x = g.input('x', [2, 3, 4]);
    g.output('r', x.reshape([4, -1]).add(1));
    g.output('t', x.transpose([2, 0, 1]).mul(2));
    g.output('e', x.slice([null, 0]).unsqueeze(1).expand([2, 5, 4]).exp());
    g.output('s', x.reshape([1, 24, 1]).squeeze().neg());
    g.output('f', x.flatten(1).relu());
    await checkGraph(g, { x: randomData('f32', 24, 1) }, MATH_TOL);
  });
  test('slices with steps, negative steps, picks', async () => {
    const g = new Graph();
    const x = g.input('x', [6, 7]);
    g.output(
      'a',
      x
        .slice([
          [1, 5, 2],
          [null, null, -1],
        ])
        .add(0.5),
    );
    g.output('b', x.slice([-1, [6, 0, -3]]).mul(3));
    g.output(
      'c',
      x
        .slice([
          [4, 1, -1],
          [1, -1],
        ])
        .transpose(),
    );
    await checkGraph(g, { x: randomData('f32', 42, 2) });
  });
  test('views of views', async () => {
    const g = new Graph();
    const x = g.input('x', [4, 6]);
    const v = x
      .slice([
        [0, 4],
        [1, 6, 2],
      ])
      .transpose()
      .reshape([2, 6])
      .transpose()
      .reshape([12]);
    g.output('v', v.add(1));
    g.output(
      'w',
      x
        .reshape([3, 8])
        .slice([
          [null, null, -1],
          [2, 8, 3],
        ])
        .sum(0),
    );
    await checkGraph(g, { x: randomData('f32', 24, 3) });
  });
  test('pad with a value, over views', async () => {
    const g = new Graph();
    const x = g.input('x', [3, 4]);
    g.output(
      'p',
      x.pad(
        [
          [1, 2],
          [0, 3],
        ],
        -7,
      ),
    );
    g.output(
      'q',
      x
        .transpose()
        .pad([
          [2, 0],
          [1, 1],
        ])
        .exp(),
    );
    g.output(
      'r',
      x
        .reshape([12])
        .pad([[3, 1]])
        .reshape([4, 4])
        .sum(1),
    );
    await checkGraph(g, { x: randomData('f32', 12, 4) }, MATH_TOL);
  });
  test('gather with negative indices', async () => {
    const g = new Graph();
    const x = g.input('x', [5, 3]);
    const idx = g.input('idx', [2, 2], 'i32');
    g.output('rows', x.gather(idx, 0));
    g.output('cols', x.gather([-1, 0], 1));
    await checkGraph(g, { x: randomData('f32', 15, 5), idx: new Int32Array([0, -1, 4, -5]) });
  });
  test('concat with mixed dtypes, and stack', async () => {
    const g = new Graph();
    const a = g.input('a', [2, 3]);
    const b = g.input('b', [2, 1], 'i32');
    const c = g.input('c', [2, 2]);
    g.output('cat', g.concat([a, b, c], 1));
    g.output('stk', g.stack([a, a.neg()], 0));
    await checkGraph(g, {
      a: randomData('f32', 6, 1),
      b: randomData('i32', 2, 2),
      c: randomData('f32', 4, 3),
    });
  });
});

describe('edge cases', () => {
  test('rank-0 tensors', async () => {
    const g = new Graph();
    const x = g.input('x', []);
    g.output('y', x.mul(3).exp());
    g.output('s', x.add(g.input('v', [4])).sum());
    await checkGraph(g, { x: new Float32Array([0.5]), v: randomData('f32', 4, 1) }, MATH_TOL);
  });
  test('zero-size tensors', async () => {
    const g = new Graph();
    const x = g.input('x', [0, 3]);
    g.output('y', x.add(1));
    g.output('m', x.matmul(g.constant([1, 2, 3, 4, 5, 6], [3, 2])));
    await checkGraph(g, { x: new Float32Array(0) });
  });
  test('outputs that are inputs, views of inputs, one tensor twice', async () => {
    const g = new Graph();
    const x = g.input('x', [2, 3]);
    const y = x.exp();
    g.output('same', x);
    g.output('t', x.transpose());
    g.output('y1', y);
    g.output('y2', y);
    await checkGraph(g, { x: randomData('f32', 6, 1) }, MATH_TOL);
  });
  test('constant-only graphs', async () => {
    const g = new Graph();
    const c = g.constant([1, 2, 3, 4], [2, 2]);
    g.output('c', c.matmul(c).add(g.constant(0.5)));
    g.output('k', c);
    await checkGraph(g, {});
  });
  test('composites: softmax, logSoftmax, layerNorm, gelu, mean', async () => {
    const g = new Graph();
    const x = g.input('x', [3, 10]);
    const w = g.param('w', [10]);
    const b = g.param('b', [10]);
    g.output('sm', x.softmax());
    g.output('sm0', x.softmax(0));
    g.output('lsm', x.logSoftmax(-1));
    g.output('ln', x.layerNorm(w, b));
    g.output('ln0', x.layerNorm());
    g.output('gelu', x.gelu());
    g.output('mean', x.mean(-1));
    const feeds = { x: randomData('f32', 30, 1), w: randomData('f32', 10, 2), b: randomData('f32', 10, 3) };
    await checkGraph(g, feeds, { rtol: 3e-5, atol: 3e-6 });
  });
  test('softmax is stable for huge inputs', async () => {
    const g = new Graph();
    const x = g.input('x', [2, 3]);
    g.output('sm', x.softmax());
    g.output('lsm', x.logSoftmax());
    await checkGraph(g, { x: new Float32Array([1000, 1001, 1002, -1e30, 0, 1e30]) }, MATH_TOL);
  });
});

describe('bool inputs', () => {
  test('any non-zero byte is true, through run() and view()', async () => {
    const { compile } = await import('../../src/index.js');
    const g = new Graph();
    const a = g.input('a', [6], 'bool');
    const b = g.input('b', [6], 'bool');
    g.output('and', a.and(b));
    g.output('n', a.cast('i32'));
    const model = await compile(g);
    const out = model.run({ a: new Uint8Array([2, 0, 255, 1, 7, 0]), b: new Uint8Array([1, 1, 4, 0, 9, 3]) });
    expect(Array.from(out.and!)).toEqual([1, 0, 1, 0, 1, 0]);
    expect(Array.from(out.n!)).toEqual([1, 0, 1, 1, 1, 0]);
  });
});

describe('long elementwise chains (interleaved eight vectors at a time)', () => {
  // 32 per interleaved iteration: 1000 leaves a one-vector loop, 1003 a scalar tail too
  test.each([32, 1000, 1003])('%i elements: adds, muls, broadcasts, casts, where', async (size) => {
    const g = new Graph();
    const x = g.input('x', [size]);
    const b = g.input('b', [1]);
    const k = g.input('k', [size], 'i32');
    let t: Tensor = x;
    for (let i = 0; i < 12; i++)
      t = i % 3 === 0 ? t.add(b) : i % 3 === 1 ? t.mul(0.75) : t.sub(k.cast('f32'));
    g.output('y', g.where(t.gt(0), t.relu().maximum(x), t.neg()));
    g.output('yi', k.add(3).mul(k).sub(1).add(k).mul(2).add(7).sub(k).mul(k));
    await checkGraph(
      g,
      { x: randomData('f32', size, 1), b: randomData('f32', 1, 2), k: randomData('i32', size, 3) },
      { rtol: 1e-5, atol: 1e-5 },
    );
  });
});

describe('short elementwise chains (interleaved four vectors at a time)', () => {
  // 16 per interleaved iteration: 15 runs no wide loop, 1003 leaves a one-vector loop and a scalar
  // tail; the rows of the slice start 2 elements into rows of size + 5
  test.each([15, 16, 36, 1003])(
    '%i elements: one and a few ops, f32 and i32, a strided row',
    async (size) => {
      const g = new Graph();
      const x = g.input('x', [size]);
      const k = g.input('k', [size], 'i32');
      g.output('scaled', x.mul(2));
      g.output('few', x.mul(0.5).add(x).sub(1.25));
      g.output('ints', k.mul(3).add(k));
      g.output('cmp', x.gt(0.25));
      const m = g.input('m', [3, size + 5]);
      g.output(
        'rows',
        m
          .slice([
            [0, 3],
            [2, size + 2],
          ])
          .mul(-1.5),
      );
      await checkGraph(
        g,
        {
          x: randomData('f32', size, 1),
          k: randomData('i32', size, 2),
          m: randomData('f32', 3 * (size + 5), 3),
        },
        { rtol: 1e-6, atol: 1e-6 },
      );
    },
  );
});

describe('transcendentals interleaved four (exp, sigmoid: five) vectors at a time', () => {
  test('exp log sin cos tanh sigmoid erf gelu pow over 1003 elements, and inside a softmax row', async () => {
    const g = new Graph();
    const x = g.input('x', [1003]);
    const ops = ['exp', 'log', 'sin', 'cos', 'tanh', 'sigmoid', 'erf', 'gelu'] as const;
    for (const op of ops) g.output(op, op === 'log' ? x.abs()[op]() : x[op]());
    g.output('pow', x.abs().pow(1.7));
    g.output('softmax', x.reshape([17, 59]).softmax(-1));
    const data = randomData('f32', 1003, 5, -6, 6) as Float32Array;
    data[0] = NaN;
    data[501] = -Infinity;
    data[1002] = Infinity;
    await checkGraph(g, { x: data }, { rtol: 2e-6, atol: 1e-6 });
  });
});

describe('tiled matmul edges', () => {
  // sizes around the 4x8 tile: row tails, vector and scalar column tails, strided A, batch broadcast
  const cases: [number, number, number][] = [
    [1, 1, 1],
    [4, 8, 3],
    [5, 13, 7],
    [9, 17, 33],
    [3, 4, 64],
    // fewer than 4 rows read B in place with 32-column single-row tiles, then 8, 4 and 1 columns
    [1, 70, 9],
    [2, 32, 5],
    // cache blocks (256): several k-blocks (first, middle, last) and a partial n-block
    [5, 300, 600],
    [3, 513, 257],
    // 8+ rows pack B into scratch strips of 8 columns: exact strips, a last strip padded with
    // zero columns (17, fewer columns than a strip), 4 leftover columns read in place (524),
    // several k-blocks and n-blocks with a partial last one
    [8, 8, 1],
    [8, 16, 5],
    [9, 17, 33],
    [12, 7, 20],
    [11, 300, 600],
    [13, 524, 257],
  ];
  test.each(cases)('M=%i N=%i K=%i, also with A transposed', async (M, N, K) => {
    const g = new Graph();
    const a = g.input('a', [M, K]);
    const at = g.input('at', [K, M]);
    const b = g.input('b', [K, N]);
    g.output('c', a.matmul(b));
    g.output('ct', at.transpose().matmul(b).relu());
    // an epilogue applied once, after the last k-block
    g.output(
      'cb',
      a
        .matmul(b)
        .add(b.slice([0]))
        .relu(),
    );
    await checkGraph(
      g,
      { a: randomData('f32', M * K, 1), at: randomData('f32', M * K, 2), b: randomData('f32', K * N, 3) },
      // f32 accumulation of K products of size up to 16 against a float64 oracle
      { rtol: 1e-5, atol: 2e-7 * 16 * K },
      // poisoned: the packing scratch shares the arena with dead temps
      [...VARIANTS, { debugPoison: true }],
    );
  });
  test('full tiles with 16+ k steps sit in single-pass loops (V8 unrolls them deeper)', async () => {
    const loops = async (k: number): Promise<number> => {
      const g = new Graph();
      g.output('c', g.input('a', [8, k]).matmul(g.input('b', [k, 16])));
      const wat = await (await compile(g)).wat();
      return (wat.match(/\(loop /g) ?? []).length;
    };
    // the same loops but for six wrappers around the (single) full tile's k-loop
    expect((await loops(40)) - (await loops(8))).toBe(6);
  });
  test.each([
    [2, 9, 20, 19],
    [3, 16, 300, 40],
  ])('batched %i x (%i x %i) @ (%i x %i), B per batch and broadcast', async (batch, M, K, N) => {
    const g = new Graph();
    const a = g.input('a', [batch, M, K]);
    const b = g.input('b', [batch, K, N]);
    const w = g.input('w', [K, N]);
    g.output('per', a.matmul(b));
    g.output('shared', a.matmul(w).add(w.slice([0])));
    await checkGraph(
      g,
      {
        a: randomData('f32', batch * M * K, 1),
        b: randomData('f32', batch * K * N, 2),
        w: randomData('f32', K * N, 3),
      },
      { rtol: 1e-5, atol: 2e-7 * 16 * K },
      [...VARIANTS, { debugPoison: true }],
    );
  });
  test.each([
    [9, 17, 33],
    [8, 8, 3],
    [13, 524, 257],
    [12, 7, 20],
    [9, 1, 40],
    [5, 12, 20],
    [9, 12, 20],
  ])('x @ w.T (B strided along n): M=%i N=%i K=%i, with bias, and batched', async (M, N, K) => {
    const g = new Graph();
    const x = g.input('x', [M, K]);
    const w = g.input('w', [N, K]);
    const wb = g.input('wb', [2, N, K]);
    g.output('y', x.matmul(w.transpose()).add(g.input('bias', [N])));
    g.output(
      'yb',
      g
        .input('xb', [2, M, K])
        .matmul(wb.transpose([0, 2, 1]))
        .relu(),
    );
    await checkGraph(
      g,
      {
        x: randomData('f32', M * K, 1),
        w: randomData('f32', N * K, 2),
        bias: randomData('f32', N, 5),
        wb: randomData('f32', 2 * N * K, 3),
        xb: randomData('f32', 2 * M * K, 4),
      },
      { rtol: 1e-5, atol: 2e-7 * 16 * K },
      [...VARIANTS, { debugPoison: true }],
    );
    // tiled (8+ rows: B packed, its last strip padded), else the generic loops (one column: dot products)
    const model = await compile(g);
    expect(model.kernels.map((k) => k.vectorMode).filter((mode) => mode === 'matmul-tiled').length).toBe(
      M >= 8 && N > 1 ? 2 : 0,
    );
  });
  test('a second run starts from zero, not from the results of the first (several k-blocks)', async () => {
    const shapes: [number, number, number][] = [
      [3, 40, 600],
      [12, 300, 600],
    ];
    for (const [M, N, K] of shapes) {
      const g = new Graph();
      g.output('c', g.input('a', [M, K]).matmul(g.input('b', [K, N])));
      const model = await compile(g);
      model.run({ a: randomData('f32', M * K, 1), b: randomData('f32', K * N, 2) });
      const second = { a: randomData('f32', M * K, 3), b: randomData('f32', K * N, 4) };
      const want = interpret(g, second).c as Float32Array;
      const got = model.run(second).c as Float32Array;
      const worst = Math.max(...want.map((w, i) => Math.abs(w - got[i]!)));
      expect(worst, `M=${M} N=${N} K=${K}`).toBeLessThan(1e-3);
    }
  });
  test('the packing scratch is a temp of the plan, live during its kernel only', async () => {
    const g = new Graph();
    g.output('c', g.input('a', [16, 300]).matmul(g.input('b', [300, 40])));
    const packed = await compile(g);
    const scratch = packed.plan.buffers.filter((b) => b.name.endsWith('.scratch'));
    // one 256 x 40 block of B, as 5 strips of 8 columns
    expect(scratch).toEqual([
      expect.objectContaining({ kind: 'temp', bytes: 256 * 40 * 4, firstUse: 0, lastUse: 0 }),
    ]);
    expect(packed.ir('scheduled')).toContain('scratch');
    const scalar = await compile(g, { simd: false });
    expect(scalar.plan.buffers.some((b) => b.name.endsWith('.scratch'))).toBe(false);
  });
});
