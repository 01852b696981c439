/**
 * sigmoid(x) = 1 / (1 + e^-x) for f32 and f32x4, computed from e = exp(-|x|)
 * (which never overflows): 1/(1+e) for x >= 0, e/(1+e) for x < 0. The result is
 * in [0, 1] for every input, and tiny negative-side results keep their value
 * down to the subnormal range instead of flushing to 0 early.
 */
import { lowerExp } from './exp.js';
import { LaneOps, type Ex, type FVal } from './lane-ops.js';
import type { UnaryMathEmitter } from './math-context.js';

/**
 * sigmoid(x) in the builder's lanes. Binds `x`; adds 2 float locals plus those
 * of `lowerExp` (7 float). sigmoid(-inf) = 0, sigmoid(+inf) = 1,
 * sigmoid(NaN) = NaN.
 */
export function lowerSigmoid(b: LaneOps, x: FVal): Ex {
  const xs = b.bindF(x);
  // -|x| <= 0, so only the low clamp is needed
  const e = b.bindF(lowerExp(b, b.negAbs(xs), 'nonpositive'));
  return b.div(b.select(b.ge(xs, 0), 1, e), b.add(e, 1));
}

/** sigmoid(x); see docs/math.md for the measured bound. */
export const emitSigmoid: UnaryMathEmitter = (ctx, x, lanes) => {
  const b = new LaneOps(ctx, lanes);
  return b.finish(lowerSigmoid(b, b.wrap(x)));
};
