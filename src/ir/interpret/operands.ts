/**
 * A node's operands as the interpreter sees them (value plus static type),
 * with bounds-checked reads and dtype conversion on read: an index outside an
 * array is an interpreter bug and throws, never reads `undefined`.
 */
import { castNumber, makeArray, type DType, type TypedArray } from '../../common/dtype.js';
import { InternalError } from '../../common/errors.js';
import type { Node } from '../node.js';
import { sizeOf, type Shape } from '../shape.js';

/** One computed value with the shape and dtype of the node that produced it. */
export interface Operand {
  readonly data: TypedArray;
  readonly shape: Shape;
  readonly dtype: DType;
}

const STAGE = 'interpret';

/** Element `i` of `array`, or InternalError when `i` is outside it. */
export function at(array: ArrayLike<number>, i: number): number {
  const v = array[i];
  if (v === undefined || !Number.isInteger(i) || i < 0) {
    throw new InternalError(STAGE, `read index ${i} outside an array of length ${array.length}`);
  }
  return v;
}

/** Operand `i` of `node`, or InternalError when the node has fewer. */
export function argAt(node: Node, args: readonly Operand[], i: number): Operand {
  const arg = args[i];
  if (arg === undefined) {
    throw new InternalError(STAGE, `${node.op} (node ${node.id}) has no operand ${i}`);
  }
  return arg;
}

/**
 * The operand's elements converted to `dtype` as a cast would (f32 rounds,
 * i32 truncates toward zero, bool is `x != 0`, bool -> number is 0/1). An f32
 * or i32 operand already of `dtype` is its own conversion and is returned as
 * is (read only: callers never write into it).
 */
export function convert(operand: Operand, dtype: DType): ArrayLike<number> {
  if (operand.dtype === dtype && dtype !== 'bool') return operand.data;
  return Array.from(operand.data, (v) => castNumber(dtype, v));
}

/**
 * A zero-filled result array of the node's dtype and size. Storing a float64
 * into a Float32Array rounds it to nearest even (exactly Math.fround): that is
 * the one f32 rounding of every node's result.
 */
export function makeResult(node: Node): TypedArray {
  return makeArray(node.dtype, sizeOf(node.shape));
}

/** InternalError for an op reached with a dtype its type rule never gives. */
export function noSemantics(node: Node, dtype: DType): InternalError {
  return new InternalError(STAGE, `${node.op} (node ${node.id}) has no ${dtype} semantics`, {
    op: node.op,
    dtype,
  });
}
