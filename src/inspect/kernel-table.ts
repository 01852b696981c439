/**
 * The kernels as a text table: one row per kernel in schedule order with its
 * kind, vectorization, bytes moved, operations and (when profiled) time.
 */
import type { KernelInfo } from '../compiled-model.js';
import { formatBytes, formatCount, formatMs } from './format-units.js';
import type { Profile } from './profile-kernels.js';

/**
 * Kernels as a fixed-width text table; with a profile, a `time` column too.
 *
 * @example
 * console.log(kernelTable(model.kernels, model.profile(feeds)));
 */
export function kernelTable(kernels: readonly KernelInfo[], profile?: Profile): string {
  const ms = new Map(profile?.kernels.map((k) => [k.name, k.ms]));
  const header = ['#', 'kernel', 'kind', 'vector', 'read', 'written', 'flops', ...(profile ? ['time'] : [])];
  const rows = kernels.map((k, i) => [
    String(i),
    k.name,
    k.kind,
    k.vectorMode,
    formatBytes(k.bytesRead),
    formatBytes(k.bytesWritten),
    formatCount(k.flops),
    ...(profile ? [formatMs(ms.get(k.name) ?? 0)] : []),
  ]);
  const numeric = (i: number): boolean => i === 0 || i >= 4;
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: readonly string[]): string =>
    cells
      .map((c, i) => (numeric(i) ? c.padStart(widths[i] ?? 0) : c.padEnd(widths[i] ?? 0)))
      .join('  ')
      .trimEnd();
  return [line(header), ...rows.map(line)].join('\n') + '\n';
}
