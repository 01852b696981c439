/**
 * A small ONNX model made in code, standing in for a file exported by PyTorch
 * or another framework: Flatten -> Gemm -> Relu -> MatMul + Add -> Softmax,
 * with its reshape shape computed from Shape(x) as exporters write it, and a
 * symbolic batch dimension. Encoded with protobufjs and onnx.proto's schema.
 */
import { onnxMessage } from '../src/onnx/onnx-schema.js';

const FLOAT = 1;
const INT64 = 7;

function random(size: number, seed: number): number[] {
  let s = seed >>> 0;
  return Array.from({ length: size }, () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return (s / 2 ** 32 - 0.5) * 0.4;
  });
}

const tensor = (name: string, dims: number[], values: number[], type = FLOAT): object => ({
  name,
  dims,
  data_type: type,
  ...(type === FLOAT ? { float_data: values } : { int64_data: values }),
});

/** The bytes of the model (`image`: [batch, 1, 28, 28] -> `probs`: [batch, 10]). */
export function makeMlpOnnx(): Uint8Array {
  const node = (op_type: string, input: string[], output: string[], attribute: object[] = []): object => ({
    op_type,
    input,
    output,
    name: `${op_type.toLowerCase()}_${output[0]}`,
    attribute,
  });
  const model = onnxMessage('ModelProto').fromObject({
    ir_version: 8,
    producer_name: 'tensorwasm-example',
    opset_import: [{ domain: '', version: 17 }],
    graph: {
      name: 'mlp',
      node: [
        node('Shape', ['image'], ['shape']),
        node('Gather', ['shape', 'zero'], ['batch']),
        node('Unsqueeze', ['batch', 'axes0'], ['batch1']),
        node('Concat', ['batch1', 'minus1'], ['flat_shape'], [{ name: 'axis', type: 2, i: 0 }]),
        node('Reshape', ['image', 'flat_shape'], ['flat']),
        node('Gemm', ['flat', 'w1', 'b1'], ['h'], [{ name: 'transB', type: 2, i: 1 }]),
        node('Relu', ['h'], ['a']),
        node('MatMul', ['a', 'w2'], ['z']),
        node('Add', ['z', 'b2'], ['logits']),
        node('Softmax', ['logits'], ['probs'], [{ name: 'axis', type: 2, i: -1 }]),
      ],
      initializer: [
        tensor('w1', [64, 784], random(64 * 784, 1)),
        tensor('b1', [64], random(64, 2)),
        tensor('w2', [64, 10], random(640, 3)),
        tensor('b2', [10], random(10, 4)),
        tensor('zero', [], [0], INT64),
        tensor('axes0', [1], [0], INT64),
        tensor('minus1', [1], [-1], INT64),
      ],
      input: [
        {
          name: 'image',
          type: {
            tensor_type: {
              elem_type: FLOAT,
              shape: {
                dim: [{ dim_param: 'batch' }, { dim_value: 1 }, { dim_value: 28 }, { dim_value: 28 }],
              },
            },
          },
        },
      ],
      output: [{ name: 'probs', type: { tensor_type: { elem_type: FLOAT } } }],
    },
  });
  return onnxMessage('ModelProto').encode(model).finish();
}
