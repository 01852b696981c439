/**
 * Test helper: builds small ONNX models in code and encodes them as ModelProto
 * bytes with protobufjs and the importer's own schema (field numbers as onnx.proto).
 */
import { onnxMessage } from '../../src/onnx/onnx-schema.js';

export const FLOAT = 1;
export const INT32 = 6;
export const INT64 = 7;
export const BOOL = 9;
export const DOUBLE = 11;
export const UINT8 = 2;
export const INT8 = 3;
export const UINT16 = 4;
export const INT16 = 5;
export const UINT32 = 12;

/** A tensor value: element type, dims and values. */
export interface TensorSpec {
  readonly name?: string;
  readonly type: number;
  readonly dims: readonly number[];
  readonly values: readonly number[];
}

/** An attribute value: numbers (int if integral unless `float`), arrays, a string, a tensor or a graph. */
export type AttrValue =
  | number
  | { float: number }
  | { floats: readonly number[] }
  | { strings: readonly string[] }
  | { ints: readonly number[] }
  | string
  | { tensor: TensorSpec }
  | { graph: GraphSpec }
  | { sparse: true };

export interface NodeSpec {
  readonly op: string;
  readonly inputs: readonly string[];
  readonly outputs: readonly string[];
  readonly name?: string;
  readonly domain?: string;
  readonly attrs?: Readonly<Record<string, AttrValue>>;
}

/** A graph input or output: element type and dims (a string is a symbolic dim, null unknown). */
export interface ValueSpec {
  readonly name: string;
  readonly type: number;
  readonly dims?: readonly (number | string | null)[];
  readonly kind?: 'sequence';
}

export interface GraphSpec {
  readonly nodes: readonly NodeSpec[];
  readonly inputs: readonly ValueSpec[];
  readonly outputs: readonly ValueSpec[];
  readonly initializers?: readonly (TensorSpec & { name: string })[];
}

function tensorProto(t: TensorSpec): Record<string, unknown> {
  const base: Record<string, unknown> = { dims: t.dims, data_type: t.type };
  if (t.name !== undefined) base.name = t.name;
  if (t.type === FLOAT) base.float_data = t.values;
  else if (t.type === INT64) base.int64_data = t.values;
  else if (t.type === DOUBLE) base.double_data = t.values;
  else if (t.type === UINT32) base.uint64_data = t.values;
  else base.int32_data = t.values;
  return base;
}

function attribute(name: string, v: AttrValue): Record<string, unknown> {
  if (typeof v === 'number') return { name, type: 2, i: v };
  if (typeof v === 'string') return { name, type: 3, s: new TextEncoder().encode(v) };
  if ('float' in v) return { name, type: 1, f: v.float };
  if ('floats' in v) return { name, type: 6, floats: v.floats };
  if ('strings' in v) return { name, type: 8, strings: v.strings.map((x) => new TextEncoder().encode(x)) };
  if ('ints' in v) return { name, type: 7, ints: v.ints };
  if ('tensor' in v) return { name, type: 4, t: tensorProto(v.tensor) };
  if ('graph' in v) return { name, type: 5, g: graphProto(v.graph) };
  return {
    name,
    type: 11,
    sparse_tensor: { dims: [2], values: tensorProto({ type: FLOAT, dims: [1], values: [1] }) },
  };
}

function valueInfo(v: ValueSpec): Record<string, unknown> {
  if (v.kind === 'sequence') {
    return { name: v.name, type: { sequence_type: { elem_type: { tensor_type: { elem_type: v.type } } } } };
  }
  const shape =
    v.dims === undefined
      ? undefined
      : {
          dim: v.dims.map((d) =>
            d === null ? {} : typeof d === 'string' ? { dim_param: d } : { dim_value: d },
          ),
        };
  return {
    name: v.name,
    type: { tensor_type: { elem_type: v.type, ...(shape === undefined ? {} : { shape }) } },
  };
}

function graphProto(g: GraphSpec): Record<string, unknown> {
  return {
    name: 'g',
    node: g.nodes.map((n) => ({
      op_type: n.op,
      input: n.inputs,
      output: n.outputs,
      ...(n.name === undefined ? {} : { name: n.name }),
      ...(n.domain === undefined ? {} : { domain: n.domain }),
      attribute: Object.entries(n.attrs ?? {}).map(([k, v]) => attribute(k, v)),
    })),
    input: g.inputs.map(valueInfo),
    output: g.outputs.map(valueInfo),
    initializer: (g.initializers ?? []).map(tensorProto),
  };
}

/** The bytes of a ModelProto with `graph` at default-domain opset `opset`. */
export function makeModel(graph: GraphSpec, opset = 18): Uint8Array {
  const type = onnxMessage('ModelProto');
  const message = type.fromObject({
    ir_version: 8,
    producer_name: 'tensorwasm-tests',
    opset_import: [{ domain: '', version: opset }],
    graph: graphProto(graph),
  });
  return type.encode(message).finish();
}

/** A one-node model: inputs x0, x1, … and one output y. */
export function oneNode(
  op: string,
  inputs: readonly ValueSpec[],
  output: ValueSpec,
  attrs: Readonly<Record<string, AttrValue>> = {},
  opset = 18,
): Uint8Array {
  return makeModel(
    {
      nodes: [
        {
          op,
          inputs: inputs.map((i) => i.name),
          outputs: [output.name],
          name: `${op.toLowerCase()}_node`,
          attrs,
        },
      ],
      inputs,
      outputs: [output],
    },
    opset,
  );
}
