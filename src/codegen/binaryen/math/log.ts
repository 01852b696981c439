/**
 * log(x) for f32 and f32x4: split x = 2^k * m with m in [sqrt(1/2), sqrt(2))
 * by bit manipulation (subnormals pre-scaled by 2^23), the Cephes logf
 * polynomial in f = m - 1, and k*ln2 added in two parts. Special inputs are
 * patched at the end with selects, so the main path has no branches.
 */
import { LaneOps, type Ex, type FVal } from './lane-ops.js';
import type { UnaryMathEmitter } from './math-context.js';

const LN2_HI = 0.693359375;
const LN2_LO = -2.1219444e-4;
/** Smallest normal f32, 2^-126. */
const MIN_NORMAL = 1.1754943508222875e-38;
const TWO_POW_23 = 8388608;
/** Bit pattern of sqrt(1/2) (rounded): mantissas at or above it map to [sqrt(1/2), 1). */
const SQRT_HALF_BITS = 0x3f3504f3;
const ONE_BITS = 0x3f800000;
/** Cephes logf: log(1+f) ≈ f - f^2/2 + f^3 * P(f) on f in [sqrt(1/2)-1, sqrt(2)-1). */
const LOG_P = [
  7.0376836292e-2, -1.151461031e-1, 1.167699874e-1, -1.2420140846e-1, 1.4249322787e-1, -1.6668057665e-1,
  2.0000714765e-1, -2.4999993993e-1, 3.3333331174e-1,
];

/**
 * log(x) in the builder's lanes (an f32 builder). Binds `x` to a local; adds
 * 5 float, 2 integer and 1 mask local. log(+0) = log(-0) = -inf, log(x < 0) = NaN,
 * log(+inf) = +inf, log(NaN) = NaN, subnormal inputs are exact-scaled first.
 */
export function lowerLog(b: LaneOps, x: FVal): Ex {
  const xs = b.bindF(x);
  // subnormal (or zero / negative, patched later): scale by 2^23 and remember it
  const tiny = b.bindM(b.lt(xs, MIN_NORMAL));
  const xn = b.select(tiny, b.mul(xs, TWO_POW_23), xs);
  // ix = bits + (1.0 - sqrt(1/2)) moves the exponent step to sqrt(1/2)
  const ix = b.bindI(b.iadd(b.bits(xn), ONE_BITS - SQRT_HALF_BITS));
  const k = b.isub(b.isub(b.shrS(ix, 23), 127), b.selectI(tiny, 23, 0));
  const e = b.bindF(b.convertI32(k));
  const m = b.float(b.iadd(b.iand(ix, 0x007fffff), SQRT_HALF_BITS));
  const f = b.bindF(b.sub(m, 1));
  const z = b.bindF(b.mul(f, f));
  // y = f^3 P(f) + e*LN2_LO - z/2;  log = f + y + e*LN2_HI
  let y = b.mul(b.mul(f, z), b.horner(f, LOG_P));
  y = b.madd(e, LN2_LO, y);
  y = b.sub(y, b.mul(z, 0.5));
  const r = b.madd(e, LN2_HI, b.add(f, y));
  // special inputs: x <= 0 or NaN, and +inf
  const notPositive = b.select(b.eq(xs, 0), -Infinity, NaN);
  const finite = b.select(b.gt(xs, 0), r, notPositive);
  return b.select(b.eq(xs, Infinity), Infinity, finite);
}

/** log(x): Cephes logf; see docs/math.md for the measured bound. */
export const emitLog: UnaryMathEmitter = (ctx, x, lanes) => {
  const b = new LaneOps(ctx, lanes);
  return b.finish(lowerLog(b, b.wrap(x)));
};
