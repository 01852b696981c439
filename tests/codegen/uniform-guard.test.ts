/**
 * A guard whose index does not move along the vector lanes (a concat along an
 * outer axis, a pad of an outer axis) is one branch for all four lanes: such
 * kernels are vectorized, and agree with the interpreter on odd sizes.
 */
import { describe, expect, test } from 'vitest';
import { Graph, compile } from '../../src/index.js';
import { checkGraph, randomData } from '../support/differential.js';

describe('guards uniform across the lanes', () => {
  test('concat along the channels of NCHW values is vectorized', async () => {
    const g = new Graph();
    const a = g.input('a', [2, 3, 5, 7]);
    const b = g.input('b', [2, 5, 5, 7]);
    g.output('y', g.concat([a.relu(), b.exp()], 1).mul(2));
    const model = await compile(g);
    // the concat's operands are stored first; the concat (and the mul after it) is one vector kernel
    expect(model.kernels.map((k) => k.vectorMode)).toEqual(['elementwise', 'elementwise', 'elementwise']);
    model.dispose();
    await checkGraph(g, { a: randomData('f32', 210, 1), b: randomData('f32', 350, 2) }, { rtol: 1e-6 });
  });

  test('a pad of an outer axis is vectorized; one of the inner axis is not', async () => {
    const g = new Graph();
    const x = g.input('x', [3, 4, 9]);
    g.output(
      'outer',
      x
        .pad([
          [0, 0],
          [1, 2],
          [0, 0],
        ])
        .add(1),
    );
    g.output(
      'inner',
      x
        .pad([
          [0, 0],
          [0, 0],
          [1, 2],
        ])
        .add(1),
    );
    const model = await compile(g);
    const modes = Object.fromEntries(model.kernels.map((k) => [k.nodes.at(-1) ?? '', k.vectorMode]));
    expect(Object.values(modes)).toEqual(['elementwise', 'scalar']);
    model.dispose();
    await checkGraph(g, { x: randomData('f32', 108, 3) }, { rtol: 1e-6 });
  });
});
