/**
 * The benchmark workloads W1-W7 (see ../shared/anchors.md) and the
 * convolutions W8-W10 (issue #20), and their input
 * data. Every competitor builds the same computation from a `WorkloadSpec`;
 * data is deterministic (seeded) so every competitor sees identical inputs.
 */

/** The kinds of computation; each adapter switches over this exhaustively. */
export type WorkloadSpec =
  | { readonly kind: 'matmul'; readonly n: number }
  /** y = relu(x * 1.5 + (-0.25)) * sigmoid(x) */
  | { readonly kind: 'swish'; readonly size: number }
  | { readonly kind: 'softmax'; readonly rows: number; readonly cols: number }
  | { readonly kind: 'layernorm'; readonly rows: number; readonly cols: number; readonly eps: number }
  /** x[batch,784] -> dense 1024 relu -> dense 1024 relu -> dense 10 -> softmax */
  | { readonly kind: 'mlp'; readonly batch: number; readonly sizes: readonly number[] }
  | { readonly kind: 'sum'; readonly size: number }
  /** x op0 c0 op1 c1 ...: alternating add and mul by scalars. */
  | { readonly kind: 'chain'; readonly size: number; readonly ops: readonly ChainOp[] }
  /**
   * y = conv(x, w) over x [1, channels, size, size] (NCHW), w [outChannels,
   * channels / groups, kernel, kernel], stride 1, `pad` on every side, no bias
   * (depthwise when groups = channels = outChannels).
   */
  | {
      readonly kind: 'conv';
      readonly channels: number;
      readonly outChannels: number;
      readonly size: number;
      readonly kernel: number;
      readonly pad: number;
      readonly groups: number;
    };

/** The conv workload's spec, by field. */
export type ConvSpec = Extract<WorkloadSpec, { kind: 'conv' }>;

export interface ChainOp {
  readonly op: 'add' | 'mul';
  readonly value: number;
}

/** One named tensor of a workload: per-run input, or a weight set once. */
export interface TensorData {
  readonly name: string;
  readonly shape: readonly number[];
  readonly data: Float32Array;
}

/** A workload: what to compute, its data, and how to score it. */
export interface Workload {
  /** Row label, e.g. 'W1 N=512'. */
  readonly id: string;
  /** The anchors' workload id, 'W1'..'W10'. */
  readonly group: string;
  readonly title: string;
  readonly spec: WorkloadSpec;
  /** Floating-point operations per run, for GFLOP/s (matmul and conv). */
  readonly flops?: number;
  /** Creates the inputs (fed per run) and weights (set once); called right before setup. */
  makeData(): WorkloadData;
}

export interface WorkloadData {
  /** Per-run inputs, written in place once before timing. */
  readonly inputs: readonly TensorData[];
  /** Weights (biases, LN scale/shift, MLP layers): params, initializers or constants. */
  readonly weights: readonly TensorData[];
  /** The output's shape. */
  readonly outputShape: readonly number[];
}

/** mulberry32: a small, fast, seedable PRNG; uniform in [lo, hi). */
export function makeRandom(seed: number, size: number, lo = -1, hi = 1): Float32Array {
  let state = seed >>> 0;
  const out = new Float32Array(size);
  for (let i = 0; i < size; i++) {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    const u = ((t ^ (t >>> 14)) >>> 0) / 4294967296;
    out[i] = lo + (hi - lo) * u;
  }
  return out;
}

function tensor(name: string, shape: readonly number[], seed: number, lo = -1, hi = 1): TensorData {
  const size = shape.reduce((a, b) => a * b, 1);
  return { name, shape, data: makeRandom(seed, size, lo, hi) };
}

function matmul(n: number): Workload {
  return {
    id: `W1 N=${n}`,
    group: 'W1',
    title: `matmul ${n}x${n} @ ${n}x${n}`,
    spec: { kind: 'matmul', n },
    flops: 2 * n ** 3,
    makeData: () => ({
      inputs: [tensor('a', [n, n], 11), tensor('b', [n, n], 12)],
      weights: [],
      outputShape: [n, n],
    }),
  };
}

const SWISH_SIZE = 1_048_576;
const SQUARE = 1024;
const SUM_SIZE = 16_777_216;
const CHAIN_SIZE = 1024;
const CHAIN_LENGTH = 100;
const MLP_SIZES = [784, 1024, 1024, 10] as const;
const MLP_BATCH = 128;
/** W5's multiply-adds, 2 FLOPs each: its matmuls (bias, relu and softmax are < 0.3% beside them). */
const MLP_FLOPS =
  2 * MLP_BATCH * MLP_SIZES.slice(1).reduce((sum, out, i) => sum + (MLP_SIZES[i] ?? 0) * out, 0);

/** The chain of W7: add c, mul m, add c, ... with |m - 1| <= 0.02 so values stay O(1). */
export function makeChainOps(length: number): ChainOp[] {
  return Array.from({ length }, (_, i) =>
    i % 2 === 0
      ? { op: 'add' as const, value: ((i % 7) - 3) * 0.01 }
      : { op: 'mul' as const, value: 1 + ((i % 5) - 2) * 0.01 },
  );
}

function mlpWeights(): TensorData[] {
  const weights: TensorData[] = [];
  for (let layer = 0; layer + 1 < MLP_SIZES.length; layer++) {
    const fanIn = MLP_SIZES[layer] ?? 0;
    const fanOut = MLP_SIZES[layer + 1] ?? 0;
    // Scale by 1/sqrt(fanIn) so activations stay O(1) through the layers.
    const bound = 1 / Math.sqrt(fanIn);
    weights.push(tensor(`w${layer + 1}`, [fanIn, fanOut], 40 + layer, -bound, bound));
    weights.push(tensor(`b${layer + 1}`, [fanOut], 50 + layer, -0.1, 0.1));
  }
  return weights;
}

/** The output side of a conv workload (stride 1). */
export function convOutSize(spec: ConvSpec): number {
  return spec.size + 2 * spec.pad - spec.kernel + 1;
}

function conv(id: string, title: string, spec: Omit<ConvSpec, 'kind'>, seed: number): Workload {
  const full: ConvSpec = { kind: 'conv', ...spec };
  const cg = spec.channels / spec.groups;
  const out = convOutSize(full);
  const fanIn = cg * spec.kernel * spec.kernel;
  return {
    id,
    group: id,
    title,
    spec: full,
    flops: 2 * spec.outChannels * out * out * fanIn,
    makeData: () => ({
      inputs: [tensor('x', [1, spec.channels, spec.size, spec.size], seed)],
      // scaled by 1/sqrt(fan-in) so outputs stay O(1)
      weights: [
        tensor(
          'w',
          [spec.outChannels, cg, spec.kernel, spec.kernel],
          seed + 1,
          -1 / Math.sqrt(fanIn),
          1 / Math.sqrt(fanIn),
        ),
      ],
      outputShape: [1, spec.outChannels, out, out],
    }),
  };
}

/** W8-W10: the convolutions of issue #20. */
function convWorkloads(): Workload[] {
  return [
    conv(
      'W8',
      '3x3 conv 64->64, 56x56, pad 1',
      { channels: 64, outChannels: 64, size: 56, kernel: 3, pad: 1, groups: 1 },
      81,
    ),
    conv(
      'W9',
      'depthwise 3x3 conv, 32 channels, 112x112, pad 1',
      { channels: 32, outChannels: 32, size: 112, kernel: 3, pad: 1, groups: 32 },
      91,
    ),
    conv(
      'W10',
      '1x1 conv 256->64, 56x56',
      { channels: 256, outChannels: 64, size: 56, kernel: 1, pad: 0, groups: 1 },
      101,
    ),
  ];
}

/** W1-W10; `quick` keeps only N = 128 and 512 of W1. */
export function makeWorkloads(quick: boolean): Workload[] {
  const sizes = quick ? [128, 512] : [128, 256, 512, 1024];
  return [
    ...sizes.map(matmul),
    {
      id: 'W2',
      group: 'W2',
      title: 'relu(x*1.5 - 0.25) * sigmoid(x), 1M',
      spec: { kind: 'swish', size: SWISH_SIZE },
      makeData: () => ({
        inputs: [tensor('x', [SWISH_SIZE], 21, -4, 4)],
        weights: [],
        outputShape: [SWISH_SIZE],
      }),
    },
    {
      id: 'W3',
      group: 'W3',
      title: 'softmax(-1), 1024x1024',
      spec: { kind: 'softmax', rows: SQUARE, cols: SQUARE },
      makeData: () => ({
        inputs: [tensor('x', [SQUARE, SQUARE], 31, -4, 4)],
        weights: [],
        outputShape: [SQUARE, SQUARE],
      }),
    },
    {
      id: 'W4',
      group: 'W4',
      title: 'layerNorm(-1) with weight and bias, 1024x1024',
      spec: { kind: 'layernorm', rows: SQUARE, cols: SQUARE, eps: 1e-5 },
      makeData: () => ({
        inputs: [tensor('x', [SQUARE, SQUARE], 41, -2, 3)],
        weights: [tensor('weight', [SQUARE], 42, 0.5, 1.5), tensor('bias', [SQUARE], 43, -0.5, 0.5)],
        outputShape: [SQUARE, SQUARE],
      }),
    },
    {
      id: 'W5',
      group: 'W5',
      title: 'MLP 128x784 -> 1024 relu -> 1024 relu -> 10 -> softmax',
      spec: { kind: 'mlp', batch: MLP_BATCH, sizes: MLP_SIZES },
      flops: MLP_FLOPS,
      makeData: () => ({
        inputs: [tensor('x', [MLP_BATCH, MLP_SIZES[0]], 51, 0, 1)],
        weights: mlpWeights(),
        outputShape: [MLP_BATCH, MLP_SIZES[MLP_SIZES.length - 1] ?? 0],
      }),
    },
    {
      id: 'W6',
      group: 'W6',
      title: 'sum of 16M elements',
      spec: { kind: 'sum', size: SUM_SIZE },
      makeData: () => ({ inputs: [tensor('x', [SUM_SIZE], 61)], weights: [], outputShape: [] }),
    },
    {
      id: 'W7',
      group: 'W7',
      title: '100 chained add/mul by scalars, 1024',
      spec: { kind: 'chain', size: CHAIN_SIZE, ops: makeChainOps(CHAIN_LENGTH) },
      makeData: () => ({ inputs: [tensor('x', [CHAIN_SIZE], 71)], weights: [], outputShape: [CHAIN_SIZE] }),
    },
    ...convWorkloads(),
  ];
}

/** Finds a tensor by name; a missing one is a bug in a workload definition. */
export function byName(tensors: readonly TensorData[], name: string): TensorData {
  const found = tensors.find((t) => t.name === name);
  if (found === undefined) throw new Error(`bench: workload has no tensor "${name}"`);
  return found;
}

/** The workloads named by `only` (groups like 'W1' or ids like 'W1 N=512'); all when undefined. */
export function selectWorkloads(
  workloads: readonly Workload[],
  only: readonly string[] | undefined,
): Workload[] {
  return workloads.filter((w) => only === undefined || only.includes(w.group) || only.includes(w.id));
}
