/**
 * exp(x) for f32 and f32x4: Cody–Waite reduction by ln 2, a degree-6 minimax
 * polynomial e^r ≈ 1 + r + r^2·Q(r), and a scale by 2^n built from the bits of
 * the magic-number rounding (one shift) and applied with float multiplies, so
 * results that round into the subnormal range are rounded once and NaN stays
 * NaN. No `nearest`, no `trunc_sat`, no branches.
 */
import { LaneOps, type Ex, type FVal } from './lane-ops.js';
import type { UnaryMathEmitter } from './math-context.js';

/** 1.5 * 2^23: adding it rounds |v| < 2^22 to an integer held in the low mantissa bits. */
export const ROUND_MAGIC_F32 = 12582912;
/** Bit pattern of ROUND_MAGIC_F32. */
export const ROUND_MAGIC_F32_BITS = 0x4b400000;

const LOG2E = 1.4426950408889634;
/** ln 2 = LN2_HI + LN2_LO; LN2_HI has 9 significant bits, so n * LN2_HI is exact for |n| < 2^15. */
const LN2_HI = 0.693359375;
const LN2_LO = -2.1219444e-4;
/**
 * e^r ≈ 1 + r + r^2·Q(r) on |r| <= ln2/2: Q is a degree-4 minimax fit of
 * (e^r - 1 - r)/r^2 for relative error (3.1e-9 before rounding the
 * coefficients to f32, ~0.05 of an f32 ULP).
 */
const EXP_Q = [1.381454e-3, 8.368745e-3, 4.166839e-2, 1.6666521e-1, 4.9999994e-1];

/** Below this exp(x) rounds to +0 in f32 (exp(-104) ≈ 6.8e-46 < 2^-150). */
export const EXP_MIN_ARG = -104;
/** Above this exp(x) overflows to +inf in f32 (the threshold is ≈ 88.7228). */
export const EXP_MAX_ARG = 89;

/** Bit pattern of 2.0 (2^1): the exponent field of 2^k is (k + 127) << 23. */
const TWO_BITS = 128 << 23;
/** Extra exponent for lanes with x < 0 in the full range: 2^(n+25) then times 2^-25. */
const LOW_SHIFT = 26;

/**
 * What the caller knows about the argument of `lowerExp`:
 * - `full`: anything (NaN, ±inf, overflow, subnormal results): clamps to
 *   [-104, 89] and scales in two steps chosen per lane by the sign of x.
 * - `nonpositive`: x <= 0, -inf or NaN (e.g. exp(-|x|)): clamps to -104 and
 *   scales by 2^(n+25) then 2^-25, which rounds subnormal results once.
 * - `normal`: x is NaN or in [-87, 88] (the result is a normal float): no
 *   clamps, one multiply by 2^n.
 */
export type ExpRange = 'full' | 'nonpositive' | 'normal';

/** Exponent bias folded into the rounding constant, per range: shl(bits(t), 23) = 2^(n + bias - 127). */
const SCALE_BIAS: Readonly<Record<ExpRange, number>> = { full: 126, nonpositive: 152, normal: 127 };

/**
 * exp(x) in the builder's lanes (an f32 builder). Binds 4 float locals
 * (clamped x, t, n, r) and 1 more (r^2); `full` adds 1 integer local.
 * With `full`: exp(NaN) = NaN, exp(-inf) = +0, exp(+inf) = +inf, results below
 * 2^-149 round to 0 and above FLT_MAX to +inf.
 */
export function lowerExp(b: LaneOps, x: FVal, range: ExpRange = 'full'): Ex {
  // clamp with NaN kept (pmax/pmin with x first)
  let xc: FVal = x;
  if (range !== 'normal') xc = b.clampMin(xc, EXP_MIN_ARG);
  if (range === 'full') xc = b.clampMax(xc, EXP_MAX_ARG);
  const xs = b.bindF(xc);
  // t = x*log2(e) + magic: n = round(x*log2(e)) as a float, and n + bias in the low bits of t
  const magic = ROUND_MAGIC_F32 + SCALE_BIAS[range];
  const t = b.bindF(b.madd(xs, LOG2E, magic));
  const n = b.bindF(b.sub(t, magic));
  // r = x - n*ln2, in two steps (Cody–Waite)
  const r = b.bindF(b.sub(b.sub(xs, b.mul(n, LN2_HI)), b.mul(n, LN2_LO)));
  const r2 = b.bindF(b.mul(r, r));
  // y = 1 + r + r^2 * Q(r), in [0.70, 1.42]
  const y = b.add(b.add(b.mul(b.horner(r, EXP_Q), r2), r), 1);
  // shl(bits(t), 23) keeps the low 9 bits of n + bias as the exponent field: 2^(n + bias - 127)
  const scale = b.shl(b.bits(t), 23);
  if (range === 'normal') return b.mul(y, b.float(scale));
  if (range === 'nonpositive') return b.mul(b.mul(y, b.float(scale)), 2 ** -(SCALE_BIAS.nonpositive - 127));
  // full: x >= 0 (n in [0, 128]): y * 2^(n-1) * 2 overflows to inf in the last multiply;
  // x < 0 (n in [-150, 0]): y * 2^(n+25) * 2^-25 rounds subnormal results once
  // (a SIMD mask is all-ones lanes, so one `and`; a scalar mask is 0/1, so a select)
  const neg = b.lt(xs, 0);
  const low = b.bindI(b.simd ? b.iand(neg, LOW_SHIFT << 23) : b.selectI(neg, LOW_SHIFT << 23, 0));
  const s1 = b.float(b.iadd(scale, low));
  const s2 = b.float(b.isub(TWO_BITS, low));
  return b.mul(b.mul(y, s1), s2);
}

/** exp(x) (see docs/math.md for the measured bound). */
export const emitExp: UnaryMathEmitter = (ctx, x, lanes) => {
  const b = new LaneOps(ctx, lanes);
  return b.finish(lowerExp(b, b.wrap(x)));
};
