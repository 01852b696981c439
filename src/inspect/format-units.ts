/**
 * Number formatting shared by the inspection views: byte sizes, milliseconds
 * and counts, always deterministic (no locale), so golden text stays stable.
 */

const BYTE_UNITS = ['B', 'KiB', 'MiB', 'GiB'] as const;

/**
 * A byte count for people: `48 B`, `4.0 KiB`, `1.50 MiB` (binary units; three
 * significant digits above 1 KiB).
 */
export function formatBytes(bytes: number): string {
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < BYTE_UNITS.length - 1) {
    value /= 1024;
    unit++;
  }
  if (unit === 0) return `${bytes} B`;
  const digits = value >= 100 ? 0 : value >= 10 ? 1 : 2;
  return `${value.toFixed(digits)} ${BYTE_UNITS[unit]}`;
}

/** A duration given in milliseconds, with a unit and precision that suit it: `4.20 µs`, `382 µs`, `3.41 ms`, `1180 ms`. */
export function formatMs(ms: number): string {
  if (ms >= 100) return `${ms.toFixed(0)} ms`;
  if (ms >= 1) return `${ms.toFixed(2)} ms`;
  const us = ms * 1000;
  return us >= 10 ? `${us.toFixed(0)} µs` : `${us.toFixed(2)} µs`;
}

/** A large count with a metric suffix: `950`, `12.3k`, `4.19M`, `2.15G`. */
export function formatCount(n: number): string {
  const steps: readonly [number, string][] = [
    [1e9, 'G'],
    [1e6, 'M'],
    [1e3, 'k'],
  ];
  for (const [scale, suffix] of steps) {
    if (n >= scale) {
      const v = n / scale;
      return `${v >= 100 ? v.toFixed(0) : v >= 10 ? v.toFixed(1) : v.toFixed(2)}${suffix}`;
    }
  }
  return String(n);
}

/** `ratio` as `1.00x`, or `-` when the denominator is zero. */
export function formatRatio(numerator: number, denominator: number): string {
  return denominator === 0 ? '-' : `${(numerator / denominator).toFixed(2)}x`;
}
