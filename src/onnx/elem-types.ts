/**
 * ONNX element types (TensorProto.DataType codes): their names, and which
 * tensorwasm dtype holds each supported one (int64 and the narrow integer
 * types are computed as i32 and converted at the graph's boundary).
 */
import type { DType } from '../common/dtype.js';
import type { ExternalType } from '../common/manifest.js';

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

/**
 * The integer types computed as i32 and exchanged as another type at the
 * boundary, with the values an i32 holds of each: int64 and uint32 are
 * limited to the i32 range, the narrow types keep their full range.
 */
const EXTERNAL_RANGES: ReadonlyMap<ElemType, { type: ExternalType; min: number; max: number }> = new Map([
  [ElemType.int64, { type: 'int64', min: -2147483648, max: 2147483647 }],
  [ElemType.uint32, { type: 'uint32', min: 0, max: 2147483647 }],
  [ElemType.int8, { type: 'int8', min: -128, max: 127 }],
  [ElemType.uint8, { type: 'uint8', min: 0, max: 255 }],
  [ElemType.int16, { type: 'int16', min: -32768, max: 32767 }],
  [ElemType.uint16, { type: 'uint16', min: 0, max: 65535 }],
]);

/** How an i32 value of element `type` is exchanged at the boundary (undefined: as i32 or not an integer). */
export function externalOf(type: ElemType): ExternalType | undefined {
  return EXTERNAL_RANGES.get(type)?.type;
}

/** The values of element `type` an i32 holds exactly, for the types `externalOf` names. */
export function i32RangeOf(type: ElemType): { min: number; max: number } | undefined {
  return EXTERNAL_RANGES.get(type);
}

/**
 * The narrow integer types int8, uint8, int16 and uint16: computed as i32 and
 * brought back into their range (wrapped) after every op that may leave it.
 */
export function isNarrowElem(type: ElemType): boolean {
  return (
    type === ElemType.int8 || type === ElemType.uint8 || type === ElemType.int16 || type === ElemType.uint16
  );
}

/** The integer element types held as i32 (which ops take each: src/onnx/narrow-ints.ts). */
export const INT_ELEMS: readonly ElemType[] = [
  ElemType.int32,
  ElemType.int64,
  ElemType.uint32,
  ElemType.int8,
  ElemType.uint8,
  ElemType.int16,
  ElemType.uint16,
];

/** The dtype that holds `type`, or undefined when tensorwasm cannot hold it exactly. */
export function dtypeOfElem(type: ElemType): DType | undefined {
  switch (type) {
    case ElemType.float:
      return 'f32';
    case ElemType.int32:
    case ElemType.int64:
    case ElemType.int8:
    case ElemType.uint8:
    case ElemType.int16:
    case ElemType.uint16:
    case ElemType.uint32:
      return 'i32';
    case ElemType.bool:
      return 'bool';
    default:
      return undefined;
  }
}

/** True for the integer element types the importer supports (int32, int64, uint32 and the narrow ones). */
export function isIntElem(type: ElemType): boolean {
  return type === ElemType.int32 || EXTERNAL_RANGES.has(type);
}
