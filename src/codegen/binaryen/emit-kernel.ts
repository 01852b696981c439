/**
 * One kernel to one Wasm function: loops over its domain, then its steps at
 * each outer point. Vector loops run four elements at a time over the
 * innermost contiguous axis, with a scalar tail:
 *   - elementwise: over the innermost output axis;
 *   - a reduction over the innermost input axis: a vector accumulator, lanes
 *     combined at the end ("reduce-inner"); the same inside fused row kernels,
 *     whose store steps vectorize over their own innermost axis ("row");
 *   - other reductions: across the innermost output axis, one accumulator
 *     lane per output ("across");
 *   - f32 matmul over affine operands: register tiles (emit-matmul.ts).
 * A step whose expression has no vector form (guards, gathers, i32 division …)
 * stays scalar.
 */
import type Binaryen from 'binaryen';
import { DTYPE_BYTES, type DType } from '../../common/dtype.js';
import * as ix from '../../passes/index-expr.js';
import type { LoopVar } from '../../passes/index-expr.js';
import {
  asElementwise,
  asReduction,
  stepVars,
  type Kernel,
  type KExpr,
  type ReduceStep,
  type Step,
  type StoreStep,
} from '../../passes/kernel.js';
import {
  emitScalar,
  emitScalarStore,
  emitVector,
  emitVectorStore,
  isVectorizable,
  type ExprEnv,
} from './emit-expr.js';
import { emitArgReduce } from './emit-arg-reduce.js';
import { emitInterleaved, interleaveFactor } from './emit-interleaved.js';
import { emitMatmul, matchMatmul } from './emit-matmul.js';
import { identity } from './reduce-identity.js';
import type { FunctionBuilder } from './function-builder.js';
import { emitScalarOp, scalarConst, scalarType } from './scalar-ops.js';
import { emitVectorOp, vectorConst } from './vector-ops.js';

type Expr = Binaryen.ExpressionRef;
const LANES = 4;
/** Independent vector accumulators in a vectorized reduction. */
const ACCUMULATORS = 4;
/**
 * Reductions over at least this many elements read ACCUMULATORS streams far
 * apart (one per quarter) instead of adjacent vectors: out of cache, several
 * streams keep more memory requests in flight (sum of 16M f32: 2.3 ms
 * against 3.9 ms with one stream).
 */
const STREAM_MIN_ELEMENTS = 65536;

/** How a kernel is vectorized, for `ir('fused')` and the tests. */
export type VectorMode = 'elementwise' | 'reduce-inner' | 'across' | 'matmul-tiled' | 'row' | 'scalar';

const COMBINE = { sum: 'add', prod: 'mul', max: 'maximum', min: 'minimum' } as const;

/** The innermost variable with more than one value (its stride is 1 in row-major order). */
function innermost(vars: readonly LoopVar[]): LoopVar | undefined {
  for (let i = vars.length - 1; i >= 0; i--) {
    const v = vars[i] as LoopVar;
    if (v.extent !== 1) return v;
  }
  return undefined;
}

const wide = (v: LoopVar | undefined): v is LoopVar => v !== undefined && v.extent >= LANES;

/** The vector variable of a reduce step, if its body vectorizes along its innermost variable. */
function reduceLane(step: ReduceStep): LoopVar | undefined {
  const red = step.reduction;
  if (red.kind === 'argmax' || red.kind === 'argmin' || red.dtype === 'bool') return undefined;
  const r = innermost(red.vars);
  return wide(r) && isVectorizable(step.body, r) ? r : undefined;
}

/** The vector variable of a store step over inner loops, if it vectorizes (contiguous store). */
function storeLane(step: StoreStep): LoopVar | undefined {
  const v = innermost(step.vars);
  if (!wide(v) || !isVectorizable(step.value, v)) return undefined;
  return ix.affineCoef(ix.ravel(step.index, step.node.shape), v) === 1 ? v : undefined;
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
  const elementwise = asElementwise(kernel);
  if (elementwise !== undefined) {
    return wide(d) && isVectorizable(elementwise.value, d) ? { mode: 'elementwise', v: d } : scalar;
  }
  const single = asReduction(kernel);
  if (single !== undefined) {
    const r = reduceLane(single.reduce);
    if (r !== undefined) return { mode: 'reduce-inner', v: r };
    const red = single.reduce.reduction;
    const vectorOk = red.kind !== 'argmax' && red.kind !== 'argmin' && red.dtype !== 'bool';
    if (
      vectorOk &&
      wide(d) &&
      isVectorizable(single.reduce.body, d) &&
      isVectorizable(single.store.value, d)
    ) {
      return { mode: 'across', v: d };
    }
    return scalar;
  }
  const vectorized = kernel.steps.some(
    (s) =>
      (s.kind === 'reduce' ? reduceLane(s) : s.kind === 'store' ? storeLane(s) : undefined) !== undefined,
  );
  return vectorized ? { mode: 'row', v: undefined } : scalar;
}

/** Emits a kernel's function body. */
export function emitKernelBody(fb: FunctionBuilder, kernel: Kernel, env: ExprEnv, simd: boolean): Expr {
  const m = fb.m;
  const i32 = fb.b.i32;
  const vars = env.vars as Map<number, number>;
  for (const v of [...kernel.domain, ...kernel.steps.flatMap(stepVars)]) vars.set(v.id, fb.addLocal(i32));
  if (kernel.domain.some((v) => v.extent === 0)) return m.nop();
  const matmul = simd ? matchMatmul(kernel) : undefined;
  if (matmul !== undefined) return emitMatmul(fb, kernel, matmul, env);
  const e = new StepEmitter(fb, env, simd);
  const { mode, v } = chooseVectorMode(kernel, simd);
  const elementwise = asElementwise(kernel);
  if (mode === 'elementwise' && v !== undefined && elementwise !== undefined) {
    return m.block(null, e.nest(without(kernel.domain, v), e.storeLoops(elementwise, v)));
  }
  const single = asReduction(kernel);
  if (mode === 'across' && v !== undefined && single !== undefined) {
    return m.block(null, e.nest(without(kernel.domain, v), e.across(single.reduce, single.store, v)));
  }
  // generic: scalar outer loops, each step vectorized over its own innermost variable where it can be
  return m.block(
    null,
    e.nest(
      kernel.domain,
      kernel.steps.flatMap((step) => e.step(step)),
    ),
  );
}

const without = (list: readonly LoopVar[], v: LoopVar): LoopVar[] => list.filter((u) => u.id !== v.id);

/** Emission of loops and steps for one kernel function. */
class StepEmitter {
  constructor(
    private readonly fb: FunctionBuilder,
    private readonly env: ExprEnv,
    private readonly simd: boolean,
  ) {}

  private local(v: LoopVar): number {
    return this.env.vars.get(v.id) as number;
  }

  /** Loops over `loopVars` (outermost first) around `body`. */
  nest(loopVars: readonly LoopVar[], body: Expr[]): Expr[] {
    let inner = body;
    for (let i = loopVars.length - 1; i >= 0; i--) {
      const v = loopVars[i] as LoopVar;
      if (v.extent === 1) continue;
      inner = [this.fb.forLoop(this.local(v), 0, v.extent, 1, false, inner)];
    }
    return inner;
  }

  /**
   * The loops storing `step` along its vector variable `v`: several
   * vectors per iteration, op by op, when the value is worth it (see
   * emit-interleaved.ts); then one vector at a time; then the scalar tail.
   */
  storeLoops(step: StoreStep, v: LoopVar): Expr[] {
    const single = (): Expr[] => [this.storeVec(step, step.value, v)];
    const tail = (): Expr[] => [this.store(step, step.value)];
    const vectors = interleaveFactor(step.value);
    if (vectors === 0 || v.extent < LANES * vectors) return this.split(v, single(), tail);
    const { stmts, results } = emitInterleaved(this.fb, step.value, v, this.env, vectors);
    const stores = results.map((r, u) =>
      this.storeVec(step, step.value, v, this.fb.m.local.get(r, this.fb.b.v128), LANES * u),
    );
    const step4 = LANES * results.length;
    const wide = this.fb.forLoop(this.local(v), 0, v.extent, step4, true, [...stmts, ...stores]);
    return [wide, ...this.split(v, single(), tail, false)];
  }

  /** The vector loop over `v` (from 0, or from where v is when `fromStart` is false) then its scalar tail. */
  split(v: LoopVar, vectorBody: Expr[], tailBody: () => Expr[], fromStart = true): Expr[] {
    const out = [this.fb.forLoop(this.local(v), fromStart ? 0 : null, v.extent, LANES, true, vectorBody)];
    if (v.extent % LANES !== 0)
      out.push(this.fb.forLoop(this.local(v), null, v.extent, 1, false, tailBody()));
    return out;
  }

  store(step: StoreStep, value: KExpr): Expr {
    const flat = ix.ravel(step.index, step.node.shape);
    return emitScalarStore(
      this.fb,
      this.address(step),
      flat,
      step.node.dtype,
      emitScalar(this.fb, value, this.env),
      this.env,
    );
  }

  /** Stores `value` at four consecutive v (`computed`: already emitted; `shift`: elements further on). */
  storeVec(step: StoreStep, value: KExpr, v: LoopVar, computed?: Expr, shift = 0): Expr {
    const flat = ix.ravel(step.index, step.node.shape);
    const vector = computed ?? emitVector(this.fb, value, v, this.env);
    const address = this.address(step) + shift * DTYPE_BYTES[step.node.dtype];
    return emitVectorStore(this.fb, address, flat, step.node.dtype, vector, this.env);
  }

  private address(step: StoreStep): number {
    return this.env.addresses.get(step.node.id) as number;
  }

  /** One step at the current outer point. */
  step(step: Step): Expr[] {
    if (step.kind === 'let') {
      const type = scalarType(this.fb, step.value.dtype);
      const local = this.fb.addLocal(type);
      this.env.refs.set(step.slot, { scalar: local });
      return [this.fb.m.local.set(local, emitScalar(this.fb, step.value, this.env))];
    }
    if (step.kind === 'store') {
      const v = this.simd ? storeLane(step) : undefined;
      if (v === undefined) return this.nest(step.vars, [this.store(step, step.value)]);
      return this.nest(without(step.vars, v), this.storeLoops(step, v));
    }
    const red = step.reduction;
    const isArg = red.kind === 'argmax' || red.kind === 'argmin';
    // an arg reduction's result is the i32 index; others have the values' type
    const result = this.fb.addLocal(isArg ? this.fb.b.i32 : scalarType(this.fb, red.dtype));
    this.env.refs.set(step.slot, { scalar: result });
    if (red.kind === 'argmax' || red.kind === 'argmin') {
      return emitArgReduce(
        this.fb,
        step.body,
        red.kind,
        red.dtype,
        red.vars[0] as LoopVar,
        (u) => this.local(u),
        this.env,
        result,
      );
    }
    return this.reduceInto(step, result);
  }

  /** Accumulates a (non-arg) reduce step into the scalar local `result`, vectorized when it can be. */
  private reduceInto(step: ReduceStep, result: number): Expr[] {
    const { fb } = this;
    const m = fb.m;
    const red = step.reduction;
    const dtype = red.dtype;
    const sType = scalarType(fb, dtype);
    const op = COMBINE[red.kind as keyof typeof COMBINE];
    const init = identity(red.kind, dtype);
    const accumulate = (acc: number): Expr =>
      m.local.set(
        acc,
        emitScalarOp(fb, op, [m.local.get(acc, sType), emitScalar(fb, step.body, this.env)], dtype),
      );
    const r = this.simd ? reduceLane(step) : undefined;
    if (r === undefined) {
      return [
        m.local.set(result, scalarConst(fb, init, dtype)),
        ...this.nest(red.vars, [accumulate(result)]),
      ];
    }
    const v128 = fb.b.v128;
    // ACCUMULATORS independent vector accumulators hide the add latency: the
    // main loop takes ACCUMULATORS·4 elements per iteration, one vector into
    // each (adjacent, or one per stream); a one-vector loop and a scalar tail
    // finish the row
    const accs = Array.from({ length: ACCUMULATORS }, () => fb.addLocal(v128));
    const rLocal = this.local(r);
    // f32 max/min: f32x4.max costs V8 ~8 instructions (NaN and -0 fix-ups); pmax/pmin cost one
    // and are exact unless a NaN appears (flagged here) or the result is ±0 (pmax may pick -0
    // over +0): then the row is reduced again, exactly
    const fast = dtype === 'f32' && (red.kind === 'max' || red.kind === 'min');
    const nan = fast ? fb.addLocal(v128) : -1;
    const value = fast ? fb.addLocal(v128) : -1;
    // accumulator i reads LANES·i elements further on (or i streams of `chunk`): one index,
    // constant offsets
    const streams = r.extent >= STREAM_MIN_ELEMENTS;
    const chunk = Math.floor(r.extent / (LANES * ACCUMULATORS)) * LANES;
    const into = (acc: number, i = 0): Expr => {
      this.env.shift = { varId: r.id, elements: streams ? chunk * i : LANES * i };
      const x = emitVector(fb, step.body, r, this.env);
      delete this.env.shift;
      if (!fast) return m.local.set(acc, emitVectorOp(fb, op, [m.local.get(acc, v128), x], dtype));
      const get = (): Expr => m.local.get(value, v128);
      const pick = (a: Expr, b: Expr): Expr => (red.kind === 'max' ? m.f32x4.pmax(a, b) : m.f32x4.pmin(a, b));
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
      : fb.forLoop(rLocal, 0, r.extent, LANES * ACCUMULATORS, true, body);
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
    const exactAgain = fast
      ? [
          m.if(
            m.i32.or(
              m.v128.any_true(m.local.get(nan, v128)),
              m.f32.eq(m.local.get(result, sType), m.f32.const(0)),
            ),
            m.block(null, [
              m.local.set(result, scalarConst(fb, init, dtype)),
              ...this.nest(red.vars, [accumulate(result)]),
            ]),
          ),
        ]
      : [];
    return [
      ...accs.map((acc) => m.local.set(acc, vectorConst(fb, init, dtype))),
      ...(fast ? [m.local.set(nan, vectorConst(fb, 0, 'i32'))] : []),
      m.local.set(result, scalarConst(fb, init, dtype)),
      ...this.nest(without(red.vars, r), [wideLoop, vectorLoop, ...tail]),
      m.local.set(result, combined),
      ...exactAgain,
    ];
  }

  /** A reduction vectorized across the innermost output axis `d`: one accumulator lane per output. */
  across(reduce: ReduceStep, store: StoreStep, d: LoopVar): Expr[] {
    const { fb } = this;
    const m = fb.m;
    const red = reduce.reduction;
    const dtype = red.dtype;
    const sType = scalarType(fb, dtype);
    const v128 = fb.b.v128;
    const op = COMBINE[red.kind as keyof typeof COMBINE];
    const init = identity(red.kind, dtype);
    const vacc = fb.addLocal(v128);
    const sacc = fb.addLocal(sType);
    this.env.refs.set(reduce.slot, { scalar: sacc, vector: vacc });
    const vectorBody = [
      m.local.set(vacc, vectorConst(fb, init, dtype)),
      ...this.nest(red.vars, [
        m.local.set(
          vacc,
          emitVectorOp(fb, op, [m.local.get(vacc, v128), emitVector(fb, reduce.body, d, this.env)], dtype),
        ),
      ]),
      this.storeVec(store, store.value, d),
    ];
    const tail = (): Expr[] => [
      m.local.set(sacc, scalarConst(fb, init, dtype)),
      ...this.nest(red.vars, [
        m.local.set(
          sacc,
          emitScalarOp(fb, op, [m.local.get(sacc, sType), emitScalar(fb, reduce.body, this.env)], dtype),
        ),
      ]),
      this.store(store, store.value),
    ];
    return this.split(d, vectorBody, tail);
  }
}

function extractLane(fb: FunctionBuilder, vec: Expr, lane: number, dtype: DType): Expr {
  // binaryen.js takes the lane as a plain number; its typings say ExpressionRef
  const index = lane;
  return dtype === 'f32' ? fb.m.f32x4.extract_lane(vec, index) : fb.m.i32x4.extract_lane(vec, index);
}
