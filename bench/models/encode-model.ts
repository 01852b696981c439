/**
 * Encodes a float model built in code (the audio and deep-encoder benchmarks)
 * as ONNX bytes with the importer's onnx.proto schema: one graph, its nodes and
 * initializers, float inputs and outputs of fixed shapes, opset `opset`.
 */
import { onnxMessage } from '../../src/onnx/onnx-schema.js';

const FLOAT = 1;

/** The graph of a model: nodes and initializers as protobufjs objects, inputs/outputs with their shapes. */
export interface ModelGraph {
  readonly name: string;
  readonly opset: number;
  readonly nodes: readonly object[];
  readonly initializers: readonly object[];
  readonly inputs: readonly (readonly [string, readonly number[]])[];
  readonly outputs: readonly (readonly [string, readonly number[]])[];
}

/** An initializer as protobufjs takes it: float values as raw little-endian bytes. */
export interface FloatInitializer {
  readonly name: string;
  readonly dims: readonly number[];
  readonly data_type: number;
  readonly raw_data: Uint8Array;
}

/** A float initializer of shape `dims` whose values `next()` draws in order, as raw bytes. */
export function floatInitializer(
  name: string,
  dims: readonly number[],
  next: () => number,
): FloatInitializer {
  const data = Float32Array.from({ length: dims.reduce((a, b) => a * b, 1) }, next);
  return { name, dims, data_type: FLOAT, raw_data: new Uint8Array(data.buffer) };
}

/** A float tensor's value info. */
function valueInfo([name, dims]: readonly [string, readonly number[]]): object {
  return {
    name,
    type: { tensor_type: { elem_type: FLOAT, shape: { dim: dims.map((d) => ({ dim_value: d })) } } },
  };
}

/** The ModelProto bytes of `g`. */
export function encodeModel(g: ModelGraph): Uint8Array {
  const Model = onnxMessage('ModelProto');
  const model = {
    ir_version: 8,
    producer_name: 'tensorwasm-bench',
    opset_import: [{ domain: '', version: g.opset }],
    graph: {
      name: g.name,
      node: g.nodes,
      initializer: g.initializers,
      input: g.inputs.map(valueInfo),
      output: g.outputs.map(valueInfo),
    },
  };
  return Model.encode(Model.fromObject(model)).finish();
}
