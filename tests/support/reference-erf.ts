/**
 * A float64 erf used only as the accuracy oracle for the f32 erf emitter:
 * erf(x) = 2/sqrt(pi) * e^(-x^2) * sum_n 2^n x^(2n+1) / (1*3*...*(2n+1)),
 * a series of positive terms (no cancellation), with relative error ~1e-14
 * for every x — far below the 2^-24 that f32 rounding needs.
 */

const TWO_OVER_SQRT_PI = 1.1283791670955126;
/** erf(x) = ±1 in float64 for |x| >= 6 (erfc(6) ≈ 2e-17). */
const ERF_ONE_FROM = 6;

/** erf(x) in float64 (relative error ~1e-14). */
export function erfReference(x: number): number {
  if (Number.isNaN(x)) return NaN;
  if (x >= ERF_ONE_FROM) return 1;
  if (x <= -ERF_ONE_FROM) return -1;
  const x2 = x * x;
  let term = x;
  let sum = x;
  for (let n = 1; n < 1000; n++) {
    term *= (2 * x2) / (2 * n + 1);
    sum += term;
    if (Math.abs(term) <= 1e-17 * Math.abs(sum)) break;
  }
  return TWO_OVER_SQRT_PI * Math.exp(-x2) * sum;
}
