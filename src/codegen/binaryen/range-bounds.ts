/**
 * The slice of its range one call of a kernel function runs: the function's
 * (start, end) parameters, in units of the range (passes/kernel-range.ts),
 * clamped and turned into values of the range variable.
 */
import type Binaryen from 'binaryen';
import type { KernelRange } from '../../passes/kernel-range.js';
import type { FunctionBuilder } from './function-builder.js';

type Expr = Binaryen.ExpressionRef;

/** The values of a range variable one call runs: [start, end) in the i32 locals `start` and `end`. */
export interface RangeBounds {
  /** The range variable's id. */
  readonly id: number;
  readonly start: number;
  readonly end: number;
  /**
   * Set by the emitters when a loop runs over these bounds: a kernel emitted
   * without would run whole in every chunk (an in-place one would then apply
   * its op several times), so emitKernelBody refuses it.
   */
  used: boolean;
}

/**
 * The statements setting the bounds of this call's slice of `range` from the
 * function's (start, end) parameters (locals 0 and 1), each clamped to
 * [0, units) first: the function is exported (profile), and a slice outside
 * the range would write outside the proved space.
 */
export function rangeBounds(fb: FunctionBuilder, range: KernelRange): { bounds: RangeBounds; setup: Expr[] } {
  const m = fb.m;
  const i32 = fb.b.i32;
  const get = (l: number): Expr => m.local.get(l, i32);
  const start = fb.addLocal(i32);
  const end = fb.addLocal(i32);
  /** local = min(max(local, 0), hi), then times `scale`. */
  const clamp = (local: number, hi: number, scale: number): Expr[] => [
    m.local.set(local, m.select(m.i32.lt_s(get(local), m.i32.const(0)), m.i32.const(0), get(local))),
    m.local.set(local, m.select(m.i32.gt_s(get(local), m.i32.const(hi)), m.i32.const(hi), get(local))),
    ...(scale === 1 ? [] : [m.local.set(local, m.i32.mul(get(local), m.i32.const(scale)))]),
  ];
  const setup = [
    m.local.set(start, get(0)),
    ...clamp(start, range.units, range.unit),
    m.local.set(end, get(1)),
    ...clamp(end, range.units, range.unit),
  ];
  // the last unit may be partial
  if (range.units * range.unit !== range.v.extent) setup.push(...clamp(end, range.v.extent, 1));
  return { bounds: { id: range.v.id, start, end, used: false }, setup };
}
