/**
 * Reductions in vector code: a reduce step over its innermost reduced axis
 * with several vector accumulators (adjacent vectors, or far-apart streams
 * for long reductions; f32 max/min via pmax/pmin with an exact redo on NaN or
 * a zero result), and a reduction vectorized across the innermost output axis.
 */
import type Binaryen from 'binaryen';
import type { DType } from '../../common/dtype.js';
import type { LoopVar } from '../../passes/index-expr.js';
import type { KExpr, ReduceStep, Step, StoreStep } from '../../passes/kernel.js';
import { emitScalar, emitVector, type ExprEnv } from './emit-expr.js';
import type { FunctionBuilder } from './function-builder.js';
import { identity } from './reduce-identity.js';
import { emitScalarOp, scalarConst, scalarType } from './scalar-ops.js';
import { emitVectorOp, vectorConst } from './vector-ops.js';
import { innermost, LANES, wide, without } from './loop-vars.js';
import { isVectorizable } from './emit-expr.js';

type Expr = Binaryen.ExpressionRef;

/** What the reduction emitters need from the kernel's loop emitter. */
export interface LoopEmitter {
  readonly fb: FunctionBuilder;
  readonly env: ExprEnv;
  readonly simd: boolean;
  /** The i32 local of a loop variable. */
  local(v: LoopVar): number;
  /** Loads bringing rows into cache, for `step`'s main loop over `v` (`elements` per iteration); see row-prefetch.ts. */
  touches(step: Step, v: LoopVar, elements: number): Expr[];
  /** Loops over `loopVars` (outermost first) around `body`. */
  nest(loopVars: readonly LoopVar[], body: Expr[]): Expr[];
  /** The vector loop over `v`, then its scalar tail. */
  split(v: LoopVar, vectorBody: Expr[], tailBody: () => Expr[]): Expr[];
  /** A scalar store of `value` at the current point. */
  store(step: StoreStep, value: KExpr): Expr;
  /** A vector store of `value` at four consecutive `v`. */
  storeVec(step: StoreStep, value: KExpr, v: LoopVar): Expr;
}
/** Independent vector accumulators in a vectorized reduction. */
const ACCUMULATORS = 4;
/**
 * Reductions over at least this many elements read ACCUMULATORS streams far
 * apart (one per quarter) instead of adjacent vectors: out of cache, several
 * streams keep more memory requests in flight (sum of 16M f32: 2.3 ms
 * against 3.9 ms with one stream).
 */
const STREAM_MIN_ELEMENTS = 65536;

const COMBINE = { sum: 'add', prod: 'mul', max: 'maximum', min: 'minimum' } as const;

/** The vector variable of a reduce step, if its body vectorizes along its innermost variable. */
export function reduceLane(step: ReduceStep): LoopVar | undefined {
  const red = step.reduction;
  if (red.kind === 'argmax' || red.kind === 'argmin' || red.dtype === 'bool') return undefined;
  const r = innermost(red.vars);
  return wide(r) && isVectorizable(step.body, r) ? r : undefined;
}

/**
 * Accumulates a (non-arg) reduce step into the scalar local `result`,
 * vectorized when it can be. `nanSafe`: an f32 max whose users give the same
 * results whether it skips a NaN or answers -0 for +0 (softmax's, see
 * nanSafeMaxes in nonpositive-args.ts): no NaN check and no exact redo.
 */
export function emitReduceInto(e: LoopEmitter, step: ReduceStep, result: number, nanSafe = false): Expr[] {
  const { fb } = e;
  const m = fb.m;
  const red = step.reduction;
  const dtype = red.dtype;
  const sType = scalarType(fb, dtype);
  const op = COMBINE[red.kind as keyof typeof COMBINE];
  const init = identity(red.kind, dtype);
  const accumulate = (acc: number): Expr =>
    m.local.set(
      acc,
      emitScalarOp(fb, op, [m.local.get(acc, sType), emitScalar(fb, step.body, e.env)], dtype),
    );
  /** The reduction one element at a time into `result`. */
  const scalarReduce = (): Expr[] => [
    m.local.set(result, scalarConst(fb, init, dtype)),
    ...e.nest(red.vars, [accumulate(result)]),
  ];
  const r = e.simd ? reduceLane(step) : undefined;
  if (r === undefined) return scalarReduce();
  const v128 = fb.b.v128;
  // ACCUMULATORS independent vector accumulators hide the add latency: the
  // main loop takes ACCUMULATORS·4 elements per iteration, one vector into
  // each (adjacent, or one per stream); a one-vector loop and a scalar tail
  // finish the row
  const accs = Array.from({ length: ACCUMULATORS }, () => fb.addLocal(v128));
  const rLocal = e.local(r);
  // f32 max/min: f32x4.max costs V8 ~8 instructions (NaN and -0 fix-ups); pmax/pmin cost one
  // and are exact unless a NaN appears (flagged here) or the result is ±0 (pmax may pick -0
  // over +0): then the row is reduced again, exactly
  const fast = dtype === 'f32' && (red.kind === 'max' || red.kind === 'min');
  const checked = fast && !(nanSafe && red.kind === 'max');
  const nan = checked ? fb.addLocal(v128) : -1;
  const value = checked ? fb.addLocal(v128) : -1;
  // accumulator i reads LANES·i elements further on (or i streams of `chunk`): one index,
  // constant offsets
  const streams = r.extent >= STREAM_MIN_ELEMENTS;
  const chunk = Math.floor(r.extent / (LANES * ACCUMULATORS)) * LANES;
  const into = (acc: number, i = 0): Expr => {
    e.env.shift = { varId: r.id, elements: streams ? chunk * i : LANES * i };
    const x = emitVector(fb, step.body, r, e.env);
    delete e.env.shift;
    if (!fast) return m.local.set(acc, emitVectorOp(fb, op, [m.local.get(acc, v128), x], dtype));
    const get = (): Expr => m.local.get(value, v128);
    const pick = (a: Expr, b: Expr): Expr => (red.kind === 'max' ? m.f32x4.pmax(a, b) : m.f32x4.pmin(a, b));
    if (!checked) return m.local.set(acc, pick(m.local.get(acc, v128), x));
    return m.block(null, [
      m.local.set(value, x),
      m.local.set(acc, pick(m.local.get(acc, v128), get())),
      m.local.set(nan, m.v128.or(m.local.get(nan, v128), m.f32x4.ne(get(), get()))),
    ]);
  };
  const body = accs.map((acc, i) => into(acc, i));
  const wideLoop = streams
    ? m.block(null, [
        fb.forLoop(rLocal, 0, chunk, LANES, true, body),
        m.local.set(rLocal, m.i32.const(chunk * ACCUMULATORS)),
      ])
    : fb.forLoop(rLocal, 0, r.extent, LANES * ACCUMULATORS, true, [
        ...e.touches(step, r, LANES * ACCUMULATORS),
        ...body,
      ]);
  const vectorLoop = fb.forLoop(rLocal, null, r.extent, LANES, true, [into(accs[0] as number)]);
  const tail =
    r.extent % LANES === 0 ? [] : [fb.forLoop(rLocal, null, r.extent, 1, false, [accumulate(result)])];
  // combine: accumulators pairwise, then the four lanes, then the scalar tail
  let total = m.local.get(accs[0] as number, v128);
  for (const acc of accs.slice(1)) total = emitVectorOp(fb, op, [total, m.local.get(acc, v128)], dtype);
  const combined = fb.bind(
    total,
    v128,
    (v) =>
      [0, 1, 2, 3]
        .map((lane) => extractLane(fb, v(), lane, dtype))
        .reduce((a, b) => emitScalarOp(fb, op, [a, b], dtype), m.local.get(result, sType)),
    sType,
  );
  const exactAgain = checked
    ? [
        m.if(
          m.i32.or(
            m.v128.any_true(m.local.get(nan, v128)),
            m.f32.eq(m.local.get(result, sType), m.f32.const(0)),
          ),
          m.block(null, scalarReduce()),
        ),
      ]
    : [];
  return [
    ...accs.map((acc) => m.local.set(acc, vectorConst(fb, init, dtype))),
    ...(checked ? [m.local.set(nan, vectorConst(fb, 0, 'i32'))] : []),
    m.local.set(result, scalarConst(fb, init, dtype)),
    ...e.nest(without(red.vars, r), [wideLoop, vectorLoop, ...tail]),
    m.local.set(result, combined),
    ...exactAgain,
  ];
}

/** A reduction vectorized across the innermost output axis `d`: one accumulator lane per output. */
export function emitAcross(e: LoopEmitter, reduce: ReduceStep, store: StoreStep, d: LoopVar): Expr[] {
  const { fb } = e;
  const m = fb.m;
  const red = reduce.reduction;
  const dtype = red.dtype;
  const sType = scalarType(fb, dtype);
  const v128 = fb.b.v128;
  const op = COMBINE[red.kind as keyof typeof COMBINE];
  const init = identity(red.kind, dtype);
  const vacc = fb.addLocal(v128);
  const sacc = fb.addLocal(sType);
  e.env.refs.set(reduce.slot, { scalar: sacc, vector: vacc });
  const vectorBody = [
    m.local.set(vacc, vectorConst(fb, init, dtype)),
    ...e.nest(red.vars, [
      m.local.set(
        vacc,
        emitVectorOp(fb, op, [m.local.get(vacc, v128), emitVector(fb, reduce.body, d, e.env)], dtype),
      ),
    ]),
    e.storeVec(store, store.value, d),
  ];
  const tail = (): Expr[] => [
    m.local.set(sacc, scalarConst(fb, init, dtype)),
    ...e.nest(red.vars, [
      m.local.set(
        sacc,
        emitScalarOp(fb, op, [m.local.get(sacc, sType), emitScalar(fb, reduce.body, e.env)], dtype),
      ),
    ]),
    e.store(store, store.value),
  ];
  return e.split(d, vectorBody, tail);
}

function extractLane(fb: FunctionBuilder, vec: Expr, lane: number, dtype: DType): Expr {
  // binaryen.js takes the lane as a plain number; its typings say ExpressionRef
  const index = lane;
  return dtype === 'f32' ? fb.m.f32x4.extract_lane(vec, index) : fb.m.i32x4.extract_lane(vec, index);
}
