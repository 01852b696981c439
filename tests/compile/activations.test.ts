/**
 * The ONNX activations (build/activations.ts): the interpreter against each
 * function's float64 definition from the ONNX spec, then compiled code against
 * the interpreter, on odd sizes and random attributes; typed errors for bad input.
 */
import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { DTypeError, Graph, ShapeError, type Tensor } from '../../src/index.js';
import { randomData } from '../support/differential.js';
import { checkAgainstReference, mapF32 } from '../support/reference-check.js';

const softplusRef = (v: number): number => Math.max(v, 0) + Math.log1p(Math.exp(-Math.abs(v)));
const SELU_A = 1.67326319217681884765625;
const SELU_G = 1.05070102214813232421875;

/** name, builder, float64 reference, input range. */
const CASES: [string, (x: Tensor) => Tensor, (v: number) => number, number, number][] = [
  ['leakyRelu', (x) => x.leakyRelu(0.13), (v) => (v < 0 ? 0.13 * v : v), -5, 5],
  ['elu', (x) => x.elu(0.7), (v) => (v < 0 ? 0.7 * (Math.exp(v) - 1) : v), -6, 4],
  ['selu', (x) => x.selu(), (v) => SELU_G * (v <= 0 ? SELU_A * (Math.exp(v) - 1) : v), -6, 4],
  ['hardSigmoid', (x) => x.hardSigmoid(0.3, 0.4), (v) => Math.max(0, Math.min(1, 0.3 * v + 0.4)), -5, 5],
  ['hardSwish', (x) => x.hardSwish(), (v) => v * Math.max(0, Math.min(1, v / 6 + 0.5)), -5, 5],
  ['softplus', (x) => x.softplus(), softplusRef, -30, 30],
  ['softsign', (x) => x.softsign(), (v) => v / (1 + Math.abs(v)), -9, 9],
  ['silu', (x) => x.silu(), (v) => v / (1 + Math.exp(-v)), -9, 9],
  ['mish', (x) => x.mish(), (v) => v * Math.tanh(softplusRef(v)), -9, 9],
  [
    'gelu tanh',
    (x) => x.gelu('tanh'),
    (v) => 0.5 * v * (1 + Math.tanh(Math.sqrt(2 / Math.PI) * (v + 0.044715 * v ** 3))),
    -6,
    6,
  ],
  ['celu', (x) => x.celu(1.5), (v) => Math.max(0, v) + Math.min(0, 1.5 * (Math.exp(v / 1.5) - 1)), -6, 4],
  ['thresholdedRelu', (x) => x.thresholdedRelu(0.5), (v) => (v > 0.5 ? v : 0), -2, 2],
  ['shrink', (x) => x.shrink(0.6, 0.2), (v) => (v < -0.6 ? v + 0.2 : v > 0.6 ? v - 0.2 : 0), -2, 2],
  ['clip', (x) => x.clip(-1.5, 2), (v) => Math.min(Math.max(v, -1.5), 2), -4, 4],
];

describe('activations match their ONNX definitions', () => {
  test.each(CASES)('%s', async (_name, build, ref, lo, hi) => {
    const g = new Graph();
    g.output('y', build(g.input('x', [3, 37])));
    const x = randomData('f32', 3 * 37, 11, lo, hi);
    await checkAgainstReference(g, { x }, { y: mapF32(x, ref) });
  });

  test('special values: softplus never overflows and keeps exp(x) for very negative x', async () => {
    const g = new Graph();
    const x = g.input('x', [9]);
    g.output('softplus', x.softplus());
    g.output('mish', x.mish());
    g.output('silu', x.silu());
    const xs = new Float32Array([-100, -20, -1e-3, 0, 1e-3, 20, 100, 1e30, -Infinity]);
    await checkAgainstReference(
      g,
      { x: xs },
      {
        softplus: mapF32(xs, softplusRef),
        mish: mapF32(xs, (v) => (v === -Infinity ? NaN : v * Math.tanh(softplusRef(v)))),
        silu: mapF32(xs, (v) => (v === -Infinity ? NaN : v / (1 + Math.exp(-v)))),
      },
      { rtol: 1e-5, atol: 1e-30 },
    );
  });

  test('random attributes (fast-check)', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.double({ min: -3, max: 3, noNaN: true }),
        fc.double({ min: 0.1, max: 3, noNaN: true }),
        fc.integer({ min: 1, max: 19 }),
        async (a, b, n) => {
          const af = Math.fround(a);
          const bf = Math.fround(b);
          const g = new Graph();
          const x = g.input('x', [n]);
          g.output('leaky', x.leakyRelu(af));
          g.output('celu', x.celu(bf));
          g.output('clip', x.clip(af, af + bf));
          g.output('hs', x.hardSigmoid(af, bf));
          const xs = randomData('f32', n, n, -4, 4);
          await checkAgainstReference(
            g,
            { x: xs },
            {
              leaky: mapF32(xs, (v) => (v < 0 ? af * v : v)),
              celu: mapF32(xs, (v) => Math.max(0, v) + Math.min(0, bf * (Math.exp(v / bf) - 1))),
              clip: mapF32(xs, (v) => Math.min(Math.max(v, af), Math.fround(af + bf))),
              hs: mapF32(xs, (v) => Math.max(0, Math.min(1, Math.fround(af * v) + bf))),
            },
          );
        },
      ),
      { numRuns: 6, seed: 19 },
    );
  });

  test('prelu broadcasts the slope per channel', async () => {
    const g = new Graph();
    const x = g.input('x', [2, 3, 5]);
    const s = g.input('s', [3, 1]);
    g.output('y', x.prelu(s));
    const xs = randomData('f32', 30, 3);
    const ss = new Float32Array([0.1, -0.5, 2]);
    const y = mapF32(xs, (v) => v);
    y.forEach((v, i) => (y[i] = v < 0 ? v * (ss[Math.floor(i / 5) % 3] as number) : v));
    await checkAgainstReference(g, { x: xs, s: ss }, { y });
  });

  test('clip: tensor bounds, min > max gives max, a missing bound, i32', async () => {
    const g = new Graph();
    const x = g.input('x', [7]);
    const xi = g.input('xi', [7], 'i32');
    g.output('t', x.clip(g.constant(-1), g.constant(1)));
    g.output('swapped', x.clip(2, 1));
    g.output('upper', x.clip(null, 0.5));
    g.output('int', xi.clip(-2, 3));
    const xs = new Float32Array([-3, -1.5, -0.2, 0, 0.7, 1.4, NaN]);
    const is = new Int32Array([-9, -2, -1, 0, 3, 4, 100]);
    await checkAgainstReference(
      g,
      { x: xs, xi: is },
      {
        t: mapF32(xs, (v) => Math.min(Math.max(v, -1), 1)),
        swapped: mapF32(xs, (v) => Math.min(Math.max(v, 2), 1)),
        upper: mapF32(xs, (v) => Math.min(v, 0.5)),
        int: Int32Array.from(is, (v) => Math.min(Math.max(v, -2), 3)),
      },
    );
  });

  test('typed errors', () => {
    const g = new Graph();
    const x = g.input('x', [2, 3]);
    expect(() => g.input('b', [2], 'bool').elu()).toThrow(DTypeError);
    expect(() => x.prelu(g.input('s', [4]))).toThrow(ShapeError);
    expect(() => x.prelu(g.input('s2', [4]))).toThrow(/prelu: slope \[4\] does not broadcast to x \[2,3\]/);
    expect(() => x.clip(g.input('lo', [3, 3]))).toThrow(ShapeError);
    expect(() => x.clip(g.input('li', [], 'i32'))).toThrow(DTypeError);
    expect(() => g.input('xi', [2], 'i32').clip(0.5)).toThrow(DTypeError);
    expect(() => x.celu(0)).toThrow(ShapeError);
    expect(() => x.leakyRelu(NaN)).toThrow(ShapeError);
  });
});
