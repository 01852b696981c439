/**
 * A 1,000-node ONNX model built in code, for issue #18's goal "import +
 * compile of a 1,000-node model under 2 s": a BERT-like encoder of 21 layers
 * as PyTorch exports one, every LayerNorm and GELU spelled out in primitive
 * nodes (ReduceMean, Sub, Pow, Sqrt, Div, Erf, ...), 49 nodes per layer.
 * Sequence 32, hidden 64, 4 heads, feed-forward 256; seeded random weights.
 */
import { encodeModel, floatInitializer } from './encode-model.js';
import { makeNormal } from './randomize-weights.js';

const INT64 = 7;
const ATTR_INT = 2;
const ATTR_INTS = 7;
const OPSET = 17;
const SEQ = 32;
const HIDDEN = 64;
const HEADS = 4;
const FFN = 256;
/** Layers: 21 x 49 nodes + the output's Identity = 1,030 nodes. */
export const DEEP_LAYERS = 21;
/** The input's name and shape. */
export const DEEP_INPUT = 'tokens';
export const DEEP_SHAPE = [1, SEQ, HIDDEN] as const;

interface Attribute {
  name: string;
  type: number;
  i?: number;
  f?: number;
  ints?: number[];
}
interface OnnxNode {
  op_type: string;
  input: string[];
  output: string[];
  attribute: Attribute[];
}

/** The model's bytes and its node count. */
export function buildDeepModel(seed = 11): { bytes: Uint8Array; nodes: number } {
  const normal = makeNormal(seed);
  const nodes: OnnxNode[] = [];
  const initializers: object[] = [];
  const floats = (name: string, dims: number[], draw: (z: number) => number): string => {
    initializers.push(floatInitializer(name, dims, () => draw(normal())));
    return name;
  };
  const int64s = (name: string, values: number[]): string => {
    initializers.push({ name, dims: [values.length], data_type: INT64, int64_data: values });
    return name;
  };
  const node = (op: string, input: string[], attribute: Attribute[] = []): string => {
    const out = `${op.toLowerCase()}${nodes.length}`;
    nodes.push({ op_type: op, input, output: [out], attribute });
    return out;
  };
  const scalar = (name: string, v: number): string => floats(name, [], () => v);
  const axes = (values: number[]): Attribute => ({ name: 'axes', type: ATTR_INTS, ints: values });
  const perm = (values: number[]): Attribute => ({ name: 'perm', type: ATTR_INTS, ints: values });
  const half = scalar('half', 0.5);
  const one = scalar('one', 1);
  const two = scalar('two', 2);
  const eps = scalar('eps', 1e-5);
  const sqrt2 = scalar('sqrt2', Math.SQRT2);
  const scale = scalar('scale', Math.sqrt(HIDDEN / HEADS));
  const heads = int64s('heads_shape', [1, SEQ, HEADS, HIDDEN / HEADS]);
  const merged = int64s('merged_shape', [1, SEQ, HIDDEN]);

  // 9 nodes: (x - mean) / sqrt(var + eps) * g + b
  const layerNorm = (x: string, name: string): string => {
    const mean = node('ReduceMean', [x], [axes([-1])]);
    const centered = node('Sub', [x, mean]);
    const variance = node('ReduceMean', [node('Pow', [centered, two])], [axes([-1])]);
    const norm = node('Div', [centered, node('Sqrt', [node('Add', [variance, eps])])]);
    const g = floats(`${name}_g`, [HIDDEN], (z) => 1 + 0.1 * z);
    return node('Add', [node('Mul', [norm, g]), floats(`${name}_b`, [HIDDEN], (z) => 0.05 * z)]);
  };
  // 2 nodes: x W + b
  const dense = (x: string, name: string, k: number, n: number): string =>
    node('Add', [
      node('MatMul', [x, floats(`${name}_w`, [k, n], (z) => z * Math.sqrt(1 / k))]),
      floats(`${name}_b`, [n], (z) => 0.02 * z),
    ]);
  // 2 nodes: [1, S, H] -> [1, heads, S, H/heads]
  const split = (x: string, order: number[]): string =>
    node('Transpose', [node('Reshape', [x, heads])], [perm(order)]);

  let x = DEEP_INPUT;
  for (let l = 0; l < DEEP_LAYERS; l++) {
    const h = layerNorm(x, `l${l}_ln1`);
    const q = split(dense(h, `l${l}_q`, HIDDEN, HIDDEN), [0, 2, 1, 3]);
    const k = split(dense(h, `l${l}_k`, HIDDEN, HIDDEN), [0, 2, 3, 1]);
    const v = split(dense(h, `l${l}_v`, HIDDEN, HIDDEN), [0, 2, 1, 3]);
    const scores = node('Div', [node('MatMul', [q, k]), scale]);
    const probs = node('Softmax', [scores], [{ name: 'axis', type: ATTR_INT, i: -1 }]);
    const context = node('MatMul', [probs, v]);
    const joined = node('Reshape', [node('Transpose', [context], [perm([0, 2, 1, 3])]), merged]);
    x = node('Add', [x, dense(joined, `l${l}_o`, HIDDEN, HIDDEN)]);
    // GELU as exported: 0.5 x (1 + erf(x / sqrt 2))
    const f = dense(layerNorm(x, `l${l}_ln2`), `l${l}_f1`, HIDDEN, FFN);
    const gelu = node('Mul', [
      node('Mul', [f, half]),
      node('Add', [node('Erf', [node('Div', [f, sqrt2])]), one]),
    ]);
    x = node('Add', [x, dense(gelu, `l${l}_f2`, FFN, HIDDEN)]);
  }
  nodes.push({ op_type: 'Identity', input: [x], output: ['encoded'], attribute: [] });
  const bytes = encodeModel({
    name: 'deep_encoder',
    opset: OPSET,
    nodes,
    initializers,
    inputs: [[DEEP_INPUT, DEEP_SHAPE]],
    outputs: [['encoded', DEEP_SHAPE]],
  });
  return { bytes, nodes: nodes.length };
}
