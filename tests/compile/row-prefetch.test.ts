/**
 * Row kernels touch the next row of their first pass's input, and the current
 * row of what they store last, while a later pass runs
 * (codegen/binaryen/row-prefetch.ts): the touches change no value,
 * appear where a row kernel has a later main loop, and never read past the
 * touched buffer — on the last row they touch the current one, which this
 * file checks with the buffer placed at the very end of memory (a touch one
 * row further would trap there).
 */
import { describe, expect, test } from 'vitest';
import { Graph, compile, interpret } from '../../src/index.js';
import { checkGraph, expectClose, randomData } from '../support/differential.js';

const touchCount = async (g: Graph): Promise<number> =>
  (await (await compile(g)).wat()).split('\n').filter((line) => line.trim() === '(drop').length;

const logSumExp = (x: ReturnType<Graph['input']>) => {
  const m = x.max(-1, true);
  return x.sub(m).exp().sum(-1, true).log().add(m);
};

describe('row kernels prefetch the next row', () => {
  test.each([[[7, 1024]], [[3, 5, 37]], [[2, 64]], [[1, 300]], [[9, 3]]])(
    'softmax, logsumexp and layerNorm over %j agree with the interpreter',
    async (shape) => {
      const g = new Graph();
      const x = g.input('x', shape);
      const n = shape[shape.length - 1] as number;
      g.output('softmax', x.softmax(-1));
      g.output('lse', logSumExp(x));
      g.output('ln', x.layerNorm(g.input('w', [n]), g.input('b', [n]), 1e-5));
      const size = shape.reduce((a, b) => a * b, 1);
      await checkGraph(
        g,
        { x: randomData('f32', size, 3, -6, 6), w: randomData('f32', n, 4), b: randomData('f32', n, 5) },
        { rtol: 1e-4, atol: 1e-5 },
      );
    },
  );

  test("softmax and layerNorm carry touches, a broadcast row only its output's, an elementwise kernel none", async () => {
    const rows = (build: (g: Graph, x: ReturnType<Graph['input']>) => void): Graph => {
      const g = new Graph();
      build(g, g.input('x', [16, 256]));
      return g;
    };
    const softmax = await touchCount(rows((g, x) => g.output('y', x.softmax(-1))));
    expect(softmax).toBeGreaterThan(0);
    expect(
      await touchCount(rows((g, x) => g.output('y', x.layerNorm(undefined, undefined, 1e-5)))),
    ).toBeGreaterThan(0);
    expect(await touchCount(rows((g, x) => g.output('y', x.exp().mul(2))))).toBe(0);
    // every row reads the same vector: no next input row to bring in, only the output's rows
    const g = new Graph();
    const v = g.input('v', [1, 256]);
    g.output('y', v.expand([16, 256]).softmax(-1));
    const broadcast = await touchCount(g);
    expect(broadcast).toBeGreaterThan(0);
    expect(broadcast).toBeLessThan(softmax);
  });

  test('the touched buffer at the very end of memory: the last row touches itself', async () => {
    // h = 2x is a temp the planner puts last; the input p pads the memory to whole pages
    const R = 8;
    const C = 1024;
    const P = 16360;
    const g = new Graph();
    const x = g.input('x', [R, C]);
    const p = g.input('p', [P]);
    const h = x.mul(2);
    g.output('z', p.sum());
    g.output('s', h.sum(-1));
    g.output('y', logSumExp(h));
    const model = await compile(g);
    const last = model.plan.buffers.find((b) => b.name === 'k0_mul');
    expect(last, 'the layout this test relies on').toBeDefined();
    expect(last!.offset + last!.bytes).toBe(model.plan.memoryBytes);
    expect(model.plan.memoryBytes % 65536).toBe(0);
    expect(await touchCount(g)).toBeGreaterThan(0);
    const feeds = { x: randomData('f32', R * C, 7, -3, 3), p: randomData('f32', P, 8) };
    const expected = interpret(g, feeds);
    const actual = model.run(feeds);
    for (const name of ['y', 's', 'z']) expectClose(actual[name]!, expected[name]!, { rtol: 2e-5 }, name);
  });
});
