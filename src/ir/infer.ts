/**
 * Shape and dtype inference: one rule per op code, applied to normalized
 * attributes. The builder, the parser and the IR verifier all go through it,
 * so the three can never disagree. Rules throw ShapeError/DTypeError naming
 * the op, the operands and the rule.
 */
import { DTypeError, ShapeError } from '../common/errors.js';
import type { DType } from '../common/dtype.js';
import { OP_CATEGORY, type OpAttrs, type OpCode } from './ops.js';
import { checkArity, checkAxesAttr, operand, promote, type RuleTable } from './infer-checks.js';

export { promote } from './infer-checks.js';
import { MOVEMENT_RULES } from './infer-movement.js';
import { CONV_RULES } from './infer-conv.js';
import type { ValueType } from './node.js';
import { broadcastShapes, broadcastsTo, formatShape, type Shape } from './shape.js';

type Rule<K extends OpCode> = (inputs: readonly ValueType[], attrs: OpAttrs[K]) => ValueType;

const FLOAT_UNARY = 'f32' as const;

function numeric(op: string, v: ValueType): void {
  if (v.dtype === 'bool') {
    throw new DTypeError(
      `${op}: operand is bool (expected f32 or i32)`,
      { op, dtype: v.dtype },
      'Cast it first, e.g. x.cast("f32")',
    );
  }
}

/** f32 -> f32, i32 -> f32 (transcendentals and friends). */
const floatUnary =
  (op: string) =>
  (inputs: readonly ValueType[]): ValueType => {
    checkArity(op, inputs, 1);
    const x = operand(op, inputs, 0);
    numeric(op, x);
    return { shape: x.shape, dtype: FLOAT_UNARY };
  };

/** Keeps the dtype; numeric only. */
const sameUnary =
  (op: string) =>
  (inputs: readonly ValueType[]): ValueType => {
    checkArity(op, inputs, 1);
    const x = operand(op, inputs, 0);
    numeric(op, x);
    return x;
  };

const arithmetic =
  (op: string) =>
  (inputs: readonly ValueType[]): ValueType => {
    checkArity(op, inputs, 2);
    const a = operand(op, inputs, 0);
    const b = operand(op, inputs, 1);
    const dtype = promote(a.dtype, b.dtype);
    if (dtype === 'bool') {
      throw new DTypeError(
        `${op}: both operands are bool (expected f32 or i32)`,
        { op, dtypes: [a.dtype, b.dtype] },
        'Cast one of them first, e.g. x.cast("i32")',
      );
    }
    return { shape: broadcastShapes(op, a.shape, b.shape), dtype };
  };

const comparison =
  (op: string) =>
  (inputs: readonly ValueType[]): ValueType => {
    checkArity(op, inputs, 2);
    const a = operand(op, inputs, 0);
    const b = operand(op, inputs, 1);
    return { shape: broadcastShapes(op, a.shape, b.shape), dtype: 'bool' };
  };

const logical =
  (op: string) =>
  (inputs: readonly ValueType[]): ValueType => {
    checkArity(op, inputs, 2);
    const a = operand(op, inputs, 0);
    const b = operand(op, inputs, 1);
    if (a.dtype !== 'bool' || b.dtype !== 'bool') {
      throw new DTypeError(
        `${op}: operands must be bool (got ${a.dtype} and ${b.dtype})`,
        { op, dtypes: [a.dtype, b.dtype] },
        'Compare first (e.g. x.gt(0)) or cast with .cast("bool")',
      );
    }
    return { shape: broadcastShapes(op, a.shape, b.shape), dtype: 'bool' };
  };

function reducedShape(shape: Shape, axes: readonly number[], keepdims: boolean): number[] {
  const out: number[] = [];
  shape.forEach((d, i) => {
    if (!axes.includes(i)) out.push(d);
    else if (keepdims) out.push(1);
  });
  return out;
}

const reduction =
  (op: string, out: (d: DType) => DType, needsNonEmpty: boolean) =>
  (inputs: readonly ValueType[], attrs: OpAttrs['sum']): ValueType => {
    checkArity(op, inputs, 1);
    const x = operand(op, inputs, 0);
    checkAxesAttr(op, attrs.axes, x.shape.length);
    if (needsNonEmpty && attrs.axes.some((a) => x.shape[a] === 0)) {
      throw new ShapeError(
        `${op}: reduction over an empty axis of ${formatShape(x.shape)} has no identity`,
        { op, shape: x.shape, axes: attrs.axes },
        'max/min/argmax/argmin need at least one element along the reduced axes',
      );
    }
    return { shape: reducedShape(x.shape, attrs.axes, attrs.keepdims), dtype: out(x.dtype) };
  };

const argReduction =
  (op: string) =>
  (inputs: readonly ValueType[], attrs: OpAttrs['argmax']): ValueType => {
    const r = reduction(
      op,
      () => 'i32',
      true,
    )(inputs, {
      axes: [attrs.axis],
      keepdims: attrs.keepdims,
    });
    numeric(op, operand(op, inputs, 0));
    return r;
  };

const axisSoftmax =
  (op: string) =>
  (inputs: readonly ValueType[], attrs: OpAttrs['softmax']): ValueType => {
    const x = floatUnary(op)(inputs);
    checkAxesAttr(op, [attrs.axis], x.shape.length);
    return x;
  };

/** NumPy matmul shapes: 1-D operands get a dimension added and removed again. */
export function matmulShape(a: Shape, b: Shape): Shape {
  const op = 'matmul';
  if (a.length === 0 || b.length === 0) {
    throw new ShapeError(`matmul: operands must have rank >= 1 (got ${formatShape(a)} @ ${formatShape(b)})`, {
      op,
      shapes: [a, b],
    });
  }
  const a2 = a.length === 1 ? [1, a[0] ?? 0] : a;
  const b2 = b.length === 1 ? [b[0] ?? 0, 1] : b;
  const k1 = a2[a2.length - 1] ?? 0;
  const k2 = b2[b2.length - 2] ?? 0;
  if (k1 !== k2) {
    throw new ShapeError(
      `matmul: inner dimensions differ: ${formatShape(a)} @ ${formatShape(b)} (${k1} != ${k2})`,
      { op, shapes: [a, b] },
      'The last axis of the left operand must equal the second-to-last of the right',
    );
  }
  const batch = broadcastShapes(op, a2.slice(0, -2), b2.slice(0, -2));
  const out = [...batch];
  if (a.length > 1) out.push(a2[a2.length - 2] ?? 0);
  if (b.length > 1) out.push(b2[b2.length - 1] ?? 0);
  return out;
}

const RULES: RuleTable = {
  input: () => {
    throw new ShapeError('input: leaves are typed by the graph, not inferred');
  },
  param: () => {
    throw new ShapeError('param: leaves are typed by the graph, not inferred');
  },
  constant: () => {
    throw new ShapeError('constant: leaves are typed by the graph, not inferred');
  },
  neg: sameUnary('neg'),
  abs: sameUnary('abs'),
  sqrt: floatUnary('sqrt'),
  rsqrt: floatUnary('rsqrt'),
  exp: floatUnary('exp'),
  log: floatUnary('log'),
  sin: floatUnary('sin'),
  cos: floatUnary('cos'),
  tanh: floatUnary('tanh'),
  sigmoid: floatUnary('sigmoid'),
  relu: sameUnary('relu'),
  erf: floatUnary('erf'),
  gelu: floatUnary('gelu'),
  square: sameUnary('square'),
  reciprocal: floatUnary('reciprocal'),
  floor: sameUnary('floor'),
  ceil: sameUnary('ceil'),
  round: sameUnary('round'),
  sign: sameUnary('sign'),
  not: (inputs) => {
    checkArity('not', inputs, 1);
    const x = operand('not', inputs, 0);
    if (x.dtype !== 'bool') {
      throw new DTypeError(`not: operand must be bool (got ${x.dtype})`, { op: 'not', dtype: x.dtype });
    }
    return x;
  },
  cast: (inputs, attrs) => {
    checkArity('cast', inputs, 1);
    return { shape: operand('cast', inputs, 0).shape, dtype: attrs.to };
  },
  add: arithmetic('add'),
  sub: arithmetic('sub'),
  mul: arithmetic('mul'),
  div: arithmetic('div'),
  pow: arithmetic('pow'),
  fmod: arithmetic('fmod'),
  maximum: arithmetic('maximum'),
  minimum: arithmetic('minimum'),
  eq: comparison('eq'),
  ne: comparison('ne'),
  lt: comparison('lt'),
  le: comparison('le'),
  gt: comparison('gt'),
  ge: comparison('ge'),
  and: logical('and'),
  or: logical('or'),
  where: (inputs) => {
    checkArity('where', inputs, 3);
    const [c, a, b] = [0, 1, 2].map((i) => operand('where', inputs, i)) as [ValueType, ValueType, ValueType];
    if (c.dtype !== 'bool') {
      throw new DTypeError(
        `where: condition must be bool (got ${c.dtype})`,
        { op: 'where', dtype: c.dtype },
        'Use a comparison such as x.gt(0) as the condition',
      );
    }
    const shape = broadcastShapes('where', broadcastShapes('where', c.shape, a.shape), b.shape);
    return { shape, dtype: promote(a.dtype, b.dtype) };
  },
  sum: reduction('sum', (d) => (d === 'bool' ? 'i32' : d), false),
  prod: reduction('prod', (d) => (d === 'bool' ? 'i32' : d), false),
  max: reduction('max', (d) => d, true),
  min: reduction('min', (d) => d, true),
  mean: reduction('mean', () => 'f32', false),
  argmax: argReduction('argmax'),
  argmin: argReduction('argmin'),
  matmul: (inputs) => {
    checkArity('matmul', inputs, 2);
    const a = operand('matmul', inputs, 0);
    const b = operand('matmul', inputs, 1);
    if (a.dtype === 'bool' || b.dtype === 'bool') {
      throw new DTypeError(
        `matmul: operands must be f32 or i32 (got ${a.dtype} @ ${b.dtype})`,
        { op: 'matmul', dtypes: [a.dtype, b.dtype] },
        'Cast bool operands first, e.g. x.cast("f32")',
      );
    }
    return { shape: matmulShape(a.shape, b.shape), dtype: promote(a.dtype, b.dtype) };
  },
  ...MOVEMENT_RULES,
  softmax: axisSoftmax('softmax'),
  logSoftmax: axisSoftmax('logSoftmax'),
  layerNorm: (inputs, attrs) => {
    const op = 'layerNorm';
    const expected = 1 + (attrs.hasWeight ? 1 : 0) + (attrs.hasBias ? 1 : 0);
    if (inputs.length !== expected) {
      throw new ShapeError(`layerNorm: expected ${expected} operand(s) (got ${inputs.length})`, { op });
    }
    const x = floatUnary(op)(inputs.slice(0, 1));
    if (x.shape.length === 0) throw new ShapeError('layerNorm: operand must have rank >= 1', { op });
    if (!(attrs.eps >= 0)) throw new ShapeError(`layerNorm: eps must be >= 0 (got ${attrs.eps})`, { op });
    for (const affine of inputs.slice(1)) {
      numeric(op, affine);
      if (!broadcastsTo(affine.shape, x.shape)) {
        throw new ShapeError(
          `layerNorm: weight/bias ${formatShape(affine.shape)} does not broadcast to ${formatShape(x.shape)}`,
          { op, shape: affine.shape },
          'Weight and bias are usually shaped like the last axis',
        );
      }
    }
    return x;
  },
  ...CONV_RULES,
};

/**
 * The shape and dtype of a non-leaf op applied to `inputs` with normalized
 * `attrs`, or a typed error naming the rule that fails.
 */
export function inferType<K extends OpCode>(
  op: K,
  inputs: readonly ValueType[],
  attrs: OpAttrs[K],
): ValueType {
  if (OP_CATEGORY[op] === 'leaf') throw new ShapeError(`${op}: leaves are not inferred`);
  const rule = RULES[op] as Rule<K>;
  return rule(inputs, attrs);
}
