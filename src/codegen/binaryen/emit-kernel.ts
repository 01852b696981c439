/**
 * One kernel to one Wasm function: the loop nest over its domain, the inner
 * reduction, and the choice of vector loop. The vector loop runs four
 * elements at a time over the innermost contiguous axis, with a scalar tail:
 *   - elementwise: over the innermost output axis;
 *   - reduction over the innermost input axis: a vector accumulator, lanes
 *     combined at the end (mode "reduce-inner");
 *   - other reductions: across the innermost output axis, one accumulator
 *     lane per output (mode "across");
 *   - f32 matmul over affine operands: register tiles (emit-matmul.ts).
 * A kernel whose body has no vector form (guards, gathers, i32 division …)
 * stays scalar.
 */
import type Binaryen from 'binaryen';
import type { DType } from '../../common/dtype.js';
import * as ix from '../../passes/index-expr.js';
import type { LoopVar } from '../../passes/index-expr.js';
import type { Kernel, KExpr, ReduceKind } from '../../passes/kernel.js';
import {
  emitScalar,
  emitScalarStore,
  emitVector,
  emitVectorStore,
  isVectorizable,
  type ExprEnv,
} from './emit-expr.js';
import type { FunctionBuilder } from './function-builder.js';
import { emitMatmul, matchMatmul } from './emit-matmul.js';
import { emitScalarOp, scalarConst, scalarType } from './scalar-ops.js';
import { emitVectorOp, vectorConst } from './vector-ops.js';

type Expr = Binaryen.ExpressionRef;
const LANES = 4;

/** How a kernel is vectorized, for `ir('fused')` and the tests. */
export type VectorMode = 'elementwise' | 'reduce-inner' | 'across' | 'matmul-tiled' | 'scalar';

function identity(kind: ReduceKind, dtype: DType): number {
  const big = dtype === 'f32' ? Infinity : dtype === 'i32' ? 2147483647 : 1;
  const small = dtype === 'f32' ? -Infinity : dtype === 'i32' ? -2147483648 : 0;
  switch (kind) {
    case 'sum':
      return 0;
    case 'prod':
      return 1;
    case 'max':
    case 'argmax':
      return small;
    case 'min':
    case 'argmin':
      return big;
  }
}

const COMBINE = { sum: 'add', prod: 'mul', max: 'maximum', min: 'minimum' } as const;

/** The innermost variable with more than one value (its stride is 1 in row-major order). */
function innermost(vars: readonly LoopVar[]): LoopVar | undefined {
  for (let i = vars.length - 1; i >= 0; i--) {
    const v = vars[i] as LoopVar;
    if (v.extent !== 1) return v;
  }
  return undefined;
}

/** Chooses how to vectorize `kernel`. */
export function chooseVectorMode(
  kernel: Kernel,
  simd: boolean,
): { mode: VectorMode; v: LoopVar | undefined } {
  const scalar = { mode: 'scalar' as const, v: undefined };
  if (!simd) return scalar;
  if (matchMatmul(kernel) !== undefined) return { mode: 'matmul-tiled', v: undefined };
  const d = innermost(kernel.domain);
  const red = kernel.reduction;
  const wide = (v: LoopVar | undefined): v is LoopVar => v !== undefined && v.extent >= LANES;
  if (red === undefined) {
    return wide(d) && isVectorizable(kernel.body, d) ? { mode: 'elementwise', v: d } : scalar;
  }
  if (red.kind === 'argmax' || red.kind === 'argmin' || red.dtype === 'bool') return scalar;
  const r = innermost(red.vars);
  if (wide(r) && isVectorizable(kernel.body, r)) return { mode: 'reduce-inner', v: r };
  if (wide(d) && isVectorizable(kernel.body, d)) return { mode: 'across', v: d };
  return scalar;
}

/** Emits a kernel's function body. */
export function emitKernelBody(fb: FunctionBuilder, kernel: Kernel, env: ExprEnv, simd: boolean): Expr {
  const m = fb.m;
  const i32 = fb.b.i32;
  const vars = env.vars as Map<number, number>;
  for (const v of [...kernel.domain, ...(kernel.reduction?.vars ?? [])]) vars.set(v.id, fb.addLocal(i32));
  if (kernel.domain.some((v) => v.extent === 0)) return m.nop();
  const local = (v: LoopVar): number => vars.get(v.id) as number;
  const output = kernel.outputs[0];
  if (output === undefined) return m.nop();
  const outFlat = ix.ravel(output.index, output.node.shape);
  const outAddr = env.addresses.get(output.node.id) as number;
  const outType = output.node.dtype;
  const store = (value: Expr): Expr => emitScalarStore(fb, outAddr, outFlat, outType, value, env);
  const storeVec = (value: Expr): Expr => emitVectorStore(fb, outAddr, outFlat, outType, value, env);

  /** Loops over `loopVars` (outermost first) around `body`. */
  const nest = (loopVars: readonly LoopVar[], body: Expr[]): Expr[] => {
    let inner = body;
    for (let i = loopVars.length - 1; i >= 0; i--) {
      const v = loopVars[i] as LoopVar;
      if (v.extent === 1) continue;
      inner = [fb.forLoop(local(v), 0, v.extent, 1, false, inner)];
    }
    return inner;
  };
  /** The vector loop over `v` then its scalar tail. */
  const split = (v: LoopVar, vectorBody: Expr[], tailBody: () => Expr[]): Expr[] => {
    const out = [fb.forLoop(local(v), 0, v.extent, LANES, true, vectorBody)];
    if (v.extent % LANES !== 0) out.push(fb.forLoop(local(v), null, v.extent, 1, false, tailBody()));
    return out;
  };
  const without = (list: readonly LoopVar[], v: LoopVar): LoopVar[] => list.filter((u) => u.id !== v.id);

  const matmul = simd ? matchMatmul(kernel) : undefined;
  if (matmul !== undefined) return emitMatmul(fb, kernel, matmul, env);
  const { mode, v } = chooseVectorMode(kernel, simd);
  const red = kernel.reduction;
  if (red === undefined) {
    if (mode === 'elementwise' && v !== undefined) {
      const body = split(v, [storeVec(emitVector(fb, kernel.body, v, env))], () => [
        store(emitScalar(fb, kernel.body, env)),
      ]);
      return m.block(null, nest(without(kernel.domain, v), body));
    }
    return m.block(null, nest(kernel.domain, [store(emitScalar(fb, kernel.body, env))]));
  }

  const dtype = red.dtype;
  const sType = scalarType(fb, dtype);
  const v128 = fb.b.v128;
  if (red.kind === 'argmax' || red.kind === 'argmin') {
    return m.block(
      null,
      nest(
        kernel.domain,
        emitArgReduce(fb, kernel.body, red.kind, dtype, red.vars[0] as LoopVar, local, env, store),
      ),
    );
  }
  const op = COMBINE[red.kind];
  const init = identity(red.kind, dtype);
  const accumulate = (acc: number, body: KExpr): Expr =>
    m.local.set(acc, emitScalarOp(fb, op, [m.local.get(acc, sType), emitScalar(fb, body, env)], dtype));
  const accumulateVec = (acc: number, body: KExpr, lane: LoopVar): Expr =>
    m.local.set(acc, emitVectorOp(fb, op, [m.local.get(acc, v128), emitVector(fb, body, lane, env)], dtype));

  if (mode === 'reduce-inner' && v !== undefined) {
    const vacc = fb.addLocal(v128);
    const sacc = fb.addLocal(sType);
    const lanes = [0, 1, 2, 3].map((lane) => extractLane(fb, m.local.get(vacc, v128), lane, dtype));
    const combined = lanes.reduce((a, b) => emitScalarOp(fb, op, [a, b], dtype), m.local.get(sacc, sType));
    const perPoint = [
      m.local.set(vacc, vectorConst(fb, init, dtype)),
      m.local.set(sacc, scalarConst(fb, init, dtype)),
      ...nest(
        without(red.vars, v),
        split(v, [accumulateVec(vacc, kernel.body, v)], () => [accumulate(sacc, kernel.body)]),
      ),
      store(combined),
    ];
    return m.block(null, nest(kernel.domain, perPoint));
  }
  if (mode === 'across' && v !== undefined) {
    const vacc = fb.addLocal(v128);
    const sacc = fb.addLocal(sType);
    const vectorBody = [
      m.local.set(vacc, vectorConst(fb, init, dtype)),
      ...nest(red.vars, [accumulateVec(vacc, kernel.body, v)]),
      storeVec(m.local.get(vacc, v128)),
    ];
    const tail = (): Expr[] => [
      m.local.set(sacc, scalarConst(fb, init, dtype)),
      ...nest(red.vars, [accumulate(sacc, kernel.body)]),
      store(m.local.get(sacc, sType)),
    ];
    return m.block(null, nest(without(kernel.domain, v), split(v, vectorBody, tail)));
  }
  const sacc = fb.addLocal(sType);
  const perPoint = [
    m.local.set(sacc, scalarConst(fb, init, dtype)),
    ...nest(red.vars, [accumulate(sacc, kernel.body)]),
    store(m.local.get(sacc, sType)),
  ];
  return m.block(null, nest(kernel.domain, perPoint));
}

function extractLane(fb: FunctionBuilder, vec: Expr, lane: number, dtype: DType): Expr {
  // binaryen.js takes the lane as a plain number; its typings say ExpressionRef
  const index = lane;
  return dtype === 'f32' ? fb.m.f32x4.extract_lane(vec, index) : fb.m.i32x4.extract_lane(vec, index);
}

/** First index of the extreme value; the first NaN wins (NumPy). */
function emitArgReduce(
  fb: FunctionBuilder,
  body: KExpr,
  kind: 'argmax' | 'argmin',
  dtype: DType,
  r: LoopVar,
  local: (v: LoopVar) => number,
  env: ExprEnv,
  store: (value: Expr) => Expr,
): Expr[] {
  const m = fb.m;
  const i32 = fb.b.i32;
  const sType = scalarType(fb, dtype);
  const best = fb.addLocal(sType);
  const bestIdx = fb.addLocal(i32);
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
      m.block(null, [m.local.set(best, get(value, sType)), m.local.set(bestIdx, get(local(r), i32))]),
    ),
  ];
  return [
    m.local.set(best, scalarConst(fb, identity(kind, dtype), dtype)),
    m.local.set(bestIdx, m.i32.const(0)),
    ...(r.extent === 1 ? [] : [fb.forLoop(local(r), 0, r.extent, 1, false, step)]),
    store(get(bestIdx, i32)),
  ];
}
