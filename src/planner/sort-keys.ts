/**
 * Fast deterministic index sorts for the planner: indices ordered by integer keys
 * (ascending), ties by index. When the keys fit, each index is packed with its keys
 * into one exact double and sorted natively (no comparator calls).
 */

/**
 * Indices 0..n-1 sorted by (primary[i], secondary[i], i) ascending. Keys must be
 * integers; packing is used when (primary range x secondary range x n) < 2^53.
 */
export function sortIndices(primary: ArrayLike<number>, secondary?: ArrayLike<number>): Int32Array {
  const n = primary.length;
  const [pMin, pRange] = range(primary);
  const [sMin, sRange] = secondary === undefined ? [0, 1] : range(secondary);
  const order = new Int32Array(n);
  if (pRange * sRange * n < Number.MAX_SAFE_INTEGER) {
    const packed = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      const s = secondary === undefined ? 0 : secondary[i]! - sMin;
      packed[i] = ((primary[i]! - pMin) * sRange + s) * n + i;
    }
    packed.sort();
    for (let k = 0; k < n; k++) order[k] = packed[k]! % n;
    return order;
  }
  for (let i = 0; i < n; i++) order[i] = i;
  return order.sort(
    (a, b) =>
      primary[a]! - primary[b]! || (secondary === undefined ? 0 : secondary[a]! - secondary[b]!) || a - b,
  );
}

/** [min, max - min + 1] of integer values ([0, 1] when empty). */
function range(values: ArrayLike<number>): [number, number] {
  let lo = Infinity;
  let hi = -Infinity;
  for (let i = 0; i < values.length; i++) {
    const v = values[i]!;
    if (v < lo) lo = v;
    if (v > hi) hi = v;
  }
  return values.length === 0 ? [0, 1] : [lo, hi - lo + 1];
}
