/**
 * Reads one ONNX backend node test (model.onnx + test_data_set_0) with a
 * minimal protobuf walker: the node's op type and attributes, the inputs and
 * the expected outputs as typed arrays. Test support only: the importer lives
 * in src/onnx; this checks the builder's ONNX semantics against ONNX's data.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

/** Where the ONNX backend test data lives (read in place, never copied). */
export const ONNX_NODE_DIR = '/work/shared/data/onnx/node';

type Field = { readonly no: number; readonly wire: number; readonly value: bigint | Uint8Array };

/** The fields of one protobuf message, in order. */
function fields(bytes: Uint8Array): Field[] {
  const out: Field[] = [];
  let p = 0;
  const varint = (): bigint => {
    let shift = 0n;
    let v = 0n;
    for (;;) {
      const b = bytes[p++] as number;
      v |= BigInt(b & 0x7f) << shift;
      if ((b & 0x80) === 0) return v;
      shift += 7n;
    }
  };
  while (p < bytes.length) {
    const key = Number(varint());
    const [no, wire] = [key >>> 3, key & 7];
    if (wire === 0) out.push({ no, wire, value: varint() });
    else if (wire === 2) {
      const len = Number(varint());
      out.push({ no, wire, value: bytes.subarray(p, p + len) });
      p += len;
    } else if (wire === 5) {
      out.push({ no, wire, value: bytes.subarray(p, p + 4) });
      p += 4;
    } else if (wire === 1) {
      out.push({ no, wire, value: bytes.subarray(p, p + 8) });
      p += 8;
    } else throw new Error(`protobuf wire type ${wire}`);
  }
  return out;
}

const text = (v: Field['value']): string => new TextDecoder().decode(v as Uint8Array);
const sub = (f: readonly Field[], no: number): Uint8Array[] =>
  f.filter((x) => x.no === no && x.wire === 2).map((x) => x.value as Uint8Array);

/** A decoded tensor: element type name, shape, values as numbers (int64 converted exactly when safe). */
export interface OnnxTensor {
  readonly type: 'float32' | 'int32' | 'int64' | 'bool' | 'other';
  readonly dims: number[];
  readonly values: number[];
}

const TYPES: Record<number, OnnxTensor['type']> = { 1: 'float32', 6: 'int32', 7: 'int64', 9: 'bool' };

/** Decodes a serialized TensorProto. */
export function decodeTensor(bytes: Uint8Array): OnnxTensor {
  const f = fields(bytes);
  const dims: number[] = [];
  for (const d of f.filter((x) => x.no === 1)) {
    if (d.wire === 0) dims.push(Number(d.value));
    else {
      for (const v of fields(packedAsVarints(d.value as Uint8Array))) dims.push(Number(v.value));
    }
  }
  const type = TYPES[Number(f.find((x) => x.no === 2)?.value ?? 0)] ?? 'other';
  const raw = sub(f, 9)[0];
  let values: number[] = [];
  if (raw !== undefined) {
    const buf = raw.buffer.slice(raw.byteOffset, raw.byteOffset + raw.byteLength);
    if (type === 'float32') values = Array.from(new Float32Array(buf));
    else if (type === 'int32') values = Array.from(new Int32Array(buf));
    else if (type === 'int64') values = Array.from(new BigInt64Array(buf), Number);
    else if (type === 'bool') values = Array.from(new Uint8Array(buf));
  } else if (type === 'float32') {
    for (const x of f.filter((y) => y.no === 4)) {
      const b = x.value as Uint8Array;
      values.push(...new Float32Array(b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength)));
    }
  } else {
    const no = type === 'int64' ? 7 : 5;
    for (const x of f.filter((y) => y.no === no)) {
      if (x.wire === 0) values.push(Number(BigInt.asIntN(64, x.value as bigint)));
      else
        for (const v of fields(packedAsVarints(x.value as Uint8Array)))
          values.push(Number(BigInt.asIntN(64, v.value as bigint)));
    }
  }
  return { type, dims, values };
}

/** A packed repeated varint field re-read as a sequence of field-1 varints. */
function packedAsVarints(b: Uint8Array): Uint8Array {
  const out: number[] = [];
  let i = 0;
  while (i < b.length) {
    out.push(8);
    do out.push(b[i] as number);
    while (((b[i++] as number) & 0x80) !== 0);
  }
  return new Uint8Array(out);
}

/** An attribute value: a number, a string, a list of numbers, or a tensor. */
export type AttrValue = number | string | number[] | OnnxTensor;

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
  readonly opset: number;
}

function decodeAttribute(bytes: Uint8Array): [string, AttrValue] {
  const f = fields(bytes);
  const name = text(f.find((x) => x.no === 1)?.value ?? new Uint8Array());
  const type = Number(f.find((x) => x.no === 20)?.value ?? 0);
  const get = (no: number): Field | undefined => f.find((x) => x.no === no);
  if (type === 1) {
    const b = get(2)?.value as Uint8Array;
    return [name, new Float32Array(b.buffer.slice(b.byteOffset, b.byteOffset + 4))[0] as number];
  }
  if (type === 2) return [name, Number(BigInt.asIntN(64, get(3)?.value as bigint))];
  if (type === 3) return [name, text(get(4)?.value ?? new Uint8Array())];
  if (type === 4) return [name, decodeTensor(get(5)?.value as Uint8Array)];
  if (type === 7) {
    const list: number[] = [];
    for (const x of f.filter((y) => y.no === 8)) {
      if (x.wire === 0) list.push(Number(BigInt.asIntN(64, x.value as bigint)));
      else
        for (const v of fields(packedAsVarints(x.value as Uint8Array)))
          list.push(Number(BigInt.asIntN(64, v.value as bigint)));
    }
    return [name, list];
  }
  if (type === 6) {
    const list: number[] = [];
    for (const x of f.filter((y) => y.no === 7)) {
      const b = x.value as Uint8Array;
      list.push(...new Float32Array(b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength)));
    }
    return [name, list];
  }
  return [name, `unsupported attribute type ${type}`];
}

/** Reads node test `name`, or undefined when it is not a single-node test with one data set. */
export function readNodeTest(name: string): NodeTest | undefined {
  const dir = join(ONNX_NODE_DIR, name);
  if (!existsSync(join(dir, 'model.onnx'))) return undefined;
  const model = fields(readFileSync(join(dir, 'model.onnx')));
  const opset = Math.max(
    ...sub(model, 8).map((o) => {
      const of = fields(o);
      const domain = text(of.find((x) => x.no === 1)?.value ?? new Uint8Array());
      return domain === '' || domain === 'ai.onnx' ? Number(of.find((x) => x.no === 2)?.value ?? 0) : 0;
    }),
  );
  const graph = fields(sub(model, 7)[0] as Uint8Array);
  const nodes = sub(graph, 1).map(fields);
  if (nodes.length !== 1) return undefined;
  const node = nodes[0] as Field[];
  const nodeInputs = sub(node, 1).map((b) => text(b));
  const opType = text(node.find((x) => x.no === 4)?.value ?? new Uint8Array());
  const attrs = Object.fromEntries(sub(node, 5).map(decodeAttribute));
  const graphInputs = sub(graph, 11).map((b) =>
    text(fields(b).find((x) => x.no === 1)?.value ?? new Uint8Array()),
  );
  const data = join(dir, 'test_data_set_0');
  const inputs = new Map<string, OnnxTensor>();
  graphInputs.forEach((n, i) => inputs.set(n, decodeTensor(readFileSync(join(data, `input_${i}.pb`)))));
  const outputs: OnnxTensor[] = [];
  for (let i = 0; existsSync(join(data, `output_${i}.pb`)); i++) {
    outputs.push(decodeTensor(readFileSync(join(data, `output_${i}.pb`))));
  }
  const nodeOutputs = sub(node, 2).length;
  return { name, opType, attrs, nodeInputs, nodeOutputs, inputs, outputs, opset };
}
