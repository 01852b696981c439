/**
 * Checks shared by the shape/dtype rules: operand count, operand access and
 * normalized axes. Each throws ShapeError naming the op.
 */
import { ShapeError } from '../common/errors.js';
import type { DType } from '../common/dtype.js';
import type { ValueType } from './node.js';
import type { OpAttrs, OpCode } from './ops.js';

/** The higher of two dtypes in bool < i32 < f32. */
export function promote(a: DType, b: DType): DType {
  if (a === 'f32' || b === 'f32') return 'f32';
  if (a === 'i32' || b === 'i32') return 'i32';
  return 'bool';
}

/** One op's shape/dtype rule over normalized attributes. */
export type Rule<K extends OpCode> = (inputs: readonly ValueType[], attrs: OpAttrs[K]) => ValueType;

/** A rule for every op code. */
export type RuleTable = { readonly [K in OpCode]: Rule<K> };

export function operand(op: string, inputs: readonly ValueType[], i: number): ValueType {
  const v = inputs[i];
  if (v === undefined) throw new ShapeError(`${op}: missing operand ${i}`, { op });
  return v;
}

export function checkArity(op: string, inputs: readonly ValueType[], n: number): void {
  if (inputs.length !== n) {
    throw new ShapeError(`${op}: expected ${n} operand(s) (got ${inputs.length})`, { op });
  }
}

export function checkAxesAttr(op: string, axes: readonly number[], rank: number): void {
  for (const a of axes) {
    if (!Number.isInteger(a) || a < 0 || a >= rank) {
      throw new ShapeError(`${op}: axis ${a} is out of range for rank ${rank}`, { op, axes });
    }
  }
}
