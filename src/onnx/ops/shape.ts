/**
 * Shape arithmetic ONNX ops whose results are known at import once input
 * shapes are fixed: Shape, Size, ConstantOfShape, Range. Their outputs are
 * int64 (or the fill's type) values the following nodes read as numbers.
 */
import { ElemType as E } from '../elem-types.js';
import { elementCount } from '../decode-model.js';
import type { NodeContext } from '../node-context.js';
import type { OpTable } from '../op-entry.js';

/** Shape's start/end (opset 15): clamped like Python slicing. */
function shapeSlice(n: NodeContext, rank: number): [number, number] {
  if (n.opset < 15) return [0, rank];
  const clamp = (v: number): number => Math.min(Math.max(v < 0 ? v + rank : v, 0), rank);
  return [clamp(n.int('start', 0)), n.hasAttr('end') ? clamp(n.int('end', rank)) : rank];
}

/** The host array that holds `count` values of element type `elemType`. */
function filled(
  elemType: number,
  count: number,
  value: number,
): Float32Array | Int32Array | Uint8Array | Float64Array {
  switch (elemType) {
    case E.float:
      return new Float32Array(count).fill(value);
    case E.int32:
      return new Int32Array(count).fill(value);
    case E.bool:
      return new Uint8Array(count).fill(value !== 0 ? 1 : 0);
    default:
      return new Float64Array(count).fill(value);
  }
}

export const shapeOps: OpTable = {
  Shape: {
    since: 1,
    run: (n) => {
      const shape = n.shape(0);
      const [start, end] = shapeSlice(n, shape.length);
      const dims = shape.slice(start, Math.max(start, end));
      return n.constant(Float64Array.from(dims), [dims.length], E.int64);
    },
  },
  Size: {
    since: 1,
    run: (n) => n.constant(Float64Array.of(elementCount(n.shape(0))), [], E.int64),
  },
  ConstantOfShape: {
    since: 9,
    run: (n) => {
      n.checkTypes([E.int64], [0]);
      const dims = n.numbers(0, 'shape');
      if (dims.some((d) => !Number.isSafeInteger(d) || d < 0))
        n.invalid(`shape [${dims.join(',')}] is not a shape`);
      const value = n.tensorAttr('value');
      const elemType = value?.elemType ?? E.float;
      if (![E.float, E.int32, E.int64, E.bool].includes(elemType as 1)) {
        n.refuse(`a value of element type ${elemType} is not supported`);
      }
      if (value !== undefined && (value.data === undefined || value.data.length !== 1)) {
        n.refuse('value must be one element of a supported type');
      }
      return n.constant(filled(elemType, elementCount(dims), value?.data?.[0] ?? 0), dims, elemType);
    },
  },
  Range: {
    since: 11,
    run: (n) => {
      n.checkTypes([E.float, E.int32, E.int64]);
      const elemType = n.elemType(0);
      const start = n.scalar(0, 'start');
      const limit = n.scalar(1, 'limit');
      const delta = n.scalar(2, 'delta');
      if (delta === 0) n.invalid('delta is 0');
      const count = Math.max(Math.ceil((limit - start) / delta), 0);
      const data = filled(elemType, count, 0);
      for (let i = 0; i < count; i++) data[i] = start + i * delta;
      return n.constant(data, [count], elemType);
    },
  },
};
