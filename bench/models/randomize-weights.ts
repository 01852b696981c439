/**
 * Gives ONNX's `light/` CNNs weights that behave like a trained net's: every
 * `ConstantOfShape` that produces a float weight becomes an initializer of the
 * same shape with seeded random values drawn by the weight's role (He-scaled
 * normal for Conv/Gemm weights, positive BatchNormalization variances, ...),
 * and float initializers holding one repeated value are redrawn the same way.
 * With uniform weights an engine could fold whole layers that it could not fold
 * in a real model; with these nothing folds that would not fold in a trained one.
 */
import { onnxMessage } from '../../src/onnx/onnx-schema.js';

/** TensorProto.DataType */
const FLOAT = 1;
const INT64 = 7;
/** Initializers need not be graph inputs from IR 4; ORT treats an initializer that is an input as overridable (never folded). */
const IR_VERSION = 7;

interface TensorMsg {
  name?: string;
  dims?: number[];
  data_type?: number;
  raw_data?: Uint8Array;
  float_data?: number[];
  int64_data?: number[];
}
interface AttributeMsg {
  name?: string;
  i?: number;
}
interface NodeMsg {
  input?: string[];
  output?: string[];
  op_type?: string;
  attribute?: AttributeMsg[];
}
interface GraphMsg {
  node?: NodeMsg[];
  initializer?: TensorMsg[];
  input?: { name?: string }[];
  output?: { name?: string }[];
}
interface ModelMsg {
  ir_version?: number;
  graph?: GraphMsg;
}

/** Seeded standard-normal numbers (mulberry32 + Box-Muller). */
export function makeNormal(seed: number): () => number {
  let state = seed >>> 0;
  const uniform = (): number => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return (((t ^ (t >>> 14)) >>> 0) + 0.5) / 4294967296;
  };
  return () => Math.sqrt(-2 * Math.log(uniform())) * Math.cos(2 * Math.PI * uniform());
}

/** How one weight is used: the first consumer's op and input slot. */
interface Role {
  readonly op: string;
  readonly slot: number;
  readonly node: NodeMsg;
  /** A BatchNormalization whose output goes straight into a residual Sum/Add. */
  readonly endsBranch: boolean;
}

/** One value of a weight of this role and shape: `z` is a standard normal draw. */
function drawFor(role: Role | undefined, dims: readonly number[]): (z: number) => number {
  const fanIn = (d: readonly number[]): number => d.slice(1).reduce((a, b) => a * b, 1);
  switch (role === undefined ? '' : `${role.op}:${role.slot}`) {
    case 'Conv:1': {
      // He normal: variance 2 / fan-in keeps ReLU activations O(1)
      const gain = Math.sqrt(2 / Math.max(1, fanIn(dims)));
      return (z) => z * gain;
    }
    case 'Gemm:1': {
      const transB = role?.node.attribute?.find((a) => a.name === 'transB')?.i ?? 0;
      const gain = Math.sqrt(2 / (transB === 1 ? (dims[1] ?? 1) : (dims[0] ?? 1)));
      return (z) => z * gain;
    }
    case 'BatchNormalization:1': {
      // a residual branch's last scale is small in trained ResNets (and keeps the sum O(1))
      const gain = role?.endsBranch === true ? 0.3 : 1;
      return (z) => gain * (1 + 0.1 * z);
    }
    case 'BatchNormalization:4': // running variance: positive, around 1
      return (z) => Math.exp(0.2 * z);
    case 'Mul:1': // the scale after a normalization (DenseNet, Inception v2)
      return (z) => 1 + 0.1 * z;
    default: // biases, shifts, running means
      return (z) => 0.05 * z;
  }
}

function roleOf(graph: GraphMsg, name: string): Role | undefined {
  const nodes = graph.node ?? [];
  for (const node of nodes) {
    const slot = (node.input ?? []).indexOf(name);
    if (slot < 0) continue;
    // Unsqueeze feeding Mul/Add (DenseNet's scale layers): the role is the Mul/Add's
    if (node.op_type === 'Unsqueeze') {
      const inner = roleOf(graph, node.output?.[0] ?? '');
      if (inner !== undefined) return inner;
    }
    const out = node.output?.[0] ?? '';
    const endsBranch =
      node.op_type === 'BatchNormalization' &&
      nodes.some((n) => (n.op_type === 'Sum' || n.op_type === 'Add') && (n.input ?? []).includes(out));
    return { op: node.op_type ?? '', slot, node, endsBranch };
  }
  return undefined;
}

/** The int64 values of a shape tensor (raw_data or int64_data). */
function int64Values(t: TensorMsg): number[] {
  if (t.raw_data !== undefined && t.raw_data.byteLength > 0) {
    const view = new DataView(t.raw_data.buffer, t.raw_data.byteOffset, t.raw_data.byteLength);
    return Array.from({ length: t.raw_data.byteLength / 8 }, (_, i) => Number(view.getBigInt64(i * 8, true)));
  }
  return (t.int64_data ?? []).map(Number);
}

function floatValues(t: TensorMsg): Float32Array {
  if (t.raw_data !== undefined && t.raw_data.byteLength > 0) {
    return new Float32Array(Uint8Array.from(t.raw_data).buffer);
  }
  return Float32Array.from(t.float_data ?? []);
}

function isUniform(values: Float32Array): boolean {
  return values.length > 1 && values.every((v) => v === values[0]);
}

function randomTensor(
  name: string,
  dims: readonly number[],
  draw: (z: number) => number,
  normal: () => number,
): TensorMsg {
  const size = dims.reduce((a, b) => a * b, 1);
  const data = new Float32Array(size);
  for (let i = 0; i < size; i++) data[i] = draw(normal());
  return { name, dims: [...dims], data_type: FLOAT, raw_data: new Uint8Array(data.buffer) };
}

/** What randomizeWeights changed, for the report and the tests. */
export interface RandomizedModel {
  readonly bytes: Uint8Array;
  /** Weights made from ConstantOfShape nodes. */
  readonly replaced: number;
  /** Uniform float initializers redrawn. */
  readonly redrawn: number;
  /** Float elements of all weights (initializers) after the rewrite. */
  readonly weightElements: number;
}

/**
 * Rewrites a model's weights as described in the file header; `seed` makes
 * the values deterministic. Initializers are removed from the graph inputs
 * (and the IR version raised to 7) so engines treat them as constants.
 */
export function randomizeWeights(bytes: Uint8Array, seed = 1): RandomizedModel {
  const Model = onnxMessage('ModelProto');
  const model = Model.toObject(Model.decode(bytes), { longs: Number, defaults: false }) as ModelMsg;
  const graph = model.graph ?? {};
  const inits = new Map((graph.initializer ?? []).map((t) => [t.name ?? '', t]));
  const normal = makeNormal(seed);
  const kept: NodeMsg[] = [];
  const created: TensorMsg[] = [];
  let redrawn = 0;
  for (const node of graph.node ?? []) {
    const shapeName = node.input?.[0] ?? '';
    const shape = inits.get(shapeName);
    const out = node.output?.[0] ?? '';
    const valueType = node.attribute?.find((a) => a.name === 'value') as { t?: TensorMsg } | undefined;
    const producesFloat = valueType?.t?.data_type === FLOAT;
    if (node.op_type === 'ConstantOfShape' && shape?.data_type === INT64 && producesFloat) {
      const dims = int64Values(shape);
      created.push(randomTensor(out, dims, drawFor(roleOf(graph, out), dims), normal));
      continue;
    }
    kept.push(node);
  }
  const used = new Set(kept.flatMap((n) => n.input ?? []));
  for (const o of graph.output ?? []) used.add(o.name ?? '');
  const initializers = [...(graph.initializer ?? []).filter((t) => used.has(t.name ?? '')), ...created].map(
    (t) => {
      if (t.data_type !== FLOAT || !isUniform(floatValues(t))) return t;
      redrawn++;
      return randomTensor(
        t.name ?? '',
        t.dims ?? [],
        drawFor(roleOf(graph, t.name ?? ''), t.dims ?? []),
        normal,
      );
    },
  );
  const initialized = new Set(initializers.map((t) => t.name));
  const rewritten: ModelMsg = {
    ...model,
    ir_version: Math.max(model.ir_version ?? 0, IR_VERSION),
    graph: {
      ...graph,
      node: kept,
      initializer: initializers,
      input: (graph.input ?? []).filter((i) => !initialized.has(i.name) && used.has(i.name ?? '')),
    },
  };
  const weightElements = initializers
    .filter((t) => t.data_type === FLOAT)
    .reduce((sum, t) => sum + (t.dims ?? []).reduce((a, b) => a * b, 1), 0);
  return {
    bytes: Model.encode(Model.fromObject(rewritten)).finish(),
    replaced: created.length,
    redrawn,
    weightElements,
  };
}
