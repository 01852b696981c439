/**
 * pow(x, y) for f32 and f32x4 with C99 / NumPy semantics. The magnitude is
 * 2^(y * log2|x|) evaluated in f64 (f64x2 for each half of a vector), where
 * every step has ~1e-14 relative error, so the f32 result is the correctly
 * rounded value except when the exact result lies within ~1e-6 ULP of a
 * rounding boundary. Signs, NaNs and the exact-one cases are patched in f32.
 */
import type binaryen from 'binaryen';
import { LaneOps, type Ex, type Slot } from './lane-ops.js';
import type { BinaryMathEmitter } from './math-context.js';

type Expr = binaryen.ExpressionRef;

const ONE_BITS_64 = 0x3ff0000000000000n;
/** Bit pattern of sqrt(1/2) in f64. */
const SQRT_HALF_BITS_64 = 0x3fe6a09e667f3bcdn;
const MANTISSA_MASK_64 = 0x000fffffffffffffn;
const TWO_POW_52 = 4503599627370496;
const TWO_POW_52_BITS = 0x4330000000000000n;
/** 1.5 * 2^52: adding it rounds an f64 to an integer held in the low mantissa bits. */
const ROUND_MAGIC_F64 = 6755399441055744;
const ROUND_MAGIC_F64_BITS = 0x4338000000000000n;
const LOG2E = 1.4426950408889634;
const LN2 = 0.6931471805599453;
/** |y log2|x|| beyond this over- or underflows f32 anyway; keeps 2^n a normal f64. */
const EXP2_CLAMP = 200;
const SIGN_BIT_32 = 0x80000000 | 0;

/** 2 atanh(s) = 2s (1 + s^2/3 + s^4/5 + ...): coefficients of z = s^2 after the leading 2. */
const ATANH_Q = [2 / 15, 2 / 13, 2 / 11, 2 / 9, 2 / 7, 2 / 5, 2 / 3];

/** Taylor coefficients of 2^f = e^(f ln2), highest degree (11) first. */
const EXP2_P: number[] = (() => {
  const c: number[] = [];
  let term = 1;
  for (let k = 0; k <= 11; k++) {
    c.push(term);
    term = (term * LN2) / (k + 1);
  }
  return c.reverse();
})();

/**
 * log2(a) in f64 lanes for a >= 0 (an f32 value promoted, so never subnormal
 * in f64): log2(0) = -inf, log2(inf) = inf, log2(NaN) = NaN. Relative error ~1e-15.
 */
function lowerLog2F64(d: LaneOps, a: Slot): Ex {
  // a = 2^k * m, m in [sqrt(1/2), sqrt(2))
  const ix = d.bindI(d.iadd(d.bits(a), ONE_BITS_64 - SQRT_HALF_BITS_64));
  // k as an f64 without an i64 -> f64 conversion (none exists for f64x2)
  const biased = d.sub(d.float(d.ior(d.shrU(ix, 52), TWO_POW_52_BITS)), TWO_POW_52);
  const k = d.sub(biased, 1023);
  const m = d.bindF(d.float(d.iadd(d.iand(ix, MANTISSA_MASK_64), SQRT_HALF_BITS_64)));
  // log m = 2 atanh(s), s = (m-1)/(m+1), |s| <= 0.1716
  const s = d.bindF(d.div(d.sub(m, 1), d.add(m, 1)));
  const z = d.bindF(d.mul(s, s));
  const lnm = d.mul(s, d.madd(d.horner(z, ATANH_Q), z, 2));
  const lg = d.madd(lnm, LOG2E, k);
  // a = inf or NaN: a itself; a = 0: -inf
  return d.select(d.eq(a, 0), -Infinity, d.select(d.lt(a, Infinity), lg, a));
}

/** 2^t in f64 lanes, t clamped to ±EXP2_CLAMP (NaN kept). Relative error ~1e-15. */
function lowerExp2F64(d: LaneOps, t: Ex): Ex {
  const tc = d.bindF(d.clampMax(d.clampMin(t, -EXP2_CLAMP), EXP2_CLAMP));
  const u = d.bindF(d.add(tc, ROUND_MAGIC_F64));
  const f = d.bindF(d.sub(tc, d.sub(u, ROUND_MAGIC_F64)));
  const n = d.isub(d.bits(u), ROUND_MAGIC_F64_BITS);
  const scale = d.float(d.shl(d.iadd(n, 1023), 52));
  return d.mul(d.horner(f, EXP2_P), scale);
}

/** 2^(y log2 a) in f64 lanes; `a64` and `y64` (raw f64 / f64x2 expressions) are used once. */
function lowerPowMagnitudeF64(d: LaneOps, a64: Expr, y64: Expr): Expr {
  const a = d.bindF(d.wrap(a64));
  return d.e(lowerExp2F64(d, d.mul(d.wrap(y64), lowerLog2F64(d, a))));
}

/** Byte masks for i8x16.shuffle. */
const HIGH_HALF_TO_LOW = [8, 9, 10, 11, 12, 13, 14, 15, 8, 9, 10, 11, 12, 13, 14, 15];
const JOIN_LOW_HALVES = [0, 1, 2, 3, 4, 5, 6, 7, 16, 17, 18, 19, 20, 21, 22, 23];

/**
 * pow(x, y) in the builder's lanes. Binds `x` and `y`; f32 side: 4 float and
 * 0 mask locals; f64 side: 6 float and 1 integer local per f64 evaluation
 * (once in scalar code, twice in SIMD code).
 */
export function lowerPow(b: LaneOps, x: Ex, y: Ex): Ex {
  const m = b.m;
  const xs = b.bindF(x);
  const ys = b.bindF(y);
  const ax = b.bindF(b.abs(xs));
  const d = b.withElem('f64');
  let mag: Ex;
  if (b.simd) {
    const half = (a: Expr, yv: Expr): Expr =>
      m.f32x4.demote_f64x2_zero(
        lowerPowMagnitudeF64(d, m.f64x2.promote_low_f32x4(a), m.f64x2.promote_low_f32x4(yv)),
      );
    const lo = half(b.e(ax), b.e(ys));
    const hi = half(
      m.i8x16.shuffle(b.e(ax), b.e(ax), HIGH_HALF_TO_LOW),
      m.i8x16.shuffle(b.e(ys), b.e(ys), HIGH_HALF_TO_LOW),
    );
    mag = b.wrap(m.i8x16.shuffle(lo, hi, JOIN_LOW_HALVES));
  } else {
    mag = b.wrap(m.f32.demote(lowerPowMagnitudeF64(d, m.f64.promote(b.e(ax)), m.f64.promote(b.e(ys)))));
  }
  // y integer (±inf counts as an even integer) and y odd
  const fy = b.bindF(b.floor(ys));
  const yh = b.bindF(b.mul(ys, 0.5));
  const yOdd = b.mAnd(b.eq(fy, ys), b.ne(b.floor(yh), yh));
  // odd y: the result takes x's sign (x = -0 and x = -inf included)
  const signBit = b.iand(b.bits(xs), b.selectI(yOdd, SIGN_BIT_32, 0));
  const signed = b.float(b.ixor(b.bits(mag), signBit));
  // finite x < 0 with non-integer y: NaN
  const nan = b.mAnd(b.mAnd(b.lt(xs, 0), b.gt(xs, -Infinity)), b.ne(fy, ys));
  const v = b.select(nan, NaN, signed);
  // pow(x, ±0) = 1, pow(1, y) = 1, pow(-1, ±inf) = 1, even for NaN operands
  const one = b.mOr(b.mOr(b.eq(ys, 0), b.eq(xs, 1)), b.mAnd(b.eq(ax, 1), b.eq(b.abs(ys), Infinity)));
  return b.select(one, 1, v);
}

/** pow(x, y) with C99 / NumPy special cases; see docs/math.md. */
export const emitPow: BinaryMathEmitter = (ctx, x, y, lanes) => {
  const b = new LaneOps(ctx, lanes);
  return b.finish(lowerPow(b, b.wrap(x), b.wrap(y)));
};
