/**
 * Reads one ONNX backend node test (model.onnx + test_data_set_0) with the
 * importer's protobuf schema (src/onnx/onnx-schema.ts: onnx.proto's messages,
 * snake_case field names): the node's op type and attributes, the graph's
 * inputs and the expected outputs. Test support only: tests map the node onto
 * builder calls themselves, so ONNX's data checks the builder's ONNX semantics
 * independently of the importer (src/onnx).
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type protobuf from 'protobufjs';
import { onnxMessage } from '../../src/onnx/onnx-schema.js';

/** Where the ONNX backend test data lives (read in place, never copied; see /work/shared/data/onnx/README.md). */
export const ONNX_NODE_DIR = '/work/shared/data/onnx/node';

/** int64s as numbers (exact up to 2^53), repeated fields always present. */
const AS_OBJECT: protobuf.IConversionOptions = { longs: Number, arrays: true };

/** A decoded tensor: element type name, shape, values as numbers (int64 converted exactly when safe). */
export interface OnnxTensor {
  readonly type: 'float32' | 'int32' | 'int64' | 'bool' | 'other';
  readonly dims: number[];
  readonly values: number[];
}

/** TensorProto.DataType codes the tests read; any other is 'other' (its tests are listed as unsupported). */
const TYPES: Record<number, OnnxTensor['type']> = { 1: 'float32', 6: 'int32', 7: 'int64', 9: 'bool' };

/** A TensorProto as protobufjs's toObject gives it (the fields read here). */
interface TensorProto {
  dims: number[];
  data_type?: number;
  float_data: number[];
  int32_data: number[];
  int64_data: number[];
  raw_data?: Uint8Array;
}

/** The element values of `t`: from raw_data (little-endian) when set, else from the typed field. */
function tensorValues(type: OnnxTensor['type'], t: TensorProto): number[] {
  const raw = t.raw_data;
  if (raw !== undefined && raw.length > 0) {
    const buf = raw.buffer.slice(raw.byteOffset, raw.byteOffset + raw.byteLength);
    if (type === 'float32') return Array.from(new Float32Array(buf));
    if (type === 'int32') return Array.from(new Int32Array(buf));
    if (type === 'int64') return Array.from(new BigInt64Array(buf), Number);
    if (type === 'bool') return Array.from(new Uint8Array(buf));
    return [];
  }
  // onnx.proto stores int32, bool (and the small ints) in int32_data
  if (type === 'float32') return t.float_data;
  if (type === 'int32' || type === 'bool') return t.int32_data;
  if (type === 'int64') return t.int64_data;
  return [];
}

function tensorOf(t: TensorProto): OnnxTensor {
  const type = TYPES[t.data_type ?? 0] ?? 'other';
  return { type, dims: t.dims, values: tensorValues(type, t) };
}

/** Decodes a serialized TensorProto (a test_data_set .pb file). */
export function decodeTensor(bytes: Uint8Array): OnnxTensor {
  const message = onnxMessage('TensorProto');
  return tensorOf(message.toObject(message.decode(bytes), AS_OBJECT) as TensorProto);
}

/** An attribute value: a number, a string, a list of numbers, or a tensor. */
export type AttrValue = number | string | number[] | OnnxTensor;

/** An AttributeProto as toObject gives it (the fields read here). */
interface AttributeProto {
  name: string;
  type?: number;
  f?: number;
  i?: number;
  s?: Uint8Array;
  t?: TensorProto;
  floats: number[];
  ints: number[];
}

/** One attribute by its AttributeType; a type the tests never read becomes a string saying so. */
function attrValue(a: AttributeProto): AttrValue {
  switch (a.type) {
    case 1:
      return a.f ?? 0;
    case 2:
      return a.i ?? 0;
    case 3:
      return new TextDecoder().decode(a.s ?? new Uint8Array());
    case 4:
      return tensorOf(a.t ?? { dims: [], float_data: [], int32_data: [], int64_data: [] });
    case 6:
      return a.floats;
    case 7:
      return a.ints;
    default:
      return `unsupported attribute type ${a.type}`;
  }
}

/** A ModelProto as toObject gives it (the fields read here). */
interface ModelProto {
  opset_import: { domain?: string; version?: number }[];
  graph?: {
    node: { input: string[]; output: string[]; op_type?: string; attribute: AttributeProto[] }[];
    input: { name?: string }[];
  };
}

/** One node test: the (single) node, its graph inputs and outputs by position. */
export interface NodeTest {
  readonly name: string;
  readonly opType: string;
  readonly attrs: Readonly<Record<string, AttrValue>>;
  /** The node's input names in order ('' for an omitted optional input). */
  readonly nodeInputs: readonly string[];
  /** How many outputs the node has. */
  readonly nodeOutputs: number;
  /** Graph input name -> its value from test_data_set_0. */
  readonly inputs: ReadonlyMap<string, OnnxTensor>;
  readonly outputs: readonly OnnxTensor[];
  /** The default domain's opset the model imports. */
  readonly opset: number;
}

/** The node tests whose names start with one of `prefixes` (all when none are given), sorted; [] when the data is missing. */
export function listNodeTests(prefixes: readonly string[] = ['']): string[] {
  if (!existsSync(ONNX_NODE_DIR)) return [];
  return readdirSync(ONNX_NODE_DIR)
    .filter((name) => prefixes.some((p) => name.startsWith(p)))
    .sort();
}

/** Reads node test `name`, or undefined when it is not a single-node test. */
export function readNodeTest(name: string): NodeTest | undefined {
  const dir = join(ONNX_NODE_DIR, name);
  if (!existsSync(join(dir, 'model.onnx'))) return undefined;
  const message = onnxMessage('ModelProto');
  const model = message.toObject(
    message.decode(readFileSync(join(dir, 'model.onnx'))),
    AS_OBJECT,
  ) as ModelProto;
  const node = model.graph?.node[0];
  if (node === undefined || model.graph?.node.length !== 1) return undefined;
  const opset = Math.max(
    ...model.opset_import.map((o) =>
      (o.domain ?? '') === '' || o.domain === 'ai.onnx' ? (o.version ?? 0) : 0,
    ),
  );
  const data = join(dir, 'test_data_set_0');
  const inputs = new Map<string, OnnxTensor>();
  model.graph.input.forEach((input, i) =>
    inputs.set(input.name ?? '', decodeTensor(readFileSync(join(data, `input_${i}.pb`)))),
  );
  const outputs: OnnxTensor[] = [];
  for (let i = 0; existsSync(join(data, `output_${i}.pb`)); i++) {
    outputs.push(decodeTensor(readFileSync(join(data, `output_${i}.pb`))));
  }
  return {
    name,
    opType: node.op_type ?? '',
    attrs: Object.fromEntries(node.attribute.map((a) => [a.name, attrValue(a)])),
    nodeInputs: node.input,
    nodeOutputs: node.output.length,
    inputs,
    outputs,
    opset,
  };
}
