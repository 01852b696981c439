/**
 * exp(x) for f32 and f32x4: Cody–Waite reduction by ln 2, a degree-6 minimax
 * polynomial e^r ≈ 1 + r + r^2·Q(r), and a scale by 2^n built from the bits of
 * the magic-number rounding (one shift) and applied with float multiplies, so
 * results that round into the subnormal range are rounded once and NaN stays
 * NaN. No `nearest`, no `trunc_sat`, no branches.
 */
import { InternalError } from '../../../common/errors.js';
import type binaryen from 'binaryen';
import { LaneOps, Slot, type Ex, type FVal } from './lane-ops.js';
import type { Lanes, MathContext, UnaryMathEmitter } from './math-context.js';

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
const EXP_Q = [1.381454e-3, 8.368745e-3, 4.166839e-2, 1.6666521e-1, 4.9999994e-1] as const;

/** Below this exp(x) rounds to +0 in f32 (exp(-104) ≈ 6.8e-46 < 2^-150). */
export const EXP_MIN_ARG = -104;
/** Above this exp(x) overflows to +inf in f32 (the threshold is ≈ 88.7228). */
export const EXP_MAX_ARG = 89;

/**
 * What the caller knows about the argument of `lowerExp`:
 * - `full`: anything (NaN, ±inf, overflow, subnormal results): clamps to
 *   [-104, 89] and scales by 2^floor(n/2) then 2^ceil(n/2).
 * - `nonpositive`: x <= 0, -inf or NaN (e.g. exp(-|x|)): clamps to -104 and
 *   scales by 2^(n+25) then 2^-25, which rounds subnormal results once.
 * - `normal`: x is NaN or in [-80, 88] (the result is a normal float): no
 *   clamps, one multiply by 2^n.
 * - `nonpositiveTimes2p25`: as `nonpositive` without its last multiply, so
 *   the result is exp(x)·2^25 (a normal float for every x >= -104): for a
 *   caller that divides by a sum of such values (softmax, see
 *   nonpositive-args.ts) or by 2^25 plus one (sigmoid), where the factor cancels.
 */
export type ExpRange = 'full' | 'nonpositive' | 'normal' | 'nonpositiveTimes2p25';

/**
 * How e^r's polynomial is evaluated: `estrin` (shorter dependency chains; every
 * exp-family function) or `horner` (fewer instructions with relaxed SIMD's
 * madd; softmax's row exp, docs/kernels.md "W3 on Node 20 and 22").
 */
export type ExpScheme = 'estrin' | 'horner';

/** Exponent bias folded into the rounding constant, per range: shl(bits(t), 23) = 2^(n + bias - 127). */
const SCALE_BIAS: Readonly<Record<ExpRange, number>> = {
  full: 254,
  nonpositive: 152,
  normal: 127,
  nonpositiveTimes2p25: 152,
};

/**
 * exp(x) in the builder's lanes (an f32 builder). Binds 6 float locals (x, t,
 * n, r, r^2, p) and one for the scale (`full` in scalar code: 1 float and 2
 * integer locals; SIMD `full` reuses t's local for its bits).
 * With `full`: exp(NaN) = NaN, exp(-inf) = +0, exp(+inf) = +inf, results below
 * 2^-149 round to 0 and above FLT_MAX to +inf.
 */
export function lowerExp(b: LaneOps, x: FVal, range: ExpRange = 'full', scheme: ExpScheme = 'estrin'): Ex {
  // clamp with NaN kept (pmax/pmin with x first)
  let xc: FVal = x;
  if (range !== 'normal') xc = b.clampMin(xc, EXP_MIN_ARG);
  if (range === 'full') xc = b.clampMax(xc, EXP_MAX_ARG);
  const xs = b.bindF(xc);
  // t = x*log2(e) + magic: n = round(x*log2(e)) as a float, and n + bias in the low bits of t
  const magic = ROUND_MAGIC_F32 + SCALE_BIAS[range];
  const t = b.bindF(b.madd(xs, LOG2E, magic));
  const n = b.bindF(b.sub(t, magic));
  // r = x - n*ln2, in two steps (Cody–Waite). n*LN2_HI is exact, so x + n*(-LN2_HI) rounds
  // once whether or not a relaxed madd fuses: the same bits as x - n*LN2_HI in every build,
  // one instruction fewer with relaxed SIMD.
  if (scheme === 'horner') return hornerTail(b, xs, t, n, range);
  const r = b.bindF(b.sub(b.madd(n, -LN2_HI, xs), b.mul(n, LN2_LO)));
  const r2 = b.bindF(b.mul(r, r));
  // e^r = 1 + p with p = r + r^2 * Q(r); y * s is computed as s + p*s (p*s is exact), which
  // rounds like (1 + p)*s and needs no constant 1
  const [q4, q3, q2, q1, q0] = EXP_Q;
  const r4 = b.mul(r2, r2);
  const q = b.add(b.madd(r2, b.madd(q3, r, q2), b.madd(q1, r, q0)), b.mul(r4, q4));
  const p = b.bindF(b.madd(q, r2, r));
  const scaled = (s: Slot): Ex => b.add(s, b.mul(p, s));
  // shl(bits(t), 23) keeps the low 9 bits of n + bias as the exponent field: 2^(n + bias - 127)
  if (range !== 'full') {
    const s = scaled(b.bindF(b.float(b.shl(b.bits(t), 23))));
    return range === 'normal' || range === 'nonpositiveTimes2p25'
      ? s
      : b.mul(s, 2 ** -(SCALE_BIAS.nonpositive - 127));
  }
  // full: the low bits of t hold w = n + 254 = e1 + e2 with e1 = floor(w/2) = floor(n/2) + 127 and
  // e2 = ceil(n/2) + 127, both in [52, 191]: (1 + p) * 2^(e1-127) is rounded like e^r alone, and
  // the second multiply rounds once (subnormal results) or overflows to inf.
  // shl(bits >> 1, 23) keeps bits 1..9 of w.
  const tb = b.simd ? t : b.bindI(b.bits(t));
  const e1 = b.bindI(b.shl(b.shrU(tb, 1), 23));
  const s2 = b.float(b.isub(b.shl(tb, 23), e1));
  return b.mul(scaled(b.simd ? e1 : b.bindF(b.float(e1))), s2);
}

/**
 * The rest of exp after n (the `horner` scheme, 'nonpositiveTimes2p25' only):
 * every step a multiply-add, so the relaxed build runs 3 instructions a vector
 * fewer than the Estrin scheme (r in 2 fused steps, Q by Horner with no r^4
 * and no separate q4 product, the scale fused), the baseline build 1 fewer
 * (no r^4). Each step is its own statement, so the interleaved loops
 * interleave them across vectors like the Estrin scheme's.
 */
function hornerTail(b: LaneOps, xs: Slot, t: Slot, n: Slot, range: ExpRange): Ex {
  if (range !== 'nonpositiveTimes2p25') throw new InternalError('codegen', `exp: horner scheme for ${range}`);
  // x + n*(-LN2_HI) then + n*(-LN2_LO): unfused, the same bits as the Estrin scheme's
  // (x - n*LN2_HI) - n*LN2_LO; fused, the second step rounds once too
  const r = b.bindF(b.madd(n, -LN2_LO, b.bindF(b.madd(n, -LN2_HI, xs))));
  const r2 = b.bindF(b.mul(r, r));
  const [q4, q3, q2, q1, q0] = EXP_Q;
  let q: Slot = b.bindF(b.madd(q4, r, q3));
  for (const c of [q2, q1, q0]) q = b.bindF(b.madd(q, r, c));
  const p = b.bindF(b.madd(q, r2, r));
  // s + p*s as one madd: p*s is exact (s a power of 2) unless it falls below 2^-126 (x near
  // the -104 clamp, where softmax's y rounds to 0 anyway), so fused or not it rounds like (1 + p)*s
  const s = b.bindF(b.float(b.shl(b.bits(t), 23)));
  return b.madd(p, s, s);
}

/**
 * The locals of one softmax row's shifted exp (`emitExpRowShifted`), f32 in
 * scalar code and their splats in SIMD code: `lo` = $m - 104 and `magic` =
 * 1.5·2^23 + 152 - K with K = nearest($m·log2 e).
 */
export interface RowShift {
  readonly lo: number;
  readonly magic: number;
}

/** The largest |$m| for which a softmax row takes `emitExpRowShifted` (Cody–Waite's bound on |n|). */
export const ROW_SHIFT_MAX_ABS = 64;

/**
 * A softmax row's shift, from its max `max` (a fresh read each call, f32):
 * whether the row takes it (|$m| <= ROW_SHIFT_MAX_ABS; false for NaN and
 * ±inf), and the scalar values of RowShift's `lo` and `magic`.
 */
export function rowShiftScalars(
  m: binaryen.Module,
  max: () => binaryen.ExpressionRef,
): { applies: binaryen.ExpressionRef; lo: binaryen.ExpressionRef; magic: binaryen.ExpressionRef } {
  const k = m.f32.nearest(m.f32.mul(max(), m.f32.const(LOG2E)));
  return {
    applies: m.f32.le(m.f32.abs(max()), m.f32.const(ROW_SHIFT_MAX_ABS)),
    lo: m.f32.add(max(), m.f32.const(EXP_MIN_ARG)),
    // n - K + 152 in [1, 153] for x in [$m - 104, $m]: a normal 2^(n - K + 25)
    magic: m.f32.sub(m.f32.const(ROUND_MAGIC_F32 + SCALE_BIAS.nonpositiveTimes2p25), k),
  };
}

/**
 * exp(x - K·ln2)·2^25 for x >= $m - 104 (below: clamped there), with K =
 * nearest($m·log2 e) folded into the rounding constant: n = round(x·log2 e)
 * and r = x - n·ln2 come from x itself, and the scale's exponent field from
 * the low bits of t = x·log2 e + magic is n - K + 152. Softmax's row (the
 * shift by K·ln2 instead of $m cancels in t / Σ t) without the x - $m
 * subtraction: one instruction a vector fewer. Cody–Waite keeps r accurate
 * while |n| is small: the caller takes this form only for |$m| <= 64 (so
 * |x| <= 168, |n| <= 243; docs/kernels.md "W3 on Node 20 and 22").
 */
export function emitExpRowShifted(
  ctx: MathContext,
  x: binaryen.ExpressionRef,
  lanes: Lanes,
  row: RowShift,
): binaryen.ExpressionRef {
  const b = new LaneOps(ctx, lanes);
  const local = (index: number): Slot => new Slot(index, b.floatType);
  const xs = b.bindF(b.clampMin(b.wrap(x), local(row.lo)));
  const magic = local(row.magic);
  const t = b.bindF(b.madd(xs, LOG2E, magic));
  const n = b.bindF(b.sub(t, magic));
  return b.finish(hornerTail(b, xs, t, n, 'nonpositiveTimes2p25'));
}

/** exp(x) (see docs/math.md for the measured bound). */
export const emitExp: UnaryMathEmitter = (ctx, x, lanes) => {
  const b = new LaneOps(ctx, lanes);
  return b.finish(lowerExp(b, b.wrap(x)));
};

/** exp(x) for x known to be <= 0, -inf or NaN (e.g. x - max(x)): the 'nonpositive' range. */
export const emitExpNonpositive: UnaryMathEmitter = (ctx, x, lanes) => {
  const b = new LaneOps(ctx, lanes);
  return b.finish(lowerExp(b, b.wrap(x), 'nonpositive'));
};

/** exp(x)·2^25 for x known to be <= 0, -inf or NaN: the 'nonpositiveTimes2p25' range (softmax's row). */
export const emitExpNonpositiveTimes2p25: UnaryMathEmitter = (ctx, x, lanes) => {
  const b = new LaneOps(ctx, lanes);
  return b.finish(lowerExp(b, b.wrap(x), 'nonpositiveTimes2p25', 'horner'));
};
