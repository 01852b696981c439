/**
 * The argument checks and normalizers behind Tensor's methods (tensor.ts):
 * keepdims flags, reshape's -1, Python slice ranges. Each throws a
 * ShapeError naming the op and the bad value.
 */
import { ShapeError } from '../common/errors.js';
import type { SliceAxis } from './ops.js';
import { checkShape, describe, formatShape, isArray, sizeOf, type Shape } from './shape.js';

/** One axis of `slice`: pick an index, a `[start, stop, step?]` range, or `null` for all. */
export type SliceRange = number | null | readonly [number | null, number | null, (number | null)?];

/** A keepdims flag: true or false. */
export function checkBool(op: string, value: unknown): boolean {
  if (typeof value !== 'boolean')
    throw new ShapeError(`${op}: keepdims must be true or false (got ${describe(value)})`, { op });
  return value;
}

/** Resolves one -1 and checks the element count. */
export function resolveReshape(from: Shape, shape: readonly number[]): number[] {
  if (!isArray(shape))
    throw new ShapeError(`reshape: shape must be an array (got ${describe(shape)})`, { op: 'reshape' });
  const unknown = shape.filter((d) => d === -1).length;
  if (unknown > 1)
    throw new ShapeError(`reshape: at most one -1 allowed (got ${formatShape(shape)})`, {
      op: 'reshape',
      shape,
    });
  const known = checkShape(
    'reshape',
    shape.filter((d) => d !== -1),
  );
  const total = sizeOf(from);
  if (unknown === 0) return checkShape('reshape', shape);
  const rest = sizeOf(known);
  if (rest === 0 || total % rest !== 0) {
    throw new ShapeError(
      `reshape: cannot infer -1: ${formatShape(from)} (${total} elements) -> ${formatShape(shape)}`,
      { op: 'reshape', from, to: shape },
      'The known dimensions must divide the element count',
    );
  }
  return shape.map((d) => (d === -1 ? total / rest : d));
}

/** Python slice semantics for one axis. */
export function normalizeRange(axis: number, dim: number, r: SliceRange | undefined): SliceAxis {
  if (r === undefined || r === null) return { start: 0, step: 1, size: dim };
  if (!isArray(r) || r.length < 2 || r.length > 3) {
    throw new ShapeError(
      `slice: axis ${axis} range must be a number, null or [start, stop, step?] (got ${describe(r)})`,
      { op: 'slice', axis },
    );
  }
  const [rawStart, rawStop, rawStep] = r;
  const step = rawStep ?? 1;
  for (const v of [rawStart, rawStop, step]) {
    if (v !== null && (typeof v !== 'number' || !Number.isInteger(v))) {
      throw new ShapeError(`slice: axis ${axis} bounds must be integers (got ${describe(r)})`, {
        op: 'slice',
        axis,
      });
    }
  }
  if (step === 0)
    throw new ShapeError(`slice: step is 0 on axis ${axis} (expected a non-zero integer)`, {
      op: 'slice',
      axis,
    });
  const clampIndex = (v: number, lo: number, hi: number): number =>
    Math.min(Math.max(v < 0 ? v + dim : v, lo), hi);
  let start: number;
  let stop: number;
  if (step > 0) {
    start = rawStart === null ? 0 : clampIndex(rawStart, 0, dim);
    stop = rawStop === null ? dim : clampIndex(rawStop, 0, dim);
  } else {
    start = rawStart === null ? dim - 1 : clampIndex(rawStart, -1, dim - 1);
    stop = rawStop === null ? -1 : clampIndex(rawStop, -1, dim - 1);
  }
  const size = Math.max(0, Math.ceil((stop - start) / step));
  return { start: size === 0 ? 0 : start, step, size };
}
