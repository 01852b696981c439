/**
 * Lowers composite ops (mean, gelu, softmax, logSoftmax, layerNorm; the window
 * composites in lower-conv.ts) to
 * primitives so that fusion and codegen see through them. Each rewrite is
 * written once, with its math.
 */
import type { Graph } from '../ir/graph.js';
import type { Node } from '../ir/node.js';
import type { OpAttrs } from '../ir/ops.js';
import { sizeOf } from '../ir/shape.js';
import { makeConvLowering } from './lower-conv.js';
import { rewriteGraph } from './rewrite.js';

/** Helpers that record primitive nodes in the graph being built. */
function builder(out: Graph) {
  const scalar = (value: number): Node => out.addConstant(new Float32Array([value]), []);
  const bin = (op: 'add' | 'sub' | 'mul' | 'div', a: Node, b: Node): Node => out.addNode(op, [a, b], {});
  const un = (op: 'exp' | 'log' | 'erf' | 'rsqrt', a: Node): Node => out.addNode(op, [a], {});
  const toF32 = (a: Node): Node => (a.dtype === 'f32' ? a : out.addNode('cast', [a], { to: 'f32' }));
  const reduce = (op: 'sum' | 'max', a: Node, axes: readonly number[], keepdims: boolean): Node =>
    out.addNode(op, [a], { axes, keepdims });
  /**
   * mean(x) = sum(x) / n — a division, not a multiply by 1/n, so that n equal
   * values have exactly that value as their mean (x - mean(x) is then 0)
   */
  const mean = (a: Node, attrs: OpAttrs['mean']): Node => {
    const n = sizeOf(attrs.axes.map((ax) => a.shape[ax] ?? 1));
    return bin('div', reduce('sum', toF32(a), attrs.axes, attrs.keepdims), scalar(n));
  };
  /** The first element along `axis`, kept as an axis of 1 (a view: x[..., 0:1, ...]). */
  const first = (a: Node, axis: number): Node =>
    out.addNode('slice', [a], {
      axes: a.shape.map((size, i) => ({ start: 0, step: 1, size: i === axis ? 1 : size })),
    });
  return { scalar, bin, un, toF32, reduce, mean, first };
}

/** Replaces one composite node with primitives; undefined for primitives. */
function lowerNode(node: Node, inputs: readonly Node[], out: Graph): Node | undefined {
  const b = builder(out);
  const x = inputs[0] as Node;
  switch (node.op) {
    case 'mean':
      return b.mean(x, node.attrs);
    case 'gelu': {
      // gelu(x) = 0.5·x·(1 + erf(x/√2))
      const xf = b.toF32(x);
      const e = b.un('erf', b.bin('mul', xf, b.scalar(Math.SQRT1_2)));
      return b.bin('mul', b.bin('mul', xf, b.scalar(0.5)), b.bin('add', e, b.scalar(1)));
    }
    case 'softmax': {
      // softmax(x) = e · (1 / Σe), e = exp(x - max x): one division per row, not per element
      // (as PyTorch's and XNNPACK's kernels); over an empty axis the result is empty
      const xf = b.toF32(x);
      if (xf.shape[node.attrs.axis] === 0) return xf;
      const axes = [node.attrs.axis];
      const e = b.un('exp', b.bin('sub', xf, b.reduce('max', xf, axes, true)));
      return b.bin('mul', e, b.bin('div', b.scalar(1), b.reduce('sum', e, axes, true)));
    }
    case 'logSoftmax': {
      // logSoftmax(x) = s - log Σ exp(s), s = x - max x; over an empty axis the result is empty
      const xf = b.toF32(x);
      if (xf.shape[node.attrs.axis] === 0) return xf;
      const axes = [node.attrs.axis];
      const s = b.bin('sub', xf, b.reduce('max', xf, axes, true));
      return b.bin('sub', s, b.un('log', b.reduce('sum', b.un('exp', s), axes, true)));
    }
    case 'layerNorm': {
      // y = (x - μ) · rsqrt(σ² + eps) · weight + bias, over the last axis. The mean is taken of
      // x shifted by the row's first element k: μ = k + mean(x - k). A row of equal values then
      // has μ = k exactly and normalizes to 0 (an f32 sum of 33 copies of 1e21 is not exactly
      // 33e21, so μ = mean(x) was 1 ulp off and x - μ normalized to ±1); the sum also no longer
      // carries the rounding of a large common offset (x - k is exact for x within a factor 2
      // of k). x - k feeds the sum only, so it stays inline in the row kernel (W4 +7%).
      const xf = b.toF32(x);
      const last = xf.shape.length - 1;
      const attrs = { axes: [last], keepdims: true };
      let mu: Node = b.mean(xf, attrs);
      if ((xf.shape[last] ?? 0) > 0) {
        const k = b.first(xf, last);
        mu = b.bin('add', k, b.mean(b.bin('sub', xf, k), attrs));
      }
      const d = b.bin('sub', xf, mu);
      const variance = b.mean(b.bin('mul', d, d), attrs);
      let y = b.bin('mul', d, b.un('rsqrt', b.bin('add', variance, b.scalar(node.attrs.eps))));
      let next = 1;
      if (node.attrs.hasWeight) y = b.bin('mul', y, inputs[next++] as Node);
      if (node.attrs.hasBias) y = b.bin('add', y, inputs[next] as Node);
      return y;
    }
    default:
      return undefined;
  }
}

/** The graph with every composite replaced by primitives. */
export function lowerComposites(graph: Graph): Graph {
  const lowerConv = makeConvLowering(graph);
  return rewriteGraph(
    graph,
    (node, inputs, out) => lowerNode(node, inputs, out) ?? lowerConv(node, inputs, out),
  );
}
