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
import { columnLayout, tapInColumn, type WindowPlan, type WindowTap } from './window-plan.js';

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

/** Row-invariant values kept in registers at most (15 XMM registers: 4 accumulators and temporaries besides). */
const MAX_ROW_INVARIANTS = 9;

/** The loads of `value` that do not move along `d`. */
function invariantLoads(value: KExpr, d: LoopVar): Extract<KExpr, { k: 'load' }>[] {
  if (value.k === 'op') return value.args.flatMap((a) => invariantLoads(a, d));
  if (value.k !== 'load') return [];
  return ix.affineCoef(ix.ravel(value.index, value.node.shape), d) === 0 ? [value] : [];
}

/** Emits the fast window loops over the output column, at one outer point. */
export function emitWindow(e: WindowEmitter, reduce: ReduceStep, store: StoreStep, plan: WindowPlan): Expr[] {
  const { fb, env } = e;
  const m = fb.m;
  const v128 = fb.b.v128;
  const f32 = fb.b.f32;
  const { d } = plan;
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

  /**
   * `value` at the four outputs of vector `u` (4u columns on), loads through
   * `pointers`; with `lanes`, only the lanes marked true are loaded (the others
   * read nothing and hold garbage the caller masks out).
   */
  const vectorOf = (
    value: KExpr,
    u: number,
    pointers: Pointers,
    shared: Map<KExpr, number>,
    lanes?: readonly boolean[],
  ): Expr => {
    switch (value.k) {
      case 'const':
        return vectorConst(fb, value.value, 'f32');
      case 'op':
        return emitVectorOpOf(
          fb,
          value,
          value.args.map((a) => vectorOf(a, u, pointers, shared, lanes)),
          env,
        );
      case 'load':
        return loadOf(value, u, pointers, shared, lanes);
      default:
        throw new InternalError('codegen', `window tap value ${value.k} has no window form`);
    }
  };

  const loadOf = (
    load: Extract<KExpr, { k: 'load' }>,
    u: number,
    pointers: Pointers,
    shared: Map<KExpr, number>,
    lanes: readonly boolean[] | undefined,
  ): Expr => {
    const bytes = DTYPE_BYTES.f32;
    const flat = ix.ravel(load.index, load.node.shape);
    const coef = ix.affineCoef(flat, d) ?? 0;
    const address = env.addresses.get(load.node.id) as number;
    if (coef === 0) {
      // the same for every vector of the iteration (or the row): splat once
      const local = shared.get(load) ?? rowInvariant.get(load);
      if (local !== undefined) return m.local.get(local, v128);
      const fresh = fb.addLocal(v128);
      shared.set(load, fresh);
      return m.local.tee(fresh, splat(fb, emitScalarLoad(fb, address, flat, 'f32', env), 'f32'), v128);
    }
    const varPart = ix.scale({ c: 0, terms: flat.terms }, bytes);
    /** Memarg offset and pointer of the element `extra` past the current point's. */
    const at = (extra: number): [number, Expr] => {
      const offset = address + (flat.c + extra) * bytes;
      if (offset >= 0 && flat.terms.every((t) => t.coef > 0)) return [offset, pointers.get(varPart)];
      // a negative constant cannot be a memarg offset: the whole index is the pointer
      return [address, emitIndex(fb, ix.addConst(varPart, (flat.c + extra) * bytes), env)];
    };
    const first = coef * LANES * u;
    if (lanes !== undefined && !lanes.every(Boolean)) {
      let out = vectorConst(fb, 0, 'f32');
      lanes.forEach((valid, lane) => {
        if (!valid) return;
        const [offset, ptr] = at(first + lane * coef);
        out = m.v128.load32_lane(offset, 4, lane, ptr, out);
      });
      return out;
    }
    if (coef === 1) {
      const [offset, ptr] = at(first);
      return m.v128.load(offset, 4, ptr);
    }
    if (coef === 2) {
      const [o0, p0] = at(first);
      const [o1, p1] = at(first + 3);
      return m.i8x16.shuffle(m.v128.load(o0, 4, p0), m.v128.load(o1, 4, p1), EVEN_LANES);
    }
    const [o0, p0] = at(first);
    let out = m.v128.load32_zero(o0, 4, p0);
    for (let lane = 1; lane < LANES; lane++) {
      const [offset, ptr] = at(first + lane * coef);
      out = m.v128.load32_lane(offset, 4, lane, ptr, out);
    }
    return out;
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

  /** The vector stores of accumulators 0 .. vectors-1 through the epilogue. */
  const storesOf = (vectors: number): Expr[] =>
    accs.slice(0, vectors).map((acc, u) => {
      env.refs.set(reduce.slot, { scalar: sacc, vector: acc });
      env.shift = { varId: d.id, elements: LANES * u };
      const value = emitVector(fb, store.value, d, env);
      delete env.shift;
      return e.storeVec(store, store.value, d, value, LANES * u);
    });

  /** Accumulators from the identity, the taps' updates inside the looped variables, then the stores. */
  const accumulate = (vectors: number, pointers: Pointers, updates: Expr[]): Expr[] => [
    ...accs.slice(0, vectors).map((acc) => m.local.set(acc, vectorConst(fb, init, 'f32'))),
    ...e.nest(plan.looped, [...pointers.sets(env), ...updates]),
    ...storesOf(vectors),
  ];

  const underRow = (tap: WindowTap, guardRows: boolean, each: Expr[]): Expr => {
    const cond = guardRows ? rowCondition(tap.rowGuards) : undefined;
    return cond === undefined ? m.block(null, each) : m.if(cond, m.block(null, each));
  };

  /** One iteration over `vectors` vectors of interior outputs (taps under their row guards when `guardRows`). */
  const vectorBlock = (vectors: number, guardRows: boolean): Expr[] => {
    const pointers = new Pointers(fb);
    const updates = plan.taps.map((tap) => underRow(tap, guardRows, tapUpdates(tap, vectors, pointers)));
    return accumulate(vectors, pointers, updates);
  };

  const identityVector = (): Expr => vectorConst(fb, init, 'f32');
  /**
   * The vector of outputs at columns d0 .. d0+3 (a compile-time position near
   * a border): a tap in range for every lane is a plain update, one in range
   * for some lanes loads only those and takes the identity in the others, one
   * in range for none is left out.
   */
  const borderBlock = (d0: number, guardRows: boolean): Expr => {
    const pointers = new Pointers(fb);
    const updates: Expr[] = [];
    for (const tap of plan.taps) {
      const lanes = Array.from({ length: LANES }, (_, lane) => tapInColumn(tap, d0 + lane));
      if (!lanes.some(Boolean)) continue;
      if (lanes.every(Boolean)) {
        updates.push(underRow(tap, guardRows, tapUpdates(tap, 1, pointers)));
        continue;
      }
      const acc = accs[0] as number;
      const value = vectorOf(tap.value, 0, pointers, new Map(), lanes);
      const mask = new Uint8Array(16);
      lanes.forEach((valid, lane) => mask.fill(valid ? 0xff : 0, lane * 4, lane * 4 + 4));
      const masked = m.v128.bitselect(value, identityVector(), fb.v128Const(mask));
      const update = m.local.set(acc, emitVectorOp(fb, op, [m.local.get(acc, v128), masked], 'f32'));
      updates.push(underRow(tap, guardRows, [update]));
    }
    return m.block(null, [m.local.set(dLocal, m.i32.const(d0)), ...accumulate(1, pointers, updates)]);
  };

  // with no looped variable, a value the same along the row (a weight) is splat once per row into
  // a register, when the taps leave enough registers for it besides the accumulators
  const rowInvariant = new Map<KExpr, number>();
  const rowSets: Expr[] = [];
  if (plan.looped.length === 0 && plan.taps.length <= MAX_ROW_INVARIANTS) {
    for (const tap of plan.taps)
      for (const load of invariantLoads(tap.value, d)) {
        const local = fb.addLocal(v128);
        rowSets.push(
          m.local.set(
            local,
            splat(
              fb,
              emitScalarLoad(
                fb,
                env.addresses.get(load.node.id) as number,
                ix.ravel(load.index, load.node.shape),
                'f32',
                env,
              ),
              'f32',
            ),
          ),
        );
        rowInvariant.set(load, local);
      }
  }
  const { left, interior, right, scalarFrom } = columnLayout(plan);
  const row = (guardRows: boolean): Expr => {
    const parts = left.map((d0) => borderBlock(d0, guardRows));
    if (interior !== undefined) {
      const { from, to } = interior;
      const vectors = Math.min(MAX_VECTORS, (to - from) / LANES);
      if (vectors > 1) {
        parts.push(fb.forLoop(dLocal, from, to, LANES * vectors, true, vectorBlock(vectors, guardRows)));
        parts.push(fb.forLoop(dLocal, null, to, LANES, true, vectorBlock(1, guardRows)));
      } else parts.push(fb.forLoop(dLocal, from, to, LANES, true, vectorBlock(1, guardRows)));
    }
    parts.push(...right.map((d0) => borderBlock(d0, guardRows)));
    return m.block(null, parts);
  };

  // every distinct row guard, for the check that takes the unguarded loop
  const rowGuards = new Map<string, Guard>();
  for (const tap of plan.taps)
    for (const g of tap.rowGuards) rowGuards.set(`${ix.exprKey(g.index)}<${g.size}`, g);
  const allRows = rowCondition([...rowGuards.values()]);
  const out: Expr[] = [...rowSets, allRows === undefined ? row(false) : m.if(allRows, row(false), row(true))];
  if (scalarFrom < d.extent) out.push(fb.forLoop(dLocal, scalarFrom, d.extent, 1, false, scalarPoint()));
  return out;
}
