/**
 * The module's f32 fmod helper `fmodf(x, y)`: C's fmod, exact for every pair
 * of f32 values (the remainder of two f32 values is itself an f32, so there is
 * one right answer), by exact reduction steps in f64.
 */
import type Binaryen from 'binaryen';

type Expr = Binaryen.ExpressionRef;

/** The name kernels call. */
export const FMOD_FUNCTION = 'fmodf';

const EXPONENT_MASK_64 = 0x7ff0000000000000n;
/** 2^-28: a step's divisor is |y|·2^k with the quotient below 2^29, so n·t has at most 53 bits. */
const STEP_SCALE = 2 ** -28;

/**
 * Adds `fmodf(x: f32, y: f32) -> f32`. With r = |x| and m = |y| in f64, each
 * step takes t = m·2^k (k >= 0 chosen from r/m's exponent so that r/t < 2^29),
 * n = trunc(r / t) and r = r - n·t (+ t when the rounded quotient overshot by
 * one). Every value is exact: n·t has at most 29 + 24 bits, and r - n·t is a
 * multiple of the smaller of r's and t's last-bit units below max(r, t), so it
 * fits in 53 bits; t is a multiple of m, so r mod m is unchanged. Each step
 * divides r/m by at least 2^28, so r/m <= 2^277 takes at most 11 steps. The
 * result gets x's sign (C: fmod(-4, 2) = -0); NaN operands, an infinite x or
 * a zero y give NaN, an infinite y gives x.
 */
export function emitFmodFunction(b: typeof Binaryen, m: Binaryen.Module): void {
  const [f32, f64] = [b.f32, b.f64];
  const x = (): Expr => m.local.get(0, f32);
  const y = (): Expr => m.local.get(1, f32);
  const R = 2;
  const M = 3;
  const T = 4;
  const N = 5;
  const r = (): Expr => m.local.get(R, f64);
  const mm = (): Expr => m.local.get(M, f64);
  const t = (): Expr => m.local.get(T, f64);
  const invalid = m.i32.or(
    m.i32.or(m.f32.ne(x(), x()), m.f32.ne(y(), y())),
    m.i32.or(m.f32.eq(m.f32.abs(x()), m.f32.const(Infinity)), m.f32.eq(y(), m.f32.const(0))),
  );
  // 2^floor(log2(r/m)): the quotient's exponent bits alone
  const pow2 = m.f64.reinterpret(
    m.i64.and(m.i64.reinterpret(m.f64.div(r(), mm())), m.i64.const(EXPONENT_MASK_64)),
  );
  const step = m.block(null, [
    m.br('done', m.f64.lt(r(), mm())),
    m.local.set(T, m.f64.mul(mm(), m.f64.max(m.f64.const(1), m.f64.mul(pow2, m.f64.const(STEP_SCALE))))),
    m.local.set(N, m.f64.trunc(m.f64.div(r(), t()))),
    m.local.set(R, m.f64.sub(r(), m.f64.mul(m.local.get(N, f64), t()))),
    m.if(m.f64.lt(r(), m.f64.const(0)), m.local.set(R, m.f64.add(r(), t()))),
    m.br('reduce'),
  ]);
  const body = m.block(
    null,
    [
      m.if(invalid, m.return(m.f32.const(NaN))),
      m.local.set(R, m.f64.promote(m.f32.abs(x()))),
      m.local.set(M, m.f64.promote(m.f32.abs(y()))),
      m.block('done', [m.loop('reduce', step)]),
      m.f32.copysign(m.f32.demote(r()), x()),
    ],
    f32,
  );
  m.addFunction(FMOD_FUNCTION, b.createType([f32, f32]), f32, [f64, f64, f64, f64], body);
}
