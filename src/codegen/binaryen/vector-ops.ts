/**
 * f32x4 / i32x4 Wasm SIMD for the elementwise ops that have a vector form.
 * In vector code a bool is a lane mask (all ones or all zeros), which is what
 * SIMD comparisons produce and what bitselect consumes. An op without a vector
 * form here makes its kernel scalar (checked by hasVectorForm before emitting).
 */
import type Binaryen from 'binaryen';
import type { DType } from '../../common/dtype.js';
import { InternalError } from '../../common/errors.js';
import type { ScalarOp } from '../../passes/kernel.js';
import type { FunctionBuilder } from './function-builder.js';
import { MATH_EMITTERS, emitPow } from './math/index.js';

type Expr = Binaryen.ExpressionRef;

const F32_OPS = new Set<ScalarOp>([
  'neg',
  'abs',
  'sqrt',
  'rsqrt',
  'reciprocal',
  'floor',
  'ceil',
  'round',
  'square',
  'relu',
  'sign',
  'exp',
  'log',
  'sin',
  'cos',
  'tanh',
  'sigmoid',
  'erf',
  'add',
  'sub',
  'mul',
  'div',
  'pow',
  'maximum',
  'minimum',
  'eq',
  'ne',
  'lt',
  'le',
  'gt',
  'ge',
]);
const I32_OPS = new Set<ScalarOp>([
  'neg',
  'abs',
  'floor',
  'ceil',
  'round',
  'square',
  'relu',
  'add',
  'sub',
  'mul',
  'maximum',
  'minimum',
  'eq',
  'ne',
  'lt',
  'le',
  'gt',
  'ge',
]);
const BOOL_OPS = new Set<ScalarOp>(['not', 'and', 'or', 'eq', 'ne']);

/** True when `op` on operands of `argType` has a SIMD form. */
export function hasVectorForm(op: ScalarOp, argType: DType): boolean {
  if (op === 'where') return true;
  if (argType === 'f32') return F32_OPS.has(op);
  if (argType === 'i32') return I32_OPS.has(op);
  return BOOL_OPS.has(op);
}

/** A vector of four copies of a constant of `dtype` (bool as a mask). */
export function vectorConst(fb: FunctionBuilder, value: number, dtype: DType): Expr {
  if (dtype === 'f32') return fb.v128Const(new Uint8Array(new Float32Array(4).fill(value).buffer));
  const lane = dtype === 'bool' ? (value !== 0 ? -1 : 0) : value | 0;
  return fb.v128Const(new Uint8Array(new Int32Array(4).fill(lane).buffer));
}

function f32Vector(fb: FunctionBuilder, op: ScalarOp, args: readonly Expr[]): Expr {
  const m = fb.m;
  const v128 = fb.b.v128;
  const [a, b] = args as [Expr, Expr];
  const zero = (): Expr => vectorConst(fb, 0, 'f32');
  const one = (): Expr => vectorConst(fb, 1, 'f32');
  switch (op) {
    case 'neg':
      return m.f32x4.neg(a);
    case 'abs':
      return m.f32x4.abs(a);
    case 'sqrt':
      return m.f32x4.sqrt(a);
    case 'rsqrt':
      return m.f32x4.div(one(), m.f32x4.sqrt(a));
    case 'reciprocal':
      return m.f32x4.div(one(), a);
    case 'floor':
      return m.f32x4.floor(a);
    case 'ceil':
      return m.f32x4.ceil(a);
    case 'round':
      return m.f32x4.nearest(a);
    case 'square':
      return fb.bind(a, v128, (v) => m.f32x4.mul(v(), v()), v128);
    // pmax(x, 0) = x < 0 ? 0 : x, which keeps NaN like the scalar form
    case 'relu':
      return m.f32x4.pmax(a, zero());
    case 'sign':
      return fb.bind(
        a,
        v128,
        (v) =>
          m.v128.bitselect(
            one(),
            m.v128.bitselect(vectorConst(fb, -1, 'f32'), v(), m.f32x4.lt(v(), zero())),
            m.f32x4.gt(v(), zero()),
          ),
        v128,
      );
    case 'exp':
    case 'log':
    case 'sin':
    case 'cos':
    case 'tanh':
    case 'sigmoid':
    case 'erf':
      return MATH_EMITTERS[op](fb, a, 'simd');
    case 'add':
      return m.f32x4.add(a, b);
    case 'sub':
      return m.f32x4.sub(a, b);
    case 'mul':
      return m.f32x4.mul(a, b);
    case 'div':
      return m.f32x4.div(a, b);
    case 'pow':
      return emitPow(fb, a, b, 'simd');
    case 'maximum':
      return m.f32x4.max(a, b);
    case 'minimum':
      return m.f32x4.min(a, b);
    case 'eq':
      return m.f32x4.eq(a, b);
    case 'ne':
      return m.f32x4.ne(a, b);
    case 'lt':
      return m.f32x4.lt(a, b);
    case 'le':
      return m.f32x4.le(a, b);
    case 'gt':
      return m.f32x4.gt(a, b);
    case 'ge':
      return m.f32x4.ge(a, b);
    default:
      throw new InternalError('codegen', `no f32x4 form of ${op}`);
  }
}

function i32Vector(fb: FunctionBuilder, op: ScalarOp, args: readonly Expr[]): Expr {
  const m = fb.m;
  const [a, b] = args as [Expr, Expr];
  switch (op) {
    case 'neg':
      return m.i32x4.neg(a);
    case 'abs':
      return m.i32x4.abs(a);
    case 'floor':
    case 'ceil':
    case 'round':
      return a;
    case 'square':
      return fb.bind(a, fb.b.v128, (v) => m.i32x4.mul(v(), v()), fb.b.v128);
    case 'relu':
      return m.i32x4.max_s(a, vectorConst(fb, 0, 'i32'));
    case 'add':
      return m.i32x4.add(a, b);
    case 'sub':
      return m.i32x4.sub(a, b);
    case 'mul':
      return m.i32x4.mul(a, b);
    case 'maximum':
      return m.i32x4.max_s(a, b);
    case 'minimum':
      return m.i32x4.min_s(a, b);
    case 'eq':
      return m.i32x4.eq(a, b);
    case 'ne':
      return m.i32x4.ne(a, b);
    case 'lt':
      return m.i32x4.lt_s(a, b);
    case 'le':
      return m.i32x4.le_s(a, b);
    case 'gt':
      return m.i32x4.gt_s(a, b);
    case 'ge':
      return m.i32x4.ge_s(a, b);
    default:
      throw new InternalError('codegen', `no i32x4 form of ${op}`);
  }
}

function boolVector(fb: FunctionBuilder, op: ScalarOp, args: readonly Expr[]): Expr {
  const m = fb.m;
  const [a, b] = args as [Expr, Expr];
  switch (op) {
    case 'not':
      return m.v128.not(a);
    case 'and':
      return m.v128.and(a, b);
    case 'or':
      return m.v128.or(a, b);
    case 'eq':
      return m.i32x4.eq(a, b);
    case 'ne':
      return m.i32x4.ne(a, b);
    default:
      throw new InternalError('codegen', `no mask form of ${op}`);
  }
}

/** `op` applied to vector operands of dtype `argType`. */
export function emitVectorOp(fb: FunctionBuilder, op: ScalarOp, args: readonly Expr[], argType: DType): Expr {
  if (op === 'where') {
    const [c, a, b] = args as [Expr, Expr, Expr];
    return fb.m.v128.bitselect(a, b, c);
  }
  if (argType === 'f32') return f32Vector(fb, op, args);
  if (argType === 'i32') return i32Vector(fb, op, args);
  return boolVector(fb, op, args);
}

/** Converts vector lanes between dtypes as `cast` does (bool lanes are masks). */
export function emitVectorCast(fb: FunctionBuilder, x: Expr, from: DType, to: DType): Expr {
  const m = fb.m;
  if (from === to) return x;
  if (to === 'bool') {
    return from === 'f32'
      ? m.f32x4.ne(x, vectorConst(fb, 0, 'f32'))
      : m.i32x4.ne(x, vectorConst(fb, 0, 'i32'));
  }
  const ints = from === 'bool' ? m.i32x4.neg(x) : x; // mask -1 -> 1
  if (to === 'f32') return from === 'f32' ? x : m.f32x4.convert_i32x4_s(ints);
  return from === 'f32' ? m.i32x4.trunc_sat_f32x4_s(x) : ints;
}

/**
 * `f32x4.relaxed_madd(a, b, c)` = a·b + c, fused where the CPU has FMA.
 * binaryen.js has no helper for it: the C API's SIMD ternary, through the
 * module's pointer.
 */
export function relaxedMadd(fb: FunctionBuilder, a: Expr, b: Expr, c: Expr): Expr {
  const api = fb.b as unknown as {
    _BinaryenSIMDTernary: (module: number, op: number, a: Expr, b: Expr, c: Expr) => Expr;
    RelaxedMaddVecF32x4: number;
  };
  const module = (fb.m as unknown as { ptr: number }).ptr;
  return api._BinaryenSIMDTernary(module, api.RelaxedMaddVecF32x4, a, b, c);
}
