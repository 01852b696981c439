/**
 * Shapes: validation, sizes, row-major strides, NumPy broadcasting and axis
 * normalization. Every function here is pure and throws ShapeError on bad input.
 */
import { ShapeError } from '../common/errors.js';

/** A tensor shape: non-negative integer dimensions, outermost first. */
export type Shape = readonly number[];

/** Largest element count a tensor may have (its bytes must fit in 4 GiB memory). */
export const MAX_ELEMENTS = 2 ** 32;

/** Formats a shape as `[2,3]`. */
export function formatShape(shape: Shape): string {
  return `[${shape.join(',')}]`;
}

/** Number of elements (1 for rank 0). */
export function sizeOf(shape: Shape): number {
  let n = 1;
  for (const d of shape) n *= d;
  return n;
}

/** Row-major strides in elements. */
export function stridesOf(shape: Shape): number[] {
  const strides = new Array<number>(shape.length);
  let s = 1;
  for (let i = shape.length - 1; i >= 0; i--) {
    strides[i] = s;
    s *= shape[i] ?? 1;
  }
  return strides;
}

/** True when both shapes have the same dimensions. */
export function sameShape(a: Shape, b: Shape): boolean {
  return a.length === b.length && a.every((d, i) => d === b[i]);
}

/** Throws unless `shape` is an array of non-negative integers with a sane element count. */
export function checkShape(op: string, shape: unknown): number[] {
  if (!Array.isArray(shape)) {
    throw new ShapeError(`${op}: shape must be an array of dimensions (got ${describe(shape)})`, {
      op,
      shape,
    });
  }
  for (const d of shape as unknown[]) {
    if (typeof d !== 'number' || !Number.isInteger(d) || d < 0) {
      throw new ShapeError(
        `${op}: every dimension must be a non-negative integer (got ${describe(d)} in ${formatUnknownShape(shape)})`,
        { op, shape },
      );
    }
  }
  const dims = shape as number[];
  if (sizeOf(dims) > MAX_ELEMENTS) {
    throw new ShapeError(
      `${op}: shape ${formatShape(dims)} has ${sizeOf(dims)} elements (expected at most 2^32)`,
      { op, shape: dims },
    );
  }
  return [...dims];
}

/** NumPy broadcasting of two shapes, or ShapeError naming the op and both shapes. */
export function broadcastShapes(op: string, a: Shape, b: Shape): Shape {
  const rank = Math.max(a.length, b.length);
  const out = new Array<number>(rank);
  for (let i = 0; i < rank; i++) {
    const da = a[a.length - rank + i] ?? 1;
    const db = b[b.length - rank + i] ?? 1;
    if (da !== db && da !== 1 && db !== 1) {
      throw new ShapeError(
        `${op}: shapes cannot be broadcast: ${formatShape(a)} and ${formatShape(b)} (axis ${i - rank}: ${da} vs ${db})`,
        { op, shapes: [a, b] },
        'Dimensions must be equal or one of them 1 (NumPy broadcasting)',
      );
    }
    out[i] = da === 1 ? db : da;
  }
  return out;
}

/** True when `from` broadcasts to exactly `to`. */
export function broadcastsTo(from: Shape, to: Shape): boolean {
  if (from.length > to.length) return false;
  const off = to.length - from.length;
  return from.every((d, i) => d === 1 || d === to[i + off]);
}

/** An axis in [-rank, rank) as a non-negative index, or ShapeError. */
export function normalizeAxis(op: string, axis: unknown, rank: number): number {
  if (typeof axis !== 'number' || !Number.isInteger(axis) || axis < -rank || axis >= rank) {
    throw new ShapeError(
      `${op}: axis ${describe(axis)} is out of range for rank ${rank} (expected an integer in [${-rank}, ${rank - 1}])`,
      { op, axis, rank },
    );
  }
  return axis < 0 ? axis + rank : axis;
}

/** Normalizes a list of axes (sorted, no repeats); `undefined` means every axis. */
export function normalizeAxes(op: string, axes: unknown, rank: number): number[] {
  if (axes === undefined || axes === null) return Array.from({ length: rank }, (_, i) => i);
  const list: unknown[] = Array.isArray(axes) ? (axes as unknown[]) : [axes];
  const out = list.map((a) => normalizeAxis(op, a, rank));
  if (new Set(out).size !== out.length) {
    throw new ShapeError(`${op}: repeated axis in ${JSON.stringify(list)}`, { op, axes: list });
  }
  return out.sort((x, y) => x - y);
}

/** A short description of an unexpected value for an error message. */
export function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return formatUnknownShape(value);
  if (typeof value === 'number') return String(value);
  if (typeof value === 'string') return JSON.stringify(value);
  return typeof value;
}

function formatUnknownShape(shape: unknown[]): string {
  return `[${shape.map((d) => (typeof d === 'number' ? String(d) : describe(d))).join(',')}]`;
}

/** `Array.isArray` that keeps a readonly array's element type (the built-in narrows to any[]). */
// eslint-disable-next-line @typescript-eslint/no-redundant-type-constituents -- the union keeps T inferable
export function isArray<T>(value: readonly T[] | unknown): value is readonly T[] {
  return Array.isArray(value);
}
