/**
 * The random-graph checker's excuse for ill-conditioned outputs
 * (tests/support/sensitivity.ts): a disagreement passes only where changing
 * the reference's intermediate values by an ulp moves it out of tolerance and
 * the compiled value lies within what the changed references span, never
 * where the reference is insensitive.
 */
import { describe, expect, test } from 'vitest';
import { Graph, compile, interpret } from '../../src/index.js';
import { checkRandomGraph } from '../support/random-differential.js';
import { sensitivityExcuse } from '../support/sensitivity.js';

const TOL = { rtol: 1e-3, atol: 1e-4 };

describe('sensitivity excuse', () => {
  // fuzz --graphs 4000 --seed 777 (plain), data seed 215: a sum of eight (i + 1e-7) that cancels
  // to ~2e-7, then sqrt. f32 accumulation and the float64 oracle differ by an ulp of 1 in the sum,
  // which sqrt turns into 1.4e-4: compiled code within its stated accuracy, outside a fixed tolerance.
  const cancelling = (): Graph => {
    const g = new Graph();
    g.input('x0', []);
    const x1 = g.input('x1', [8, 2], 'i32');
    g.output('out0', x1.add(g.constant(1e-7)).sum(0).sqrt().neg());
    return g;
  };

  test('excuses a cancelling sum seen through sqrt', async () => {
    const g = cancelling();
    const feeds = {
      x0: new Float32Array([0]),
      x1: Int32Array.from([2, -1, -2, 1, 0, 0, 1, 2, -1, -2, 0, 1, 0, -1, 0, 0]),
    };
    const expected = interpret(g, feeds).out0 as Float32Array;
    const actual = (await compile(g)).run(feeds).out0 as Float32Array;
    const excuse = sensitivityExcuse(g, feeds, 16, TOL)('out0', expected, actual);
    // wherever compiled and reference disagree here, the nudged references span the compiled value
    for (let i = 0; i < expected.length; i++)
      if (Math.abs((actual[i] as number) - (expected[i] as number)) > 1e-4)
        expect(excuse(i), `element ${i}`).toBe(true);
    // and the checker of random graphs accepts the shrunk fuzz case with its data seed
    await checkRandomGraph(g, 215);
  });

  // fuzz --wide 3300 --seed 5050, graph 3,193: (x·1e21) @ (x·1e21)^T. Its f32 products reach
  // ±1e42, past f32's range: compiled code's ±inf terms cancel to NaN where the float64 oracle
  // sums them and rounds once, to +inf. The f32-accumulation references show the NaN.
  test('excuses f32 overflow inside a dot product', async () => {
    const g = new Graph();
    const x = g.input('x0', [8, 8]);
    const scaled = x.mul(g.constant(1e21));
    g.output('out0', scaled.matmul(scaled.transpose([1, 0])));
    g.output('out1', x.neg());
    const feeds = { x0: new Float32Array(64).map((_, i) => ((i * 7) % 5) - 2) };
    const expected = interpret(g, feeds).out0 as Float32Array;
    const actual = (await compile(g)).run(feeds).out0 as Float32Array;
    const excuse = sensitivityExcuse(g, feeds, 16, TOL)('out0', expected, actual);
    const disagree = [...expected.keys()].filter((i) => !Object.is(expected[i], actual[i]));
    expect(disagree.length).toBeGreaterThan(0);
    for (const i of disagree) {
      expect(actual[i], `element ${i}`).toBeNaN();
      expect(excuse(i), `element ${i}`).toBe(true);
    }
    // and the checker of random graphs accepts the fuzz case with its data seed
    await checkRandomGraph(g, 0);
  });

  // fuzz --wide 8000 --seed 71717, graph 3,932: 1 / logSoftmax(x @ x^T, axis 0). The diagonal
  // dominates: in f32 its column's sum of exps is exactly 1, logSoftmax there is +0 and its
  // reciprocal +inf, where the float64 oracle keeps -7e-13 (reciprocal -1.4e12). The snapped
  // reference shows the zero; it used to snap to -0 (Math.round of a small negative), whose
  // reciprocal -inf did not match.
  test('excuses a logSoftmax that rounds to exactly 0, seen through a reciprocal', async () => {
    const g = new Graph();
    const x = g.input('x0', [8, 33]);
    g.output(
      'out0',
      x
        .matmul(x.transpose([1, 0]))
        .logSoftmax(0)
        .pow(g.constant(-1)),
    );
    g.output('out1', x.neg());
    await checkRandomGraph(g, 0);
  });

  // fuzz --wide 8000 --seed 71717 again, shrunk another way: -argmax over logSoftmax(relu(x), axis
  // 0) of integers. Lanes with the same values in another order tie exactly in the float64 oracle
  // (which returns the first) and sit an ulp apart in compiled f32 code (which may return the
  // other); the tie references (arg-ties.ts) carry the other choice through the neg.
  test('excuses an argmax between candidates that tie in the reference, seen through an op', async () => {
    const g = new Graph();
    const x = g.input('x0', [8, 16, 33], 'i32');
    const zero = g.constant(new Int32Array([0]), []);
    g.output('out0', g.where(x.gt(zero), x, zero).logSoftmax(0).argmax(1).neg());
    g.output('out1', x.neg());
    await checkRandomGraph(g, 648);
  });

  test('does not excuse a wrong value where the reference is insensitive', () => {
    const g = new Graph();
    g.output('y', g.input('x', [4]).mul(2).add(1));
    const feeds = { x: new Float32Array([1, 2, 3, 4]) };
    const expected = interpret(g, feeds).y as Float32Array;
    const wrong = Float32Array.from(expected, (v, i) => (i === 2 ? v + 0.5 : v));
    const excuse = sensitivityExcuse(g, feeds, 16, TOL)('y', expected, wrong);
    expect(excuse(2)).toBe(false);
    // an argmin between well separated values is not excused either (nor is it a tie)
    const h = new Graph();
    h.output('i', h.input('x', [4]).argmin(0));
    const hExpected = interpret(h, feeds).i as Int32Array;
    expect(sensitivityExcuse(h, feeds, 16, TOL)('i', hExpected, new Int32Array([3]))(0)).toBe(false);
  });
});
