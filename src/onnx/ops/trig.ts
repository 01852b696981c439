/**
 * Trigonometric and hyperbolic ONNX ops the IR has no primitive for (Tan,
 * Sinh, Cosh, Asin, Acos, Atan, Asinh, Acosh, Atanh), as float32 composites of
 * sin, cos, exp, log, sqrt and a Cephes-style atan polynomial. Each form is
 * chosen to stay accurate near its domain's edges (e.g. 1 - x^2 as (1 - x)(1 + x)).
 */
import type { Tensor } from '../../ir/tensor.js';
import { ElemType as E } from '../elem-types.js';
import type { NodeContext } from '../node-context.js';
import type { OpTable } from '../op-entry.js';

/** tan(3 pi / 8) and tan(pi / 8): the range reduction points of atan. */
const TAN_3PI_8 = 2.414213562373095;
const TAN_PI_8 = 0.4142135623730951;

/**
 * atan(x) as Cephes' atanf: |x| reduced to [0, tan(pi/8)] by
 * atan(x) = pi/2 + atan(-1/x) (x > tan(3pi/8)) or pi/4 + atan((x-1)/(x+1))
 * (x > tan(pi/8)), then an odd polynomial; the sign put back at the end.
 * About 1 ulp in float32; atan(+-inf) = +-pi/2, NaN stays NaN.
 */
function atan(n: NodeContext, x: Tensor): Tensor {
  const g = n.graph;
  const a = x.abs();
  const big = a.gt(TAN_3PI_8);
  const mid = a.gt(TAN_PI_8);
  const reduced = g.where(big, a.reciprocal().neg(), g.where(mid, a.sub(1).div(a.add(1)), a));
  const offset = g.where(big, Math.PI / 2, g.where(mid, Math.PI / 4, 0));
  const z = reduced.mul(reduced);
  const poly = z
    .mul(8.05374449538e-2)
    .sub(1.38776856032e-1)
    .mul(z)
    .add(1.99777106478e-1)
    .mul(z)
    .sub(3.33329491539e-1)
    .mul(z)
    .mul(reduced)
    .add(reduced);
  const y = poly.add(offset);
  // atan is odd: sign(x) * y (NaN stays NaN)
  return g.where(x.lt(0), y.neg(), y);
}

/** (1 - x)(1 + x): 1 - x^2 without the cancellation near |x| = 1. */
function oneMinusSquare(x: Tensor): Tensor {
  return x.neg().add(1).mul(x.add(1));
}

/** asinh(|x|) = log(|x| + sqrt(x^2 + 1)), with the sign put back (asinh is odd). */
function asinh(n: NodeContext, x: Tensor): Tensor {
  const a = x.abs();
  const y = a.add(a.mul(a).add(1).sqrt()).log();
  return n.graph.where(x.lt(0), y.neg(), y);
}

function floatOp(build: (x: Tensor, n: NodeContext) => Tensor): OpTable[string] {
  return {
    since: 7,
    run: (n) => {
      n.checkTypes([E.float]);
      return n.out(build(n.tensor(0), n), E.float);
    },
  };
}

export const trigOps: OpTable = {
  Tan: floatOp((x) => x.sin().div(x.cos())),
  Sinh: { ...floatOp((x) => x.exp().sub(x.neg().exp()).mul(0.5)), since: 9 },
  Cosh: { ...floatOp((x) => x.exp().add(x.neg().exp()).mul(0.5)), since: 9 },
  Atan: floatOp((x, n) => atan(n, x)),
  // asin(x) = atan(x / sqrt(1 - x^2)): x / 0 = +-inf at |x| = 1 gives +-pi/2; |x| > 1 gives NaN
  Asin: floatOp((x, n) => atan(n, x.div(oneMinusSquare(x).sqrt()))),
  // acos(x) = 2 atan(sqrt((1 - x) / (1 + x))): accurate near 1, pi at -1
  Acos: floatOp((x, n) => atan(n, x.neg().add(1).div(x.add(1)).sqrt()).mul(2)),
  Asinh: { ...floatOp((x, n) => asinh(n, x)), since: 9 },
  // acosh(x) = log(x + sqrt((x - 1)(x + 1))), NaN below 1
  Acosh: { ...floatOp((x) => x.add(x.sub(1).mul(x.add(1)).sqrt()).log()), since: 9 },
  // atanh(x) = log((1 + x) / (1 - x)) / 2
  Atanh: { ...floatOp((x) => x.add(1).div(x.neg().add(1)).log().mul(0.5)), since: 9 },
};
