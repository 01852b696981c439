/**
 * A sum fused into the loops that store the values it sums: softmax's row
 * sum $s = Σ t is accumulated while t = exp(x − $m) is computed and stored,
 * instead of in a later pass that loads t again (XNNPACK's
 * raddstoreexpminusmax does the same). Each iteration's vectors are added
 * pairwise into one vector accumulator, the scalar tail into the result, then
 * the accumulator's lanes: the sum's order differs from a separate
 * reduction's (four accumulators over adjacent vectors), within the sum's
 * tolerance (accumulation order). One accumulator, not one per interleaved
 * vector: 5 accumulators spilled (W3, one process, load 13: 5 accumulators
 * 2-4% slower than the separate pass on Node 20 and 24, 1 2-5% faster).
 */
import type Binaryen from 'binaryen';
import type { LoopVar } from '../../passes/index-expr.js';
import type { ReduceStep, StoreStep } from '../../passes/kernel.js';
import { emitScalar, emitVector, type ExprEnv } from './emit-expr.js';
import type { FunctionBuilder } from './function-builder.js';
import type { SoftmaxRow } from './nonpositive-args.js';
import { emitRowShiftBranch } from './softmax-shift.js';

type Expr = Binaryen.ExpressionRef;

/** What a store loop does besides storing when a sum rides along (StepEmitter.storeLoops). */
export interface StoreSum {
  /** The accumulator += the sum of the vectors in the locals `values` (interleaved results already stored). */
  add(values: readonly number[]): Expr;
  /** One vector of `step` at `v`: computed, stored and added into the accumulator. */
  vector(step: StoreStep, v: LoopVar): Expr[];
  /** One element of `step`: computed, stored and added into the scalar result. */
  scalar(step: StoreStep): Expr[];
}

/** What the fused sum needs from the kernel's step emitter. */
export interface StoreSumEmitter {
  readonly fb: FunctionBuilder;
  readonly env: ExprEnv;
  /** The same emitter over another expression environment (softmax-shift.ts). */
  withEnv(env: ExprEnv): StoreSumEmitter;
  /** The store loops of `step` along `v`, each also handing its values to `sum`. */
  storeLoops(step: StoreStep, v: LoopVar, sum: StoreSum): Expr[];
  /** A vector store of `computed` at four consecutive `v`. */
  storeVec(step: StoreStep, value: StoreStep['value'], v: LoopVar, computed: Expr): Expr;
  /** A scalar store of `computed` at the current point. */
  store(step: StoreStep, value: StoreStep['value'], computed: Expr): Expr;
}

/**
 * The loops storing `store` along `v` that also compute `sum` (an f32 sum over
 * exactly the stored elements; nonpositive-args.ts softmaxRows) into a new
 * local, bound to the sum's slot: the sum step itself then emits nothing.
 */
export function emitStoreSum(
  e: StoreSumEmitter,
  store: StoreStep,
  v: LoopVar,
  sum: ReduceStep,
  row?: SoftmaxRow,
): Expr[] {
  const { fb, env } = e;
  const m = fb.m;
  const v128 = fb.b.v128;
  const f32 = fb.b.f32;
  const result = fb.addLocal(f32);
  env.refs.set(sum.slot, { scalar: result });
  const acc = fb.addLocal(v128);
  // the vectors pairwise, then into the accumulator: the accumulator's chain has one add per
  // iteration, so the rounding error grows as with the separate pass's four accumulators
  const pairwise = (values: readonly number[]): Expr => {
    if (values.length === 1) return m.local.get(values[0] as number, v128);
    const half = Math.ceil(values.length / 2);
    return m.f32x4.add(pairwise(values.slice(0, half)), pairwise(values.slice(half)));
  };
  const add = (values: readonly number[]): Expr =>
    m.local.set(acc, m.f32x4.add(m.local.get(acc, v128), pairwise(values)));
  const sink = (env: ExprEnv): StoreSum => ({
    add,
    vector: (step, lane) => {
      const value = fb.addLocal(v128);
      return [
        m.local.set(value, emitVector(fb, step.value, lane, env)),
        e.storeVec(step, step.value, lane, m.local.get(value, v128)),
        add([value]),
      ];
    },
    scalar: (step) => {
      const value = fb.addLocal(f32);
      return [
        m.local.set(value, emitScalar(fb, step.value, env)),
        e.store(step, step.value, m.local.get(value, f32)),
        m.local.set(result, m.f32.add(m.local.get(result, f32), m.local.get(value, f32))),
      ];
    },
  });
  // a softmax row computes t from x alone where its shift applies (softmax-shift.ts)
  const loops = (at: ExprEnv): Expr[] => e.withEnv(at).storeLoops(store, v, sink(at));
  const stores = row === undefined ? loops(env) : emitRowShiftBranch(fb, env, row, loops);
  const combined = fb.bind(
    m.local.get(acc, v128),
    v128,
    (get) =>
      [0, 1, 2, 3]
        .map((lane) => m.f32x4.extract_lane(get(), lane))
        .reduce((a, b) => m.f32.add(a, b), m.local.get(result, f32)),
    f32,
  );
  return [
    m.local.set(acc, fb.v128Const(new Uint8Array(16))),
    m.local.set(result, m.f32.const(0)),
    ...stores,
    m.local.set(result, combined),
  ];
}
