/**
 * Lowering of the window composites, with their math:
 *   - conv/convTranspose with a bias: the bare op plus bias[m] broadcast over
 *     the spatial axes, so the add (and what follows it) joins the kernel as an
 *     epilogue (fuse-kernels.ts), as dense + bias does after a matmul;
 *   - avgPool: sumPool divided by each window's count (the in-range taps, or
 *     with countIncludePad the taps inside the padded input), the count a
 *     product of per-axis constants since windows are separable;
 *   - batchNorm: x·a + b per channel with a = scale / sqrt(var + eps) and
 *     b = bias - mean·a; right after a conv that nothing else reads it folds
 *     into the conv instead: w' = w·a[m], bias' = (bias - mean)·a + B, so it
 *     costs nothing (simplify computes w' and bias' at compile time when the
 *     weights and statistics are constants; for params they are a small
 *     kernel over the weights, not a pass over the activations).
 */
import type { Graph } from '../ir/graph.js';
import { topoSort, type Node } from '../ir/node.js';
import type { OpAttrs } from '../ir/ops.js';

/** The new-graph operands of a conv as lowered: x, w and the bias if any. */
interface LoweredConv {
  readonly x: Node;
  readonly w: Node;
  readonly bias: Node | undefined;
  readonly attrs: OpAttrs['conv'];
  /** The conv's output shape [N, M, O...]. */
  readonly shape: readonly number[];
}

/** Per channel values [M] reshaped to [1, M, 1, ...] (rank `rank`), to broadcast over [N, M, D...]. */
function perChannel(out: Graph, v: Node, rank: number): Node {
  const shape = [1, v.shape[0] ?? 0, ...new Array<number>(rank - 2).fill(1)];
  return out.addNode('reshape', [v], { shape });
}

/** Per-kernel-row values [M] reshaped to [M, 1, ...] (rank `rank`), to scale weights [M, C/g, k...]. */
function perRow(out: Graph, v: Node, rank: number): Node {
  return out.addNode('reshape', [v], { shape: [v.shape[0] ?? 0, ...new Array<number>(rank - 1).fill(1)] });
}

/** Fewer output channels per group than this: the tiles would be mostly empty (depthwise stays direct). */
const MIN_GEMM_ROWS = 8;
/** A shorter dot product per output than this: im2col costs more than the tiles save. */
const MIN_GEMM_DEPTH = 8;

/**
 * A conv as im2col + the tiled matmul, when its groups are wide enough:
 * out[n, g, m, p] = Σ_j w[g, m, j] · cols[n, g, j, p] with j over (c, k...) and p
 * over the output positions; cols is unfold(x) (the windows, planned like any
 * temp) or x itself for a 1x1 conv without stride or padding. Undefined when
 * the direct kernel is the better fit.
 */
function asMatmul(c: LoweredConv, out: Graph): Node | undefined {
  const { x, w, attrs } = c;
  const n = x.shape[0] ?? 0;
  const [m = 0, cg = 0, ...kernelShape] = w.shape;
  const groups = attrs.groups;
  const mg = m / groups;
  const depth = cg * kernelShape.reduce((a, b) => a * b, 1);
  if (mg < MIN_GEMM_ROWS || depth < MIN_GEMM_DEPTH) return undefined;
  const { strides, dilations, pads } = attrs;
  const positions = c.shape.slice(2).reduce((a, b) => a * b, 1);
  const identity =
    kernelShape.every((k) => k === 1) && strides.every((s) => s === 1) && pads.every((p) => p === 0);
  const windows = identity
    ? x
    : out.addNode('unfold', [x], {
        strides,
        dilations,
        pads,
        kernelShape,
      });
  const grouped = groups > 1 ? [groups] : [];
  const cols = out.addNode('reshape', [windows], { shape: [n, ...grouped, depth, positions] });
  const rows = out.addNode('reshape', [w], { shape: [...grouped, mg, depth] });
  const product = out.addNode('matmul', [rows, cols], {});
  return out.addNode('reshape', [product], { shape: [...c.shape] });
}

/**
 * Window counts along one axis: how many of the k taps o·s - pb + j·d of output o fall
 * in [lo, hi).
 */
function axisCounts(
  outSize: number,
  k: number,
  s: number,
  d: number,
  pb: number,
  lo: number,
  hi: number,
): Float32Array {
  return Float32Array.from({ length: outSize }, (_, o) => {
    let count = 0;
    for (let j = 0; j < k; j++) {
      const pos = o * s - pb + j * d;
      if (pos >= lo && pos < hi) count++;
    }
    return count;
  });
}

/**
 * The rewrite rule for conv, convTranspose, avgPool and batchNorm over the graph `graph`
 * being lowered (undefined for other ops). It remembers how each conv was lowered, so
 * a batchNorm reading it can fold into it.
 */
export function makeConvLowering(
  graph: Graph,
): (node: Node, inputs: readonly Node[], out: Graph) => Node | undefined {
  // readers among the nodes the outputs need (a dead reader does not keep a conv from folding)
  const users = new Map<number, number>();
  const live = topoSort([...graph.leaves, ...graph.outputs.map(([, n]) => n)]);
  for (const n of live) for (const i of new Set(n.inputs)) users.set(i.id, (users.get(i.id) ?? 0) + 1);
  for (const [, n] of graph.outputs) users.set(n.id, (users.get(n.id) ?? 0) + 1);
  const convs = new Map<number, LoweredConv>();

  const emitConv = (c: LoweredConv, out: Graph): Node => {
    const bare = asMatmul(c, out) ?? out.addNode('conv', [c.x, c.w], { ...c.attrs, hasBias: false });
    if (c.bias === undefined) return bare;
    return out.addNode('add', [bare, perChannel(out, c.bias, bare.shape.length)], {});
  };

  return (node, inputs, out) => {
    const x = inputs[0] as Node;
    switch (node.op) {
      case 'conv': {
        const c: LoweredConv = {
          x,
          w: inputs[1] as Node,
          bias: inputs[2],
          attrs: node.attrs,
          shape: node.shape,
        };
        convs.set(node.id, c);
        return emitConv(c, out);
      }
      case 'convTranspose': {
        if (!node.attrs.hasBias) return undefined;
        const bare = out.addNode('convTranspose', [x, inputs[1] as Node], { ...node.attrs, hasBias: false });
        return out.addNode('add', [bare, perChannel(out, inputs[2] as Node, bare.shape.length)], {});
      }
      case 'avgPool': {
        // avg = Σ window / count, count = Π_axes count_i(o_i)
        const { countIncludePad, ...pool } = node.attrs;
        const sum = out.addNode('sumPool', [x], pool);
        const n = x.shape.length - 2;
        let count: Node | undefined;
        for (let i = 0; i < n; i++) {
          const size = x.shape[i + 2] ?? 0;
          const pb = pool.pads[i] ?? 0;
          const [lo, hi] = countIncludePad ? [-pb, size + (pool.pads[i + n] ?? 0)] : [0, size];
          const outSize = node.shape[i + 2] ?? 0;
          const counts = axisCounts(
            outSize,
            pool.kernelShape[i] ?? 1,
            pool.strides[i] ?? 1,
            pool.dilations[i] ?? 1,
            pb,
            lo,
            hi,
          );
          const shape = node.shape.map((d, j) => (j === i + 2 ? d : 1));
          const axis = out.addConstant(counts, shape);
          count = count === undefined ? axis : out.addNode('mul', [count, axis], {});
        }
        return count === undefined ? sum : out.addNode('div', [sum, count], {});
      }
      case 'batchNorm': {
        const [scale, bias, mean, variance] = inputs.slice(1) as [Node, Node, Node, Node];
        // a = scale / sqrt(var + eps)
        const eps = out.addConstant(new Float32Array([node.attrs.eps]), []);
        const a = out.addNode(
          'div',
          [scale, out.addNode('sqrt', [out.addNode('add', [variance, eps], {})], {})],
          {},
        );
        const source = node.inputs[0] as Node;
        const conv = convs.get(source.id);
        if (conv !== undefined && users.get(source.id) === 1) {
          // conv(x, w·a[m]) + ((bias - mean)·a + B)[m]
          const w = out.addNode('mul', [conv.w, perRow(out, a, conv.w.shape.length)], {});
          const centered =
            conv.bias === undefined
              ? out.addNode('neg', [mean], {})
              : out.addNode('sub', [conv.bias, mean], {});
          const b = out.addNode('add', [out.addNode('mul', [centered, a], {}), bias], {});
          return emitConv({ ...conv, w, bias: b }, out);
        }
        // x·a + (B - mean·a), per channel
        const shift = out.addNode('sub', [bias, out.addNode('mul', [mean, a], {})], {});
        const rank = x.shape.length;
        return out.addNode(
          'add',
          [out.addNode('mul', [x, perChannel(out, a, rank)], {}), perChannel(out, shift, rank)],
          {},
        );
      }
      default:
        return undefined;
    }
  };
}
