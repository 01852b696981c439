/**
 * An imported ONNX value: its ONNX element type and shape, the graph tensor
 * that computes it (made lazily), and its data when it is known at import
 * (initializers, constants, folded shape arithmetic), so shape subgraphs fold.
 */
import { UnsupportedError } from '../common/errors.js';
import type { Graph } from '../ir/graph.js';
import { checkShape } from '../ir/shape.js';
import type { Tensor } from '../ir/tensor.js';
import type { HostArray } from './decode-model.js';
import { ElemType, elemTypeName, i32RangeOf } from './elem-types.js';

/** One named value of the ONNX graph as the importer sees it. */
export interface OnnxValue {
  /** TensorProto.DataType code. */
  readonly elemType: number;
  readonly shape: readonly number[];
  /** Its data when known at import (int64 as Float64Array, see HostArray). */
  readonly known: HostArray | undefined;
  /** The tensor in the imported graph (made from `known` on first use). */
  tensor: Tensor | undefined;
  /** Where the value comes from, for error messages. */
  readonly origin: string;
  /** Set when the value's element type cannot be held: refused where it is used. */
  readonly unsupported?: string;
}

/** A value computed by `tensor`. */
export function computedValue(tensor: Tensor, elemType: number, origin: string): OnnxValue {
  return { elemType, shape: tensor.shape, known: undefined, tensor, origin };
}

/** A value known at import. */
export function knownValue(
  data: HostArray,
  shape: readonly number[],
  elemType: number,
  origin: string,
): OnnxValue {
  return { elemType, shape, known: data, tensor: undefined, origin };
}

/**
 * A constant over `data` itself: the importer made every known array (decoded
 * from the file or computed at import, never a caller's) and never writes it,
 * so the graph need not copy it as `Graph.constant` does for a user's array
 * (a model's weights are 100-500 MB). The shape is checked as Graph.constant checks it.
 */
function ownedConstant(graph: Graph, data: Float32Array | Int32Array, shape: number[]): Tensor {
  if (shape.reduce((a, b) => a * b, 1) !== data.length) return graph.constant(data, shape);
  return graph.wrap(graph.addConstant(data, checkShape('constant', shape)));
}

/**
 * The constant that holds a known value in `graph`: float as f32, int32,
 * int64, uint32 and the narrow integer types as i32 (every value must fit i32
 * and its type's range, else UnsupportedError naming `user`),
 * bool as bool.
 */
export function constantOf(graph: Graph, value: OnnxValue, user: string): Tensor {
  const data = value.known;
  if (data === undefined) throw new Error('constantOf: the value is not known');
  const shape = [...value.shape];
  switch (value.elemType) {
    case ElemType.float:
      return ownedConstant(graph, data instanceof Float32Array ? data : Float32Array.from(data), shape);
    case ElemType.int32:
      return ownedConstant(graph, data instanceof Int32Array ? data : Int32Array.from(data), shape);
    case ElemType.int64:
    case ElemType.uint32:
    case ElemType.int8:
    case ElemType.uint8:
    case ElemType.int16:
    case ElemType.uint16: {
      const name = elemTypeName(value.elemType);
      const { min, max } = i32RangeOf(value.elemType) as { min: number; max: number };
      const bad = data.findIndex((x) => !Number.isInteger(x) || x < min || x > max);
      if (bad >= 0) {
        const why =
          max < 65536
            ? `outside the ${name} range`
            : `which does not fit in 32 bits (tensorwasm computes ${name} as i32)`;
        throw new UnsupportedError(
          `${user}: the ${name} value ${value.origin} holds ${data[bad]} at index ${bad}, ${why}`,
          { value: value.origin, index: bad },
        );
      }
      return graph.constant(Int32Array.from(data), shape);
    }
    case ElemType.bool:
      return graph.constant(data instanceof Uint8Array ? data : Uint8Array.from(data), shape, 'bool');
    default:
      throw new UnsupportedError(
        `${user}: ${value.origin} has element type ${elemTypeName(value.elemType)}, which tensorwasm does not support`,
        { value: value.origin, elemType: elemTypeName(value.elemType) },
      );
  }
}
