/**
 * batchNorm in inference form, from ONNX BatchNormalization's definition:
 * y = (x - mean[c]) / sqrt(var[c] + eps) · scale[c] + bias[c] over channel axis 1,
 * in float64, rounded to f32 once.
 */
import type { TypedArray } from '../../common/dtype.js';
import type { NodeOf } from '../node.js';
import { sizeOf } from '../shape.js';
import { argAt, at, convert, makeResult, type Operand } from './operands.js';

export function evaluateBatchNorm(node: NodeOf<'batchNorm'>, args: readonly Operand[]): TypedArray {
  const x = convert(argAt(node, args, 0), 'f32');
  const [scale, bias, mean, variance] = [1, 2, 3, 4].map((i) => convert(argAt(node, args, i), 'f32')) as [
    number[],
    number[],
    number[],
    number[],
  ];
  const channels = node.shape[1] ?? 0;
  const inner = sizeOf(node.shape.slice(2));
  const out = makeResult(node);
  for (let i = 0; i < out.length; i++) {
    const c = Math.floor(i / inner) % channels;
    out[i] =
      ((at(x, i) - at(mean, c)) / Math.sqrt(at(variance, c) + node.attrs.eps)) * at(scale, c) + at(bias, c);
  }
  return out;
}
