/**
 * Loss ONNX ops: NegativeLogLikelihoodLoss and SoftmaxCrossEntropyLoss
 * (logSoftmax over the class axis, then the same loss). The class each
 * element picks is a one-hot mask (target == class index) selected with
 * where, so values of other classes (even infinities) never enter the sum.
 */
import type { Tensor } from '../../ir/tensor.js';
import { ElemType as E } from '../elem-types.js';
import type { NodeContext } from '../node-context.js';
import type { OpTable } from '../op-entry.js';

/**
 * loss[n, d…] = -input[n, target[n, d…], d…] · weight[target] (0 where target ==
 * ignore_index), reduced by none, sum, or mean (the sum over the summed weights).
 */
function nll(n: NodeContext, input: Tensor, target: Tensor, weight: Tensor | undefined): Tensor {
  const reduction = n.string('reduction', 'mean');
  if (!['none', 'sum', 'mean'].includes(reduction)) n.invalid(`reduction="${reduction}"`);
  if (input.rank < 2 || target.rank !== input.rank - 1)
    n.invalid('input must be (N, C, …) and target (N, …)');
  const classes = input.shape[1] as number;
  const lifted = target.unsqueeze(1);
  const iota = n.graph.constant(
    Int32Array.from({ length: classes }, (_, c) => c),
    input.shape.map((d, i) => (i === 1 ? classes : 1)),
  );
  const onehot = lifted.eq(iota);
  const picked = n.graph.where(onehot, input, 0).sum(1);
  let w: Tensor | number = 1;
  if (weight !== undefined) {
    const weights = weight.reshape(input.shape.map((d, i) => (i === 1 ? classes : 1)));
    w = n.graph.where(onehot, weights, 0).sum(1);
  }
  let loss = picked.neg().mul(w);
  let counted: Tensor | number = w;
  if (n.hasAttr('ignore_index')) {
    const keep = target.ne(n.int('ignore_index', 0));
    loss = n.graph.where(keep, loss, 0);
    counted = n.graph.where(keep, typeof w === 'number' ? n.graph.constant(w) : w, 0);
  }
  if (reduction === 'none') return loss;
  if (reduction === 'sum') return loss.sum();
  const denominator = typeof counted === 'number' ? loss.size * counted : counted.sum();
  return loss.sum().div(denominator);
}

export const lossOps: OpTable = {
  NegativeLogLikelihoodLoss: {
    since: 12,
    run: (n) => {
      n.checkTypes([E.float], [0, 2]);
      n.checkTypes([E.int32, E.int64], [1]);
      return n.out(nll(n, n.tensor(0), n.tensor(1), n.has(2) ? n.tensor(2) : undefined), E.float);
    },
  },
  SoftmaxCrossEntropyLoss: {
    since: 12,
    run: (n) => {
      n.checkTypes([E.float], [0, 2]);
      n.checkTypes([E.int32, E.int64], [1]);
      const scores = n.tensor(0);
      if (scores.rank < 2) n.invalid('scores must be (N, C, …)');
      const logProb = scores.logSoftmax(1);
      const loss = nll(n, logProb, n.tensor(1), n.has(2) ? n.tensor(2) : undefined);
      return [n.out(loss, E.float), n.out(logProb, E.float)];
    },
  },
};
