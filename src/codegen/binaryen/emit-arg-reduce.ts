/**
 * argmax/argmin over one loop variable into an i32 local: the first index of
 * the extreme value, and the first NaN if any (NumPy), scalar.
 */
import type Binaryen from 'binaryen';
import type { DType } from '../../common/dtype.js';
import type { LoopVar } from '../../passes/index-expr.js';
import type { KExpr } from '../../passes/kernel.js';
import { emitScalar, type ExprEnv } from './emit-expr.js';
import type { FunctionBuilder } from './function-builder.js';
import { emitScalarOp, scalarConst, scalarType } from './scalar-ops.js';
import { identity } from './reduce-identity.js';

type Expr = Binaryen.ExpressionRef;

/** First index of the extreme value into `result`; the first NaN wins (NumPy). */
export function emitArgReduce(
  fb: FunctionBuilder,
  body: KExpr,
  kind: 'argmax' | 'argmin',
  dtype: DType,
  r: LoopVar,
  local: (v: LoopVar) => number,
  env: ExprEnv,
  result: number,
): Expr[] {
  const m = fb.m;
  const i32 = fb.b.i32;
  const sType = scalarType(fb, dtype);
  const best = fb.addLocal(sType);
  const value = fb.addLocal(sType);
  const get = (l: number, t: Binaryen.Type): Expr => m.local.get(l, t);
  const better = emitScalarOp(
    fb,
    kind === 'argmax' ? 'gt' : 'lt',
    [get(value, sType), get(best, sType)],
    dtype,
  );
  const cond =
    dtype === 'f32'
      ? m.i32.or(
          better,
          m.i32.and(
            m.f32.ne(get(value, sType), get(value, sType)),
            m.f32.eq(get(best, sType), get(best, sType)),
          ),
        )
      : better;
  const step = [
    m.local.set(value, emitScalar(fb, body, env)),
    m.if(
      cond,
      m.block(null, [m.local.set(best, get(value, sType)), m.local.set(result, get(local(r), i32))]),
    ),
  ];
  return [
    m.local.set(best, scalarConst(fb, identity(kind, dtype), dtype)),
    m.local.set(result, m.i32.const(0)),
    // one element still runs the step once: its result is index 0, but evaluating the value checks
    // any gather index inside it (an out-of-range index is an error even where the answer is known)
    ...(r.extent === 1
      ? [m.local.set(local(r), m.i32.const(0)), ...step]
      : [fb.forLoop(local(r), 0, r.extent, 1, false, step)]),
  ];
}
