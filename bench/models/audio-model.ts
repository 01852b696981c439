/**
 * An audio-style 1-D convolution stack built in code as an ONNX model (bytes):
 * a raw waveform [1, 1, 16000] through four Conv1d -> BatchNormalization ->
 * Relu -> MaxPool blocks (an M5-like keyword spotter), global average pooling
 * and a Gemm head with Softmax. Weights are seeded He-scaled normals, so the
 * model computes what a trained one of this shape would, numerically.
 */
import { encodeModel, floatInitializer, type FloatInitializer } from './encode-model.js';
import { makeNormal } from './randomize-weights.js';

/** The waveform's length: one second at 16 kHz. */
export const AUDIO_SAMPLES = 16_000;
/** Output classes of the head (Speech Commands has 35 words). */
export const AUDIO_CLASSES = 35;
/** Per block: output channels, kernel width, stride, max-pool width. */
const BLOCKS = [
  { channels: 32, kernel: 80, stride: 4, pool: 4 },
  { channels: 32, kernel: 3, stride: 1, pool: 4 },
  { channels: 64, kernel: 3, stride: 1, pool: 4 },
  { channels: 64, kernel: 3, stride: 1, pool: 4 },
] as const;
const ATTR_FLOAT = 1;
const ATTR_INT = 2;
const ATTR_INTS = 7;
const OPSET = 17;

interface Node {
  op_type: string;
  input: string[];
  output: string[];
  attribute: { name: string; type: number; i?: number; f?: number; ints?: number[] }[];
}

const ints = (name: string, values: number[]): Node['attribute'][number] => ({
  name,
  type: ATTR_INTS,
  ints: values,
});

/** The audio model's bytes; `seed` fixes its weights. */
export function buildAudioModel(seed = 5): Uint8Array {
  const normal = makeNormal(seed);
  const nodes: Node[] = [];
  const initializers: FloatInitializer[] = [];
  const weight = (name: string, dims: number[], draw: (z: number) => number): string => {
    initializers.push(floatInitializer(name, dims, () => draw(normal())));
    return name;
  };
  const node = (op: string, input: string[], attribute: Node['attribute'] = []): string => {
    const out = `${op.toLowerCase()}${nodes.length}`;
    nodes.push({ op_type: op, input, output: [out], attribute });
    return out;
  };
  let x = 'audio';
  let channels = 1;
  BLOCKS.forEach((b, i) => {
    const fanIn = channels * b.kernel;
    const w = weight(`conv${i}_w`, [b.channels, channels, b.kernel], (z) => z * Math.sqrt(2 / fanIn));
    const bias = weight(`conv${i}_b`, [b.channels], (z) => 0.05 * z);
    const pad = (b.kernel - 1) >> 1;
    x = node(
      'Conv',
      [x, w, bias],
      [ints('kernel_shape', [b.kernel]), ints('strides', [b.stride]), ints('pads', [pad, pad])],
    );
    const c = b.channels;
    x = node(
      'BatchNormalization',
      [
        x,
        weight(`bn${i}_scale`, [c], (z) => 1 + 0.1 * z),
        weight(`bn${i}_bias`, [c], (z) => 0.05 * z),
        weight(`bn${i}_mean`, [c], (z) => 0.05 * z),
        weight(`bn${i}_var`, [c], (z) => Math.exp(0.2 * z)),
      ],
      [{ name: 'epsilon', type: ATTR_FLOAT, f: 1e-5 }],
    );
    x = node('Relu', [x]);
    x = node('MaxPool', [x], [ints('kernel_shape', [b.pool]), ints('strides', [b.pool])]);
    channels = c;
  });
  x = node('Flatten', [node('GlobalAveragePool', [x])], [{ name: 'axis', type: ATTR_INT, i: 1 }]);
  const head = weight('fc_w', [AUDIO_CLASSES, channels], (z) => z * Math.sqrt(2 / channels));
  x = node(
    'Gemm',
    [x, head, weight('fc_b', [AUDIO_CLASSES], (z) => 0.05 * z)],
    [{ name: 'transB', type: ATTR_INT, i: 1 }],
  );
  nodes.push({ op_type: 'Softmax', input: [x], output: ['probs'], attribute: [] });
  return encodeModel({
    name: 'audio_conv1d',
    opset: OPSET,
    nodes,
    initializers,
    inputs: [['audio', [1, 1, AUDIO_SAMPLES]]],
    outputs: [['probs', [1, AUDIO_CLASSES]]],
  });
}
