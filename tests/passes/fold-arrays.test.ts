/**
 * simplify's typed-array folds (fold-arrays.ts) against the interpreter, element
 * by element with Object.is (bit-identical, -0 and NaN included): f32 arithmetic
 * over random broadcasts, transposes over random permutations and tiles.
 */
import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { Graph } from '../../src/index.js';
import { evaluateNode } from '../../src/ir/interpret/evaluators.js';
import type { Node } from '../../src/ir/node.js';
import { foldArrays } from '../../src/passes/fold-arrays.js';

const SPECIAL = [0, -0, 1, -1, NaN, Infinity, -Infinity, 1e-40, -3e38, 3e38, 0.1, 1 / 3];

/** Seeded f32 values, every 7th a special value. */
function values(seed: number, n: number): Float32Array {
  let s = seed >>> 0;
  return Float32Array.from({ length: n }, (_, i) => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return i % 7 === 3 ? (SPECIAL[s % SPECIAL.length] as number) : (s / 2 ** 32 - 0.5) * 8;
  });
}

/** foldArrays and the interpreter on `node` over its constant inputs: the same elements. */
function expectSameAsInterpreter(node: Node): void {
  const operands = node.inputs.map((i) => ({
    data: (i as Node & { attrs: { data: Float32Array } }).attrs.data,
    shape: i.shape,
    dtype: i.dtype,
  }));
  const folded = foldArrays(node, node.inputs);
  expect(folded).toBeDefined();
  const reference = evaluateNode(node, operands);
  expect(folded?.length).toBe(reference.length);
  expect(folded?.constructor).toBe(reference.constructor);
  const differs = Array.from(reference).findIndex((v, i) => !Object.is(v, folded?.[i]));
  expect(differs).toBe(-1);
}

const shapeArb = fc.array(fc.integer({ min: 1, max: 5 }), { minLength: 0, maxLength: 4 });

describe('fold-arrays', () => {
  test('f32 add/sub/mul/div over random broadcasts equal the interpreter bit for bit', () => {
    fc.assert(
      fc.property(
        shapeArb,
        fc.array(fc.boolean(), { minLength: 4, maxLength: 4 }),
        fc.array(fc.boolean(), { minLength: 4, maxLength: 4 }),
        fc.integer({ min: 0, max: 4 }),
        fc.constantFrom('add', 'sub', 'mul', 'div'),
        fc.integer(),
        (shape, keepA, keepB, drop, op, seed) => {
          // each operand: some axes repeated (size 1), the other one maybe of lower rank
          const a = shape.map((d, i) => (keepA[i] === true ? d : 1));
          const b = shape.map((d, i) => (keepB[i] === true ? d : 1)).slice(Math.min(drop, shape.length));
          const g = new Graph();
          const ta = g.constant(
            values(
              seed,
              a.reduce((x, y) => x * y, 1),
            ),
            a,
          );
          const tb = g.constant(
            values(
              seed + 1,
              b.reduce((x, y) => x * y, 1),
            ),
            b,
          );
          const y = ta[op as 'add'](tb);
          expectSameAsInterpreter(y.node);
        },
      ),
      { numRuns: 300 },
    );
  });

  test('the batchNorm fold shape: w[M, C, k, k] · a[M, 1, 1, 1]', () => {
    const g = new Graph();
    const w = g.constant(values(1, 24 * 5 * 3 * 3), [24, 5, 3, 3]);
    const a = g.constant(values(2, 24), [24, 1, 1, 1]);
    expectSameAsInterpreter(w.mul(a).node);
    expectSameAsInterpreter(a.div(w).node);
  });

  test('transposes over random permutations equal the interpreter', () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 1, max: 6 }), { minLength: 1, maxLength: 4 }),
        fc.integer(),
        (shape, seed) => {
          const perm = shape.map((_, i) => i);
          for (let i = perm.length - 1; i > 0; i--) {
            const j = Math.abs(seed + i * 7919) % (i + 1);
            [perm[i], perm[j]] = [perm[j] as number, perm[i] as number];
          }
          const g = new Graph();
          const x = g.constant(
            values(
              seed,
              shape.reduce((p, d) => p * d, 1),
            ),
            shape,
          );
          expectSameAsInterpreter(x.transpose(perm).node);
        },
      ),
      { numRuns: 300 },
    );
  });

  test('blocked transposes across tile edges (Gemm transB, batched), and of i32', () => {
    const g = new Graph();
    const w = g.constant(values(3, 130 * 70), [130, 70]);
    expectSameAsInterpreter(w.transpose([1, 0]).node);
    const batched = g.constant(values(4, 3 * 65 * 129), [3, 65, 129]);
    expectSameAsInterpreter(batched.transpose([0, 2, 1]).node);
    const ints = g.constant(
      Int32Array.from({ length: 67 * 5 }, (_, i) => i * 31 - 7),
      [67, 5],
    );
    expectSameAsInterpreter(ints.transpose([1, 0]).node);
  });

  test('a reshape shares its input array; other ops are left to the interpreter', () => {
    const g = new Graph();
    const x = g.constant(values(5, 12), [3, 4]);
    const node = x.reshape([4, 3]).node;
    expect(foldArrays(node, node.inputs)).toBe(
      (x.node as Node & { attrs: { data: Float32Array } }).attrs.data,
    );
    const i = g.constant(Int32Array.from([1, 2, 3]), [3]);
    const sum = i.add(i).node;
    expect(foldArrays(sum, sum.inputs)).toBeUndefined();
    const exp = x.exp().node;
    expect(foldArrays(exp, exp.inputs)).toBeUndefined();
  });
});
