/**
 * N-ary elementwise ops (ONNX Sum, Mean, Max, Min): a left fold of the binary
 * op over the operands with NumPy broadcasting, so the result is ordinary
 * elementwise nodes.
 */
import { ShapeError } from '../../common/errors.js';
import { describe, isArray } from '../shape.js';
import type { AnyTensor } from '../types/tensor-types.js';

/** The operands of an n-ary op: a non-empty array of tensors. */
function operandList(op: string, tensors: readonly AnyTensor[]): [AnyTensor, ...AnyTensor[]] {
  if (!isArray(tensors) || tensors.length === 0) {
    throw new ShapeError(`${op}: needs a non-empty array of tensors (got ${describe(tensors)})`, { op });
  }
  const first = tensors[0] as AnyTensor;
  for (const t of tensors) first.graph.own(op, t);
  return tensors as [AnyTensor, ...AnyTensor[]];
}

/** Elementwise `t0 op t1 op …` over broadcast shapes; one operand is returned as is. */
export function foldElementwise(
  op: 'add' | 'maximum' | 'minimum',
  name: string,
  tensors: readonly AnyTensor[],
): AnyTensor {
  const [first, ...rest] = operandList(name, tensors);
  return rest.reduce<AnyTensor>((acc, t) => acc[op](t), first);
}

/** ONNX Mean: the sum divided by the operand count, in f32. */
export function meanOf(tensors: readonly AnyTensor[]): AnyTensor {
  // converted first, so an i32 sum cannot wrap
  const floats = operandList('mean', tensors).map((t) => (t.dtype === 'f32' ? t : t.cast('f32')));
  const total = foldElementwise('add', 'mean', floats);
  return floats.length === 1 ? total : total.div(floats.length);
}
