/**
 * Neural-network ONNX ops built from the builder's matmul and composites:
 * MatMul, Gemm (alpha, beta, transA/B), Softmax and LogSoftmax (flattening
 * to 2-D at `axis` before opset 13). LayerNormalization is in norms.ts.
 */
import type { Tensor } from '../../ir/tensor.js';
import { elementCount } from '../decode-model.js';
import { ElemType as E } from '../elem-types.js';
import type { NodeContext } from '../node-context.js';
import type { OpTable } from '../op-entry.js';

function gemm(n: NodeContext): Tensor {
  n.checkTypes([E.float]);
  if (n.opset < 7) n.ignore('broadcast');
  let a = n.tensor(0);
  let b = n.tensor(1);
  if (a.rank !== 2 || b.rank !== 2) n.invalid('A and B must be matrices');
  if (n.int('transA', 0) !== 0) a = a.transpose();
  if (n.int('transB', 0) !== 0) b = b.transpose();
  const alpha = n.float('alpha', 1);
  const beta = n.float('beta', 1);
  let y = a.matmul(b);
  if (alpha !== 1) y = y.mul(alpha);
  if (n.has(2) && beta !== 0) {
    const c = n.tensor(2);
    y = y.add(beta === 1 ? c : c.mul(beta));
  }
  return y;
}

function softmax(method: 'softmax' | 'logSoftmax'): OpTable[string] {
  return {
    since: 1,
    run: (n) => {
      n.checkTypes([E.float]);
      const x = n.tensor(0);
      if (n.opset >= 13) return x[method](n.axis(n.int('axis', -1), x.rank));
      // before opset 13: the input is flattened to 2-D at axis, normalized per row
      const raw = n.int('axis', 1);
      if (raw < -x.rank || raw > x.rank) n.invalid(`axis ${raw} is out of range for rank ${x.rank}`);
      const axis = raw < 0 ? raw + x.rank : raw;
      const rows = x.reshape([elementCount(x.shape.slice(0, axis)), elementCount(x.shape.slice(axis))]);
      return rows[method](-1).reshape([...x.shape]);
    },
  };
}

/**
 * LayerNormalization's optional outputs over the normalized axes (kept as
 * size 1): Mean, and InvStdDev = 1 / sqrt(mean((x - Mean)^2) + epsilon).
 */
function layerNormStats(n: NodeContext, axis: number): [Tensor, Tensor] {
  const x = n.tensor(0);
  const axes = x.shape.map((_, i) => i).slice(axis);
  const mean = x.mean(axes, true);
  const centered = x.sub(mean);
  const variance = centered.mul(centered).mean(axes, true);
  return [mean, variance.add(n.float('epsilon', 1e-5)).rsqrt()];
}

function layerNorm(n: NodeContext): Tensor {
  n.checkTypes([E.float]);
  const x = n.tensor(0);
  const axis = n.axis(n.int('axis', -1), x.rank);
  const eps = n.float('epsilon', 1e-5);
  n.requireInt('stash_type', 1, 'statistics in float32');
  const normalized = x.shape.slice(axis);
  const count = elementCount(normalized);
  if (axis === x.rank - 1) return x.layerNorm(n.tensor(1), n.has(2) ? n.tensor(2) : null, eps);
  // several normalized axes: one row of `count` elements, scale and bias flattened alike
  const flat = (t: Tensor): Tensor => t.expand(normalized).reshape([count]);
  const scale = flat(n.tensor(1));
  const bias = n.has(2) ? flat(n.tensor(2)) : null;
  const rows = x.reshape([...x.shape.slice(0, axis), count]);
  return rows.layerNorm(scale, bias, eps).reshape([...x.shape]);
}

/** Hardmax: 1 at the first maximum along the axis (the flattened row before opset 13), else 0. */
function hardmax(n: NodeContext): Tensor {
  n.checkTypes([E.float]);
  const x = n.tensor(0);
  let rows = x;
  let axis: number;
  if (n.opset >= 13) {
    axis = n.axis(n.int('axis', -1), x.rank);
  } else {
    const raw = n.int('axis', 1);
    if (raw < -x.rank || raw > x.rank) n.invalid(`axis ${raw} is out of range for rank ${x.rank}`);
    const at = raw < 0 ? raw + x.rank : raw;
    rows = x.reshape([elementCount(x.shape.slice(0, at)), elementCount(x.shape.slice(at))]);
    axis = 1;
  }
  const size = rows.shape[axis] as number;
  const iota = n.graph.constant(
    Int32Array.from({ length: size }, (_, i) => i),
    rows.shape.map((d, i) => (i === axis ? size : 1)),
  );
  return rows
    .argmax(axis, true)
    .eq(iota)
    .cast('f32')
    .reshape([...x.shape]);
}

export const nnOps: OpTable = {
  Hardmax: { since: 1, run: (n) => n.out(hardmax(n), E.float) },
  MatMul: {
    since: 1,
    run: (n) => {
      n.checkTypes([E.float, E.int32, E.int64]);
      return n.out(n.tensor(0).matmul(n.tensor(1)), n.elemType(0));
    },
  },
  Gemm: { since: 1, run: (n) => n.out(gemm(n), E.float) },
  Softmax: softmax('softmax'),
  LogSoftmax: softmax('logSoftmax'),
  LayerNormalization: {
    since: 17,
    run: (n) => {
      const y = n.out(layerNorm(n), E.float);
      const wanted = n.node.outputs.slice(1).some((o) => o !== '');
      if (!wanted) return y;
      const axis = n.axis(n.int('axis', -1), n.shape(0).length);
      return [y, ...layerNormStats(n, axis).map((t) => n.out(t, E.float))];
    },
  },
};
