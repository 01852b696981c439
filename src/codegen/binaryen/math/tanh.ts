/**
 * tanh(x) for f32 and f32x4 (Cephes tanhf): an odd polynomial for |x| < 0.625,
 * else 1 - 2/(exp(2|x|) + 1) with the sign of x. Both are computed and one is
 * selected per lane, so there are no branches.
 */
import { lowerExp } from './exp.js';
import { LaneOps, type Ex, type FVal } from './lane-ops.js';
import type { UnaryMathEmitter } from './math-context.js';

/** Below this |x| the polynomial is used. */
const TANH_SMALL = 0.625;
/** tanh(x) rounds to ±1 in f32 from |x| ≈ 9.01 on; clamping 2|x| here keeps exp finite. */
const TANH_CLAMP = 10;
/** Cephes tanhf: tanh x ≈ x + x^3 * P(x^2) on |x| < 0.625. */
const TANH_P = [-5.70498872745e-3, 2.06390887954e-2, -5.37397155531e-2, 1.33314422036e-1, -3.33332819422e-1];

/**
 * tanh(x) in the builder's lanes. Binds `x`; adds 3 float locals of its own plus
 * those of `lowerExp` (7 float). tanh(±inf) = ±1, tanh(-0) = -0,
 * tanh(NaN) = NaN.
 */
export function lowerTanh(b: LaneOps, x: FVal): Ex {
  // tanh is odd: compute tanh|x| and put the sign of x back (exact symmetry, tanh(-0) = -0)
  const xs = b.bindF(x);
  const ax = b.bindF(b.abs(xs));
  // small: |x| + |x| z P(z), z = x^2
  const z = b.bindF(b.mul(ax, ax));
  const small = b.add(b.mul(b.mul(b.horner(z, TANH_P), z), ax), ax);
  // large: 1 - 2 / (e^(2|x|) + 1), |x| clamped so e stays finite; NaN passes through
  const e = lowerExp(b, b.mul(b.clampMax(ax, TANH_CLAMP), 2), 'normal');
  const large = b.sub(1, b.div(2, b.add(e, 1)));
  return b.orSign(b.select(b.lt(ax, TANH_SMALL), small, large), xs);
}

/** tanh(x); see docs/math.md for the measured bound. */
export const emitTanh: UnaryMathEmitter = (ctx, x, lanes) => {
  const b = new LaneOps(ctx, lanes);
  return b.finish(lowerTanh(b, b.wrap(x)));
};
