/** The IR verifier accepts every builder graph and refuses hand-built bad nodes with an InternalError naming stage, node and rule. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Graph, InternalError, type Tensor } from '../../src/index.js';
import type { Node } from '../../src/ir/node.js';
import { verifyGraph } from '../../src/ir/verify.js';
import { buildMlp, buildNorms, buildSlicing } from './graphs.js';
import { expectError } from './helpers.js';
import { buildProgram, programArbitrary } from './random-graph.js';

/** A copy of `t`'s node with some fields replaced: the kind of node a buggy pass would make. */
function forge(t: Tensor, changes: Partial<Record<keyof Node, unknown>>): Node {
  return { ...t.node, ...changes } as Node;
}

const refuses = (outputs: [string, Node][], message: string | RegExp, leaves: Node[] = []): InternalError =>
  expectError(() => verifyGraph(outputs, leaves, 'simplify'), InternalError, 'E_INTERNAL', message);

describe('verifyGraph accepts', () => {
  it('the fixture graphs and a graph with every kind of op', () => {
    for (const g of [buildMlp(), buildNorms(), buildSlicing()]) verifyGraph(g.outputs, g.leaves);
    const g = new Graph();
    const x = g.input('x', [2, 3]);
    const i = g.input('i', [2], 'i32');
    g.output('a', x.sum(-1).argmax(0, true).cast('f32').add(x.gather(i, 0).mean()));
    g.output(
      'b',
      g
        .concat(
          [
            x.expand([2, 2, 3]).slice([0]),
            x.pad([
              [0, 0],
              [0, 0],
            ]),
          ],
          0,
        )
        .transpose(),
    );
    g.output('c', g.where(x.ge(0).and(x.lt(1)).or(x.eq(2).not()), x.square(), -1).layerNorm());
    expect(() => verifyGraph(g.outputs, g.leaves)).not.toThrow();
  });

  it('random builder graphs (fixed seed)', () => {
    fc.assert(
      fc.property(programArbitrary, (p) => {
        const g = buildProgram(p);
        verifyGraph(g.outputs, g.leaves, 'build');
      }),
      { seed: 7, numRuns: 200 },
    );
  });
});

describe('verifyGraph refuses', () => {
  const g = new Graph();
  const x = g.input('x', [2, 3]);
  const y = x.exp();

  it('a node whose shape or dtype is not what its rule infers', () => {
    const err = refuses(
      [['y', forge(y, { shape: [3, 2] })]],
      'internal error in simplify: IR verifier: node 1 (exp): type is f32[3,2] but exp infers f32[2,3]',
    );
    expect(err.details).toMatchObject({ stage: 'simplify', nodeId: 1, op: 'exp' });
    expect(err.hint).toMatch(/compiler bug/);
    refuses(
      [['y', forge(y, { dtype: 'i32' })]],
      /node 1 \(exp\): type is i32\[2,3\] but exp infers f32\[2,3\]/,
    );
  });

  it('an op whose rule fails on its inputs', () => {
    const bad = forge(x.add(1), { inputs: [x.node, g.input('z', [4]).node] });
    refuses(
      [['y', { ...bad, id: 99 }]],
      /node 99 \(add\): the add rule fails: add: shapes cannot be broadcast/,
    );
  });

  it('attributes out of normal form: unsorted or negative axes, -1 in reshape, wrong keys', () => {
    const s = x.sum(1);
    refuses(
      [['s', forge(s, { attrs: { axes: [1, 0], keepdims: false }, shape: [] })]],
      /node \d+ \(sum\): attributes not in normal form: axes \[1,0\] must be sorted, distinct and non-negative/,
    );
    refuses([['s', forge(s, { attrs: { axes: [-1], keepdims: false } })]], /axes \[-1\] must be sorted/);
    const r = x.reshape([6]);
    refuses(
      [['r', forge(r, { attrs: { shape: [-1, -6] } })]],
      /\(reshape\): attributes not in normal form: shape \[-1,-6\] must list non-negative integers \(no -1\)/,
    );
    refuses(
      [['s', forge(s, { attrs: { keepdims: false, axes: [1] } })]],
      /attributes \{keepdims, axes\} should be \{axes, keepdims\} in that order/,
    );
    refuses(
      [['a', forge(x.argmax(-1), { attrs: { axis: -1, keepdims: false } })]],
      /argmax.*axis must be a non-negative integer/,
    );
    refuses([['c', forge(x.cast('i32'), { attrs: { to: 'int' } })]], /unknown dtype "int"/);
    const empty = x.slice([[1, 1]]);
    refuses(
      [
        [
          'e',
          forge(empty, {
            attrs: {
              axes: [
                { start: 1, step: 1, size: 0 },
                { start: 0, step: 1, size: 3 },
              ],
            },
          }),
        ],
      ],
      /an empty slice range must start at 0/,
    );
  });

  it('inputs that do not come before the node (ids must increase)', () => {
    const late = forge(y, { inputs: [forge(x, { id: 5 })] });
    refuses(
      [['y', late]],
      'internal error in simplify: IR verifier: node 1 (exp): input 0 (node 5) does not come before the node (ids must increase)',
    );
    refuses([['y', forge(y, { id: 1.5 })]], /node 1.5 \(exp\): id must be a non-negative integer/);
    const clash = forge(y, { id: 0 });
    refuses([['y', clash]], /two different nodes have id 0/);
  });

  it('bad leaves: names, shapes, inputs, constant data', () => {
    refuses(
      [['x', forge(x, { attrs: { name: '1x' } })]],
      /node 0 \(input\): attributes not in normal form: invalid name "1x"/,
    );
    refuses(
      [['x', forge(x, { shape: [2, -1] })]],
      /node 0 \(input\): invalid shape: shape: every dimension must be a non-negative integer/,
    );
    const c = g.constant([1, 2, 3]);
    refuses(
      [['c', forge(c, { attrs: { data: new Int32Array(3) } })]],
      /\(constant\): constant data is not a Float32Array/,
    );
    refuses([['c', forge(c, { shape: [4] })]], /\(constant\): constant has 3 elements for f32\[4\]/);
    refuses([['y', y.node]], /leaf node 1 is a exp, not an input or param/, [y.node]);
  });

  it('repeated or invalid names', () => {
    const g2 = new Graph();
    const twin = { ...g2.input('x', [2]).node, id: 1 } as Node;
    refuses([['a', twin]], /node 1 \(input\): name "x" is used twice/, [...g2.leaves]);
    refuses(
      [
        ['y', y.node],
        ['y', x.node],
      ],
      /output name "y" is used twice/,
    );
    refuses([['x', y.node]], /output name "x" is used twice/);
    refuses([['no name', y.node]], /output name "no name" is invalid/);
  });

  it('names the stage it is given', () => {
    expectError(
      () => verifyGraph([['y', forge(y, { shape: [1] })]], [], 'fuse'),
      InternalError,
      'E_INTERNAL',
      'internal error in fuse: IR verifier:',
    );
  });
});
