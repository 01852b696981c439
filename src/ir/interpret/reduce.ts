/**
 * Reductions (sum prod max min argmax argmin): every input element is folded,
 * in row-major order, into the output element its non-reduced coordinates
 * name; f32 accumulates in float64 and rounds once, i32 wraps at every step.
 */
import type { TypedArray } from '../../common/dtype.js';
import { InternalError } from '../../common/errors.js';
import type { NodeOf } from '../node.js';
import { sizeOf, stridesOf, type Shape } from '../shape.js';
import { flatIndex, forEachIndex } from './indexing.js';
import { argAt, at, convert, makeResult, type Operand } from './operands.js';
import type { Scalar2 } from './scalar-ops.js';

/**
 * For every element of a value of `shape` (by flat index), the flat index of
 * the output element it reduces into when `axes` are reduced: its coordinates
 * on the kept axes, row-major (keepdims only adds size-1 axes, which do not
 * change flat indices).
 */
export function reductionTargets(shape: Shape, axes: readonly number[]): number[] {
  const kept = shape.map((d, i) => (axes.includes(i) ? 1 : d));
  const strides = stridesOf(kept).map((s, i) => (axes.includes(i) ? 0 : s));
  const targets = new Array<number>(sizeOf(shape));
  forEachIndex(shape, (coords, flat) => {
    targets[flat] = flatIndex(coords, strides);
  });
  return targets;
}

/** How one reduction combines elements; `identity` is its value over nothing (null: none). */
interface Reducer {
  readonly identity: number | null;
  /** f32: exact float64 arithmetic, rounded once when stored. */
  readonly float: Scalar2;
  /** i32 (and bool, for max/min): int32 arithmetic with wrap-around. */
  readonly int: Scalar2;
}

/** The value-reductions; mean is a composite (composites.ts). */
export type ValueReduceOp = 'sum' | 'prod' | 'max' | 'min';

const REDUCERS: Readonly<Record<ValueReduceOp, Reducer>> = {
  sum: { identity: 0, float: (a, b) => a + b, int: (a, b) => (a + b) | 0 },
  prod: { identity: 1, float: (a, b) => a * b, int: Math.imul },
  // Math.max/min propagate NaN, like maximum/minimum
  max: { identity: null, float: Math.max, int: Math.max },
  min: { identity: null, float: Math.min, int: Math.min },
};

/**
 * sum/prod/max/min over `attrs.axes`. The operand is converted to the result
 * dtype first (bool -> i32 for sum/prod). Empty axes give the identity (0 for
 * sum, 1 for prod); max/min over nothing never reaches here (a build-time
 * ShapeError).
 */
export function evaluateReduce(node: NodeOf<ValueReduceOp>, args: readonly Operand[]): TypedArray {
  const x = argAt(node, args, 0);
  const reducer = REDUCERS[node.op];
  const combine = node.dtype === 'f32' ? reducer.float : reducer.int;
  const values = convert(x, node.dtype);
  const targets = reductionTargets(x.shape, node.attrs.axes);
  const out = makeResult(node);
  const acc = new Array<number>(out.length).fill(reducer.identity ?? NaN);
  const seen = new Array<boolean>(out.length).fill(false);
  for (let i = 0; i < values.length; i++) {
    const t = at(targets, i);
    const v = at(values, i);
    acc[t] = seen[t] === true || reducer.identity !== null ? combine(at(acc, t), v) : v;
    seen[t] = true;
  }
  if (reducer.identity === null && seen.includes(false)) {
    throw new InternalError('interpret', `${node.op} (node ${node.id}) reduces over an empty axis`);
  }
  for (let o = 0; o < out.length; o++) out[o] = at(acc, o);
  return out;
}

/**
 * argmax/argmin along `attrs.axis` (NumPy): the first index of the extreme
 * value, and the first NaN's index when the lane holds a NaN. Result i32.
 */
export function evaluateArgReduce(node: NodeOf<'argmax' | 'argmin'>, args: readonly Operand[]): TypedArray {
  const x = argAt(node, args, 0);
  const axis = node.attrs.axis;
  const better = node.op === 'argmax' ? (v: number, b: number) => v > b : (v: number, b: number) => v < b;
  const targets = reductionTargets(x.shape, [axis]);
  const out = makeResult(node);
  const best = new Array<number>(out.length).fill(NaN);
  const seen = new Array<boolean>(out.length).fill(false);
  // row-major order visits each lane's elements in increasing index along `axis`,
  // so keeping the old best on ties keeps the first index
  forEachIndex(x.shape, (coords, flat) => {
    const t = at(targets, flat);
    const v = at(x.data, flat);
    const first = seen[t] !== true;
    const bestNow = at(best, t);
    if (first || (!Number.isNaN(bestNow) && (Number.isNaN(v) || better(v, bestNow)))) {
      best[t] = v;
      out[t] = at(coords, axis);
      seen[t] = true;
    }
  });
  if (seen.includes(false)) {
    throw new InternalError('interpret', `${node.op} (node ${node.id}) reduces over an empty axis`);
  }
  return out;
}
