/**
 * Builds each workload as an ONNX model in memory (protobuf bytes) for ONNX
 * Runtime Web, encoded with the importer's onnx.proto schema (src/onnx/onnx-schema.ts,
 * field names as in the .proto), so the bytes are a valid ONNX model (IR
 * version 8, default-domain opset 17).
 */
import { onnxMessage } from '../src/onnx/onnx-schema.js';
import type { TensorData, WorkloadData, WorkloadSpec } from './workloads.js';

/** TensorProto.DataType.FLOAT */
const FLOAT = 1;
const ATTR_FLOAT = 1;
const ATTR_INT = 2;
const ATTR_INTS = 7;
const IR_VERSION = 8;
const OPSET = 17;

interface Attribute {
  name: string;
  type: number;
  f?: number;
  i?: number;
  ints?: number[];
}
interface OnnxNode {
  op_type: string;
  input: string[];
  output: string[];
  attribute?: Attribute[];
}
interface Initializer {
  name: string;
  dims: number[];
  data_type: number;
  raw_data: Uint8Array;
}

/** A graph under construction: nodes, initializers and fresh value names. */
class OnnxBuilder {
  readonly nodes: OnnxNode[] = [];
  readonly initializers: Initializer[] = [];
  private count = 0;

  /** Adds a node with one output and returns the output's name. */
  node(opType: string, input: string[], attribute?: Attribute[]): string {
    const out = `v${this.count++}`;
    this.nodes.push({ op_type: opType, input, output: [out], ...(attribute ? { attribute } : {}) });
    return out;
  }

  /** Adds a float initializer (a weight baked into the model) and returns its name. */
  constant(name: string, shape: readonly number[], data: Float32Array): string {
    const raw_data = new Uint8Array(data.buffer.slice(data.byteOffset, data.byteOffset + data.byteLength));
    this.initializers.push({ name, dims: [...shape], data_type: FLOAT, raw_data });
    return name;
  }

  scalar(value: number): string {
    return this.constant(`c${this.count++}`, [], new Float32Array([value]));
  }
}

const floatAttr = (name: string, f: number): Attribute => ({ name, type: ATTR_FLOAT, f });
const intAttr = (name: string, i: number): Attribute => ({ name, type: ATTR_INT, i });
const intsAttr = (name: string, ints: number[]): Attribute => ({ name, type: ATTR_INTS, ints });

/** Adds the workload's nodes; returns the output value's name. */
function buildNodes(b: OnnxBuilder, spec: WorkloadSpec, data: WorkloadData): string {
  const weight = (name: string): string => {
    const w = data.weights.find((t) => t.name === name);
    if (w === undefined) throw new Error(`onnx: no weight "${name}"`);
    return b.constant(name, w.shape, w.data);
  };
  switch (spec.kind) {
    case 'matmul':
      return b.node('MatMul', ['a', 'b']);
    case 'swish': {
      const affine = b.node('Add', [b.node('Mul', ['x', b.scalar(1.5)]), b.scalar(-0.25)]);
      return b.node('Mul', [b.node('Relu', [affine]), b.node('Sigmoid', ['x'])]);
    }
    case 'softmax':
      return b.node('Softmax', ['x'], [intAttr('axis', -1)]);
    case 'layernorm':
      return b.node(
        'LayerNormalization',
        ['x', weight('weight'), weight('bias')],
        [intAttr('axis', -1), floatAttr('epsilon', spec.eps)],
      );
    case 'mlp': {
      let h = 'x';
      const layers = spec.sizes.length - 1;
      for (let layer = 1; layer <= layers; layer++) {
        h = b.node('Add', [b.node('MatMul', [h, weight(`w${layer}`)]), weight(`b${layer}`)]);
        if (layer < layers) h = b.node('Relu', [h]);
      }
      return b.node('Softmax', [h], [intAttr('axis', -1)]);
    }
    case 'sum':
      // No `axes` input and noop_with_empty_axes = 0: reduce over all axes.
      return b.node('ReduceSum', ['x'], [intAttr('keepdims', 0)]);
    case 'chain':
      return spec.ops.reduce(
        (x, { op, value }) => b.node(op === 'add' ? 'Add' : 'Mul', [x, b.scalar(value)]),
        'x',
      );
    case 'conv': {
      const p = spec.pad;
      return b.node(
        'Conv',
        ['x', weight('w')],
        [
          intsAttr('kernel_shape', [spec.kernel, spec.kernel]),
          intsAttr('pads', [p, p, p, p]),
          intAttr('group', spec.groups),
        ],
      );
    }
  }
}

function valueInfo(name: string, shape: readonly number[]): object {
  return {
    name,
    type: { tensor_type: { elem_type: FLOAT, shape: { dim: shape.map((d) => ({ dim_value: d })) } } },
  };
}

/** The workload as ONNX model bytes; graph inputs are `data.inputs`, the output is 'y'. */
export function buildOnnxModel(spec: WorkloadSpec, data: WorkloadData): Uint8Array {
  const modelType = onnxMessage('ModelProto');
  const b = new OnnxBuilder();
  const out = buildNodes(b, spec, data);
  // The last node computes the result: name its output 'y'.
  const last = b.nodes[b.nodes.length - 1];
  if (last?.output[0] !== out) throw new Error(`onnx: ${spec.kind} does not end in its result`);
  last.output = ['y'];
  const model = {
    ir_version: IR_VERSION,
    producer_name: 'tensorwasm-bench',
    opset_import: [{ domain: '', version: OPSET }],
    graph: {
      name: spec.kind,
      node: b.nodes,
      initializer: b.initializers,
      input: data.inputs.map((t: TensorData) => valueInfo(t.name, t.shape)),
      output: [valueInfo('y', data.outputShape)],
    },
  };
  return modelType.encode(modelType.fromObject(model)).finish();
}
