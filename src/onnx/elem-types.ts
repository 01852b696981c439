/**
 * ONNX element types (TensorProto.DataType codes): their names, and which
 * tensorwasm dtype holds each supported one (int64 is computed as i32 and
 * converted at the graph's boundary).
 */
import type { DType } from '../common/dtype.js';

/** The TensorProto.DataType codes the importer names. */
export const ElemType = {
  float: 1,
  uint8: 2,
  int8: 3,
  uint16: 4,
  int16: 5,
  int32: 6,
  int64: 7,
  string: 8,
  bool: 9,
  float16: 10,
  double: 11,
  uint32: 12,
  uint64: 13,
  complex64: 14,
  complex128: 15,
  bfloat16: 16,
} as const;
export type ElemType = number;

const NAMES: readonly string[] = [
  'undefined',
  'float',
  'uint8',
  'int8',
  'uint16',
  'int16',
  'int32',
  'int64',
  'string',
  'bool',
  'float16',
  'double',
  'uint32',
  'uint64',
  'complex64',
  'complex128',
  'bfloat16',
  'float8e4m3fn',
  'float8e4m3fnuz',
  'float8e5m2',
  'float8e5m2fnuz',
  'uint4',
  'int4',
  'float4e2m1',
  'float8e8m0',
  'uint2',
  'int2',
];

/** The ONNX name of an element type code, e.g. 'int64'. */
export function elemTypeName(type: ElemType): string {
  return NAMES[type] ?? `data type ${type}`;
}

/** The dtype that holds `type`, or undefined when tensorwasm cannot hold it exactly. */
export function dtypeOfElem(type: ElemType): DType | undefined {
  switch (type) {
    case ElemType.float:
      return 'f32';
    case ElemType.int32:
    case ElemType.int64:
      return 'i32';
    case ElemType.bool:
      return 'bool';
    default:
      return undefined;
  }
}

/** True for the integer element types the importer supports (int32, int64). */
export function isIntElem(type: ElemType): boolean {
  return type === ElemType.int32 || type === ElemType.int64;
}
