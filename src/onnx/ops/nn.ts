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

export const nnOps: OpTable = {
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
};
