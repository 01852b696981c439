/**
 * The recurrent (lstm, gru, rnn) and attention composites compiled and compared
 * with the reference interpreter on small odd sizes, plus their builder errors.
 */
import { describe, expect, test } from 'vitest';
import {
  attention,
  compile,
  Graph,
  gru,
  lstm,
  rnn,
  rotaryEmbedding,
  ShapeError,
  type AttentionOptions,
  type Tensor,
} from '../../src/index.js';
import { checkGraph, randomData } from '../support/differential.js';

const TOL = { rtol: 1e-4, atol: 1e-5 };
const size = (s: readonly number[]): number => s.reduce((a, b) => a * b, 1);

describe('recurrent composites', () => {
  const [seq, batch, input, hidden] = [3, 2, 5, 3];
  test.each([
    ['lstm', 'forward'],
    ['lstm', 'bidirectional'],
    ['gru', 'reverse'],
    ['gru', 'bidirectional'],
    ['rnn', 'bidirectional'],
  ] as const)('%s %s', async (cell, direction) => {
    const dirs = direction === 'bidirectional' ? 2 : 1;
    const gates = { lstm: 4, gru: 3, rnn: 1 }[cell];
    const g = new Graph();
    const x = g.input('x', [batch, seq, input]);
    const w = g.param('w', [dirs, gates * hidden, input]);
    const r = g.param('r', [dirs, gates * hidden, hidden]);
    const b = g.param('b', [dirs, 2 * gates * hidden]);
    const f = { lstm, gru, rnn }[cell];
    const out = f(x, w, r, { direction, bias: b, layout: 1, sequenceLens: [3, 2], linearBeforeReset: true });
    g.output('y', out.y);
    g.output('yh', out.yH);
    if (out.yC !== undefined) g.output('yc', out.yC);
    const feeds = Object.fromEntries(
      [x, w, r, b].map((t, i) => [
        ['x', 'w', 'r', 'b'][i] as string,
        randomData('f32', size(t.shape), 3 + i, -1, 1),
      ]),
    );
    await checkGraph(g, feeds, TOL);
  });

  test.each([
    [
      'lstm',
      {
        clip: 0.4,
        inputForget: true,
        activations: [
          { name: 'hardSigmoid', alpha: 0.3 },
          'tanh',
          { name: 'scaledTanh', alpha: 1.2, beta: 0.7 },
        ],
      },
    ],
    [
      'gru',
      {
        clip: 0.5,
        activations: [
          { name: 'leakyRelu', alpha: 0.2 },
          { name: 'elu', alpha: 0.6 },
        ],
      },
    ],
    ['rnn', { activations: [{ name: 'affine', alpha: 0.8, beta: -0.1 }] }],
    ['rnn', { activations: [{ name: 'thresholdedRelu', alpha: 0.1 }] }],
  ] as const)('%s with clip, input_forget and parameterized activations %j', async (cell, options) => {
    const gates = { lstm: 4, gru: 3, rnn: 1 }[cell];
    const g = new Graph();
    const x = g.input('x', [seq, batch, input]);
    const w = g.param('w', [1, gates * hidden, input]);
    const r = g.param('r', [1, gates * hidden, hidden]);
    const out = { lstm, gru, rnn }[cell](x, w, r, options);
    g.output('y', out.y);
    const feeds = Object.fromEntries(
      [x, w, r].map((t, i) => [['x', 'w', 'r'][i] as string, randomData('f32', size(t.shape), 7 + i, -2, 2)]),
    );
    await checkGraph(g, feeds, TOL);
  });

  test('bad recurrent options are ShapeErrors naming the op', () => {
    const g = new Graph();
    const x = g.input('x', [3, 1, 4]);
    const w = g.input('w', [1, 3, 4]);
    const r = g.input('r', [1, 3, 3]);
    expect(() => rnn(x, w, r, { activations: ['gelu' as 'tanh'] })).toThrow(/rnn: unknown activation/);
    expect(() => rnn(x, w, r, { activations: [{ name: 'tanh', alpha: 2 }] })).toThrow(
      /rnn: activation tanh takes no alpha/,
    );
    expect(() => rnn(x, w, r, { clip: -1 })).toThrow(ShapeError);
    expect(() => rnn(x, w, r, { inputForget: true })).toThrow(/rnn: inputForget is an LSTM option/);
  });

  test('a wrong W shape is a ShapeError naming the op', () => {
    const g = new Graph();
    const x = g.input('x', [3, 1, 4]);
    expect(() => lstm(x, g.input('w', [1, 12, 5]), g.input('r', [1, 12, 3]))).toThrow(ShapeError);
    expect(() => lstm(x, g.input('w2', [1, 12, 5]), g.input('r2', [1, 12, 3]))).toThrow(/lstm: W/);
  });
});

describe('attention composite', () => {
  const cases: [string, number[], number[], number[], AttentionOptions, number[] | null][] = [
    [
      '3-D grouped-query causal',
      [2, 3, 12],
      [2, 5, 4],
      [2, 5, 6],
      { qNumHeads: 6, kvNumHeads: 2, isCausal: true },
      null,
    ],
    ['4-D bool mask, scale', [1, 3, 5, 7], [1, 3, 6, 7], [1, 3, 6, 3], { scale: 0.3 }, [5, 6]],
    ['4-D softcap, float mask', [2, 1, 3, 5], [2, 1, 4, 5], [2, 1, 4, 5], { softcap: 1.5 }, [2, 1, 3, 4]],
  ];
  test.each(cases)('%s', async (_, qs, ks, vs, options, maskShape) => {
    const g = new Graph();
    const q = g.input('q', qs);
    const k = g.input('k', ks);
    const v = g.input('v', vs);
    const feeds: Record<string, Float32Array | Uint8Array> = {
      q: randomData('f32', size(qs), 1) as Float32Array,
      k: randomData('f32', size(ks), 2) as Float32Array,
      v: randomData('f32', size(vs), 3) as Float32Array,
    };
    let mask = null;
    if (maskShape !== null) {
      const bool = options.softcap === undefined;
      mask = g.input('m', maskShape, bool ? 'bool' : 'f32');
      feeds.m = randomData(bool ? 'bool' : 'f32', size(maskShape), 4) as Float32Array | Uint8Array;
    }
    const r = attention(q, k, v, { ...options, mask });
    g.output('y', r.y);
    g.output('p', r.probs);
    await checkGraph(g, feeds, TOL);
  });

  test('a causal block compiles to as many kernels as the hand-written one', async () => {
    const shape = [1, 3, 9, 5];
    const kernels = async (build: (g: Graph) => void): Promise<string[]> => {
      const g = new Graph();
      build(g);
      const model = await compile(g);
      const names = model.kernels.map((k) => k.name);
      model.dispose();
      return names;
    };
    const io = (g: Graph) => ['q', 'k', 'v'].map((n) => g.input(n, shape)) as [Tensor, Tensor, Tensor];
    const hand = await kernels((g) => {
      const [q, k, v] = io(g);
      const causal = g.constant(
        Float32Array.from({ length: 81 }, (_, n) => (n % 9 > Math.floor(n / 9) ? -Infinity : 0)),
        [9, 9],
      );
      g.output(
        'y',
        q
          .matmul(k.transpose([0, 1, 3, 2]))
          .mul(0.5)
          .add(causal)
          .softmax(-1)
          .matmul(v),
      );
    });
    const composite = await kernels((g) => {
      const [q, k, v] = io(g);
      g.output('y', attention(q, k, v, { isCausal: true, scale: 0.5 }).y);
    });
    expect(composite.length).toBe(hand.length);
  });

  test('kv heads that do not divide q heads are a ShapeError', () => {
    const g = new Graph();
    const q = g.input('q', [1, 3, 2, 4]);
    const k = g.input('k', [1, 2, 2, 4]);
    expect(() => attention(q, k, k)).toThrow(ShapeError);
  });
});

describe('rotary embedding composite', () => {
  test.each([
    ['halves, position ids', false, 0],
    ['interleaved, rotary dim 4', true, 4],
  ] as const)('%s', async (_, interleaved, rotaryDim) => {
    const g = new Graph();
    const x = g.input('x', [2, 3, 30]);
    const half = (rotaryDim === 0 ? 10 : rotaryDim) / 2;
    const cos = g.input('c', [7, half]);
    const sin = g.input('s', [7, half]);
    const ids = g.input('p', [2, 3], 'i32');
    g.output('y', rotaryEmbedding(x, cos, sin, { positionIds: ids, interleaved, rotaryDim, numHeads: 3 }));
    await checkGraph(
      g,
      {
        x: randomData('f32', 180, 1),
        c: randomData('f32', 7 * half, 2, -1, 1),
        s: randomData('f32', 7 * half, 3, -1, 1),
        p: Int32Array.from([0, 6, 2, 5, 1, 3]),
      },
      TOL,
    );
  });

  test('an odd rotary dim is a ShapeError', () => {
    const g = new Graph();
    const x = g.input('x', [1, 1, 2, 6]);
    const c = g.input('c', [1, 2, 1]);
    expect(() => rotaryEmbedding(x, c, c, { rotaryDim: 3 })).toThrow(ShapeError);
  });
});
