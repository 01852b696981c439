/**
 * Activation ONNX ops (Clip, LeakyRelu, PRelu, Elu, Selu, HardSigmoid,
 * HardSwish, Softplus, Softsign, Mish, Celu, ThresholdedRelu, Shrink, Swish) built
 * through the builder's activation composites; attributes keep the defaults of
 * the node's opset (Selu's before 6, Clip's bounds as inputs from 11).
 */
import type { Tensor } from '../../ir/tensor.js';
import { ElemType as E, INT_ELEMS } from '../elem-types.js';
import type { NodeContext } from '../node-context.js';
import type { OpTable } from '../op-entry.js';

const FLOAT = [E.float];
const NUMERIC = [E.float, E.int32, E.int64];
const I32_MIN = -2147483648;
const I32_MAX = 2147483647;

/** A float activation of one input: the legacy consumed_inputs hint is ignored before opset 6. */
function floatUnary(since: number, build: (x: Tensor, n: NodeContext) => Tensor): OpTable[string] {
  return {
    since,
    run: (n) => {
      if (n.opset < 6) n.ignore('consumed_inputs');
      n.checkTypes(FLOAT);
      return n.out(build(n.tensor(0), n), E.float);
    },
  };
}

/**
 * A Clip bound from opset 11: absent (no clipping on that side), a number
 * when known at import, else the tensor itself (ONNX's are scalars of x's type).
 */
function clipBound(n: NodeContext, i: number): number | Tensor | null {
  if (!n.has(i)) return null;
  const v = n.value(i);
  if (v.shape.length !== 0 && !(v.shape.length === 1 && v.shape[0] === 1))
    n.invalid(`input ${i} must be a scalar (got shape [${v.shape.join(',')}])`);
  if (v.known !== undefined) {
    const bound = v.known[0] as number;
    // an int64 bound past int32 clips nothing an i32 can hold: the range's end is the same bound
    return v.elemType === E.int64 ? Math.min(Math.max(bound, I32_MIN), I32_MAX) : bound;
  }
  return n.tensor(i).reshape([]);
}

/**
 * Clip: before opset 11 the bounds are the float attributes min and max (an
 * absent one does not clip); from 11 they are optional scalar inputs (integer
 * types from 12).
 */
function clip(n: NodeContext): Tensor {
  const x = n.tensor(0);
  if (n.opset < 11) {
    if (n.opset < 6) n.ignore('consumed_inputs');
    n.checkTypes(FLOAT, [0]);
    const lo = n.hasAttr('min') ? n.float('min', 0) : null;
    const hi = n.hasAttr('max') ? n.float('max', 0) : null;
    return x.clip(lo, hi);
  }
  n.checkTypes([E.float, ...INT_ELEMS]);
  for (const i of [1, 2]) {
    if (n.has(i) && n.elemType(i) !== n.elemType(0))
      n.invalid(`input ${i} has a different element type than the input`);
  }
  return x.clip(clipBound(n, 1), clipBound(n, 2));
}

/**
 * PRelu: from opset 7 the slope broadcasts to X (unidirectionally). Before,
 * it holds one value shared by every element, has X's shape, or (as PyTorch
 * exported it) holds one value per channel of axis 1; a slope that would
 * also fit X's last axis is ambiguous there and refused.
 */
function prelu(n: NodeContext): Tensor {
  if (n.opset < 6) n.ignore('consumed_inputs');
  n.checkTypes(FLOAT);
  const x = n.tensor(0);
  let slope = n.tensor(1);
  if (n.opset < 7 && slope.size === 1) slope = slope.reshape([]);
  else if (n.opset < 7 && slope.shape.join(',') !== x.shape.join(',')) {
    const c = x.shape[1] ?? 0;
    const perChannel =
      slope.rank === 1 && x.rank >= 2 && slope.shape[0] === c && (x.rank === 2 || x.shape[x.rank - 1] !== c);
    if (!perChannel)
      n.refuse(
        `slope [${slope.shape.join(',')}] for X [${x.shape.join(',')}] before opset 7 (supported: one value, X's shape, or one per channel)`,
      );
    slope = slope.reshape([c, ...new Array<number>(x.rank - 2).fill(1)]);
  }
  return x.prelu(slope);
}

/** Selu's defaults: 1.6732 and 1.0507 before opset 6, ONNX's float32 constants from 6. */
function selu(x: Tensor, n: NodeContext): Tensor {
  const old = n.opset < 6;
  const alpha = n.float('alpha', old ? 1.6732 : 1.67326319217681884765625);
  const gamma = n.float('gamma', old ? 1.0507 : 1.05070102214813232421875);
  return x.selu(alpha, gamma);
}

/** HardSigmoid before opset 6 reads the same attributes (and the legacy hint). */
function hardSigmoid(x: Tensor, n: NodeContext): Tensor {
  return x.hardSigmoid(n.float('alpha', 0.2), n.float('beta', 0.5));
}

/** Shrink keeps integer types (int bias); a non-integral bias with integer X is refused by the builder. */
function shrink(n: NodeContext): Tensor {
  n.checkTypes(NUMERIC);
  return n.tensor(0).shrink(n.float('lambd', 0.5), n.float('bias', 0));
}

export const activationOps: OpTable = {
  Clip: { since: 1, run: (n) => n.out(clip(n), n.elemType(0)) },
  LeakyRelu: floatUnary(1, (x, n) => x.leakyRelu(n.float('alpha', 0.01))),
  PRelu: { since: 1, run: (n) => n.out(prelu(n), E.float) },
  Elu: floatUnary(1, (x, n) => x.elu(n.float('alpha', 1))),
  Selu: floatUnary(1, selu),
  HardSigmoid: floatUnary(1, hardSigmoid),
  HardSwish: floatUnary(14, (x) => x.hardSwish()),
  Softplus: floatUnary(1, (x) => x.softplus()),
  Softsign: floatUnary(1, (x) => x.softsign()),
  Mish: floatUnary(18, (x) => x.mish()),
  Celu: floatUnary(12, (x, n) => x.celu(n.float('alpha', 1))),
  ThresholdedRelu: floatUnary(10, (x, n) => x.thresholdedRelu(n.float('alpha', 1))),
  Shrink: { since: 9, run: (n) => n.out(shrink(n), n.elemType(0)) },
  // x * sigmoid(alpha * x)
  Swish: floatUnary(24, (x, n) => x.mul(x.mul(n.float('alpha', 1)).sigmoid())),
};
