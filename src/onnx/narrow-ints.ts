/**
 * The narrow integer types (int8, uint8, int16, uint16) and uint32 in the
 * importer: which ops take them, and the wrap that brings an i32 result back
 * into its type's range after an op that may leave it, so every value such a
 * graph computes is the one ONNX computes. Any other op refuses them.
 */
import type { Tensor } from '../ir/tensor.js';
import { ElemType, elemTypeName, isNarrowElem } from './elem-types.js';
import type { NodeContext } from './node-context.js';
import type { OnnxValue } from './onnx-value.js';

/**
 * Ops whose i32 result is congruent to ONNX's modulo 2^32 (so wrapping it to
 * 8 or 16 bits gives ONNX's value; for uint32 the i32 bit pattern is the value).
 */
const WRAPPING_OPS: ReadonlySet<string> = new Set([
  'Add',
  'Sub',
  'Mul',
  'Div',
  'Neg',
  'Abs',
  'Sum',
  'Cast',
  'CastLike',
]);

/** Ops whose results are values of their inputs (or bool, or indices): nothing to wrap. */
const KEEPING_OPS: ReadonlySet<string> = new Set([
  'Equal',
  'Less',
  'Greater',
  'LessOrEqual',
  'GreaterOrEqual',
  'Max',
  'Min',
  'Clip',
  // a uint32 exponent of a float base
  'Pow',
  'Where',
  'Identity',
  'Reshape',
  'Flatten',
  'Squeeze',
  'Unsqueeze',
  'Transpose',
  'Concat',
  'Split',
  'Slice',
  'Gather',
  'GatherElements',
  'Expand',
  'Tile',
  'Shape',
  'Size',
  'Constant',
  'ConstantOfShape',
  'ArgMax',
  'ArgMin',
]);

/** uint32 and the narrow types: held as i32 with more to say than int32. */
function needsCare(elemType: number): boolean {
  return elemType === ElemType.uint32 || isNarrowElem(elemType);
}

/** Refuses an op outside the two lists above that reads or gives a narrow or uint32 value. */
export function checkNarrowUse(
  n: NodeContext,
  values: readonly (OnnxValue | undefined)[],
  what: string,
): void {
  if (WRAPPING_OPS.has(n.opType) || KEEPING_OPS.has(n.opType)) return;
  values.forEach((v, i) => {
    if (v !== undefined && needsCare(v.elemType)) {
      n.refuse(
        `${what} ${i} has element type ${elemTypeName(v.elemType)}, which ${n.opType} does not support`,
      );
    }
  });
}

/**
 * `x` (an i32 value of a narrow type) brought into the type's range as ONNX
 * wraps: r = x - trunc(x / 2^k) * 2^k lies in (-2^k, 2^k) and is congruent to
 * x; adding 2^k when negative gives the unsigned value, and subtracting 2^k
 * from values >= 2^(k-1) the signed one. Every step is exact in i32.
 */
export function wrapNarrow(n: NodeContext, x: Tensor, elemType: number): Tensor {
  const bits = elemType === ElemType.int8 || elemType === ElemType.uint8 ? 8 : 16;
  const modulus = 2 ** bits;
  const r = x.sub(x.div(modulus).mul(modulus));
  const unsigned = n.graph.where(r.lt(0), r.add(modulus), r);
  if (elemType === ElemType.uint8 || elemType === ElemType.uint16) return unsigned;
  return n.graph.where(unsigned.ge(modulus / 2), unsigned.sub(modulus), unsigned);
}

/** A node's result with narrow values wrapped when its op may leave the type's range. */
export function narrowResult(n: NodeContext, value: OnnxValue): OnnxValue {
  if (!isNarrowElem(value.elemType) || value.tensor === undefined || value.known !== undefined) return value;
  if (!WRAPPING_OPS.has(n.opType)) return value;
  return n.out(wrapNarrow(n, value.tensor, value.elemType), value.elemType);
}
