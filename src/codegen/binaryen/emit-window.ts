/**
 * The fast form of a window kernel (a depthwise or small-channel conv, a
 * pool; planned by window-plan.ts): per output row, the border columns run
 * the guarded scalar body, the interior columns run several vectors of four
 * outputs at once with every tap unrolled and unguarded — one pointer per
 * input for all taps, each tap a load at a constant offset. Row guards (a tap
 * row in the vertical padding) are checked once per row: rows where all hold
 * take the unguarded loop, the others the same loop with each tap under its
 * row's `if`. A strided column reads its lanes with two loads and a shuffle
 * (stride 2) or lane by lane, never past the last element it needs.
 */
import type Binaryen from 'binaryen';
import { DTYPE_BYTES } from '../../common/dtype.js';
import { InternalError } from '../../common/errors.js';
import * as ix from '../../passes/index-expr.js';
import type { IndexExpr, LoopVar } from '../../passes/index-expr.js';
import type { Guard, KExpr, ReduceStep, StoreStep } from '../../passes/kernel.js';
import { emitScalar, emitScalarLoad, emitVector, emitVectorOpOf, splat } from './emit-expr.js';
import { emitIndex } from './emit-index.js';
import type { LoopEmitter } from './emit-reduce.js';
import type { FunctionBuilder } from './function-builder.js';
import { LANES } from './loop-vars.js';
import { identity } from './reduce-identity.js';
import { emitScalarOp, scalarConst } from './scalar-ops.js';
import { emitVectorOp, vectorConst } from './vector-ops.js';
import type { WindowPlan, WindowTap } from './window-plan.js';

type Expr = Binaryen.ExpressionRef;

/** The loop emitter, with vector stores of an already computed value at a shift. */
export interface WindowEmitter extends LoopEmitter {
  storeVec(step: StoreStep, value: KExpr, v: LoopVar, computed?: Expr, shift?: number): Expr;
}

/** Vectors of four outputs computed per interior iteration (independent accumulators). */
const MAX_VECTORS = 4;

const COMBINE = { sum: 'add', max: 'maximum' } as const;

/** Byte pointers shared by the loads of one vector iteration: each distinct variable part once. */
class Pointers {
  private readonly locals = new Map<string, { local: number; value: IndexExpr }>();
  constructor(private readonly fb: FunctionBuilder) {}

  /** The local holding `bytes` (a variable byte offset), computed at the iteration's start. */
  get(bytes: IndexExpr): Expr {
    const key = ix.exprKey(bytes);
    let entry = this.locals.get(key);
    if (entry === undefined) {
      entry = { local: this.fb.addLocal(this.fb.b.i32), value: bytes };
      this.locals.set(key, entry);
    }
    return this.fb.m.local.get(entry.local, this.fb.b.i32);
  }

  /** The sets of every pointer used so far. */
  sets(env: Parameters<typeof emitIndex>[2]): Expr[] {
    return [...this.locals.values()].map((p) =>
      this.fb.m.local.set(p.local, emitIndex(this.fb, p.value, env)),
    );
  }
}

/** Shuffle lanes 0 and 2 of `a`, then 1 and 3 of `b`: elements 0, 2 of a load at p and 1, 3 of one at p + 3. */
const EVEN_LANES = [0, 1, 2, 3, 8, 9, 10, 11, 20, 21, 22, 23, 28, 29, 30, 31];

/** Emits the fast window loops over the output column, at one outer point. */
export function emitWindow(e: WindowEmitter, reduce: ReduceStep, store: StoreStep, plan: WindowPlan): Expr[] {
  const { fb, env } = e;
  const m = fb.m;
  const v128 = fb.b.v128;
  const f32 = fb.b.f32;
  const { d, lo, hi } = plan;
  const red = reduce.reduction;
  const op = COMBINE[plan.kind];
  const init = identity(plan.kind, 'f32');
  const dLocal = e.local(d);
  const sacc = fb.addLocal(f32);
  const accs = Array.from({ length: MAX_VECTORS }, () => fb.addLocal(v128));

  // one output at a time under every guard: the border columns and the interior's remainder
  const scalarPoint = (): Expr[] => {
    env.refs.set(reduce.slot, { scalar: sacc });
    return [
      m.local.set(sacc, scalarConst(fb, init, 'f32')),
      ...e.nest(red.vars, [
        m.local.set(
          sacc,
          emitScalarOp(fb, op, [m.local.get(sacc, f32), emitScalar(fb, reduce.body, env)], 'f32'),
        ),
      ]),
      e.store(store, store.value),
    ];
  };

  /** `value` at the four outputs of vector `u` (4u columns on), loads through `pointers`. */
  const vectorOf = (value: KExpr, u: number, pointers: Pointers, shared: Map<KExpr, number>): Expr => {
    switch (value.k) {
      case 'const':
        return vectorConst(fb, value.value, 'f32');
      case 'op':
        return emitVectorOpOf(
          fb,
          value,
          value.args.map((a) => vectorOf(a, u, pointers, shared)),
          env,
        );
      case 'load':
        return loadOf(value, u, pointers, shared);
      default:
        throw new InternalError('codegen', `window tap value ${value.k} has no window form`);
    }
  };

  const loadOf = (
    load: Extract<KExpr, { k: 'load' }>,
    u: number,
    pointers: Pointers,
    shared: Map<KExpr, number>,
  ): Expr => {
    const bytes = DTYPE_BYTES.f32;
    const flat = ix.ravel(load.index, load.node.shape);
    const coef = ix.affineCoef(flat, d) ?? 0;
    const address = env.addresses.get(load.node.id) as number;
    if (coef === 0) {
      // the same for every vector of the iteration: splat once
      const local = shared.get(load);
      if (local !== undefined) return m.local.get(local, v128);
      const fresh = fb.addLocal(v128);
      shared.set(load, fresh);
      return m.local.tee(fresh, splat(fb, emitScalarLoad(fb, address, flat, 'f32', env), 'f32'), v128);
    }
    const varPart = ix.scale({ c: 0, terms: flat.terms }, bytes);
    let offset = address + (flat.c + coef * LANES * u) * bytes;
    let base = (): Expr => pointers.get(varPart);
    if (offset < 0 || flat.terms.some((t) => t.coef <= 0)) {
      // a negative constant cannot be a memarg offset: the whole index is the pointer
      const at = ix.addConst(varPart, offset - address);
      base = () => emitIndex(fb, at, env);
      offset = address;
    }
    if (coef === 1) return m.v128.load(offset, 4, base());
    if (coef === 2) {
      const second = m.v128.load(offset + 3 * bytes, 4, base());
      return m.i8x16.shuffle(m.v128.load(offset, 4, base()), second, EVEN_LANES);
    }
    let lanes = m.v128.load32_zero(offset, 4, base());
    for (let lane = 1; lane < LANES; lane++)
      lanes = m.v128.load32_lane(offset + lane * coef * bytes, 4, lane, base(), lanes);
    return lanes;
  };

  const rowCondition = (guards: readonly Guard[]): Expr | undefined => {
    let cond: Expr | undefined;
    for (const g of guards) {
      const ok = m.i32.lt_u(emitIndex(fb, g.index, env), m.i32.const(g.size));
      cond = cond === undefined ? ok : m.i32.and(cond, ok);
    }
    return cond;
  };

  const madd = plan.kind === 'sum' ? fb.fusedMaddF32x4 : undefined;
  /** The update of each accumulator by one tap. */
  const tapUpdates = (tap: WindowTap, vectors: number, pointers: Pointers): Expr[] => {
    const shared = new Map<KExpr, number>();
    return accs.slice(0, vectors).map((acc, u) => {
      const value = tap.value;
      const get = m.local.get(acc, v128);
      if (madd !== undefined && value.k === 'op' && value.op === 'mul') {
        const [a, b] = value.args.map((x) => vectorOf(x, u, pointers, shared)) as [Expr, Expr];
        return m.local.set(acc, madd(a, b, get));
      }
      return m.local.set(acc, emitVectorOp(fb, op, [get, vectorOf(value, u, pointers, shared)], 'f32'));
    });
  };

  /** One iteration over `vectors` vectors of outputs (taps under their row guards when `guardRows`). */
  const vectorBlock = (vectors: number, guardRows: boolean): Expr[] => {
    const pointers = new Pointers(fb);
    const updates: Expr[] = [];
    for (const tap of plan.taps) {
      const each = tapUpdates(tap, vectors, pointers);
      const cond = guardRows ? rowCondition(tap.rowGuards) : undefined;
      updates.push(cond === undefined ? m.block(null, each) : m.if(cond, m.block(null, each)));
    }
    const stores = accs.slice(0, vectors).map((acc, u) => {
      env.refs.set(reduce.slot, { scalar: sacc, vector: acc });
      env.shift = { varId: d.id, elements: LANES * u };
      const value = emitVector(fb, store.value, d, env);
      delete env.shift;
      return e.storeVec(store, store.value, d, value, LANES * u);
    });
    return [
      ...accs.slice(0, vectors).map((acc) => m.local.set(acc, vectorConst(fb, init, 'f32'))),
      ...e.nest(plan.looped, [...pointers.sets(env), ...updates]),
      ...stores,
    ];
  };

  const vectors = Math.min(MAX_VECTORS, Math.floor((hi - lo) / LANES));
  const interior = (guardRows: boolean): Expr => {
    const loops: Expr[] = [];
    if (vectors > 1) {
      loops.push(fb.forLoop(dLocal, lo, hi, LANES * vectors, true, vectorBlock(vectors, guardRows)));
      loops.push(fb.forLoop(dLocal, null, hi, LANES, true, vectorBlock(1, guardRows)));
    } else loops.push(fb.forLoop(dLocal, lo, hi, LANES, true, vectorBlock(1, guardRows)));
    return m.block(null, loops);
  };

  // every distinct row guard, for the check that takes the unguarded loop
  const rowGuards = new Map<string, Guard>();
  for (const tap of plan.taps)
    for (const g of tap.rowGuards) rowGuards.set(`${ix.exprKey(g.index)}<${g.size}`, g);
  const allRows = rowCondition([...rowGuards.values()]);
  const out: Expr[] = [];
  if (lo > 0) out.push(fb.forLoop(dLocal, 0, lo, 1, false, scalarPoint()));
  out.push(allRows === undefined ? interior(false) : m.if(allRows, interior(false), interior(true)));
  if (hi < d.extent || (hi - lo) % LANES !== 0)
    out.push(fb.forLoop(dLocal, null, d.extent, 1, false, scalarPoint()));
  return out;
}
