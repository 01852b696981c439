/**
 * The vector form of a guard along the vector variable, for window kernels
 * (a conv or pool tap that may fall in the padding): when every lane's index
 * is in range — the first and the last lane, since each index is affine in
 * the variable — the guarded value is computed as a vector (its loads are the
 * ones the verifier proved for each lane); otherwise each lane is computed as
 * the scalar guard would, with the variable set to that lane. Interior
 * windows take the vector path; only border windows pay per lane.
 */
import type Binaryen from 'binaryen';
import { InternalError } from '../../common/errors.js';
import * as ix from '../../passes/index-expr.js';
import type { LoopVar } from '../../passes/index-expr.js';
import type { KExpr } from '../../passes/kernel.js';
import type { ExprEnv } from './emit-expr.js';
import { emitIndex } from './emit-index.js';
import type { FunctionBuilder } from './function-builder.js';
import { LANES } from './loop-vars.js';

type Expr = Binaryen.ExpressionRef;
type Guarded = Extract<KExpr, { k: 'guard' }>;

/** The emitters of emit-expr.ts (passed in: that module calls this one). */
export interface ExprEmitters {
  readonly vector: (fb: FunctionBuilder, e: KExpr, v: LoopVar, env: ExprEnv) => Expr;
  readonly scalar: (fb: FunctionBuilder, e: KExpr, env: ExprEnv) => Expr;
  readonly isVectorizable: (e: KExpr, v: LoopVar) => boolean;
}

/** Every guard in `e`, outermost first. */
function guardsOf(e: KExpr): Guarded[] {
  switch (e.k) {
    case 'guard':
      return [e, ...guardsOf(e.then), ...guardsOf(e.otherwise)];
    case 'op':
      return e.args.flatMap(guardsOf);
    case 'cast':
      return guardsOf(e.arg);
    default:
      return [];
  }
}

/** `e` with every guard replaced by its guarded value (what the all-lanes-in-range path computes). */
function unguarded(e: KExpr): KExpr {
  switch (e.k) {
    case 'guard':
      return unguarded(e.then);
    case 'op':
      return { ...e, args: e.args.map(unguarded) };
    case 'cast':
      return { ...e, arg: unguarded(e.arg) };
    default:
      return e;
  }
}

/**
 * `e` with `within` atoms replaced by their expressions: the same values (a
 * `within` only records for range analysis that a guard holds), now affine in
 * the lanes where the expression is.
 */
export function unwrapIndex(e: ix.IndexExpr): ix.IndexExpr {
  let out = ix.constant(e.c);
  for (const t of e.terms) {
    const a = t.atom;
    const part =
      a.kind === 'within'
        ? unwrapIndex(a.e)
        : a.kind === 'div'
          ? ix.floorDiv(unwrapIndex(a.e), a.d)
          : a.kind === 'mod'
            ? ix.mod(unwrapIndex(a.e), a.d)
            : { c: 0, terms: [{ coef: 1, atom: a }] };
    out = ix.add(out, ix.scale(part, t.coef));
  }
  return out;
}

/** `e` with every load's index unwrapped (unwrapIndex). */
export function unwrapLoads(e: KExpr): KExpr {
  switch (e.k) {
    case 'load':
      return { ...e, index: e.index.map(unwrapIndex) };
    case 'op':
      return { ...e, args: e.args.map(unwrapLoads) };
    case 'cast':
      return { ...e, arg: unwrapLoads(e.arg) };
    case 'guard':
      return { ...e, then: unwrapLoads(e.then), otherwise: unwrapLoads(e.otherwise) };
    default:
      return e;
  }
}

/**
 * True when `e` has an f32 vector form along `v` with its guards taken per
 * vector: every guard index affine in `v`, every branch vectorizable.
 */
export function isVectorizableGuarded(
  e: KExpr,
  v: LoopVar,
  isVectorizable: ExprEmitters['isVectorizable'],
): boolean {
  const guards = guardsOf(e);
  if (guards.length === 0) return isVectorizable(e, v);
  return (
    guards.every(
      (g) =>
        g.dtype === 'f32' &&
        g.guards.every((c) => ix.affineCoef(c.index, v) !== undefined) &&
        isVectorizable(unwrapLoads(unguarded(g.otherwise)), v),
    ) && isVectorizable(unwrapLoads(unguarded(e)), v)
  );
}

/** `e` (a guard) at four consecutive values of `v`. */
export function emitVectorGuard(
  fb: FunctionBuilder,
  e: Guarded,
  v: LoopVar,
  env: ExprEnv,
  emit: ExprEmitters,
): Expr {
  const m = fb.m;
  if (e.dtype !== 'f32' || env.shift?.varId === v.id)
    throw new InternalError('codegen', 'a guard has a vector form only for f32 and unshifted lanes');
  // every lane in range: the first and the last lane are (each index is affine in v)
  let inRange: Expr | undefined;
  for (const g of e.guards) {
    const coef = ix.affineCoef(g.index, v);
    if (coef === undefined)
      throw new InternalError('codegen', 'a vector guard needs an index affine in its lanes');
    let ok = m.i32.lt_u(emitIndex(fb, g.index, env), m.i32.const(g.size));
    if (coef !== 0) {
      const last = m.i32.add(emitIndex(fb, g.index, env), m.i32.const((LANES - 1) * coef));
      ok = m.i32.and(ok, m.i32.lt_u(last, m.i32.const(g.size)));
    }
    inRange = inRange === undefined ? ok : m.i32.and(inRange, ok);
  }
  const vector = emit.vector(fb, unwrapLoads(e.then), v, env);
  // otherwise each lane as the scalar guard computes it, with v at that lane
  const vLocal = env.vars.get(v.id);
  if (vLocal === undefined) throw new InternalError('codegen', `no local for loop variable ${v.id}`);
  const i32 = fb.b.i32;
  const saved = fb.addLocal(i32);
  const lanes = fb.addLocal(fb.b.v128);
  const perLane: Expr[] = [m.local.set(saved, m.local.get(vLocal, i32))];
  for (let lane = 0; lane < LANES; lane++) {
    perLane.push(m.local.set(vLocal, m.i32.add(m.local.get(saved, i32), m.i32.const(lane))));
    const value = emit.scalar(fb, e, env);
    perLane.push(
      m.local.set(
        lanes,
        lane === 0 ? m.f32x4.splat(value) : m.f32x4.replace_lane(m.local.get(lanes, fb.b.v128), lane, value),
      ),
    );
  }
  perLane.push(m.local.set(vLocal, m.local.get(saved, i32)), m.local.get(lanes, fb.b.v128));
  return m.if(inRange ?? m.i32.const(1), vector, m.block(null, perLane, fb.b.v128));
}
