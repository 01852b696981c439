/**
 * Normalization ONNX ops through the builder's normalize composites:
 * RMSNormalization, InstanceNormalization, GroupNormalization (opset 18's
 * per-group scale and bias as well as opset 21's per-channel ones), LRN and
 * LpNormalization.
 * Statistics are computed in float32, so stash_type must be 1 (float).
 * LayerNormalization is in nn.ts.
 */
import type { Tensor } from '../../ir/tensor.js';
import { ElemType as E } from '../elem-types.js';
import type { NodeContext } from '../node-context.js';
import type { OpTable } from '../op-entry.js';

const FLOAT = [E.float];

function rmsNorm(n: NodeContext): Tensor {
  n.checkTypes(FLOAT);
  n.requireInt('stash_type', 1, 'statistics in float32');
  const x = n.tensor(0);
  return x.rmsNorm(n.tensor(1), n.float('epsilon', 1e-5), n.axis(n.int('axis', -1), x.rank));
}

function instanceNorm(n: NodeContext): Tensor {
  n.checkTypes(FLOAT);
  if (n.opset < 6) n.ignore('consumed_inputs');
  return n.tensor(0).instanceNorm(n.tensor(1), n.tensor(2), n.float('epsilon', 1e-5));
}

/**
 * GroupNormalization: from opset 21 scale and bias are per channel [C]; in
 * opsets 18–20 they are per group [num_groups], each value repeated over its
 * group's C/num_groups channels here.
 */
function groupNorm(n: NodeContext): Tensor {
  n.checkTypes(FLOAT);
  if (n.opset >= 21) n.requireInt('stash_type', 1, 'statistics in float32');
  if (!n.hasAttr('num_groups')) n.invalid('attribute num_groups is required');
  const groups = n.int('num_groups', 0);
  const x = n.tensor(0);
  let scale = n.tensor(1);
  let bias = n.tensor(2);
  if (n.opset < 21) {
    const c = x.shape[1] ?? 0;
    if (groups <= 0 || c % groups !== 0) n.invalid(`num_groups ${groups} does not divide the ${c} channels`);
    const perChannel = (t: Tensor, what: string): Tensor => {
      if (t.shape.join(',') !== String(groups))
        n.invalid(`${what} must have shape [${groups}] (one per group) before opset 21`);
      return t
        .reshape([groups, 1])
        .expand([groups, c / groups])
        .reshape([c]);
    };
    scale = perChannel(scale, 'scale');
    bias = perChannel(bias, 'bias');
  }
  return x.groupNorm(groups, scale, bias, n.float('epsilon', 1e-5));
}

function lrn(n: NodeContext): Tensor {
  n.checkTypes(FLOAT);
  if (!n.hasAttr('size')) n.invalid('attribute size is required');
  const size = n.int('size', 1);
  return n.tensor(0).lrn(size, n.float('alpha', 1e-4), n.float('beta', 0.75), n.float('bias', 1));
}

/**
 * LpNormalization: x / ||x||_p along one axis (p = 1 or 2); where the norm
 * is 0 (x is all zeros there) the result is 0, as ONNX's reference gives.
 */
function lpNorm(n: NodeContext): Tensor {
  n.checkTypes(FLOAT);
  const x = n.tensor(0);
  const axis = n.axis(n.int('axis', -1), x.rank);
  const p = n.int('p', 2);
  if (p !== 1 && p !== 2) n.invalid(`p=${p} (expected 1 or 2)`);
  const norm = p === 1 ? x.abs().sum([axis], true) : x.mul(x).sum([axis], true).sqrt();
  return x.div(n.graph.where(norm.eq(0), 1, norm));
}

export const normOps: OpTable = {
  LpNormalization: { since: 1, run: (n) => n.out(lpNorm(n), E.float) },
  RMSNormalization: { since: 23, run: (n) => n.out(rmsNorm(n), E.float) },
  InstanceNormalization: { since: 1, run: (n) => n.out(instanceNorm(n), E.float) },
  GroupNormalization: { since: 18, run: (n) => n.out(groupNorm(n), E.float) },
  LRN: { since: 1, run: (n) => n.out(lrn(n), E.float) },
};
