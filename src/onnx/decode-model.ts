/**
 * Decodes a .onnx file (a ModelProto) with protobufjs into plain, typed
 * records the importer walks: int64 fields as numbers, tensors with their data
 * in typed arrays, subgraphs decoded recursively. Malformed bytes are an OnnxError.
 */
import { OnnxError } from '../common/errors.js';
import { ElemType, elemTypeName } from './elem-types.js';
import { onnxMessage } from './onnx-schema.js';

/**
 * Element data of a decoded tensor: float as Float32Array, int32 and the
 * narrow integer types (int8, uint8, int16, uint16) as Int32Array, bool as
 * Uint8Array, int64, uint32 and double as Float64Array (int64
 * values beyond 2^53 round, which only matters for values that do not fit
 * i32 and are refused anyway).
 */
export type HostArray = Float32Array | Int32Array | Uint8Array | Float64Array;

/** A TensorProto: its element type, dims and data (undefined when the type cannot be decoded). */
export interface OnnxTensorProto {
  readonly name: string;
  readonly elemType: number;
  readonly dims: readonly number[];
  readonly data: HostArray | undefined;
  /** Why `data` is undefined (an element type or external data). */
  readonly missing?: string;
}

/** An AttributeProto with int64s as numbers and strings decoded from UTF-8. */
export interface OnnxAttribute {
  readonly name: string;
  readonly type: number;
  readonly f?: number;
  readonly i?: number;
  readonly s?: string;
  readonly t?: OnnxTensorProto;
  readonly g?: OnnxGraphProto;
  readonly floats: readonly number[];
  readonly ints: readonly number[];
  readonly strings: readonly string[];
  /** Set inside function bodies only (a reference to the caller's attribute). */
  readonly refAttrName?: string;
  readonly sparse: boolean;
}

/** A ValueInfoProto: a graph input's or output's type. */
export interface OnnxValueInfo {
  readonly name: string;
  /** 'tensor' for tensors; other kinds (sequence, map, optional, sparse) are refused by the importer. */
  readonly kind: 'tensor' | 'sequence' | 'map' | 'optional' | 'sparse' | 'unknown';
  readonly elemType: number;
  /** Dimensions: a number, a symbolic name, or undefined (unknown); undefined shape = unknown rank. */
  readonly dims: readonly (number | string | undefined)[] | undefined;
}

/** A NodeProto. */
export interface OnnxNodeProto {
  readonly name: string;
  readonly opType: string;
  readonly domain: string;
  readonly inputs: readonly string[];
  readonly outputs: readonly string[];
  readonly attributes: readonly OnnxAttribute[];
}

/** A GraphProto (the main graph or an If branch). */
export interface OnnxGraphProto {
  readonly name: string;
  readonly nodes: readonly OnnxNodeProto[];
  readonly initializers: readonly OnnxTensorProto[];
  readonly sparseInitializers: readonly string[];
  readonly inputs: readonly OnnxValueInfo[];
  readonly outputs: readonly OnnxValueInfo[];
}

/** A ModelProto: its graph and the opset of each imported domain ('' is the default ONNX domain). */
export interface OnnxModel {
  readonly irVersion: number;
  readonly opsets: ReadonlyMap<string, number>;
  readonly graph: OnnxGraphProto;
}

type Message = Record<string, unknown>;

/** int64 fields arrive as numbers or Long objects (when long.js is installed). */
function toNumber(value: unknown): number {
  if (typeof value === 'number') return value;
  if (typeof value === 'string') return Number(value);
  if (typeof value === 'object' && value !== null && 'toNumber' in value) {
    return (value as { toNumber: () => number }).toNumber();
  }
  return 0;
}

function has(m: Message, field: string): boolean {
  return Object.hasOwn(m, field);
}

function str(m: Message, field: string): string {
  const v = m[field];
  return typeof v === 'string' ? v : '';
}

function list(m: Message, field: string): unknown[] {
  const v = m[field];
  return Array.isArray(v) ? v : [];
}

const utf8 = new TextDecoder();

function text(bytes: unknown): string {
  return bytes instanceof Uint8Array ? utf8.decode(bytes) : typeof bytes === 'string' ? bytes : '';
}

/** Element count of dims (1 for a scalar). */
export function elementCount(dims: readonly number[]): number {
  return dims.reduce((a, b) => a * b, 1);
}

/** True when typed arrays store numbers little-endian, as ONNX's raw_data does. */
const LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

/** Little-endian fixed-width elements of `raw` as the type's host array. */
function decodeRaw(raw: Uint8Array, elemType: number, count: number): HostArray | undefined {
  const view = new DataView(raw.buffer, raw.byteOffset, raw.byteLength);
  const read = <A extends HostArray>(
    bytes: number,
    make: (n: number) => A,
    get: (at: number) => number,
  ): A => {
    if (raw.byteLength !== count * bytes) {
      throw new OnnxError(
        `fromOnnx: a ${elemTypeName(elemType)} tensor's raw_data has ${raw.byteLength} bytes (expected ${count * bytes})`,
      );
    }
    const out = make(count);
    for (let i = 0; i < count; i++) out[i] = get(i * bytes);
    return out;
  };
  switch (elemType) {
    case ElemType.float:
      // weights are megabytes: on a little-endian host the bytes are already the array (one copy)
      // (copied into a fresh array: raw may be a Node Buffer, whose slice() is a view)
      if (LITTLE_ENDIAN && raw.byteLength === count * 4) {
        const out = new Float32Array(count);
        new Uint8Array(out.buffer).set(raw);
        return out;
      }
      return read(
        4,
        (n) => new Float32Array(n),
        (at) => view.getFloat32(at, true),
      );
    case ElemType.int32:
      return read(
        4,
        (n) => new Int32Array(n),
        (at) => view.getInt32(at, true),
      );
    case ElemType.int8:
      return read(
        1,
        (n) => new Int32Array(n),
        (at) => view.getInt8(at),
      );
    case ElemType.uint8:
      return read(
        1,
        (n) => new Int32Array(n),
        (at) => view.getUint8(at),
      );
    case ElemType.int16:
      return read(
        2,
        (n) => new Int32Array(n),
        (at) => view.getInt16(at, true),
      );
    case ElemType.uint16:
      return read(
        2,
        (n) => new Int32Array(n),
        (at) => view.getUint16(at, true),
      );
    case ElemType.uint32:
      return read(
        4,
        (n) => new Float64Array(n),
        (at) => view.getUint32(at, true),
      );
    case ElemType.int64:
      return read(
        8,
        (n) => new Float64Array(n),
        (at) => Number(view.getBigInt64(at, true)),
      );
    case ElemType.bool:
      return read(
        1,
        (n) => new Uint8Array(n),
        (at) => (view.getUint8(at) !== 0 ? 1 : 0),
      );
    case ElemType.double:
      return read(
        8,
        (n) => new Float64Array(n),
        (at) => view.getFloat64(at, true),
      );
    default:
      return undefined;
  }
}

/** Elements stored in the typed repeated fields (float_data, int32_data, int64_data, double_data). */
function decodeFields(m: Message, elemType: number, count: number): HostArray | undefined {
  const pick = (field: string): number[] => list(m, field).map(toNumber);
  let values: number[];
  let make: (v: number[]) => HostArray;
  switch (elemType) {
    case ElemType.float:
      values = pick('float_data');
      make = (v) => Float32Array.from(v);
      break;
    case ElemType.int32:
    case ElemType.int8:
    case ElemType.uint8:
    case ElemType.int16:
    case ElemType.uint16:
      // the narrow types are stored one per int32_data element (onnx.proto)
      values = pick('int32_data');
      make = (v) => Int32Array.from(v);
      break;
    case ElemType.uint32:
      values = pick('uint64_data');
      make = (v) => Float64Array.from(v);
      break;
    case ElemType.bool:
      values = pick('int32_data');
      make = (v) => Uint8Array.from(v, (x) => (x !== 0 ? 1 : 0));
      break;
    case ElemType.int64:
      values = pick('int64_data');
      make = (v) => Float64Array.from(v);
      break;
    case ElemType.double:
      values = pick('double_data');
      make = (v) => Float64Array.from(v);
      break;
    default:
      return undefined;
  }
  if (values.length !== count) {
    throw new OnnxError(
      `fromOnnx: a ${elemTypeName(elemType)} tensor holds ${values.length} values (expected ${count} for its dims)`,
    );
  }
  return make(values);
}

function decodeTensor(m: Message): OnnxTensorProto {
  const name = str(m, 'name');
  const elemType = toNumber(m.data_type);
  const dims = list(m, 'dims').map(toNumber);
  if (dims.some((d) => !Number.isSafeInteger(d) || d < 0)) {
    throw new OnnxError(`fromOnnx: tensor "${name}" has invalid dims [${dims.join(',')}]`, { name });
  }
  const base = { name, elemType, dims };
  if (toNumber(m.data_location) === 1 || list(m, 'external_data').length > 0) {
    return { ...base, data: undefined, missing: 'its data is stored in an external file' };
  }
  const count = elementCount(dims);
  const raw = m.raw_data;
  const data =
    has(m, 'raw_data') && raw instanceof Uint8Array
      ? decodeRaw(raw, elemType, count)
      : decodeFields(m, elemType, count);
  return data === undefined
    ? { ...base, data, missing: `its element type ${elemTypeName(elemType)} is not supported` }
    : { ...base, data };
}

function decodeValueInfo(m: Message): OnnxValueInfo {
  const name = str(m, 'name');
  const type = m.type as Message | undefined;
  if (type === undefined || type === null) return { name, kind: 'unknown', elemType: 0, dims: undefined };
  const kinds = [
    ['tensor_type', 'tensor'],
    ['sequence_type', 'sequence'],
    ['map_type', 'map'],
    ['optional_type', 'optional'],
    ['sparse_tensor_type', 'sparse'],
  ] as const;
  const found = kinds.find(([field]) => has(type, field));
  if (found === undefined) return { name, kind: 'unknown', elemType: 0, dims: undefined };
  if (found[1] !== 'tensor') return { name, kind: found[1], elemType: 0, dims: undefined };
  const tensor = type.tensor_type as Message;
  const shape = has(tensor, 'shape') ? (tensor.shape as Message) : undefined;
  const dims =
    shape?.dim === undefined
      ? undefined
      : list(shape, 'dim').map((d) => {
          const dim = d as Message;
          if (has(dim, 'dim_value')) return toNumber(dim.dim_value);
          if (has(dim, 'dim_param')) return str(dim, 'dim_param');
          return undefined;
        });
  return { name, kind: 'tensor', elemType: toNumber(tensor.elem_type), dims };
}

function decodeAttribute(m: Message): OnnxAttribute {
  const attr: {
    -readonly [K in keyof OnnxAttribute]: OnnxAttribute[K];
  } = {
    name: str(m, 'name'),
    type: toNumber(m.type),
    floats: list(m, 'floats').map(toNumber),
    ints: list(m, 'ints').map(toNumber),
    strings: list(m, 'strings').map(text),
    sparse: has(m, 'sparse_tensor') || list(m, 'sparse_tensors').length > 0,
  };
  if (has(m, 'f')) attr.f = toNumber(m.f);
  if (has(m, 'i')) attr.i = toNumber(m.i);
  if (has(m, 's')) attr.s = text(m.s);
  if (has(m, 't')) attr.t = decodeTensor(m.t as Message);
  if (has(m, 'g')) attr.g = decodeGraph(m.g as Message);
  if (has(m, 'ref_attr_name')) attr.refAttrName = str(m, 'ref_attr_name');
  return attr;
}

function decodeNode(m: Message): OnnxNodeProto {
  return {
    name: str(m, 'name'),
    opType: str(m, 'op_type'),
    domain: str(m, 'domain'),
    inputs: list(m, 'input').map(text),
    outputs: list(m, 'output').map(text),
    attributes: list(m, 'attribute').map((a) => decodeAttribute(a as Message)),
  };
}

function decodeGraph(m: Message): OnnxGraphProto {
  return {
    name: str(m, 'name'),
    nodes: list(m, 'node').map((n) => decodeNode(n as Message)),
    initializers: list(m, 'initializer').map((t) => decodeTensor(t as Message)),
    sparseInitializers: list(m, 'sparse_initializer').map((s) => {
      const values = (s as Message).values as Message | undefined;
      return values === undefined ? '' : str(values, 'name');
    }),
    inputs: list(m, 'input').map((v) => decodeValueInfo(v as Message)),
    outputs: list(m, 'output').map((v) => decodeValueInfo(v as Message)),
  };
}

/** Decodes one serialized TensorProto (the backend tests' input_N.pb / output_N.pb). */
export function decodeTensorProto(bytes: Uint8Array): OnnxTensorProto {
  let message: Message;
  try {
    message = onnxMessage('TensorProto').decode(bytes);
  } catch (error) {
    throw new OnnxError(`decodeTensorProto: the bytes are not a TensorProto (${String(error)})`);
  }
  return decodeTensor(message);
}

/**
 * Decodes a .onnx file. Throws OnnxError when the bytes are not a ModelProto
 * with a graph.
 */
export function decodeModel(bytes: Uint8Array): OnnxModel {
  if (!(bytes instanceof Uint8Array)) {
    throw new OnnxError('fromOnnx: expected the .onnx file as a Uint8Array');
  }
  let message: Message;
  try {
    message = onnxMessage('ModelProto').decode(bytes);
  } catch (error) {
    throw new OnnxError(
      `fromOnnx: the bytes are not an ONNX model (${String(error)})`,
      {},
      'Pass the bytes of a .onnx file',
    );
  }
  if (!has(message, 'graph')) {
    throw new OnnxError('fromOnnx: the model has no graph', {}, 'Pass the bytes of a .onnx file');
  }
  const opsets = new Map<string, number>();
  for (const o of list(message, 'opset_import')) {
    const domain = str(o as Message, 'domain');
    opsets.set(domain === 'ai.onnx' ? '' : domain, toNumber((o as Message).version));
  }
  const irVersion = toNumber(message.ir_version);
  // IR version 3 and later must list opsets; older files imply opset 1
  if (!opsets.has('') && opsets.size === 0) opsets.set('', 1);
  return { irVersion, opsets, graph: decodeGraph(message.graph as Message) };
}
