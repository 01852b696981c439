/**
 * sigmoid(x) = 1 / (1 + e^-x) for f32 and f32x4, computed from e = exp(-|x|)
 * (which never overflows): 1/(1+e) for x >= 0, e/(1+e) for x < 0. The result is
 * in [0, 1] for every input, and tiny negative-side results keep their value
 * down to the subnormal range instead of flushing to 0 early.
 */
import { lowerExp } from './exp.js';
import { LaneOps, type Ex, type FVal } from './lane-ops.js';
import type { UnaryMathEmitter } from './math-context.js';

/** 2^25: the factor of exp's 'nonpositiveTimes2p25' result, in sigmoid's numerator and denominator. */
const SIGMOID_SCALE = 2 ** 25;

/**
 * sigmoid(x) in the builder's lanes. Binds `x`; adds 2 float locals plus those
 * of `lowerExp` (7 float). sigmoid(-inf) = 0, sigmoid(+inf) = 1,
 * sigmoid(NaN) = NaN.
 */
export function lowerSigmoid(b: LaneOps, x: FVal): Ex {
  const xs = b.bindF(x);
  // -|x| <= 0, so only the low clamp is needed. e' = e·2^25 (the exp without its last
  // multiply): 2^25/(e' + 2^25) and e'/(e' + 2^25) round exactly like 1/(1 + e) and
  // e/(1 + e) — scaling normal floats by 2^25 is exact, and where e would be subnormal
  // e' + 2^25 rounds to 2^25, so the division rounds e'·2^-25 once, as the multiply did.
  const e = b.bindF(lowerExp(b, b.negAbs(xs), 'nonpositiveTimes2p25'));
  return b.div(b.select(b.ge(xs, 0), SIGMOID_SCALE, e), b.add(e, SIGMOID_SCALE));
}

/** sigmoid(x); see docs/math.md for the measured bound. */
export const emitSigmoid: UnaryMathEmitter = (ctx, x, lanes) => {
  const b = new LaneOps(ctx, lanes);
  return b.finish(lowerSigmoid(b, b.wrap(x)));
};
