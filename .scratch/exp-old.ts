/**
 * exp(x) for f32 and f32x4: Cody–Waite reduction by ln 2, the Cephes expf
 * polynomial, and a two-step scale by 2^n so results that round into the
 * subnormal range are rounded once. No `nearest`, no `trunc_sat`, no branches.
 */
import { LaneOps, type Ex, type FVal } from '../src/codegen/binaryen/math/lane-ops.js';
import type { UnaryMathEmitter } from '../src/codegen/binaryen/math/math-context.js';

/** 1.5 * 2^23: adding it rounds |v| < 2^22 to an integer held in the low mantissa bits. */
export const ROUND_MAGIC_F32 = 12582912;
/** Bit pattern of ROUND_MAGIC_F32. */
export const ROUND_MAGIC_F32_BITS = 0x4b400000;

const LOG2E = 1.4426950408889634;
/** ln 2 = LN2_HI + LN2_LO; LN2_HI has 9 significant bits, so n * LN2_HI is exact for |n| < 2^15. */
const LN2_HI = 0.693359375;
const LN2_LO = -2.1219444e-4;
/** Cephes expf: e^r ≈ 1 + r + r^2 * P(r) on |r| <= ln2/2. */
const EXP_P = [
  1.98756915e-4, 1.3981999507e-3, 8.3334519073e-3, 4.1665795894e-2, 1.6666665459e-1, 5.0000001201e-1,
];

/** Below this exp(x) rounds to +0 in f32 (exp(-104) ≈ 6.8e-46 < 2^-150). */
export const EXP_MIN_ARG = -104;
/** Above this exp(x) overflows to +inf in f32 (the threshold is ≈ 88.7228). */
export const EXP_MAX_ARG = 89;

/** Which clamps `lowerExp` applies; skip one only when the input provably cannot exceed it. */
export interface ExpClamp {
  readonly low: boolean;
  readonly high: boolean;
}

/**
 * exp(x) in the builder's lanes (an f32 builder). `x` is bound to a local
 * (one f32/v128 local); the body adds 4 float locals and 1 integer local.
 * With both clamps: exp(NaN) = NaN, exp(-inf) = +0, exp(+inf) = +inf,
 * results below 2^-149 round to 0 and above FLT_MAX to +inf.
 */
export function lowerExp(b: LaneOps, x: FVal, clamp: ExpClamp = { low: true, high: true }): Ex {
  // clamp with NaN kept (pmax/pmin with x first)
  let xc: FVal = x;
  if (clamp.low) xc = b.clampMin(xc, EXP_MIN_ARG);
  if (clamp.high) xc = b.clampMax(xc, EXP_MAX_ARG);
  const xs = b.bindF(xc);
  // t = x*log2(e) + 1.5*2^23; n = round(x*log2(e)) both as a float and in the low bits of t
  const t = b.bindF(b.madd(xs, LOG2E, ROUND_MAGIC_F32));
  const n = b.bindF(b.sub(t, ROUND_MAGIC_F32));
  // r = x - n*ln2, in two steps (Cody–Waite)
  const r = b.bindF(b.sub(b.sub(xs, b.mul(n, LN2_HI)), b.mul(n, LN2_LO)));
  const r2 = b.bindF(b.mul(r, r));
  // y = 1 + r + r^2 * P(r)
  const y = b.add(b.add(b.mul(b.horner(r, EXP_P), r2), r), 1);
  // 2^n = 2^n1 * 2^n2 with n1 = n >> 1: both factors stay normal for n in [-150, 129]
  const ni = b.bindI(b.isub(b.bits(t), ROUND_MAGIC_F32_BITS));
  const n1 = b.bindI(b.shrS(ni, 1));
  const s1 = b.float(b.shl(b.iadd(n1, 127), 23));
  const s2 = b.float(b.shl(b.iadd(b.isub(ni, n1), 127), 23));
  return b.mul(b.mul(y, s1), s2);
}

/** exp(x): Cephes expf (|error| <= 1 ULP measured); see docs/math.md. */
export const emitExp: UnaryMathEmitter = (ctx, x, lanes) => {
  const b = new LaneOps(ctx, lanes);
  return b.finish(lowerExp(b, b.wrap(x)));
};
