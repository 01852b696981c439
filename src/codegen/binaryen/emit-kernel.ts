/**
 * One kernel to one Wasm function: loops over its domain, then its steps at
 * each outer point. The function takes (start, end) over the kernel's range
 * (passes/kernel-range.ts) and runs only that slice of its range's loop:
 * run() calls it over several chunks (emit-run.ts). Vector loops run four elements at a time over the
 * innermost contiguous axis, with a scalar tail:
 *   - elementwise: over the innermost output axis, several vectors
 *     interleaved when the value is a long chain (emit-interleaved.ts);
 *   - a reduction over the innermost input axis: vector accumulators, lanes
 *     combined at the end ("reduce-inner"); the same inside fused row kernels,
 *     whose store steps vectorize over their own innermost axis ("row"), and
 *     which bring the rows they will read or write into cache while a pass
 *     runs (row-prefetch.ts);
 *   - other reductions: across the innermost output axis, one accumulator
 *     lane per output ("across"); both in emit-reduce.ts;
 *   - f32 matmul over affine operands: register tiles (emit-matmul.ts).
 * A step whose expression has no vector form (guards, gathers, i32 division …)
 * stays scalar.
 */
import type Binaryen from 'binaryen';
import { InternalError } from '../../common/errors.js';
import { DTYPE_BYTES } from '../../common/dtype.js';
import * as ix from '../../passes/index-expr.js';
import type { LoopVar } from '../../passes/index-expr.js';
import type { MatmulShape } from '../../passes/matmul-shape.js';
import type { KernelRange } from '../../passes/kernel-range.js';
import { rangeBounds, type RangeBounds } from './range-bounds.js';
import {
  asElementwise,
  asReduction,
  loadsOf,
  stepExprs,
  stepVars,
  type Kernel,
  type KExpr,
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
import { emitAcross, emitReduceInto, reduceLane, type LoopEmitter } from './emit-reduce.js';
import { innermost, LANES, wide, without } from './loop-vars.js';
import { emitInterleaved, interleaveFactor } from './emit-interleaved.js';
import { emitMatmul, matchMatmul } from './emit-matmul.js';
import { emitWindow } from './emit-window.js';
import { planWindow, type WindowPlan } from './window-plan.js';
import { isVectorizableGuarded } from './emit-vector-guard.js';
import type { FunctionBuilder } from './function-builder.js';
import { emitTouches, planRowTouch, type RowTouch } from './row-prefetch.js';
import { softmaxRows, type SoftmaxRow } from './nonpositive-args.js';
import { emitStoreSum, type StoreSum } from './emit-store-sum.js';
import { scalarType } from './scalar-ops.js';
import { THREAD_ID_GLOBAL } from './emit-threads.js';
import { THREAD_VAR_ID } from '../../passes/thread-var.js';

type Expr = Binaryen.ExpressionRef;

/** How a kernel is vectorized, for `ir('fused')` and the tests. */
export type VectorMode =
  'elementwise' | 'reduce-inner' | 'across' | 'window' | 'matmul-tiled' | 'row' | 'scalar';

/** The vector variable of a store step over inner loops, if it vectorizes (contiguous store). */
function storeLane(step: StoreStep): LoopVar | undefined {
  const v = innermost(step.vars);
  if (!wide(v) || !isVectorizable(step.value, v)) return undefined;
  return ix.affineCoef(ix.ravel(step.index, step.node.shape), v) === 1 ? v : undefined;
}

/** How a kernel is vectorized: its mode, the vector variable, and for a tiled matmul its shape. */
export interface VectorChoice {
  readonly mode: VectorMode;
  readonly v: LoopVar | undefined;
  readonly matmul?: MatmulShape;
  /** For a window kernel's fast form, its plan (window-plan.ts). */
  readonly window?: WindowPlan;
}

/** Chooses how to vectorize `kernel`. */
function chooseVectorMode(kernel: Kernel, simd: boolean): VectorChoice {
  const scalar = { mode: 'scalar' as const, v: undefined };
  if (!simd) return scalar;
  const matmul = matchMatmul(kernel);
  if (matmul !== undefined) return { mode: 'matmul-tiled', v: undefined, matmul };
  const d = innermost(kernel.domain);
  // a window kernel's padding guards take a vector form across the output (emit-vector-guard.ts);
  // so do an im2col copy's (unfold: the windows of a conv run as a matmul)
  const window = kernel.kind === 'conv' || kernel.kind === 'pool';
  const unfolds = kernel.covers.some((n) => n.op === 'unfold');
  const elementwise = asElementwise(kernel);
  if (elementwise !== undefined) {
    const value = elementwise.value;
    if (!wide(d)) return scalar;
    const vectorizable =
      isVectorizable(value, d) || (unfolds && isVectorizableGuarded(value, d, isVectorizable));
    return vectorizable ? { mode: 'elementwise', v: d } : scalar;
  }
  const single = asReduction(kernel);
  if (single !== undefined) {
    // a depthwise or small-channel conv or a pool: taps unrolled, vectors over the output width
    const plan = planWindow(kernel, single.reduce, single.store);
    if (plan !== undefined) return { mode: 'window', v: plan.d, window: plan };
    const r = reduceLane(single.reduce);
    if (r !== undefined) return { mode: 'reduce-inner', v: r };
    const red = single.reduce.reduction;
    const vectorOk = red.kind !== 'argmax' && red.kind !== 'argmin' && red.dtype !== 'bool';
    const body = single.reduce.body;
    if (
      vectorOk &&
      wide(d) &&
      (isVectorizable(body, d) || (window && isVectorizableGuarded(body, d, isVectorizable))) &&
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

/**
 * Emits a kernel's function body over the slice of `range` its parameters
 * ask for (the whole kernel when there is no range), and says how it was
 * vectorized (chooseVectorMode).
 */
export function emitKernelBody(
  fb: FunctionBuilder,
  kernel: Kernel,
  env: ExprEnv,
  simd: boolean,
  range?: KernelRange,
): { body: Expr; choice: VectorChoice } {
  const choice = chooseVectorMode(kernel, simd);
  return { body: emitChosen(fb, kernel, env, simd, choice, range), choice };
}

/** Whether any index of `kernel` reads the thread variable. */
function mentionsThreadVar(kernel: Kernel): boolean {
  const v = { id: THREAD_VAR_ID, extent: 1 };
  const indices = [
    ...kernel.steps.flatMap((s) => (s.kind === 'store' ? s.index : [])),
    ...stepExprs(kernel).flatMap((e) => loadsOf(e).flatMap((l) => l.index)),
  ];
  return indices.some((e) => ix.mentions(e, v));
}

function emitChosen(
  fb: FunctionBuilder,
  kernel: Kernel,
  env: ExprEnv,
  simd: boolean,
  choice: VectorChoice,
  range: KernelRange | undefined,
): Expr {
  const m = fb.m;
  const i32 = fb.b.i32;
  const vars = env.vars as Map<number, number>;
  for (const v of [...kernel.domain, ...kernel.steps.flatMap(stepVars)]) vars.set(v.id, fb.addLocal(i32));
  if (kernel.domain.some((v) => v.extent === 0)) return m.nop();
  // the thread variable (a thread's own row buffer, passes/thread-var.ts): this thread's number
  // where the kernel is split in a threaded build, else 0 (one thread, or thread 0 running it whole)
  const setThread: Expr[] = [];
  if (mentionsThreadVar(kernel)) {
    const thread = fb.addLocal(i32);
    vars.set(THREAD_VAR_ID, thread);
    const id = env.threadScratch === true ? m.global.get(THREAD_ID_GLOBAL, i32) : m.i32.const(0);
    setThread.push(m.local.set(thread, id));
  }
  const sliced = range === undefined ? undefined : rangeBounds(fb, range);
  const body = m.block(null, [...setThread, emitSlice(fb, kernel, env, simd, choice, sliced?.bounds)]);
  if (sliced !== undefined && !sliced.bounds.used)
    throw new InternalError(
      'codegen',
      `${kernel.name}: its loops ignore its range (each chunk would run it whole)`,
    );
  if (sliced === undefined) return body;
  // an empty slice does nothing (not even a matmul's packing of B) and leaves by the function's
  // end: V8's baseline tier charges a return its offset in the function's code against the
  // tiering budget, so empty calls spend the budget of the whole function (TIER_KERNEL_EXPORT)
  const skip = `${kernel.name}_empty`;
  const { start, end } = sliced.bounds;
  return m.block(skip, [
    ...sliced.setup,
    m.br(skip, m.i32.ge_s(m.local.get(start, i32), m.local.get(end, i32))),
    body,
  ]);
}

function emitSlice(
  fb: FunctionBuilder,
  kernel: Kernel,
  env: ExprEnv,
  simd: boolean,
  choice: VectorChoice,
  bounds: RangeBounds | undefined,
): Expr {
  const m = fb.m;
  if (choice.matmul !== undefined) return emitMatmul(fb, kernel, choice.matmul, env, bounds);
  const { mode, v } = choice;
  const prefetch = mode === 'row' ? planRowTouch(fb, kernel, env) : undefined;
  const rows = softmaxRows(kernel);
  const rowEnv = rows.length === 0 ? env : { ...env, times2p25: new Set(rows.map((row) => row.exp)) };
  const e = new StepEmitter(
    fb,
    rowEnv,
    simd,
    prefetch?.touch,
    bounds,
    new Set(rows.map((row) => row.max)),
    new Map(rows.map((row) => [row.store, row])),
  );
  const elementwise = asElementwise(kernel);
  if (mode === 'elementwise' && v !== undefined && elementwise !== undefined) {
    return m.block(null, e.nest(without(kernel.domain, v), e.storeLoops(elementwise, v)));
  }
  const single = asReduction(kernel);
  const plan = choice.window;
  // (a range over the output column itself would need the column loops to follow it: generic loops then)
  if (plan !== undefined && single !== undefined && bounds?.id !== plan.d.id) {
    return m.block(
      null,
      e.nest(without(kernel.domain, plan.d), emitWindow(e, single.reduce, single.store, plan)),
    );
  }
  if (mode === 'across' && v !== undefined && single !== undefined) {
    return m.block(null, e.nest(without(kernel.domain, v), emitAcross(e, single.reduce, single.store, v)));
  }
  // generic: scalar outer loops, each step vectorized over its own innermost variable where it can be
  return m.block(
    null,
    e.nest(kernel.domain, [...(prefetch?.perRow ?? []), ...kernel.steps.flatMap((step) => e.step(step))]),
  );
}

/** Emission of loops and steps for one kernel function. */
class StepEmitter implements LoopEmitter {
  constructor(
    readonly fb: FunctionBuilder,
    readonly env: ExprEnv,
    readonly simd: boolean,
    /** The rows a row kernel touches ahead of use, and the step whose main loop loads them (row-prefetch.ts). */
    readonly touch?: RowTouch,
    /** This call's slice of the kernel's range variable. */
    readonly bounds?: RangeBounds,
    /** Max reduce slots that need no NaN check (softmax's; nonpositive-args.ts). */
    readonly nanSafe: ReadonlySet<number> = new Set(),
    /** Softmax rows by the row-local store of t, whose following sum reads exactly the stored elements. */
    readonly rowsOfStores: ReadonlyMap<Step, SoftmaxRow> = new Map(),
  ) {}

  withEnv(env: ExprEnv): StepEmitter {
    return new StepEmitter(this.fb, env, this.simd, this.touch, this.bounds, this.nanSafe, this.rowsOfStores);
  }

  /** Sums already accumulated by their store's loops (emitted as nothing). */
  private readonly fusedSums = new Set<Step>();

  local(v: LoopVar): number {
    return this.env.vars.get(v.id) as number;
  }

  /** The touching loads for `step`'s main loop over `v`, when `step` is the touch's host. */
  touches(step: Step, v: LoopVar, elements: number): Expr[] {
    const touch = this.touch;
    return touch?.host === step ? emitTouches(this.fb, touch, v, elements, this.env) : [];
  }

  /**
   * A loop over `v` by `step` (`whole`: only whole steps) from its start
   * ('start') or from where v is ('here') to its end: over [0, extent), or
   * for the range variable over this call's slice.
   */
  loop(v: LoopVar, from: 'start' | 'here', step: number, whole: boolean, body: Expr[]): Expr {
    const bounds = this.bounds;
    if (bounds?.id !== v.id)
      return this.fb.forLoop(this.local(v), from === 'start' ? 0 : null, v.extent, step, whole, body);
    const start = from === 'start' ? this.fb.m.local.get(bounds.start, this.fb.b.i32) : null;
    bounds.used = true;
    return this.fb.forRange(this.local(v), start, bounds.end, step, whole, body);
  }

  /** Loops over `loopVars` (outermost first) around `body`. */
  nest(loopVars: readonly LoopVar[], body: Expr[]): Expr[] {
    let inner = body;
    for (let i = loopVars.length - 1; i >= 0; i--) {
      const v = loopVars[i] as LoopVar;
      if (v.extent === 1) continue;
      inner = [this.loop(v, 'start', 1, false, inner)];
    }
    return inner;
  }

  /**
   * The loops storing `step` along its vector variable `v`: several
   * vectors per iteration, op by op, when the value is worth it (see
   * emit-interleaved.ts); then one vector at a time; then the scalar tail.
   */
  storeLoops(step: StoreStep, v: LoopVar, sum?: StoreSum): Expr[] {
    const single = (): Expr[] =>
      sum === undefined ? [this.storeVec(step, step.value, v)] : sum.vector(step, v);
    const tail = (): Expr[] => (sum === undefined ? [this.store(step, step.value)] : sum.scalar(step));
    const vectors = interleaveFactor(step.value);
    if (vectors === 0 || v.extent < LANES * vectors) return this.split(v, single(), tail);
    const { stmts, results } = emitInterleaved(this.fb, step.value, v, this.env, vectors);
    const stores = results.map((r, u) =>
      this.storeVec(step, step.value, v, this.fb.m.local.get(r, this.fb.b.v128), LANES * u),
    );
    const sums = sum === undefined ? [] : [sum.add(results)];
    const step4 = LANES * results.length;
    const touches = this.touches(step, v, step4);
    const wide = this.loop(v, 'start', step4, true, [...touches, ...stmts, ...stores, ...sums]);
    return [wide, ...this.split(v, single(), tail, false)];
  }

  /** The vector loop over `v` (from 0, or from where v is when `fromStart` is false) then its scalar tail. */
  split(v: LoopVar, vectorBody: Expr[], tailBody: () => Expr[], fromStart = true): Expr[] {
    const out = [this.loop(v, fromStart ? 'start' : 'here', LANES, true, vectorBody)];
    // a slice of the range may end inside a vector (a unit of one step)
    if (v.extent % LANES !== 0 || this.bounds?.id === v.id)
      out.push(this.loop(v, 'here', 1, false, tailBody()));
    return out;
  }

  /** Stores `value` at the current point (`computed`: already emitted). */
  store(step: StoreStep, value: KExpr, computed?: Expr): Expr {
    const flat = ix.ravel(step.index, step.node.shape);
    return emitScalarStore(
      this.fb,
      this.address(step),
      flat,
      step.node.dtype,
      computed ?? emitScalar(this.fb, value, this.env),
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
      const row = this.rowsOfStores.get(step);
      const sum = row?.sum;
      // softmax's t and $s: the sum accumulated by the loops storing t (emit-store-sum.ts)
      const fusable = sum?.reduction.dtype === 'f32' && step.node.dtype === 'f32';
      if (sum !== undefined && fusable && without(step.vars, v).every((u) => u.extent === 1)) {
        this.fusedSums.add(sum);
        return emitStoreSum(this, step, v, sum, row);
      }
      return this.nest(without(step.vars, v), this.storeLoops(step, v));
    }
    if (this.fusedSums.has(step)) return [];
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
    return emitReduceInto(this, step, result, this.nanSafe.has(step.slot));
  }
}
