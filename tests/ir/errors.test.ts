/** Wrong graphs throw the typed error at the op call, naming the op, the shapes (or dtypes) and the rule. */
import { describe, expect, it } from 'vitest';
import { DTypeError, Graph, GraphError, ShapeError, type Tensor } from '../../src/index.js';
import { expectError } from './helpers.js';

/** Lets a test pass a deliberately ill-typed argument, as untyped JS callers can. */
function loose<T>(value: unknown): T {
  return value as T;
}

describe('shape errors', () => {
  const g = new Graph();
  const x = g.input('x', [128, 784]);
  const s = g.input('s', [2, 3]);

  it('mismatched matmul names both shapes and the dimensions', () => {
    const err = expectError(
      // @ts-expect-error -- rejected at the type level too; this tests the run-time check
      () => x.matmul(g.param('w', [785, 1024])),
      ShapeError,
      'E_SHAPE',
      'matmul: inner dimensions differ: [128,784] @ [785,1024] (784 != 785)',
    );
    expect(err.details).toEqual({
      op: 'matmul',
      shapes: [
        [128, 784],
        [785, 1024],
      ],
    });
    expect(err.hint).toMatch(/last axis of the left operand/);
  });

  it('unbroadcastable add', () => {
    expectError(
      // @ts-expect-error -- rejected at the type level too; this tests the run-time check
      () => s.add(g.input('t', [4])),
      ShapeError,
      'E_SHAPE',
      'add: shapes cannot be broadcast: [2,3] and [4] (axis -1: 3 vs 4)',
    );
  });

  it('reshape: bad element count, two -1, an uninferable -1', () => {
    expectError(
      // @ts-expect-error -- rejected at the type level too; this tests the run-time check
      () => s.reshape([4]),
      ShapeError,
      'E_SHAPE',
      'reshape: element count differs: [2,3] (6) -> [4] (4)',
    );
    expectError(
      // @ts-expect-error -- rejected at the type level too; this tests the run-time check
      () => s.reshape([-1, -1]),
      ShapeError,
      'E_SHAPE',
      'reshape: at most one -1 allowed (got [-1,-1])',
    );
    expectError(
      // @ts-expect-error -- rejected at the type level too; this tests the run-time check
      () => s.reshape([-1, 4]),
      ShapeError,
      'E_SHAPE',
      'reshape: cannot infer -1: [2,3] (6 elements) -> [-1,4]',
    );
  });

  it('axis out of range (reductions, argmax, softmax, concat) and repeated axes', () => {
    const msg = (op: string, axis: number) =>
      `${op}: axis ${axis} is out of range for rank 2 (expected an integer in [-2, 1])`;
    // @ts-expect-error -- rejected at the type level too; this tests the run-time check
    expectError(() => s.sum(2), ShapeError, 'E_SHAPE', msg('sum', 2));
    // @ts-expect-error -- rejected at the type level too; this tests the run-time check
    expectError(() => s.argmax(-3), ShapeError, 'E_SHAPE', msg('argmax', -3));
    expectError(() => s.softmax(5), ShapeError, 'E_SHAPE', msg('softmax', 5));
    // @ts-expect-error -- rejected at the type level too; this tests the run-time check
    expectError(() => g.concat([s, s], 2), ShapeError, 'E_SHAPE', msg('concat', 2));
    // @ts-expect-error -- rejected at the type level too; this tests the run-time check
    expectError(() => s.sum(1.5), ShapeError, 'E_SHAPE', 'sum: axis 1.5 is out of range');
    // @ts-expect-error -- rejected at the type level too; this tests the run-time check
    expectError(() => s.sum([1, -1]), ShapeError, 'E_SHAPE', 'sum: repeated axis in [1,-1]');
  });

  it('negative, fractional and NaN dimensions', () => {
    const dimMsg = (d: string, shape: string) =>
      `input "d": every dimension must be a non-negative integer (got ${d} in ${shape})`;
    expectError(() => new Graph().input('d', [-1, 3]), ShapeError, 'E_SHAPE', dimMsg('-1', '[-1,3]'));
    expectError(() => new Graph().input('d', [1.5]), ShapeError, 'E_SHAPE', dimMsg('1.5', '[1.5]'));
    expectError(() => new Graph().input('d', [NaN, 2]), ShapeError, 'E_SHAPE', dimMsg('NaN', '[NaN,2]'));
    expectError(
      () => new Graph().input('d', loose<never>(3)),
      ShapeError,
      'E_SHAPE',
      'input "d": shape must be an array',
    );
    expectError(
      // @ts-expect-error -- rejected at the type level too; this tests the run-time check
      () => s.expand([2, -3]),
      ShapeError,
      'E_SHAPE',
      'expand: every dimension must be a non-negative integer',
    );
  });

  it('concat of different ranks, stack of different shapes', () => {
    expectError(
      // @ts-expect-error -- rejected at the type level too; this tests the run-time check
      () => g.concat([s, g.input('r', [2])], 0),
      ShapeError,
      'E_SHAPE',
      'concat: shapes differ off axis 0: [2,3] and [2]',
    );
    expectError(
      // @ts-expect-error -- rejected at the type level too; this tests the run-time check
      () => g.stack([s, s.transpose()], 0),
      ShapeError,
      'E_SHAPE',
      'stack: shapes differ: [2,3] and [3,2]',
    );
    // @ts-expect-error -- rejected at the type level too; this tests the run-time check
    expectError(() => g.concat([], 0), ShapeError, 'E_SHAPE', 'concat: needs a non-empty array of tensors');
  });

  it('slice: a zero step, an index out of range, too many ranges', () => {
    expectError(
      () => s.slice([[0, 2, 0]]),
      ShapeError,
      'E_SHAPE',
      'slice: step is 0 on axis 0 (expected a non-zero integer)',
    );
    expectError(
      () => s.slice([2]),
      ShapeError,
      'E_SHAPE',
      'slice: index 2 is out of range for axis 0 of size 2',
    );
    expectError(
      // @ts-expect-error -- rejected at the type level too; this tests the run-time check
      () => s.slice([0, 0, 0]),
      ShapeError,
      'E_SHAPE',
      'slice: expected at most 2 ranges for [2,3]',
    );
  });

  it('max/min/argmax over an empty axis', () => {
    const e = g.input('e', [0, 3]);
    const rule = 'reduction over an empty axis of [0,3] has no identity';
    expectError(() => e.max(0), ShapeError, 'E_SHAPE', `max: ${rule}`);
    expectError(() => e.min(), ShapeError, 'E_SHAPE', `min: ${rule}`);
    expectError(() => e.argmax(0), ShapeError, 'E_SHAPE', `argmax: ${rule}`);
  });

  it('other shape rules: transpose perm, squeeze of a non-1 axis, pad widths, constant size', () => {
    expectError(
      // @ts-expect-error -- rejected at the type level too; this tests the run-time check
      () => s.transpose([0, 0]),
      ShapeError,
      'E_SHAPE',
      'transpose: perm [0,0] is not a permutation of the 2 axes of [2,3]',
    );
    expectError(
      // @ts-expect-error -- rejected at the type level too; this tests the run-time check
      () => s.squeeze(0),
      ShapeError,
      'E_SHAPE',
      'squeeze: axis 0 of [2,3] has size 2 (expected 1)',
    );
    // @ts-expect-error -- rejected at the type level too; this tests the run-time check
    expectError(() => s.pad([[1, 1]]), ShapeError, 'E_SHAPE', 'pad: 1 widths for rank 2 ([2,3])');
    expectError(
      () =>
        s.pad([
          [1, 1],
          [-1, 0],
        ]),
      ShapeError,
      'E_SHAPE',
      'pad: widths must be non-negative integers',
    );
    expectError(
      () => g.constant([1, 2, 3], [2, 2]),
      ShapeError,
      'E_SHAPE',
      'constant: 3 values do not fill shape [2,2] (4 elements)',
    );
  });
});

describe('dtype errors', () => {
  const g = new Graph();
  const x = g.input('x', [2, 3]);
  const b = g.input('b', [3, 2], 'bool');

  it('bool matmul', () => {
    expectError(
      // @ts-expect-error -- rejected at the type level too; this tests the run-time check
      () => x.matmul(b),
      DTypeError,
      'E_DTYPE',
      'matmul: operands must be f32 or i32 (got f32 @ bool)',
    );
  });

  it('float gather indices (a tensor or JS numbers)', () => {
    expectError(
      // @ts-expect-error -- rejected at the type level too; this tests the run-time check
      () => x.gather(g.input('fi', [2]), 0),
      DTypeError,
      'E_DTYPE',
      'gather: indices must be i32 (got f32)',
    );
    expectError(
      () => x.gather([0, 1.5], 1),
      DTypeError,
      'E_DTYPE',
      'gather: indices must be integers (got [0,1.5])',
    );
  });

  it('bad dtype names', () => {
    expectError(
      () => g.input('y', [2], loose('f64')),
      DTypeError,
      'E_DTYPE',
      `input: unknown dtype "f64" for "y" (expected 'f32', 'i32' or 'bool')`,
    );
    expectError(() => x.cast(loose<never>('int')), DTypeError, 'E_DTYPE', `cast: unknown dtype "int"`);
    expectError(
      () => g.constant([1], [1], loose('f16')),
      DTypeError,
      'E_DTYPE',
      `constant: unknown dtype "f16"`,
    );
  });

  it('bool where it needs numbers, numbers where it needs bool', () => {
    // @ts-expect-error -- rejected at the type level too; this tests the run-time check
    expectError(() => b.add(b), DTypeError, 'E_DTYPE', 'add: both operands are bool (expected f32 or i32)');
    expectError(() => b.neg(), DTypeError, 'E_DTYPE', 'neg: operand is bool (expected f32 or i32)');
    // @ts-expect-error -- rejected at the type level too; this tests the run-time check
    expectError(() => x.and(x), DTypeError, 'E_DTYPE', 'and: operands must be bool (got f32 and f32)');
    expectError(() => x.not(), DTypeError, 'E_DTYPE', 'not: operand must be bool (got f32)');
    // @ts-expect-error -- rejected at the type level too; this tests the run-time check
    expectError(() => g.where(x, x, 0), DTypeError, 'E_DTYPE', 'where: condition must be bool (got f32)');
  });
});

describe('graph errors', () => {
  it('repeated and invalid names', () => {
    const g = new Graph();
    const x = g.input('x', [2]);
    const used = (op: string) =>
      `${op}: the name "x" is already used. Every input, param and output needs its own name`;
    expectError(() => g.input('x', [3]), GraphError, 'E_GRAPH', used('input'));
    expectError(() => g.param('x', [3]), GraphError, 'E_GRAPH', used('param'));
    expectError(() => g.output('x', x), GraphError, 'E_GRAPH', used('output'));
    g.output('y', x);
    expectError(() => g.output('y', x), GraphError, 'E_GRAPH', 'output: the name "y" is already used');
    expectError(() => g.input('2x', [1]), GraphError, 'E_GRAPH', 'input: invalid name "2x"');
  });

  it('a tensor from another graph', () => {
    const g = new Graph();
    const other = new Graph().input('y', [2]);
    const x = g.input('x', [2]);
    const msg = (op: string) =>
      `${op}: the tensor belongs to another graph. Build every tensor of a program from the same Graph`;
    expectError(() => x.add(other), GraphError, 'E_GRAPH', msg('add'));
    expectError(() => x.matmul(other), GraphError, 'E_GRAPH', msg('matmul'));
    expectError(() => g.concat([x, other], 0), GraphError, 'E_GRAPH', msg('concat'));
    expectError(() => g.output('o', other), GraphError, 'E_GRAPH', msg('output'));
  });

  it('a non-tensor output or operand', () => {
    const g = new Graph();
    expectError(
      () => g.output('y', loose<Tensor>(5)),
      GraphError,
      'E_GRAPH',
      'output: "y" must be a Tensor (got 5)',
    );
    expectError(
      () => g.input('x', [2]).matmul(loose<Tensor>([1, 2])),
      GraphError,
      'E_GRAPH',
      'matmul: expected a Tensor (got [1,2])',
    );
  });
});
