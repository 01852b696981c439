/**
 * The inline math emitters: one table of unary f32 / f32x4 transcendentals and
 * pow. Every emitter inlines straight-line code (no calls, no imports) and uses
 * its inputs exactly once; the error bounds are stated in docs/math.md and
 * asserted by tests/codegen/math.test.ts.
 */
import { emitErf } from './erf.js';
import { emitExp } from './exp.js';
export {
  emitExpNonpositive,
  emitExpNonpositiveTimes2p25,
  emitExpRowShifted,
  rowShiftScalars,
  type RowShift,
} from './exp.js';
import { emitLog } from './log.js';
import type { UnaryMathEmitter } from './math-context.js';
import { emitSigmoid } from './sigmoid.js';
import { emitCos, emitSin } from './sin-cos.js';
import { emitTanh } from './tanh.js';

export type { BinaryMathEmitter, Lanes, MathContext, UnaryMathEmitter } from './math-context.js';
export { emitPow } from './pow.js';

/** Names of the unary transcendentals with an inline emitter. */
export type MathOp = 'exp' | 'log' | 'sin' | 'cos' | 'tanh' | 'sigmoid' | 'erf';

/**
 * The unary emitters by op name.
 * @example
 * const y = MATH_EMITTERS.exp(ctx, m.v128.load(0, 16, ptr), 'simd'); // a v128 of 4 exps
 */
export const MATH_EMITTERS: Readonly<Record<MathOp, UnaryMathEmitter>> = {
  exp: emitExp,
  log: emitLog,
  sin: emitSin,
  cos: emitCos,
  tanh: emitTanh,
  sigmoid: emitSigmoid,
  erf: emitErf,
};
