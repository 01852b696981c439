/**
 * sin(x) and cos(x) for f32 and f32x4: q = round(x * 2/pi) by the magic-number
 * trick, r = x - q*pi/2 with pi/2 split in four parts (Cody–Waite), the Cephes
 * sinf / cosf polynomials on |r| <= pi/4, and the quadrant chosen with selects
 * and a sign-bit xor. Within 2 ULP for |x| <= SIN_COS_ULP_LIMIT, within 1e-6
 * absolute up to SIN_COS_LIMIT, and NaN beyond it (no Payne–Hanek reduction:
 * a NaN is loud, a silently wrong value is not).
 */
import { LaneOps, type Ex, type FVal } from './lane-ops.js';
import type { UnaryMathEmitter } from './math-context.js';
import { ROUND_MAGIC_F32, ROUND_MAGIC_F32_BITS } from './exp.js';

const TWO_OVER_PI = 0.6366197723675814;
const SIGN_BIT_32 = 0x80000000 | 0;
/**
 * pi/2 = PIO2_1 + PIO2_2 + PIO2_3 + PIO2_4 (SLEEF's pi split, halved). The first
 * three have 8, 9 and 9 significant bits, so q * PIO2_k is exact for |q| < 2^15.
 */
const PIO2_1 = 1.5703125;
const PIO2_2 = 4.8351287841796875e-4;
const PIO2_3 = 3.1385570764541625977e-7;
const PIO2_4 = 6.0771006282767103812e-11;
/** Cephes sinf: sin r ≈ r + r^3 * S(r^2) on |r| <= pi/4. */
const SIN_P = [-1.9515295891e-4, 8.3321608736e-3, -1.6666654611e-1];
/** Cephes cosf: cos r ≈ 1 - r^2/2 + r^4 * C(r^2) on |r| <= pi/4. */
const COS_P = [2.443315711809948e-5, -1.388731625493765e-3, 4.166664568298827e-2];

/** Up to here q * PIO2_k is exact for every part (|q| < 2^15): within 2 ULP. */
export const SIN_COS_ULP_LIMIT = 51471;
/**
 * Up to here q * PIO2_1 stays exact (|q| < 2^16) and the absolute error is
 * below 1e-6; larger |x| give NaN (as do ±inf and NaN).
 */
export { SIN_COS_LIMIT } from '../../../common/math-limits.js';
import { SIN_COS_LIMIT } from '../../../common/math-limits.js';

/**
 * sin(x) (`cos` false) or cos(x) (`cos` true) in the builder's lanes. Binds `x`;
 * adds 7 float locals and 1 (sin) or 2 (cos) integer locals. sin/cos of ±inf, NaN and
 * |x| > SIN_COS_LIMIT are NaN; sin(-0) = -0.
 */
export function lowerSinCos(b: LaneOps, x: FVal, cos: boolean): Ex {
  // work on |x| (sin is odd, cos even): exact symmetry, and sin(-0) = -0
  const x0 = b.bindF(x);
  const ax = b.bindF(b.abs(x0));
  const xs = b.bindF(b.select(b.le(ax, SIN_COS_LIMIT), ax, NaN));
  // q = round(x * 2/pi): as a float (qf) and as an integer (qi, low bits of t)
  const t = b.bindF(b.madd(xs, TWO_OVER_PI, ROUND_MAGIC_F32));
  const qf = b.bindF(b.sub(t, ROUND_MAGIC_F32));
  const qi = b.bindI(b.isub(b.bits(t), ROUND_MAGIC_F32_BITS));
  // r = x - q*pi/2 in four steps; |r| <= pi/4 (plus rounding)
  let rr = b.sub(xs, b.mul(qf, PIO2_1));
  rr = b.sub(rr, b.mul(qf, PIO2_2));
  rr = b.sub(rr, b.mul(qf, PIO2_3));
  rr = b.sub(rr, b.mul(qf, PIO2_4));
  const r = b.bindF(rr);
  const z = b.bindF(b.mul(r, r));
  const s = b.add(b.mul(b.mul(b.horner(z, SIN_P), z), r), r);
  const c = b.add(b.sub(b.mul(b.mul(b.horner(z, COS_P), z), z), b.mul(z, 0.5)), 1);
  // quadrant: sin(r + q pi/2) = [s, c, -s, -c][q & 3]; cos uses q + 1
  const quadrant = cos ? b.bindI(b.iadd(qi, 1)) : qi;
  const useCos = b.ieq(b.iand(quadrant, 1), 1);
  const v = b.select(useCos, c, s);
  const quadrantSign = b.shl(b.iand(quadrant, 2), 30);
  const sign = cos ? quadrantSign : b.ixor(quadrantSign, b.iand(b.bits(x0), SIGN_BIT_32));
  return b.float(b.ixor(b.bits(v), sign));
}

/** sin(x); see docs/math.md for the bound and range. */
export const emitSin: UnaryMathEmitter = (ctx, x, lanes) => {
  const b = new LaneOps(ctx, lanes);
  return b.finish(lowerSinCos(b, b.wrap(x), false));
};

/** cos(x); see docs/math.md for the bound and range. */
export const emitCos: UnaryMathEmitter = (ctx, x, lanes) => {
  const b = new LaneOps(ctx, lanes);
  return b.finish(lowerSinCos(b, b.wrap(x), true));
};
