/**
 * A tiny expression builder that emits the same arithmetic for one lane
 * (f32 / f64 with i32 / i64 bits) or for a v128 (f32x4 / f64x2), so each math
 * function is written once. Invariant: every `Expr` handed to an op is used
 * exactly once; values read more than once live in a `Slot` (a local), and
 * each read of a slot emits a fresh `local.get`.
 */
import type binaryen from 'binaryen';
import { InternalError } from '../../../common/errors.js';
import type { Lanes, MathContext } from './math-context.js';
import { WASM_TYPE } from './wasm-types.js';

type Expr = binaryen.ExpressionRef;

/** A value stored in a local of the function being built. */
export class Slot {
  constructor(
    readonly index: number,
    readonly type: binaryen.Type,
  ) {}
}

/**
 * A single-use expression produced by the builder. Wrapped, so that a plain
 * number passed to an op is unambiguously a constant (ExpressionRefs are
 * numbers too).
 */
export class Ex {
  constructor(readonly ref: Expr) {}
}

/** An operand: a single-use expression or a slot (read any number of times). */
export type Val = Ex | Slot;

/** Integer-typed operand or an integer constant. */
export type IVal = Val | number | bigint;

/** Float element type of a builder; its integer twin is i32 / i64. */
export type Elem = 'f32' | 'f64';

/** Float-typed operand or a float constant (emitted fresh at each use). */
export type FVal = Val | number;

const SIGN_BIT_32 = 0x80000000 | 0;

/**
 * Builds expressions for one lane shape. Statements (local.set) accumulate in
 * order; `finish(result)` wraps them with the result into one block.
 * Masks are i32 0/1 in scalar code and all-ones / all-zeros lanes in SIMD code;
 * `select(mask, a, b)` works with either.
 */
export class LaneOps {
  readonly m: binaryen.Module;
  private readonly stmts: Expr[];

  constructor(
    readonly ctx: MathContext,
    readonly lanes: Lanes,
    readonly elem: Elem = 'f32',
    stmts?: Expr[],
  ) {
    this.m = ctx.m;
    this.stmts = stmts ?? [];
  }

  /** A builder for another element type that appends to the same statement list. */
  withElem(elem: Elem): LaneOps {
    return new LaneOps(this.ctx, this.lanes, elem, this.stmts);
  }

  get simd(): boolean {
    return this.lanes === 'simd';
  }

  /** Wasm type of a float value: f32, f64 or v128. */
  get floatType(): binaryen.Type {
    if (this.simd) return WASM_TYPE.v128;
    return this.elem === 'f32' ? WASM_TYPE.f32 : WASM_TYPE.f64;
  }

  /** Wasm type of an integer (bits) value: i32, i64 or v128. */
  get intType(): binaryen.Type {
    if (this.simd) return WASM_TYPE.v128;
    return this.elem === 'f32' ? WASM_TYPE.i32 : WASM_TYPE.i64;
  }

  /** Wasm type of a mask: i32 (0/1) or v128. */
  get maskType(): binaryen.Type {
    return this.simd ? WASM_TYPE.v128 : WASM_TYPE.i32;
  }

  // ---- locals and sequencing ------------------------------------------------

  /** The expression for an operand (a fresh local.get for a slot). */
  e(v: Val): Expr {
    return v instanceof Slot ? this.m.local.get(v.index, v.type) : v.ref;
  }

  /** Wraps an expression built elsewhere (used once) as an operand. */
  wrap(ref: Expr): Ex {
    return new Ex(ref);
  }

  /** Stores `v` in a new local of `type` (appending the local.set) and returns the slot. */
  bind(v: Val, type: binaryen.Type): Slot {
    if (v instanceof Slot) return v;
    const index = this.ctx.addLocal(type);
    this.stmts.push(this.m.local.set(index, v.ref));
    return new Slot(index, type);
  }

  bindF(v: FVal): Slot {
    return this.bind(typeof v === 'number' ? this.f(v) : v, this.floatType);
  }

  bindI(v: Val): Slot {
    return this.bind(v, this.intType);
  }

  bindM(v: Val): Slot {
    return this.bind(v, this.maskType);
  }

  /** The accumulated statements followed by `result`, as one expression of `type`. */
  finish(result: Val, type: binaryen.Type = this.floatType): Expr {
    const tail = this.e(result);
    if (this.stmts.length === 0) return tail;
    const children = [...this.stmts, tail];
    this.stmts.length = 0;
    return this.m.block(null, children, type);
  }

  // ---- float arithmetic ------------------------------------------------------

  /** A float constant in every lane. */
  f(c: number): Ex {
    const m = this.m;
    if (this.elem === 'f32') {
      if (!this.simd) return new Ex(m.f32.const(c));
      return new Ex(this.ctx.v128Const(new Uint8Array(new Float32Array([c, c, c, c]).buffer)));
    }
    if (!this.simd) return new Ex(m.f64.const(c));
    return new Ex(this.ctx.v128Const(new Uint8Array(new Float64Array([c, c]).buffer)));
  }

  /** Float operand: numbers become constants. */
  fe(v: FVal): Expr {
    return typeof v === 'number' ? this.f(v).ref : this.e(v);
  }

  private get fops(): FloatOps {
    const m = this.m;
    if (this.elem === 'f32') return this.simd ? m.f32x4 : m.f32;
    return this.simd ? m.f64x2 : m.f64;
  }

  add(a: FVal, b: FVal): Ex {
    return new Ex(this.fops.add(this.fe(a), this.fe(b)));
  }
  sub(a: FVal, b: FVal): Ex {
    return new Ex(this.fops.sub(this.fe(a), this.fe(b)));
  }
  mul(a: FVal, b: FVal): Ex {
    return new Ex(this.fops.mul(this.fe(a), this.fe(b)));
  }
  div(a: FVal, b: FVal): Ex {
    return new Ex(this.fops.div(this.fe(a), this.fe(b)));
  }
  /**
   * a*b + c: a rounded multiply then a rounded add (baseline Wasm has no FMA),
   * or in f32x4 code with relaxed SIMD `relaxed_madd`, fused where the CPU
   * has FMA (one rounding, at least as accurate). Turboshaft (Node 22+,
   * Chromium) runs each chain's ops in order rather than interleaving
   * vectors, so shorter chains are what speed it up (docs/math.md).
   */
  madd(a: FVal, b: FVal, c: FVal): Ex {
    const fused = this.ctx.fusedMaddF32x4;
    if (fused && this.simd && this.elem === 'f32') return new Ex(fused(this.fe(a), this.fe(b), this.fe(c)));
    return this.add(this.mul(a, b), c);
  }
  neg(a: FVal): Ex {
    return new Ex(this.fops.neg(this.fe(a)));
  }
  abs(a: FVal): Ex {
    return new Ex(this.fops.abs(this.fe(a)));
  }
  /**
   * -|a|. In f32x4 one `v128.or` with the sign bit (a constant local): V8
   * lowers f32x4.abs and f32x4.neg each to a mask op (and / xor) with a mask
   * it rebuilds in registers (V8 11.3: 3 instructions) or loads from memory
   * (Turboshaft: 2), so the pair cost 4-6 instructions a vector. Same bits.
   */
  negAbs(a: FVal): Ex {
    if (this.simd && this.elem === 'f32') return this.float(this.ior(this.bits(a), SIGN_BIT_32));
    return this.neg(this.abs(a));
  }
  floor(a: FVal): Ex {
    return new Ex(this.fops.floor(this.fe(a)));
  }

  /**
   * Horner's rule: ((c[0]*x + c[1])*x + ... )*x + c[n-1]; `x` is read n-1 times.
   */
  horner(x: Slot, coeffs: readonly number[]): Ex {
    const [first, ...rest] = coeffs;
    if (first === undefined) throw new InternalError('codegen', 'horner: no coefficients');
    let acc: Ex = this.f(first);
    for (const c of rest) acc = this.madd(acc, x, c);
    return acc;
  }

  /**
   * max(a, lo) for a nonzero, non-NaN `lo` (a constant or a local), keeping NaN: f32x4.pmax(a, lo) in
   * SIMD (`a < lo ? lo : a`, no NaN fix-up code), f32.max in scalar code. Both
   * give the same value for every non-NaN `a`, and NaN for NaN.
   */
  clampMin(a: FVal, lo: FVal): Ex {
    if (!this.simd) return new Ex(this.fops.max(this.fe(a), this.fe(lo)));
    const simd = this.elem === 'f32' ? this.m.f32x4 : this.m.f64x2;
    return new Ex(simd.pmax(this.fe(a), this.fe(lo)));
  }

  /** min(a, hi) for a constant, nonzero `hi`, keeping NaN (see `clampMin`). */
  clampMax(a: FVal, hi: number): Ex {
    if (!this.simd) return new Ex(this.fops.min(this.fe(a), this.f(hi).ref));
    const simd = this.elem === 'f32' ? this.m.f32x4 : this.m.f64x2;
    return new Ex(simd.pmin(this.fe(a), this.f(hi).ref));
  }

  // ---- comparisons and selection ----------------------------------------------

  lt(a: FVal, b: FVal): Ex {
    return new Ex(this.fops.lt(this.fe(a), this.fe(b)));
  }
  le(a: FVal, b: FVal): Ex {
    return new Ex(this.fops.le(this.fe(a), this.fe(b)));
  }
  gt(a: FVal, b: FVal): Ex {
    return new Ex(this.fops.gt(this.fe(a), this.fe(b)));
  }
  ge(a: FVal, b: FVal): Ex {
    return new Ex(this.fops.ge(this.fe(a), this.fe(b)));
  }
  eq(a: FVal, b: FVal): Ex {
    return new Ex(this.fops.eq(this.fe(a), this.fe(b)));
  }
  ne(a: FVal, b: FVal): Ex {
    return new Ex(this.fops.ne(this.fe(a), this.fe(b)));
  }

  /** mask ? a : b, lane by lane (both sides are evaluated). */
  select(mask: Val, a: FVal, b: FVal): Ex {
    if (this.simd) return new Ex(this.m.v128.bitselect(this.fe(a), this.fe(b), this.e(mask)));
    return new Ex(this.m.select(this.e(mask), this.fe(a), this.fe(b)));
  }

  /** Integer-typed select: mask ? a : b on bit patterns. */
  selectI(mask: Val, a: Val | number, b: Val | number): Ex {
    if (this.simd) return new Ex(this.m.v128.bitselect(this.ie(a), this.ie(b), this.e(mask)));
    return new Ex(this.m.select(this.e(mask), this.ie(a), this.ie(b)));
  }

  mAnd(a: Val, b: Val): Ex {
    return new Ex(this.simd ? this.m.v128.and(this.e(a), this.e(b)) : this.m.i32.and(this.e(a), this.e(b)));
  }
  mOr(a: Val, b: Val): Ex {
    return new Ex(this.simd ? this.m.v128.or(this.e(a), this.e(b)) : this.m.i32.or(this.e(a), this.e(b)));
  }

  // ---- integer (bit pattern) arithmetic ----------------------------------------

  /** An integer constant in every lane (i32 lanes for f32, i64 lanes for f64). */
  i(c: number | bigint): Ex {
    const m = this.m;
    if (this.elem === 'f32') {
      const v = Number(c) | 0;
      if (!this.simd) return new Ex(m.i32.const(v));
      return new Ex(this.ctx.v128Const(new Uint8Array(new Int32Array([v, v, v, v]).buffer)));
    }
    const v = BigInt.asIntN(64, BigInt(c));
    if (!this.simd) return new Ex(m.i64.const(v));
    return new Ex(this.ctx.v128Const(new Uint8Array(new BigInt64Array([v, v]).buffer)));
  }

  /** Integer operand: numbers and bigints become constants. */
  ie(v: IVal): Expr {
    return typeof v === 'number' || typeof v === 'bigint' ? this.i(v).ref : this.e(v);
  }

  private get iops(): IntOps {
    const m = this.m;
    if (!this.simd) return this.elem === 'f32' ? m.i32 : m.i64;
    const lanes = this.elem === 'f32' ? m.i32x4 : m.i64x2;
    return {
      add: (a, b) => lanes.add(a, b),
      sub: (a, b) => lanes.sub(a, b),
      eq: (a, b) => lanes.eq(a, b),
      shl: (a, n) => lanes.shl(a, n),
      shr_s: (a, n) => lanes.shr_s(a, n),
      shr_u: (a, n) => lanes.shr_u(a, n),
      and: (a, b) => m.v128.and(a, b),
      or: (a, b) => m.v128.or(a, b),
      xor: (a, b) => m.v128.xor(a, b),
    };
  }

  /** Shift amount: i32 for i32 / SIMD shifts, i64 for scalar i64 shifts. */
  private shiftAmount(n: number): Expr {
    return !this.simd && this.elem === 'f64' ? this.m.i64.const(BigInt(n)) : this.m.i32.const(n);
  }

  iadd(a: IVal, b: IVal): Ex {
    return new Ex(this.iops.add(this.ie(a), this.ie(b)));
  }
  isub(a: IVal, b: IVal): Ex {
    return new Ex(this.iops.sub(this.ie(a), this.ie(b)));
  }
  iand(a: IVal, b: IVal): Ex {
    return new Ex(this.iops.and(this.ie(a), this.ie(b)));
  }
  ior(a: IVal, b: IVal): Ex {
    return new Ex(this.iops.or(this.ie(a), this.ie(b)));
  }
  ixor(a: IVal, b: IVal): Ex {
    return new Ex(this.iops.xor(this.ie(a), this.ie(b)));
  }
  ieq(a: IVal, b: IVal): Ex {
    return new Ex(this.iops.eq(this.ie(a), this.ie(b)));
  }
  shl(a: Val, n: number): Ex {
    return new Ex(this.iops.shl(this.e(a), this.shiftAmount(n)));
  }
  shrS(a: Val, n: number): Ex {
    return new Ex(this.iops.shr_s(this.e(a), this.shiftAmount(n)));
  }
  shrU(a: Val, n: number): Ex {
    return new Ex(this.iops.shr_u(this.e(a), this.shiftAmount(n)));
  }

  /** The bit pattern of a float (a no-op on v128). */
  bits(a: FVal): Ex {
    if (this.simd) return new Ex(this.fe(a));
    return new Ex(
      this.elem === 'f32' ? this.m.i32.reinterpret(this.fe(a)) : this.m.i64.reinterpret(this.fe(a)),
    );
  }

  /** The float with a given bit pattern (a no-op on v128). */
  float(a: Val): Ex {
    if (this.simd) return new Ex(this.e(a));
    return new Ex(
      this.elem === 'f32' ? this.m.f32.reinterpret(this.e(a)) : this.m.f64.reinterpret(this.e(a)),
    );
  }

  /** Converts i32 lanes to f32 lanes (f32 builders only). */
  convertI32(a: Val): Ex {
    if (this.elem !== 'f32') throw new InternalError('codegen', 'convertI32: f32 builders only');
    return new Ex(this.simd ? this.m.f32x4.convert_i32x4_s(this.e(a)) : this.m.f32.convert_s.i32(this.e(a)));
  }

  /** |mag| with the sign of `sign` (f32 builders; `mag` must be non-negative). */
  orSign(mag: FVal, sign: FVal): Ex {
    if (this.elem !== 'f32') throw new InternalError('codegen', 'orSign: f32 builders only');
    return this.float(this.ior(this.bits(mag), this.iand(this.bits(sign), SIGN_BIT_32)));
  }
}

/** The float ops shared by f32, f64, f32x4 and f64x2. */
interface FloatOps {
  add(a: Expr, b: Expr): Expr;
  sub(a: Expr, b: Expr): Expr;
  mul(a: Expr, b: Expr): Expr;
  div(a: Expr, b: Expr): Expr;
  neg(a: Expr): Expr;
  abs(a: Expr): Expr;
  floor(a: Expr): Expr;
  min(a: Expr, b: Expr): Expr;
  max(a: Expr, b: Expr): Expr;
  lt(a: Expr, b: Expr): Expr;
  le(a: Expr, b: Expr): Expr;
  gt(a: Expr, b: Expr): Expr;
  ge(a: Expr, b: Expr): Expr;
  eq(a: Expr, b: Expr): Expr;
  ne(a: Expr, b: Expr): Expr;
}

/** The integer ops shared by i32, i64, i32x4 and i64x2 (with v128 bitwise ops). */
interface IntOps {
  add(a: Expr, b: Expr): Expr;
  sub(a: Expr, b: Expr): Expr;
  and(a: Expr, b: Expr): Expr;
  or(a: Expr, b: Expr): Expr;
  xor(a: Expr, b: Expr): Expr;
  eq(a: Expr, b: Expr): Expr;
  shl(a: Expr, n: Expr): Expr;
  shr_s(a: Expr, n: Expr): Expr;
  shr_u(a: Expr, n: Expr): Expr;
}
