/**
 * Kernel body expressions to Wasm, in scalar mode (one element) or vector
 * mode (four consecutive values of the vector loop variable). Loads read
 * buffers at their planned absolute addresses (the Wasm memarg offset), so
 * every address is a constant baked into the code; with `addressOperands`
 * the address is an `i32.const` added to the pointer instead, which
 * Binaryen's merge-similar-functions can turn into a parameter of one
 * function shared by kernels that differ only in their buffers (emit-module.ts).
 */
import type Binaryen from 'binaryen';
import { DTYPE_BYTES, type DType } from '../../common/dtype.js';
import { InternalError } from '../../common/errors.js';
import * as ix from '../../passes/index-expr.js';
import type { IndexExpr, LoopVar } from '../../passes/index-expr.js';
import type { Guard, KExpr } from '../../passes/kernel.js';
import { emitIndex, type IndexEnv } from './emit-index.js';
import { emitVectorGuard } from './emit-vector-guard.js';
import type { FunctionBuilder } from './function-builder.js';
import {
  emitExpNonpositive,
  emitExpNonpositiveTimes2p25,
  emitExpRowShifted,
  type RowShift,
} from './math/index.js';
import { emitScalarCast, emitScalarOp, scalarConst, scalarType } from './scalar-ops.js';
import { emitVectorCast, emitVectorOp, hasVectorForm, vectorConst } from './vector-ops.js';

type Expr = Binaryen.ExpressionRef;

/** Everything expression emission needs about the kernel being emitted. */
export interface ExprEnv extends IndexEnv {
  /** Node id -> absolute byte address of its buffer. */
  readonly addresses: ReadonlyMap<number, number>;
  /** Expressions known to be <= 0, -inf or NaN (x - max(x)): exp of them takes a cheaper form. */
  readonly nonpositive: ReadonlySet<KExpr>;
  /** exp nodes emitted as exp·2^25 (softmax's row, where the factor cancels; nonpositive-args.ts). */
  readonly times2p25?: ReadonlySet<KExpr>;
  /**
   * exp(x - $m) nodes emitted as exp(x - K·ln2)·2^25 from x alone, with the
   * row's locals (softmax-shift.ts): scalar ones in scalar code, splats in vector code.
   */
  readonly rowShifts?: ReadonlyMap<KExpr, { readonly scalar: RowShift; readonly vector: RowShift }>;
  /** Relaxed SIMD is enabled: matmul tiles use fused multiply-adds. */
  readonly relaxedSimd: boolean;
  /** Absolute address of the kernel's scratch, when the planner reserved one. */
  readonly scratch: number | undefined;
  /**
   * A threaded build's split kernel: each thread uses its own slice of the
   * scratch (scratch + thread_id · the kernel's scratch bytes per thread) and
   * its own rows of a row-local buffer (the thread variable is thread_id).
   */
  readonly threadScratch?: boolean;
  /** Absolute address of the kernel's packed copy of B (filled by the module's pack function), if planned. */
  readonly packed: number | undefined;
  /** Registers a run-time check site (for error messages); returns its id (>= 1). */
  readonly addCheckSite: (what: string) => number;
  /** Gather slot -> local, filled in as binds are emitted. */
  readonly slots: Map<number, number>;
  /** Reduce-step slot -> the local holding its result (a vector local where one accumulates per lane). */
  /**
   * When set, vector loads contiguous along `varId` read `elements` further on
   * (a constant memarg offset), for unrolled loops that share one index.
   */
  shift?: { readonly varId: number; readonly elements: number };
  readonly refs: Map<number, { readonly scalar: number; readonly vector?: number }>;
  /** Binding id -> the local holding its value in the expression being emitted (scalar or v128). */
  readonly lets: Map<number, number>;
}

function addressOf(env: ExprEnv, nodeId: number): number {
  const a = env.addresses.get(nodeId);
  if (a === undefined) throw new InternalError('codegen', `value %${nodeId} has no planned address`);
  return a;
}

/**
 * The pointer and memarg offset of a flat element index of the buffer at
 * `address`: (byte index, address), or (byte index + address, 0) with
 * env.addressOperands.
 */
function memoryOperand(
  fb: FunctionBuilder,
  address: number,
  flat: IndexExpr,
  dtype: DType,
  env: ExprEnv,
): { ptr: Expr; offset: number } {
  const ptr = emitIndex(fb, ix.scale(flat, DTYPE_BYTES[dtype]), env);
  if (env.addressOperands !== true) return { ptr, offset: address };
  return { ptr: fb.m.i32.add(ptr, fb.m.i32.const(address)), offset: 0 };
}

/** Scalar load of `dtype` at buffer `address` + flat element index. */
export function emitScalarLoad(
  fb: FunctionBuilder,
  address: number,
  flat: IndexExpr,
  dtype: DType,
  env: ExprEnv,
): Expr {
  const { ptr, offset } = memoryOperand(fb, address, flat, dtype, env);
  if (dtype === 'f32') return fb.m.f32.load(offset, 4, ptr);
  if (dtype === 'i32') return fb.m.i32.load(offset, 4, ptr);
  // any non-zero byte is true (a user may write 2 into a bool view)
  return fb.m.i32.ne(fb.m.i32.load8_u(offset, 1, ptr), fb.m.i32.const(0));
}

/** Scalar store. */
export function emitScalarStore(
  fb: FunctionBuilder,
  address: number,
  flat: IndexExpr,
  dtype: DType,
  value: Expr,
  env: ExprEnv,
): Expr {
  const { ptr, offset } = memoryOperand(fb, address, flat, dtype, env);
  if (dtype === 'f32') return fb.m.f32.store(offset, 4, ptr, value);
  if (dtype === 'i32') return fb.m.i32.store(offset, 4, ptr, value);
  return fb.m.i32.store8(offset, 1, ptr, value);
}

/** Four consecutive elements starting at the flat index (vector var at its current value). */
function emitVectorLoad(
  fb: FunctionBuilder,
  address: number,
  flat: IndexExpr,
  dtype: DType,
  env: ExprEnv,
): Expr {
  const m = fb.m;
  const { ptr, offset } = memoryOperand(fb, address, flat, dtype, env);
  if (dtype !== 'bool') return m.v128.load(offset, 4, ptr);
  const bytes = m.v128.load32_zero(offset, 1, ptr);
  const lanes = m.i32x4.extend_low_i16x8_u(m.i16x8.extend_low_i8x16_u(bytes));
  return m.i32x4.ne(lanes, vectorConst(fb, 0, 'i32'));
}

/** Stores four lanes at the flat index (bool masks as bytes 0/1). */
export function emitVectorStore(
  fb: FunctionBuilder,
  address: number,
  flat: IndexExpr,
  dtype: DType,
  value: Expr,
  env: ExprEnv,
): Expr {
  const m = fb.m;
  const { ptr, offset } = memoryOperand(fb, address, flat, dtype, env);
  if (dtype !== 'bool') return m.v128.store(offset, 4, ptr, value);
  const v128 = fb.b.v128;
  const ones = fb.bind(m.i32x4.neg(value), v128, (v) => m.i16x8.narrow_i32x4_u(v(), v()), v128);
  const bytes = fb.bind(ones, v128, (v) => m.i8x16.narrow_i16x8_u(v(), v()), v128);
  return m.v128.store32_lane(offset, 1, 0, ptr, bytes);
}

/** A scalar value spread to four lanes (bool 0/1 becomes a mask). */
export function splat(fb: FunctionBuilder, x: Expr, dtype: DType): Expr {
  const m = fb.m;
  if (dtype === 'f32') return m.f32x4.splat(x);
  if (dtype === 'i32') return m.i32x4.splat(x);
  return m.i32x4.splat(m.i32.sub(m.i32.const(0), x));
}

/** The dtype an op's operands are computed in (where: its branches'). */
function argType(e: Extract<KExpr, { k: 'op' }>): DType {
  const first = e.op === 'where' ? e.args[1] : e.args[0];
  return first?.dtype ?? e.dtype;
}

/** True when `e` can be computed four lanes at a time along `v`. */
export function isVectorizable(e: KExpr, v: LoopVar): boolean {
  switch (e.k) {
    case 'const':
      return true;
    case 'load': {
      const coef = ix.affineCoef(ix.ravel(e.index, e.node.shape), v);
      return coef === 0 || coef === 1;
    }
    case 'op':
      return hasVectorForm(e.op, argType(e)) && e.args.every((a) => isVectorizable(a, v));
    case 'cast':
      return isVectorizable(e.arg, v);
    case 'ref':
    case 'get':
      return true;
    case 'let':
      return isVectorizable(e.value, v) && isVectorizable(e.body, v);
    case 'guard':
      // one branch for all four lanes when no guard index moves with them (concat along an
      // outer axis); guards along the lanes have a vector form only in window kernels
      return uniformGuard(e, v) && isVectorizable(e.then, v) && isVectorizable(e.otherwise, v);
    case 'bind':
      return false;
  }
}

/** Whether every guard's index lies in [0, size) (1 when there are none). */
function emitGuardCondition(fb: FunctionBuilder, guards: readonly Guard[], env: ExprEnv): Expr {
  const m = fb.m;
  let cond: Expr | undefined;
  for (const g of guards) {
    const ok = m.i32.lt_u(emitIndex(fb, g.index, env), m.i32.const(g.size));
    cond = cond === undefined ? ok : m.i32.and(cond, ok);
  }
  return cond ?? m.i32.const(1);
}

/** True when no index `e` guards on moves with `v`: the guard holds for all lanes or for none. */
function uniformGuard(e: Extract<KExpr, { k: 'guard' }>, v: LoopVar): boolean {
  return e.guards.every((g) => ix.affineCoef(g.index, v) === 0);
}

/**
 * The vector form of op node `e` on its already emitted operands: exp of an
 * argument known to be <= 0 takes the nonpositive form.
 */
export function emitVectorOpOf(
  fb: FunctionBuilder,
  e: Extract<KExpr, { k: 'op' }>,
  operands: readonly Expr[],
  env: ExprEnv,
): Expr {
  const shift = env.rowShifts?.get(e);
  if (shift !== undefined) return emitExpRowShifted(fb, operands[0]!, 'simd', shift.vector);
  if (isNonpositiveExp(e, env))
    return (env.times2p25?.has(e) === true ? emitExpNonpositiveTimes2p25 : emitExpNonpositive)(
      fb,
      operands[0]!,
      'simd',
    );
  return emitVectorOp(fb, e.op, operands, argType(e));
}

/**
 * The expressions whose values op node `e` is emitted from: its arguments,
 * or for a row-shifted exp(x - $m) x alone (emitExpRowShifted).
 */
export function opOperands(e: Extract<KExpr, { k: 'op' }>, env: ExprEnv): readonly KExpr[] {
  const arg = e.args[0];
  if (env.rowShifts?.has(e) !== true || arg?.k !== 'op' || arg.args[0] === undefined) return e.args;
  return [arg.args[0]];
}

/** exp of an argument known to be <= 0 (see nonpositive-args.ts). */
function isNonpositiveExp(e: Extract<KExpr, { k: 'op' }>, env: ExprEnv): boolean {
  const arg = e.args[0];
  return e.op === 'exp' && arg !== undefined && env.nonpositive.has(arg);
}

function letLocal(env: ExprEnv, id: number): number {
  const local = env.lets.get(id);
  if (local === undefined) throw new InternalError('codegen', `binding t${id} is read outside its let`);
  return local;
}

/** `let`: the value into a fresh local of `type`, then the body (which reads it by id). */
function emitLet(
  fb: FunctionBuilder,
  e: Extract<KExpr, { k: 'let' }>,
  type: Binaryen.Type,
  bodyType: Binaryen.Type,
  emit: (x: KExpr) => Expr,
  env: ExprEnv,
): Expr {
  const local = fb.addLocal(type);
  const set = fb.m.local.set(local, emit(e.value));
  env.lets.set(e.id, local);
  return fb.m.block(null, [set, emit(e.body)], bodyType);
}

function refLocal(env: ExprEnv, slot: number): { readonly scalar: number; readonly vector?: number } {
  const local = env.refs.get(slot);
  if (local === undefined) throw new InternalError('codegen', `slot $${slot} is read before it is computed`);
  return local;
}

/** `e` at one point, as an f32 (f32) or i32 (i32, bool 0/1). */
export function emitScalar(fb: FunctionBuilder, e: KExpr, env: ExprEnv): Expr {
  const m = fb.m;
  switch (e.k) {
    case 'const':
      return scalarConst(fb, e.value, e.dtype);
    case 'ref':
      return m.local.get(refLocal(env, e.slot).scalar, scalarType(fb, e.dtype));
    case 'get':
      return m.local.get(letLocal(env, e.id), scalarType(fb, e.dtype));
    case 'let': {
      const type = scalarType(fb, e.value.dtype);
      return emitLet(fb, e, type, scalarType(fb, e.dtype), (x) => emitScalar(fb, x, env), env);
    }
    case 'load':
      return emitScalarLoad(fb, addressOf(env, e.node.id), ix.ravel(e.index, e.node.shape), e.dtype, env);
    case 'op': {
      const shift = env.rowShifts?.get(e);
      if (shift !== undefined)
        return emitExpRowShifted(fb, emitScalar(fb, opOperands(e, env)[0]!, env), 'scalar', shift.scalar);
      if (isNonpositiveExp(e, env))
        return (env.times2p25?.has(e) === true ? emitExpNonpositiveTimes2p25 : emitExpNonpositive)(
          fb,
          emitScalar(fb, e.args[0]!, env),
          'scalar',
        );
      return emitScalarOp(
        fb,
        e.op,
        e.args.map((a) => emitScalar(fb, a, env)),
        argType(e),
      );
    }
    case 'cast':
      return emitScalarCast(fb, emitScalar(fb, e.arg, env), e.arg.dtype, e.dtype);
    case 'guard': {
      const then = emitScalar(fb, e.then, env);
      const otherwise = emitScalar(fb, e.otherwise, env);
      return e.guards.length === 0 ? then : m.if(emitGuardCondition(fb, e.guards, env), then, otherwise);
    }
    case 'bind': {
      // idx = value; if (idx < 0) idx += size; if (idx >=u size) report and trap
      const i32 = fb.b.i32;
      const raw = fb.addLocal(i32);
      const slot = fb.addLocal(i32);
      env.slots.set(e.slot, slot);
      const site = env.addCheckSite(e.what);
      const getRaw = (): Expr => m.local.get(raw, i32);
      const getSlot = (): Expr => m.local.get(slot, i32);
      return m.block(
        null,
        [
          m.local.set(raw, emitScalar(fb, e.value, env)),
          m.local.set(
            slot,
            m.select(
              m.i32.lt_s(getRaw(), m.i32.const(0)),
              m.i32.add(getRaw(), m.i32.const(e.size)),
              getRaw(),
            ),
          ),
          m.if(
            m.i32.ge_u(getSlot(), m.i32.const(e.size)),
            m.block(null, [
              m.global.set('err_site', m.i32.const(site)),
              m.global.set('err_value', getRaw()),
              m.unreachable(),
            ]),
          ),
          emitScalar(fb, e.body, env),
        ],
        scalarType(fb, e.dtype),
      );
    }
  }
}

/** `e` at four consecutive values of `v` (isVectorizable must hold). */
export function emitVector(fb: FunctionBuilder, e: KExpr, v: LoopVar, env: ExprEnv): Expr {
  switch (e.k) {
    case 'const':
      return vectorConst(fb, e.value, e.dtype);
    case 'ref': {
      const local = refLocal(env, e.slot);
      if (local.vector !== undefined) return fb.m.local.get(local.vector, fb.b.v128);
      return splat(fb, fb.m.local.get(local.scalar, scalarType(fb, e.dtype)), e.dtype);
    }
    case 'get':
      return fb.m.local.get(letLocal(env, e.id), fb.b.v128);
    case 'let':
      return emitLet(fb, e, fb.b.v128, fb.b.v128, (x) => emitVector(fb, x, v, env), env);
    case 'load': {
      const flat = ix.ravel(e.index, e.node.shape);
      const address = addressOf(env, e.node.id);
      if (ix.affineCoef(flat, v) === 0)
        return splat(fb, emitScalarLoad(fb, address, flat, e.dtype, env), e.dtype);
      const shift = env.shift?.varId === v.id ? env.shift.elements * DTYPE_BYTES[e.dtype] : 0;
      return emitVectorLoad(fb, address + shift, flat, e.dtype, env);
    }
    case 'op':
      return emitVectorOpOf(
        fb,
        e,
        opOperands(e, env).map((a) => emitVector(fb, a, v, env)),
        env,
      );
    case 'cast':
      return emitVectorCast(fb, emitVector(fb, e.arg, v, env), e.arg.dtype, e.dtype);
    case 'guard':
      if (uniformGuard(e, v))
        return fb.m.if(
          emitGuardCondition(fb, e.guards, env),
          emitVector(fb, e.then, v, env),
          emitVector(fb, e.otherwise, v, env),
        );
      // guards along the lanes: window kernels only (emit-kernel.ts decides)
      return emitVectorGuard(fb, e, v, env, { vector: emitVector, scalar: emitScalar, isVectorizable });
    case 'bind':
      throw new InternalError('codegen', `${e.k} has no vector form`);
  }
}
