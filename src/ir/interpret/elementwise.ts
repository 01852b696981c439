/**
 * Elementwise nodes (unary, binary, where, cast): operands are broadcast to the
 * node's shape (NumPy) and converted to the computing dtype, then the scalar
 * rule of scalar-ops.ts is applied to every element.
 */
import { castNumber, type DType, type TypedArray } from '../../common/dtype.js';
import { promote } from '../infer.js';
import type { NodeOf } from '../node.js';
import type { BinaryOp } from '../ops.js';
import { sameShape, type Shape } from '../shape.js';
import { broadcastIndexMap } from './indexing.js';
import { argAt, at, convert, makeResult, noSemantics, type Operand } from './operands.js';
import {
  BINARY_RULES,
  UNARY_RULES,
  type BinaryRule,
  type Scalar1,
  type Scalar2,
  type ScalarUnaryOp,
  type UnaryRule,
} from './scalar-ops.js';

/** The scalar function of a unary rule for a result dtype, on numbers (bool as 0/1). */
function unaryFunction(node: NodeOf<ScalarUnaryOp>, rule: UnaryRule, dtype: DType): Scalar1 {
  switch (rule.kind) {
    case 'float':
      if (dtype === 'f32') return rule.f32;
      break;
    case 'numeric':
      if (dtype === 'f32') return rule.f32;
      if (dtype === 'i32') return rule.i32;
      break;
    case 'logic': {
      const bool = rule.bool;
      if (dtype === 'bool') return (x) => (bool(x !== 0) ? 1 : 0);
      break;
    }
  }
  throw noSemantics(node, dtype);
}

/**
 * A unary elementwise node: `out[i] = f(convert(x[i]))`, where the operand is
 * first converted to the node's dtype (i32 -> f32 for transcendentals).
 */
export function evaluateUnary(node: NodeOf<ScalarUnaryOp>, args: readonly Operand[]): TypedArray {
  const f = unaryFunction(node, UNARY_RULES[node.op], node.dtype);
  const x = convert(argAt(node, args, 0), node.dtype);
  const out = makeResult(node);
  for (let i = 0; i < out.length; i++) out[i] = f(at(x, i));
  return out;
}

/** `cast`: every element converted as castNumber does (f32 -> i32 truncates and saturates, NaN -> 0). */
export function evaluateCast(node: NodeOf<'cast'>, args: readonly Operand[]): TypedArray {
  const x = argAt(node, args, 0);
  const out = makeResult(node);
  for (let i = 0; i < out.length; i++) out[i] = castNumber(node.attrs.to, at(x.data, i));
  return out;
}

/**
 * The dtype both operands are converted to before the rule runs, and the
 * function on converted numbers giving the stored result (bool as 0/1).
 */
function binaryFunction(
  node: NodeOf<BinaryOp>,
  rule: BinaryRule,
  a: Operand,
  b: Operand,
): { dtype: DType; f: Scalar2 } {
  switch (rule.kind) {
    case 'arithmetic':
      if (node.dtype === 'f32') return { dtype: 'f32', f: rule.f32 };
      if (node.dtype === 'i32') return { dtype: 'i32', f: rule.i32 };
      throw noSemantics(node, node.dtype);
    case 'compare': {
      // compared in the operands' common dtype: i32 vs f32 compares as f32
      const test = rule.test;
      return { dtype: promote(a.dtype, b.dtype), f: (x, y) => (test(x, y) ? 1 : 0) };
    }
    case 'logic': {
      const test = rule.test;
      return { dtype: 'bool', f: (x, y) => (test(x !== 0, y !== 0) ? 1 : 0) };
    }
  }
}

/** The broadcast index map of `from` to `to`, or undefined when it is the identity (same shape). */
function identityOrMap(from: Shape, to: Shape): Int32Array | undefined {
  return sameShape(from, to) ? undefined : broadcastIndexMap(from, to);
}

/**
 * A binary elementwise node with NumPy broadcasting:
 * `out[o] = f(a[mapA[o]], b[mapB[o]])` with both operands converted first.
 */
export function evaluateBinary(node: NodeOf<BinaryOp>, args: readonly Operand[]): TypedArray {
  const a = argAt(node, args, 0);
  const b = argAt(node, args, 1);
  const { dtype, f } = binaryFunction(node, BINARY_RULES[node.op], a, b);
  const av = convert(a, dtype);
  const bv = convert(b, dtype);
  const out = makeResult(node);
  const mapA = identityOrMap(a.shape, node.shape);
  const mapB = identityOrMap(b.shape, node.shape);
  // the same loop without the index maps an operand of the node's own shape does not need
  if (mapA === undefined) {
    if (mapB === undefined) for (let o = 0; o < out.length; o++) out[o] = f(at(av, o), at(bv, o));
    else for (let o = 0; o < out.length; o++) out[o] = f(at(av, o), at(bv, at(mapB, o)));
  } else if (mapB === undefined) {
    for (let o = 0; o < out.length; o++) out[o] = f(at(av, at(mapA, o)), at(bv, o));
  } else {
    for (let o = 0; o < out.length; o++) out[o] = f(at(av, at(mapA, o)), at(bv, at(mapB, o)));
  }
  return out;
}

/** `where(cond, a, b)`: `cond != 0 ? a : b` per element, all three broadcast, a and b converted to the node dtype. */
export function evaluateWhere(node: NodeOf<'where'>, args: readonly Operand[]): TypedArray {
  const [cond, a, b] = [0, 1, 2].map((i) => argAt(node, args, i)) as [Operand, Operand, Operand];
  const av = convert(a, node.dtype);
  const bv = convert(b, node.dtype);
  const mapC = broadcastIndexMap(cond.shape, node.shape);
  const mapA = broadcastIndexMap(a.shape, node.shape);
  const mapB = broadcastIndexMap(b.shape, node.shape);
  const out = makeResult(node);
  for (let o = 0; o < out.length; o++) {
    out[o] = at(cond.data, at(mapC, o)) !== 0 ? at(av, at(mapA, o)) : at(bv, at(mapB, o));
  }
  return out;
}
