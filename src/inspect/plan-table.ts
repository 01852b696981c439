/**
 * The memory plan as a text table: one row per buffer in address order with
 * its kind, offset, size and lifetime (also drawn as a strip over the
 * schedule steps), then the sizes that judge the plan.
 */
import type { MemoryPlan, PlannedBuffer } from '../common/plan.js';
import { formatBytes, formatRatio } from './format-units.js';

/** Beyond this many schedule steps the lifetime strip is left out (too wide to read). */
const MAX_STRIP_STEPS = 48;

/** Number of schedule steps the plan spans (one past the last step any buffer is used in). */
export function stepCount(plan: MemoryPlan): number {
  return plan.buffers.reduce((n, b) => Math.max(n, b.lastUse + 1), 0);
}

/** Buffers in address order (ties: earlier first use, then name). */
export function buffersByAddress(plan: MemoryPlan): PlannedBuffer[] {
  return [...plan.buffers].sort(
    (a, b) => a.offset - b.offset || a.firstUse - b.firstUse || a.name.localeCompare(b.name),
  );
}

/** `#` for each step a buffer is live in, `.` elsewhere. */
function strip(buffer: PlannedBuffer, steps: number): string {
  let text = '';
  for (let s = 0; s < steps; s++) text += s >= buffer.firstUse && s <= buffer.lastUse ? '#' : '.';
  return text;
}

/** The one-line verdict on a plan: memory, arena against its lower bound, and the naive size. */
export function planSummary(plan: MemoryPlan): string {
  return (
    `memory ${formatBytes(plan.memoryBytes)}; temp arena ${formatBytes(plan.arenaBytes)} ` +
    `(${formatRatio(plan.arenaBytes, plan.lowerBoundBytes)} the lower bound ${formatBytes(plan.lowerBoundBytes)}; ` +
    `never reusing: ${formatBytes(plan.naiveBytes)})`
  );
}

/**
 * The plan as a fixed-width text table, one buffer per row, in address order.
 *
 * @example
 * console.log(planTable(model.plan));
 * // buffer  kind   offset  bytes  life  steps
 * // w       param       0     48  0..0  #..
 * // ...
 */
export function planTable(plan: MemoryPlan): string {
  const steps = stepCount(plan);
  const showStrip = steps <= MAX_STRIP_STEPS;
  const header = ['buffer', 'kind', 'offset', 'bytes', 'life', ...(showStrip ? ['steps'] : [])];
  const rows = buffersByAddress(plan).map((b) => [
    b.name,
    b.kind,
    String(b.offset),
    String(b.bytes),
    `${b.firstUse}..${b.lastUse}`,
    ...(showStrip ? [strip(b, steps)] : []),
  ]);
  const numeric = new Set([2, 3]);
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: readonly string[]): string =>
    cells
      .map((c, i) => (numeric.has(i) ? c.padStart(widths[i] ?? 0) : c.padEnd(widths[i] ?? 0)))
      .join('  ')
      .trimEnd();
  return [line(header), ...rows.map(line), planSummary(plan)].join('\n') + '\n';
}
