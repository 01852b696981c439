/**
 * Tensor: a lazy handle on one graph node, and its core methods (shape and
 * dtype, elementwise arithmetic and math, cast, matmul). Every method records a
 * node (or finds an equal one) and returns a new handle; nothing is computed.
 *
 * The other methods live in one file per family, so this file shows the class
 * and each family reads as one list: tensor-reduce.ts (sum … argmin),
 * tensor-movement.ts (views, slice, pad, gather, ONNX data movement),
 * tensor-activations.ts (softmax, ONNX activations), tensor-conv.ts
 * (convolution, pooling), tensor-normalize.ts (batchNorm, layerNorm …). Each
 * declares its methods on Tensor by module augmentation (so the public type,
 * its JSDoc and the .d.ts stay those of one class) and assigns them to
 * Tensor.prototype; graph.ts, which makes every Tensor, imports them all.
 * Methods stay thin: argument normalization and composites live in build/ and
 * tensor-args.ts, and the op's shape/dtype rule in infer.ts.
 */
import { arrayFromNumbers, isDType, type DType } from '../common/dtype.js';
import { DTypeError, ShapeError } from '../common/errors.js';
import * as act from './build/activations.js';
import * as dm from './build/data-movement.js';
import type { Graph } from './graph.js';
import { promote } from './infer.js';
import type { Node } from './node.js';
import type { BinaryOp, UnaryOp } from './ops.js';
import { describe, formatShape, sizeOf } from './shape.js';
import { record, typed } from './tensor-record.js';
import type { Shape as ShapeType } from './types/shape-types.js';
import type {
  AnyTensor,
  ArithmeticArg,
  ArithmeticOut,
  ComparisonArg,
  ComparisonOut,
  LogicalArg,
  MatmulArg,
  MatmulOut,
} from './types/tensor-types.js';

export type { SliceRange } from './tensor-args.js';

/** A tensor or a JS number (which takes the tensor's dtype, see design.md). */
export type Operand = AnyTensor | number;

/** The dtype a JS number takes next to a tensor of dtype `other`. */
function numberDType(x: number, other: DType): DType {
  const integral = Number.isInteger(x);
  if (other === 'f32') return 'f32';
  if (other === 'i32') return integral ? 'i32' : 'f32';
  return integral ? 'i32' : 'f32';
}

/**
 * A lazy tensor value in a Graph. `S` is its shape (a tuple of literals such
 * as `[2, 3]`, or `number[]` when only known at run time) and `D` its dtype;
 * see docs/types.md for the rules methods check at the type level.
 *
 * @example
 * const y = g.input('x', [4]).mul(2).add(1).relu(); // Tensor<[4], 'f32'>, three nodes recorded
 */
export class Tensor<S extends ShapeType = number[], D extends DType = DType> {
  /** @internal */
  constructor(
    /** The graph this tensor belongs to. */
    readonly graph: Graph,
    /** The IR node this handle points at. @internal */
    readonly node: Node,
  ) {}

  get shape(): Readonly<S> {
    return this.node.shape as Readonly<S>;
  }
  get dtype(): D {
    return this.node.dtype as D;
  }
  get rank(): number {
    return this.node.shape.length;
  }
  get size(): number {
    return sizeOf(this.node.shape);
  }

  /**
   * Converts operands (tensors of this graph or numbers) to nodes. A number
   * takes the dtype of the tensors beside it (see numberDType). @internal
   */
  operands(op: string, ...values: readonly Operand[]): Node[] {
    let context: DType = 'bool';
    for (const v of values) {
      if (typeof v === 'number') continue;
      if (!(v instanceof Tensor)) {
        throw new ShapeError(`${op}: operand must be a Tensor or a number (got ${describe(v)})`, { op });
      }
      this.graph.own(op, v);
      context = promote(context, v.dtype);
    }
    if (op !== 'where') context = promote(context, this.dtype);
    return values.map((v) =>
      typeof v === 'number'
        ? this.graph.addConstant(arrayFromNumbers(numberDType(v, context), [v]), [])
        : v.node,
    );
  }

  private binary<R extends AnyTensor>(op: BinaryOp, other: unknown): R {
    const [b] = this.operands(op, other as Operand);
    return record(this, op, [this.node, b as Node], {});
  }

  private unary<R extends AnyTensor>(op: UnaryOp): R {
    return record(this, op, [this.node], {});
  }

  // elementwise binary
  add<S2 extends ShapeType, D2 extends DType, O extends Operand>(
    this: Tensor<S2, D2>,
    other: ArithmeticArg<'add', S2, D2, O>,
  ): ArithmeticOut<'add', S2, D2, O> {
    return this.binary('add', other);
  }
  sub<S2 extends ShapeType, D2 extends DType, O extends Operand>(
    this: Tensor<S2, D2>,
    other: ArithmeticArg<'sub', S2, D2, O>,
  ): ArithmeticOut<'sub', S2, D2, O> {
    return this.binary('sub', other);
  }
  mul<S2 extends ShapeType, D2 extends DType, O extends Operand>(
    this: Tensor<S2, D2>,
    other: ArithmeticArg<'mul', S2, D2, O>,
  ): ArithmeticOut<'mul', S2, D2, O> {
    return this.binary('mul', other);
  }
  /** Division; i32 / i32 truncates toward zero (x / 0 is 0). */
  div<S2 extends ShapeType, D2 extends DType, O extends Operand>(
    this: Tensor<S2, D2>,
    other: ArithmeticArg<'div', S2, D2, O>,
  ): ArithmeticOut<'div', S2, D2, O> {
    return this.binary('div', other);
  }
  pow<S2 extends ShapeType, D2 extends DType, O extends Operand>(
    this: Tensor<S2, D2>,
    other: ArithmeticArg<'pow', S2, D2, O>,
  ): ArithmeticOut<'pow', S2, D2, O> {
    return this.binary('pow', other);
  }
  maximum<S2 extends ShapeType, D2 extends DType, O extends Operand>(
    this: Tensor<S2, D2>,
    other: ArithmeticArg<'maximum', S2, D2, O>,
  ): ArithmeticOut<'maximum', S2, D2, O> {
    return this.binary('maximum', other);
  }
  minimum<S2 extends ShapeType, D2 extends DType, O extends Operand>(
    this: Tensor<S2, D2>,
    other: ArithmeticArg<'minimum', S2, D2, O>,
  ): ArithmeticOut<'minimum', S2, D2, O> {
    return this.binary('minimum', other);
  }
  eq<S2 extends ShapeType, D2 extends DType, O extends Operand>(
    this: Tensor<S2, D2>,
    other: ComparisonArg<'eq', S2, O>,
  ): ComparisonOut<'eq', S2, O> {
    return this.binary('eq', other);
  }
  ne<S2 extends ShapeType, D2 extends DType, O extends Operand>(
    this: Tensor<S2, D2>,
    other: ComparisonArg<'ne', S2, O>,
  ): ComparisonOut<'ne', S2, O> {
    return this.binary('ne', other);
  }
  lt<S2 extends ShapeType, D2 extends DType, O extends Operand>(
    this: Tensor<S2, D2>,
    other: ComparisonArg<'lt', S2, O>,
  ): ComparisonOut<'lt', S2, O> {
    return this.binary('lt', other);
  }
  le<S2 extends ShapeType, D2 extends DType, O extends Operand>(
    this: Tensor<S2, D2>,
    other: ComparisonArg<'le', S2, O>,
  ): ComparisonOut<'le', S2, O> {
    return this.binary('le', other);
  }
  gt<S2 extends ShapeType, D2 extends DType, O extends Operand>(
    this: Tensor<S2, D2>,
    other: ComparisonArg<'gt', S2, O>,
  ): ComparisonOut<'gt', S2, O> {
    return this.binary('gt', other);
  }
  ge<S2 extends ShapeType, D2 extends DType, O extends Operand>(
    this: Tensor<S2, D2>,
    other: ComparisonArg<'ge', S2, O>,
  ): ComparisonOut<'ge', S2, O> {
    return this.binary('ge', other);
  }
  and<S2 extends ShapeType, D2 extends DType, O extends Operand>(
    this: Tensor<S2, D2>,
    other: LogicalArg<'and', S2, D2, O>,
  ): ComparisonOut<'and', S2, O> {
    return this.binary('and', other);
  }
  or<S2 extends ShapeType, D2 extends DType, O extends Operand>(
    this: Tensor<S2, D2>,
    other: LogicalArg<'or', S2, D2, O>,
  ): ComparisonOut<'or', S2, O> {
    return this.binary('or', other);
  }

  /** ONNX Mod: (fmod) C's exact fmod, f32 or i32; else (i32) the remainder with the divisor's sign. */
  mod(divisor: AnyTensor | number, fmod = false): Tensor<number[], D> {
    return typed(dm.mod(this, divisor, fmod));
  }

  // elementwise unary
  neg(): Tensor<S, D> {
    return this.unary('neg');
  }
  abs(): Tensor<S, D> {
    return this.unary('abs');
  }
  sqrt(): Tensor<S, 'f32'> {
    return this.unary('sqrt');
  }
  rsqrt(): Tensor<S, 'f32'> {
    return this.unary('rsqrt');
  }
  exp(): Tensor<S, 'f32'> {
    return this.unary('exp');
  }
  log(): Tensor<S, 'f32'> {
    return this.unary('log');
  }
  sin(): Tensor<S, 'f32'> {
    return this.unary('sin');
  }
  cos(): Tensor<S, 'f32'> {
    return this.unary('cos');
  }
  tanh(): Tensor<S, 'f32'> {
    return this.unary('tanh');
  }
  sigmoid(): Tensor<S, 'f32'> {
    return this.unary('sigmoid');
  }
  relu(): Tensor<S, D> {
    return this.unary('relu');
  }
  /** The exact (erf) form 0.5 x (1 + erf(x / sqrt 2)), or ONNX's `approximate = 'tanh'` form. */
  gelu(approximate: 'none' | 'tanh' = 'none'): Tensor<S, 'f32'> {
    return approximate === 'tanh' ? typed(act.geluTanh(this)) : this.unary('gelu');
  }
  erf(): Tensor<S, 'f32'> {
    return this.unary('erf');
  }
  square(): Tensor<S, D> {
    return this.unary('square');
  }
  reciprocal(): Tensor<S, 'f32'> {
    return this.unary('reciprocal');
  }
  floor(): Tensor<S, D> {
    return this.unary('floor');
  }
  ceil(): Tensor<S, D> {
    return this.unary('ceil');
  }
  /** Rounds half to even. */
  round(): Tensor<S, D> {
    return this.unary('round');
  }
  sign(): Tensor<S, D> {
    return this.unary('sign');
  }
  not(): Tensor<S, 'bool'> {
    return this.unary('not');
  }

  /** Converts to `dtype`: f32 -> i32 truncates toward zero; -> bool is `x != 0`. */
  cast<T extends DType>(dtype: T): Tensor<S, T> {
    if (!isDType(dtype)) {
      throw new DTypeError(`cast: unknown dtype ${describe(dtype)} (expected 'f32', 'i32' or 'bool')`, {
        op: 'cast',
        dtype,
      });
    }
    return record(this, 'cast', [this.node], { to: dtype });
  }

  /** Matrix product with NumPy semantics (1-D operands, batched N-D with broadcasting). */
  matmul<S2 extends ShapeType, D2 extends DType, O extends AnyTensor>(
    this: Tensor<S2, D2>,
    other: MatmulArg<S2, D2, O>,
  ): MatmulOut<S2, D2, O> {
    const o = other as AnyTensor;
    this.graph.own('matmul', o);
    return record(this, 'matmul', [this.node, o.node], {});
  }

  /** The text IR of this value and everything it depends on. */
  toString(): string {
    return `Tensor<${this.dtype}${formatShape(this.shape)}>`;
  }
}
