/**
 * Row-major index arithmetic for the interpreter: walking every multi-index of
 * a shape in order, and NumPy broadcasting as a flat-index map. Every flat
 * index is `sum(coord[i] * stride[i])` with row-major strides.
 */
import { sizeOf, stridesOf, type Shape } from '../shape.js';

/**
 * Calls `visit(coords, flat)` for every multi-index of `shape` in row-major
 * order (last axis fastest). `coords` is one reused array: read it, do not keep
 * it. A rank-0 shape has one index (`[]`); a shape with a 0 dimension has none.
 */
export function forEachIndex(shape: Shape, visit: (coords: readonly number[], flat: number) => void): void {
  const size = sizeOf(shape);
  const coords = new Array<number>(shape.length).fill(0);
  for (let flat = 0; flat < size; flat++) {
    visit(coords, flat);
    // odometer step: bump the last axis, carrying into earlier ones
    for (let axis = shape.length - 1; axis >= 0; axis--) {
      const next = (coords[axis] ?? 0) + 1;
      if (next < (shape[axis] ?? 0)) {
        coords[axis] = next;
        break;
      }
      coords[axis] = 0;
    }
  }
}

/** `sum(coords[i] * strides[i])`: the flat index of a multi-index. */
export function flatIndex(coords: readonly number[], strides: readonly number[]): number {
  let flat = 0;
  for (let i = 0; i < coords.length; i++) flat += (coords[i] ?? 0) * (strides[i] ?? 0);
  return flat;
}

/**
 * Entry `o` is `base + sum(coords(o)[i] * strides[i])`, for every multi-index
 * `coords(o)` of `shape` in row-major order: the flat source index that output
 * element `o` of a strided view (broadcast, transpose, slice) reads. Written
 * as an odometer over the outer axes and a plain loop along the last one,
 * because the compiler folds constants of millions of elements through here.
 */
export function stridedIndexMap(shape: Shape, strides: readonly number[], base = 0): Int32Array {
  const map = new Int32Array(sizeOf(shape));
  if (map.length === 0) return map;
  const { sizes, steps } = coalesceAxes(shape, strides);
  const rank = sizes.length;
  const inner = sizes[rank - 1] ?? 1;
  const innerStride = steps[rank - 1] ?? 0;
  const coords = new Array<number>(Math.max(rank - 1, 0)).fill(0);
  let start = base;
  for (let row = 0; row < map.length; row += inner) {
    for (let j = 0; j < inner; j++) map[row + j] = start + j * innerStride;
    // odometer step over the outer axes, keeping `start` = base + sum(coords * steps)
    for (let axis = rank - 2; axis >= 0; axis--) {
      const stride = steps[axis] ?? 0;
      const next = (coords[axis] ?? 0) + 1;
      if (next < (sizes[axis] ?? 0)) {
        coords[axis] = next;
        start += stride;
        break;
      }
      start -= (coords[axis] ?? 0) * stride;
      coords[axis] = 0;
    }
  }
  return map;
}

/**
 * The same walk over fewer axes: size-1 axes dropped, and an axis merged into
 * the next when stepping it once equals running the next one through
 * (`stride[i] = stride[i+1] * shape[i+1]`), so the innermost loop is long.
 */
function coalesceAxes(shape: Shape, strides: readonly number[]): { sizes: number[]; steps: number[] } {
  const sizes: number[] = [];
  const steps: number[] = [];
  shape.forEach((size, i) => {
    if (size === 1) return;
    const stride = strides[i] ?? 0;
    const last = sizes.length - 1;
    if (last >= 0 && (steps[last] ?? 0) === stride * size) {
      sizes[last] = (sizes[last] ?? 1) * size;
      steps[last] = stride;
    } else {
      sizes.push(size);
      steps.push(stride);
    }
  });
  return { sizes, steps };
}

/**
 * NumPy broadcasting as an index map: entry `o` is the flat index into a value
 * of shape `from` that element `o` of shape `to` reads. `from` is aligned to the
 * right of `to`; its size-1 axes repeat (stride 0). The caller guarantees that
 * `from` broadcasts to `to` (the type rules checked it).
 */
export function broadcastIndexMap(from: Shape, to: Shape): Int32Array {
  const offset = to.length - from.length;
  const fromStrides = stridesOf(from);
  // stride of each `to` axis in `from`: 0 for added axes and for size-1 axes
  const strides = to.map((_, i) => {
    const j = i - offset;
    return j < 0 || from[j] === 1 ? 0 : (fromStrides[j] ?? 0);
  });
  return stridedIndexMap(to, strides);
}

/**
 * Splits `shape` around `axis` into the element counts before it, along it and
 * after it, so element `k` of lane `(outer, inner)` is at
 * `(outer * size + k) * inner + inner_index`.
 */
export function splitAtAxis(shape: Shape, axis: number): { outer: number; size: number; inner: number } {
  return {
    outer: sizeOf(shape.slice(0, axis)),
    size: shape[axis] ?? 1,
    inner: sizeOf(shape.slice(axis + 1)),
  };
}

/**
 * The lanes of `shape` along `axis`: for every position of the other axes (in
 * row-major order), the flat indices of the elements along `axis`, in order.
 * A shape with a 0 dimension off the axis has no lanes; a 0-size axis gives
 * empty lanes.
 */
export function lanesAlong(shape: Shape, axis: number): number[][] {
  const { outer, size, inner } = splitAtAxis(shape, axis);
  const lanes: number[][] = [];
  for (let o = 0; o < outer; o++) {
    for (let q = 0; q < inner; q++) {
      lanes.push(Array.from({ length: size }, (_, k) => (o * size + k) * inner + q));
    }
  }
  return lanes;
}
