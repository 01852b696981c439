/**
 * Reads one of ONNX's node tests (model.onnx + test_data_set_0/*.pb) with a
 * subset of onnx.proto: the single node, its attributes, the graph's inputs
 * and the expected outputs. Tests map the node onto builder calls themselves;
 * this is not an importer (src/onnx/ is).
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import protobuf from 'protobufjs';

/** ONNX's backend test data (see /work/shared/data/onnx/README.md), if present. */
export const ONNX_NODE_DIR = '/work/shared/data/onnx/node';

const SUBSET = `
syntax = "proto2";
package onnx;
message AttributeProto {
  optional string name = 1;
  optional float f = 2;
  optional int64 i = 3;
  optional bytes s = 4;
  repeated float floats = 7;
  repeated int64 ints = 8;
  optional int32 type = 20;
}
message ValueInfoProto { optional string name = 1; }
message NodeProto {
  repeated string input = 1;
  repeated string output = 2;
  optional string op_type = 4;
  repeated AttributeProto attribute = 5;
}
message OperatorSetIdProto { optional string domain = 1; optional int64 version = 2; }
message ModelProto { optional GraphProto graph = 7; repeated OperatorSetIdProto opset_import = 8; }
message GraphProto {
  repeated NodeProto node = 1;
  repeated TensorProto initializer = 5;
  repeated ValueInfoProto input = 11;
  repeated ValueInfoProto output = 12;
}
message TensorProto {
  repeated int64 dims = 1;
  optional int32 data_type = 2;
  repeated float float_data = 4 [packed = true];
  optional string name = 8;
  optional bytes raw_data = 9;
}
`;

const root = protobuf.parse(SUBSET).root;
const ModelProto = root.lookupType('onnx.ModelProto');
const TensorProto = root.lookupType('onnx.TensorProto');

/** One attribute value: a number, a list of numbers or a string. */
export type AttrValue = number | number[] | string;

/** A float32 tensor from a .pb file. */
export interface OnnxTensor {
  readonly shape: number[];
  readonly data: Float32Array<ArrayBufferLike>;
  readonly dataType: number;
}

/** The node and data of one node test. */
export interface OnnxNodeCase {
  readonly opType: string;
  readonly opset: number;
  readonly attrs: Readonly<Record<string, AttrValue>>;
  /** The node's input names ('' for an omitted optional input). */
  readonly nodeInputs: readonly string[];
  /** Graph inputs by name, bound from input_N.pb. */
  readonly inputs: ReadonlyMap<string, OnnxTensor>;
  readonly outputs: readonly OnnxTensor[];
}

interface RawTensor {
  dims?: number[];
  dataType?: number;
  floatData?: number[];
  rawData?: Uint8Array;
}

function decodeTensor(bytes: Uint8Array): OnnxTensor {
  const t = TensorProto.toObject(TensorProto.decode(bytes), { longs: Number }) as RawTensor;
  const shape = (t.dims ?? []).map(Number);
  const dataType = t.dataType ?? 0;
  // float32 only: other element types read as empty (their tests are skipped)
  let data: Float32Array = new Float32Array(0);
  if (dataType !== 1) return { shape, data, dataType };
  if (t.rawData !== undefined && t.rawData.length > 0) {
    const raw = t.rawData;
    data = new Float32Array(raw.buffer.slice(raw.byteOffset, raw.byteOffset + raw.byteLength));
  } else data = Float32Array.from(t.floatData ?? []);
  return { shape, data, dataType };
}

interface RawAttr {
  name: string;
  f?: number;
  i?: number;
  s?: Uint8Array;
  floats?: number[];
  ints?: number[];
  type?: number;
}

function attrValue(a: RawAttr): AttrValue {
  switch (a.type) {
    case 1:
      return a.f ?? 0;
    case 2:
      return Number(a.i ?? 0);
    case 3:
      return new TextDecoder().decode(a.s ?? new Uint8Array());
    case 6:
      return a.floats ?? [];
    case 7:
      return (a.ints ?? []).map(Number);
    default:
      throw new Error(`attribute ${a.name}: unsupported type ${a.type}`);
  }
}

/** The names of node tests whose names start with one of `prefixes`, or [] when the data is missing. */
export function listNodeTests(prefixes: readonly string[]): string[] {
  if (!existsSync(ONNX_NODE_DIR)) return [];
  return readdirSync(ONNX_NODE_DIR)
    .filter((name) => prefixes.some((p) => name.startsWith(p)))
    .sort();
}

/** Reads node test `name`. */
export function readNodeCase(name: string): OnnxNodeCase {
  const dir = join(ONNX_NODE_DIR, name);
  const model = ModelProto.toObject(ModelProto.decode(readFileSync(join(dir, 'model.onnx'))), {
    longs: Number,
  }) as {
    graph: {
      node: { input?: string[]; opType: string; attribute?: RawAttr[] }[];
      input?: { name: string }[];
    };
    opsetImport?: { domain?: string; version?: number }[];
  };
  const node = model.graph.node[0];
  if (node === undefined || model.graph.node.length !== 1) throw new Error(`${name}: expected one node`);
  const data = join(dir, 'test_data_set_0');
  const files = readdirSync(data);
  const read = (prefix: string): OnnxTensor[] =>
    files
      .filter((f) => f.startsWith(prefix))
      .sort((a, b) => parseInt(a.slice(prefix.length), 10) - parseInt(b.slice(prefix.length), 10))
      .map((f) => decodeTensor(readFileSync(join(data, f))));
  const inputs = new Map<string, OnnxTensor>();
  read('input_').forEach((t, i) => inputs.set(model.graph.input?.[i]?.name ?? '', t));
  const opset = model.opsetImport?.find((o) => (o.domain ?? '') === '')?.version ?? 0;
  return {
    opType: node.opType,
    opset: Number(opset),
    attrs: Object.fromEntries((node.attribute ?? []).map((a) => [a.name, attrValue(a)])),
    nodeInputs: node.input ?? [],
    inputs,
    outputs: read('output_'),
  };
}
