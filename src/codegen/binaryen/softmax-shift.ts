/**
 * Softmax's row exp without the x - $m subtraction: per row, when |$m| is
 * small enough for Cody–Waite on x itself, the loops storing t compute
 * exp(x - K·ln2)·2^25 (K = nearest($m·log2 e), folded into exp's rounding
 * constant; emitExpRowShifted), else exp(x - $m)·2^25 as before. Softmax is
 * the same for any shift of the row, so only t, $s and $r (row-local)
 * differ: y = t·$r is exp(x)/Σ exp(x) either way. One FP add a vector fewer,
 * on the add pipes that bound the exp loop (docs/kernels.md "W3 on Node 20
 * and 22").
 */
import type Binaryen from 'binaryen';
import { InternalError } from '../../common/errors.js';
import type { ExprEnv } from './emit-expr.js';
import type { FunctionBuilder } from './function-builder.js';
import { rowShiftScalars, type RowShift } from './math/index.js';
import type { SoftmaxRow } from './nonpositive-args.js';

type Expr = Binaryen.ExpressionRef;

/**
 * `loops(env)` twice, in a branch on the row's max: with the row's shift in
 * `env.rowShifts` (its locals set first) where it applies, as given otherwise.
 */
export function emitRowShiftBranch(
  fb: FunctionBuilder,
  env: ExprEnv,
  row: SoftmaxRow,
  loops: (env: ExprEnv) => Expr[],
): Expr[] {
  const m = fb.m;
  const [f32, v128] = [fb.b.f32, fb.b.v128];
  const max = env.refs.get(row.max)?.scalar;
  if (max === undefined)
    throw new InternalError('codegen', `softmax shift: row max $${row.max} not computed`);
  const { applies, lo, magic } = rowShiftScalars(m, () => m.local.get(max, f32));
  const scalar: RowShift = { lo: fb.addLocal(f32), magic: fb.addLocal(f32) };
  const vector: RowShift = { lo: fb.addLocal(v128), magic: fb.addLocal(v128) };
  const setup = [
    m.local.set(scalar.lo, lo),
    m.local.set(scalar.magic, magic),
    m.local.set(vector.lo, m.f32x4.splat(m.local.get(scalar.lo, f32))),
    m.local.set(vector.magic, m.f32x4.splat(m.local.get(scalar.magic, f32))),
  ];
  const shifted: ExprEnv = { ...env, rowShifts: new Map([[row.exp, { scalar, vector }]]) };
  return [m.if(applies, m.block(null, [...setup, ...loops(shifted)]), m.block(null, loops(env)))];
}
