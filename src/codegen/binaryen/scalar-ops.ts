/**
 * Scalar Wasm for every elementwise op and dtype. Values: f32 as f32, i32 as
 * i32, bool as i32 0/1. Semantics follow the reference interpreter: i32
 * division truncates (x/0 = 0, INT_MIN/-1 wraps), maximum/minimum propagate
 * NaN, round is half to even, f32 -> i32 truncates with saturation.
 */
import type Binaryen from 'binaryen';
import type { DType } from '../../common/dtype.js';
import { InternalError } from '../../common/errors.js';
import type { ScalarOp } from '../../passes/kernel.js';
import { FMOD_FUNCTION } from './fmod-function.js';
import type { FunctionBuilder } from './function-builder.js';
import { MATH_EMITTERS, emitPow } from './math/index.js';

type Expr = Binaryen.ExpressionRef;

/** The Wasm value type of a dtype's scalar. */
export function scalarType(fb: FunctionBuilder, dtype: DType): Binaryen.Type {
  return dtype === 'f32' ? fb.b.f32 : fb.b.i32;
}

/** A constant of `dtype`. */
export function scalarConst(fb: FunctionBuilder, value: number, dtype: DType): Expr {
  return dtype === 'f32'
    ? fb.m.f32.const(value)
    : fb.m.i32.const(dtype === 'bool' ? (value !== 0 ? 1 : 0) : value | 0);
}

function f32Unary(fb: FunctionBuilder, op: ScalarOp, x: Expr): Expr {
  const m = fb.m;
  const f = fb.b.f32;
  switch (op) {
    case 'neg':
      return m.f32.neg(x);
    case 'abs':
      return m.f32.abs(x);
    case 'sqrt':
      return m.f32.sqrt(x);
    case 'rsqrt':
      return m.f32.div(m.f32.const(1), m.f32.sqrt(x));
    case 'reciprocal':
      return m.f32.div(m.f32.const(1), x);
    case 'floor':
      return m.f32.floor(x);
    case 'ceil':
      return m.f32.ceil(x);
    case 'round':
      return m.f32.nearest(x);
    case 'square':
      return fb.bind(x, f, (v) => m.f32.mul(v(), v()), f);
    case 'relu':
      // x < 0 ? 0 : x  (keeps NaN, like f32x4.pmax(x, 0))
      return fb.bind(x, f, (v) => m.select(m.f32.lt(v(), m.f32.const(0)), m.f32.const(0), v()), f);
    case 'sign':
      // x > 0 ? 1 : x < 0 ? -1 : x  (keeps ±0 and NaN)
      return fb.bind(
        x,
        f,
        (v) =>
          m.select(
            m.f32.gt(v(), m.f32.const(0)),
            m.f32.const(1),
            m.select(m.f32.lt(v(), m.f32.const(0)), m.f32.const(-1), v()),
          ),
        f,
      );
    case 'exp':
    case 'log':
    case 'sin':
    case 'cos':
    case 'tanh':
    case 'sigmoid':
    case 'erf':
      return MATH_EMITTERS[op](fb, x, 'scalar');
    default:
      throw new InternalError('codegen', `no scalar f32 form of ${op}`);
  }
}

function i32Unary(fb: FunctionBuilder, op: ScalarOp, x: Expr): Expr {
  const m = fb.m;
  const i = fb.b.i32;
  switch (op) {
    case 'neg':
      return m.i32.sub(m.i32.const(0), x);
    case 'floor':
    case 'ceil':
    case 'round':
      return x;
    case 'square':
      return fb.bind(x, i, (v) => m.i32.mul(v(), v()), i);
    case 'abs':
      return fb.bind(
        x,
        i,
        (v) => m.select(m.i32.lt_s(v(), m.i32.const(0)), m.i32.sub(m.i32.const(0), v()), v()),
        i,
      );
    case 'relu':
      return fb.bind(x, i, (v) => m.select(m.i32.gt_s(v(), m.i32.const(0)), v(), m.i32.const(0)), i);
    case 'sign':
      return fb.bind(
        x,
        i,
        (v) => m.i32.sub(m.i32.gt_s(v(), m.i32.const(0)), m.i32.lt_s(v(), m.i32.const(0))),
        i,
      );
    case 'not':
      return m.i32.eqz(x);
    default:
      throw new InternalError('codegen', `no scalar i32 form of ${op}`);
  }
}

function f32Binary(fb: FunctionBuilder, op: ScalarOp, a: Expr, b: Expr): Expr {
  const m = fb.m;
  switch (op) {
    case 'add':
      return m.f32.add(a, b);
    case 'sub':
      return m.f32.sub(a, b);
    case 'mul':
      return m.f32.mul(a, b);
    case 'div':
      return m.f32.div(a, b);
    case 'maximum':
      return m.f32.max(a, b);
    case 'minimum':
      return m.f32.min(a, b);
    case 'pow':
      return emitPow(fb, a, b, 'scalar');
    case 'fmod':
      return m.call(FMOD_FUNCTION, [a, b], fb.b.f32);
    case 'eq':
      return m.f32.eq(a, b);
    case 'ne':
      return m.f32.ne(a, b);
    case 'lt':
      return m.f32.lt(a, b);
    case 'le':
      return m.f32.le(a, b);
    case 'gt':
      return m.f32.gt(a, b);
    case 'ge':
      return m.f32.ge(a, b);
    default:
      throw new InternalError('codegen', `no scalar f32 form of ${op}`);
  }
}

function i32Binary(fb: FunctionBuilder, op: ScalarOp, a: Expr, b: Expr, dtype: DType): Expr {
  const m = fb.m;
  const i = fb.b.i32;
  switch (op) {
    case 'add':
      return m.i32.add(a, b);
    case 'sub':
      return m.i32.sub(a, b);
    case 'mul':
      return m.i32.mul(a, b);
    case 'div':
      // b == 0 ? 0 : b == -1 ? -a : a / b   (no traps; INT_MIN / -1 wraps)
      return fb.bind(
        a,
        i,
        (va) =>
          fb.bind(
            b,
            i,
            (vb) =>
              m.if(
                m.i32.eqz(vb()),
                m.i32.const(0),
                m.if(
                  m.i32.eq(vb(), m.i32.const(-1)),
                  m.i32.sub(m.i32.const(0), va()),
                  m.i32.div_s(va(), vb()),
                ),
              ),
            i,
          ),
        i,
      );
    case 'pow':
      return m.call('ipow', [a, b], i);
    case 'fmod':
      // b == 0 ? 0 : a rem b   (rem_s traps only on 0; INT_MIN rem -1 is 0)
      return fb.bind(b, i, (vb) => m.if(m.i32.eqz(vb()), m.i32.const(0), m.i32.rem_s(a, vb())), i);
    case 'maximum':
    case 'minimum':
      return fb.bind(
        a,
        i,
        (va) =>
          fb.bind(
            b,
            i,
            (vb) => {
              const cmp = op === 'maximum' ? m.i32.gt_s(va(), vb()) : m.i32.lt_s(va(), vb());
              return m.select(cmp, va(), vb());
            },
            i,
          ),
        i,
      );
    case 'eq':
      return m.i32.eq(a, b);
    case 'ne':
      return m.i32.ne(a, b);
    case 'lt':
      return dtype === 'bool' ? m.i32.lt_u(a, b) : m.i32.lt_s(a, b);
    case 'le':
      return dtype === 'bool' ? m.i32.le_u(a, b) : m.i32.le_s(a, b);
    case 'gt':
      return dtype === 'bool' ? m.i32.gt_u(a, b) : m.i32.gt_s(a, b);
    case 'ge':
      return dtype === 'bool' ? m.i32.ge_u(a, b) : m.i32.ge_s(a, b);
    case 'and':
      return m.i32.and(a, b);
    case 'or':
      return m.i32.or(a, b);
    default:
      throw new InternalError('codegen', `no scalar i32 form of ${op}`);
  }
}

/** `op` applied to scalar operands of dtype `argType`. */
export function emitScalarOp(fb: FunctionBuilder, op: ScalarOp, args: readonly Expr[], argType: DType): Expr {
  const [a, b, c] = args as [Expr, Expr | undefined, Expr | undefined];
  if (op === 'where') return fb.m.select(a, b as Expr, c as Expr);
  if (b === undefined) return argType === 'f32' ? f32Unary(fb, op, a) : i32Unary(fb, op, a);
  return argType === 'f32' ? f32Binary(fb, op, a, b) : i32Binary(fb, op, a, b, argType);
}

/** Converts a scalar between dtypes as `cast` does. */
export function emitScalarCast(fb: FunctionBuilder, x: Expr, from: DType, to: DType): Expr {
  const m = fb.m;
  if (from === to) return x;
  if (to === 'bool') return from === 'f32' ? m.f32.ne(x, m.f32.const(0)) : m.i32.ne(x, m.i32.const(0));
  if (to === 'f32') return m.f32.convert_s.i32(x);
  // to i32
  return from === 'f32' ? m.i32.trunc_s_sat.f32(x) : x;
}

/**
 * The module's i32 power helper: repeated squaring with wrap-around; a
 * negative exponent gives 0 except for bases 1 and -1.
 */
export function emitIpowFunction(b: typeof Binaryen, m: Binaryen.Module): void {
  const i = b.i32;
  const base = (): Expr => m.local.get(0, i);
  const exp = (): Expr => m.local.get(1, i);
  const acc = (): Expr => m.local.get(2, i);
  const negative = m.if(
    m.i32.lt_s(exp(), m.i32.const(0)),
    m.return(
      m.if(
        m.i32.eq(base(), m.i32.const(1)),
        m.i32.const(1),
        m.if(
          m.i32.eq(base(), m.i32.const(-1)),
          m.select(m.i32.and(exp(), m.i32.const(1)), m.i32.const(-1), m.i32.const(1)),
          m.i32.const(0),
        ),
      ),
    ),
  );
  const loop = m.block('done', [
    m.loop(
      'sq',
      m.block(null, [
        m.br('done', m.i32.eqz(exp())),
        m.if(m.i32.and(exp(), m.i32.const(1)), m.local.set(2, m.i32.mul(acc(), base()))),
        m.local.set(0, m.i32.mul(base(), base())),
        m.local.set(1, m.i32.shr_u(exp(), m.i32.const(1))),
        m.br('sq'),
      ]),
    ),
  ]);
  const body = m.block(null, [negative, m.local.set(2, m.i32.const(1)), loop, acc()], i);
  m.addFunction('ipow', b.createType([i, i]), i, [i], body);
}
