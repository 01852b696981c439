/**
 * Double-precision erf and erfc (a port of FreeBSD msun's s_erf.c from Sun's
 * FDLIBM), accurate to about 1 ulp of float64: far finer than any f32 result
 * the interpreter is used to check.
 *
 * ====================================================
 * Copyright (C) 1993 by Sun Microsystems, Inc. All rights reserved.
 *
 * Developed at SunPro, a Sun Microsystems, Inc. business.
 * Permission to use, copy, modify, and distribute this
 * software is freely granted, provided that this notice
 * is preserved.
 * ====================================================
 *
 * Method (see s_erf.c for the full derivation and error bounds):
 *   |x| < 0.84375:        erf(x) = x + x*R(x^2), R = P/Q rational;
 *   0.84375 <= |x| < 1.25: erf(x) = sign(x)*(erx + P1(s)/Q1(s)), s = |x|-1;
 *   1.25 <= |x| < 28:     erfc(x) = exp(-x*x - 0.5625 + R/S)/x, R/S in 1/x^2
 *                         (two fits: below and above 1/0.35);
 *   beyond:               erf = sign(x), erfc = 0 or 2.
 */

/** Scratch space for reading and writing the two 32-bit halves of a float64. */
const WORDS = new DataView(new ArrayBuffer(8));

/** The high 32 bits (sign, exponent, top of the mantissa) of a float64, as a signed int. */
function highWord(x: number): number {
  WORDS.setFloat64(0, x);
  return WORDS.getInt32(0);
}

/** `x` with its low 32 mantissa bits cleared. */
function clearLowWord(x: number): number {
  WORDS.setFloat64(0, x);
  WORDS.setUint32(4, 0);
  return WORDS.getFloat64(0);
}

const TINY = 1e-300;
/** erx = (float)0.84506291151 */
const ERX = 8.45062911510467529297e-1;
/** efx = 2/sqrt(pi) - 1; efx8 = 8*efx */
const EFX = 1.28379167095512586316e-1;
const EFX8 = 1.02703333676410069053;

// erf on [0, 0.84375]
const PP0 = 1.28379167095512558561e-1;
const PP1 = -3.2504210724700149937e-1;
const PP2 = -2.84817495755985104766e-2;
const PP3 = -5.77027029648944159157e-3;
const PP4 = -2.37630166566501626084e-5;
const QQ1 = 3.97917223959155352819e-1;
const QQ2 = 6.50222499887672944485e-2;
const QQ3 = 5.08130628187576562776e-3;
const QQ4 = 1.32494738004321644526e-4;
const QQ5 = -3.9602282787753681232e-6;

// erf on [0.84375, 1.25]
const PA0 = -2.36211856075265944077e-3;
const PA1 = 4.14856118683748331666e-1;
const PA2 = -3.72207876035701323847e-1;
const PA3 = 3.18346619901161753674e-1;
const PA4 = -1.10894694282396677476e-1;
const PA5 = 3.54783043256182359371e-2;
const PA6 = -2.166375594868790843e-3;
const QA1 = 1.06420880400844228286e-1;
const QA2 = 5.40397917702171048937e-1;
const QA3 = 7.18286544141962662868e-2;
const QA4 = 1.26171219808761642112e-1;
const QA5 = 1.36370839120290507362e-2;
const QA6 = 1.1984499846799107417e-2;

// erfc on [1.25, 1/0.35]
const RA0 = -9.86494403484714822705e-3;
const RA1 = -6.93858572707181764372e-1;
const RA2 = -1.05586262253232909814e1;
const RA3 = -6.23753324503260060396e1;
const RA4 = -1.62396669462573470355e2;
const RA5 = -1.84605092906711035994e2;
const RA6 = -8.12874355063065934246e1;
const RA7 = -9.81432934416914548592;
const SA1 = 1.96512716674392571292e1;
const SA2 = 1.376577541435190426e2;
const SA3 = 4.34565877475229228821e2;
const SA4 = 6.45387271733267880336e2;
const SA5 = 4.29008140027567833386e2;
const SA6 = 1.08635005541779435134e2;
const SA7 = 6.57024977031928170135;
const SA8 = -6.04244152148580987438e-2;

// erfc on [1/0.35, 28]
const RB0 = -9.86494292470009928597e-3;
const RB1 = -7.99283237680523006574e-1;
const RB2 = -1.77579549177547519889e1;
const RB3 = -1.60636384855821916062e2;
const RB4 = -6.37566443368389627722e2;
const RB5 = -1.02509513161107724954e3;
const RB6 = -4.83519191608651397019e2;
const SB1 = 3.03380607434824582924e1;
const SB2 = 3.25792512996573918826e2;
const SB3 = 1.53672958608443695994e3;
const SB4 = 3.19985821950859553908e3;
const SB5 = 2.55305040643316442583e3;
const SB6 = 4.74528541206955367215e2;
const SB7 = -2.24409524465858183362e1;

/** erf(x) - x over x, for |x| < 0.84375 (z = x*x). */
function smallRatio(z: number): number {
  const r = PP0 + z * (PP1 + z * (PP2 + z * (PP3 + z * PP4)));
  const s = 1 + z * (QQ1 + z * (QQ2 + z * (QQ3 + z * (QQ4 + z * QQ5))));
  return r / s;
}

/** erf(1 + s) - erx, for s = |x| - 1 with 0.84375 <= |x| < 1.25. */
function nearOne(s: number): number {
  const p = PA0 + s * (PA1 + s * (PA2 + s * (PA3 + s * (PA4 + s * (PA5 + s * PA6)))));
  const q = 1 + s * (QA1 + s * (QA2 + s * (QA3 + s * (QA4 + s * (QA5 + s * QA6)))));
  return p / q;
}

/**
 * erfc(ax) for 1.25 <= ax < 28 (ax = |x|); `ix` is the high word of ax.
 * exp(-ax*ax) is split as exp(-z*z) * exp((z-ax)(z+ax)) with z = ax cut to
 * 21 mantissa bits, so the large exponent is computed without rounding error.
 */
function tail(ax: number, ix: number, ixSplit: number): number {
  const s = 1 / (ax * ax);
  let r: number;
  let q: number;
  if (ix < ixSplit) {
    r = RA0 + s * (RA1 + s * (RA2 + s * (RA3 + s * (RA4 + s * (RA5 + s * (RA6 + s * RA7))))));
    q = 1 + s * (SA1 + s * (SA2 + s * (SA3 + s * (SA4 + s * (SA5 + s * (SA6 + s * (SA7 + s * SA8)))))));
  } else {
    r = RB0 + s * (RB1 + s * (RB2 + s * (RB3 + s * (RB4 + s * (RB5 + s * RB6)))));
    q = 1 + s * (SB1 + s * (SB2 + s * (SB3 + s * (SB4 + s * (SB5 + s * (SB6 + s * SB7))))));
  }
  const z = clearLowWord(ax);
  return (Math.exp(-z * z - 0.5625) * Math.exp((z - ax) * (z + ax) + r / q)) / ax;
}

/**
 * The error function erf(x) = 2/sqrt(pi) * integral from 0 to x of exp(-t^2) dt,
 * in float64 (error below 1 ulp). erf(±inf) = ±1, erf(NaN) = NaN.
 */
export function erf(x: number): number {
  const hx = highWord(x);
  const ix = hx & 0x7fffffff;
  if (ix >= 0x7ff00000) {
    // NaN -> NaN, +inf -> 1, -inf -> -1
    return (hx < 0 ? -1 : 1) + 1 / x;
  }
  if (ix < 0x3feb0000) {
    // |x| < 0.84375
    if (ix < 0x3e300000) {
      // |x| < 2^-28: erf(x) = x * 2/sqrt(pi) to within 2^-84
      if (ix < 0x00800000) return (8 * x + EFX8 * x) / 8; // avoids spurious underflow
      return x + EFX * x;
    }
    return x + x * smallRatio(x * x);
  }
  if (ix < 0x3ff40000) {
    // 0.84375 <= |x| < 1.25
    const p = nearOne(Math.abs(x) - 1);
    return hx >= 0 ? ERX + p : -ERX - p;
  }
  if (ix >= 0x40180000) {
    // |x| >= 6: 1 - erfc(x) rounds to 1
    return hx >= 0 ? 1 - TINY : TINY - 1;
  }
  const r = tail(Math.abs(x), ix, 0x4006db6e);
  return hx >= 0 ? 1 - r : r - 1;
}

/**
 * The complementary error function erfc(x) = 1 - erf(x), in float64 without
 * the cancellation of computing 1 - erf(x) (accurate for large x, where it
 * underflows only below about 1e-308). erfc(+inf) = 0, erfc(-inf) = 2.
 */
export function erfc(x: number): number {
  const hx = highWord(x);
  const ix = hx & 0x7fffffff;
  if (ix >= 0x7ff00000) {
    // NaN -> NaN, +inf -> 0, -inf -> 2
    return (hx < 0 ? 2 : 0) + 1 / x;
  }
  if (ix < 0x3feb0000) {
    // |x| < 0.84375
    if (ix < 0x3c700000) return 1 - x; // |x| < 2^-56
    const y = smallRatio(x * x);
    if (hx < 0x3fd00000) return 1 - (x + x * y); // x < 1/4
    return 0.5 - (x * y + (x - 0.5));
  }
  if (ix < 0x3ff40000) {
    // 0.84375 <= |x| < 1.25
    const p = nearOne(Math.abs(x) - 1);
    return hx >= 0 ? 1 - ERX - p : 1 + (ERX + p);
  }
  if (ix < 0x403c0000) {
    // |x| < 28
    if (hx < 0 && ix >= 0x40180000) return 2 - TINY; // x <= -6
    const r = tail(Math.abs(x), ix, 0x4006db6d);
    return hx > 0 ? r : 2 - r;
  }
  return hx > 0 ? 0 : 2 - TINY;
}
