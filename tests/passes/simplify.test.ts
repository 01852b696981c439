/**
 * Simplification: identities disappear, constants fold, equal subexpressions
 * are computed once, dead code is dropped — and the compiled results still
 * equal the interpreter on the original graph.
 */
import { describe, expect, test } from 'vitest';
import { Graph, planGraph } from '../../src/index.js';
import { checkGraph, randomData } from '../support/differential.js';

const opsOf = (g: Graph): string[] =>
  planGraph(g)
    .lowered.toString()
    .split('\n')
    .filter((l) => l.startsWith('%'))
    .map((l) => /= (\w+)\(/.exec(l)?.[1] ?? '');

describe('simplify', () => {
  test('x*1+0 disappears, -(-x) and x/1 too', async () => {
    const g = new Graph();
    const x = g.input('x', [3, 4]);
    g.output('y', x.mul(1).add(0).neg().neg().div(1).sub(0).exp());
    expect(opsOf(g)).toEqual(['input', 'exp']);
    await checkGraph(g, { x: randomData('f32', 12, 1) }, { rtol: 2e-5 });
  });

  test('reshape of reshape, transpose of transpose, identity views, same-dtype cast', async () => {
    const g = new Graph();
    const x = g.input('x', [2, 3, 4]);
    g.output('a', x.reshape([6, 4]).reshape([24]).relu());
    g.output('b', x.transpose([1, 0, 2]).transpose([1, 0, 2]).relu());
    g.output('c', x.transpose([2, 0, 1]).transpose([1, 2, 0]).cast('f32').abs());
    g.output(
      'd',
      x
        .slice([null, null, null])
        .pad([
          [0, 0],
          [0, 0],
          [0, 0],
        ])
        .expand([2, 3, 4])
        .neg(),
    );
    const ops = opsOf(g);
    expect(ops.filter((o) => o === 'reshape')).toHaveLength(1);
    expect(ops).not.toContain('transpose');
    expect(ops).not.toContain('cast');
    expect(ops).not.toContain('slice');
    expect(ops).not.toContain('pad');
    expect(ops).not.toContain('expand');
    await checkGraph(g, { x: randomData('f32', 24, 2) });
  });

  test('constant-only subgraphs are computed at compile time', async () => {
    const g = new Graph();
    const c = g.constant([1, 2, 3, 4], [2, 2]);
    const folded = c.matmul(c).add(1).exp().sum(-1);
    g.output('y', g.input('x', [2]).mul(folded));
    expect(opsOf(g).sort()).toEqual(['constant', 'input', 'mul']);
    await checkGraph(g, { x: new Float32Array([0.5, -2]) }, { rtol: 2e-5 });
  });

  test('large broadcast constants are not folded (module size)', () => {
    const g = new Graph();
    g.output(
      'y',
      g
        .constant(2)
        .expand([1000, 1000])
        .mul(g.input('x', [1000, 1000])),
    );
    expect(opsOf(g)).toContain('expand');
  });

  test('equal subexpressions are one node; dead code is dropped', () => {
    const g = new Graph();
    const x = g.input('x', [8]);
    const unused = x.exp().log(); // never output
    void unused;
    const a = x.mul(2).add(1);
    const b = x.mul(2).add(1);
    g.output('y', a.mul(b));
    expect(opsOf(g)).toEqual(['input', 'constant', 'mul', 'constant', 'add', 'mul']);
  });

  test('x*0 is kept (NaN * 0 is NaN)', async () => {
    const g = new Graph();
    const x = g.input('x', [3]);
    g.output('y', x.mul(0));
    expect(opsOf(g)).toContain('mul');
    await checkGraph(g, { x: new Float32Array([NaN, Infinity, 1]) });
  });
});
