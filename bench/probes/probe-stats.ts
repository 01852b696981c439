/** Small statistics and clocks the probes share: a median and the process's CPU time. */

/** The median of `xs` (the upper middle for an even count; NaN when empty). */
export function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[s.length >> 1] ?? NaN;
}

/**
 * The process's CPU time in ms. getrusage's user + system sum is exact to the
 * microsecond (/proc/thread-self/schedstat only moves at scheduler ticks);
 * V8's background threads are idle once the kernels have tiered up.
 */
export function processCpuMs(): number {
  const { user, system } = process.cpuUsage();
  return (user + system) / 1000;
}
