/**
 * erf(x) for f32 and f32x4 after N. Juffa's faithfully-rounded erff (his
 * coefficients, evaluated here with separate multiply and add since baseline
 * Wasm has no FMA): x * P(x^2) for |x| <= 0.927734375, else
 * sign(x) * (1 - exp(Q(|x|))). Both are computed and one selected per lane.
 */
import { lowerExp } from './exp.js';
import { LaneOps, type Ex, type FVal } from './lane-ops.js';
import type { UnaryMathEmitter } from './math-context.js';

/** 475/512: the split between the two approximations. */
const ERF_SPLIT = 0.927734375;
/** erf(x) rounds to ±1 in f32 from |x| ≈ 3.92 on; clamping |x| here keeps Q bounded. */
const ERF_CLAMP = 4;
/** erf x ≈ x + x * P(x^2) on |x| <= 0.9277. */
const ERF_SMALL_P = [
  -5.96761703e-4, 4.99119423e-3, -2.67681349e-2, 1.12819925e-1, -3.76125336e-1, 1.28379166e-1,
];

/**
 * erf(x) in the builder's lanes. Binds `x`; adds 4 float locals plus those of
 * `lowerExp` (7 float). erf(±inf) = ±1, erf(-0) = -0, erf(NaN) = NaN.
 */
export function lowerErf(b: LaneOps, x: FVal): Ex {
  const xs = b.bindF(x);
  const ax = b.bindF(b.abs(xs));
  // erf is odd: compute erf|x| and put the sign of x back (exact symmetry, erf(-0) = -0)
  // small: |x| + |x| * P(x^2)
  const s = b.bindF(b.mul(ax, ax));
  const small = b.madd(b.horner(s, ERF_SMALL_P), ax, ax);
  // large: log(erfc |x|) ≈ Q(t) = (((((c0 t + c1) t^2 + (c2 t + c3)) t + c4) t + c5) t + c6) t - t
  const t = b.bindF(b.clampMax(ax, ERF_CLAMP));
  const t2 = b.mul(t, t);
  let q = b.madd(
    b.madd(b.madd(-1.7285347e-5, t, 3.83197126e-4), t2, b.madd(-3.88396438e-3, t, 2.42546219e-2)),
    t,
    -1.06777877e-1,
  );
  q = b.madd(q, t, -6.34846687e-1);
  q = b.madd(q, t, -1.28717512e-1);
  q = b.sub(b.mul(q, t), t);
  // Q(t) is in [-16.1, -0.86]: exp needs no clamps
  const large = b.sub(1, lowerExp(b, q, 'normal'));
  return b.orSign(b.select(b.gt(ax, ERF_SPLIT), large, small), xs);
}

/** erf(x); see docs/math.md for the measured bound. */
export const emitErf: UnaryMathEmitter = (ctx, x, lanes) => {
  const b = new LaneOps(ctx, lanes);
  return b.finish(lowerErf(b, b.wrap(x)));
};
