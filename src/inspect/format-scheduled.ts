/**
 * Text of `ir('scheduled')`: the kernels in run order, each with the buffers
 * it reads and writes (address, size, lifetime, in-place reuse) and the temps
 * whose last use it is, so the memory plan can be read alongside the code.
 * Value names match `ir('fused')`.
 */
import type { PlannedGraph } from '../plan-graph.js';
import type { Node } from '../ir/node.js';
import { nameNodes } from '../ir/print.js';
import { formatShape } from '../ir/shape.js';
import { scratchId, type LiveBuffer } from '../planner/liveness.js';
import { formatBytes } from './format-units.js';
import { planSummary } from './plan-table.js';

/** What the scheduled view needs from the pipeline. */
export type ScheduledSource = Pick<PlannedGraph, 'schedule' | 'live' | 'memory'>;

type Row = readonly string[];

/** Aligns rows column by column (two spaces apart). */
function alignRows(rows: readonly Row[], indent: string): string[] {
  const widths: number[] = [];
  for (const row of rows) row.forEach((cell, i) => (widths[i] = Math.max(widths[i] ?? 0, cell.length)));
  return rows.map(
    (row) =>
      indent +
      row
        .map((c, i) => c.padEnd(widths[i] ?? 0))
        .join('  ')
        .trimEnd(),
  );
}

/**
 * The schedule as text: per step, the kernel, then one row per buffer read or
 * written (`@address`, size, live range), and the temps freed after it.
 *
 * @example
 * formatScheduled(planGraph(g))
 * // step 0: k0_matmul_relu  matmul [2,3]
 * //   read   %x  x  input  @48  32 B  live 0..0
 */
export function formatScheduled(source: ScheduledSource): string {
  const { schedule, live, memory } = source;
  const nodes = [...new Set([...schedule.values, ...schedule.kernels.flatMap((k) => k.covers)])].sort(
    (a, b) => a.id - b.id,
  );
  const names = nameNodes(nodes);
  const byId = new Map(live.map((b) => [b.id, b]));
  const row = (verb: string, node: Node, extra = ''): Row => {
    const buf: LiveBuffer | undefined = byId.get(node.id);
    const address = memory.addresses.get(node.id);
    return [
      verb,
      names.get(node.id) ?? `%?${node.id}`,
      buf?.name ?? '?',
      buf?.kind ?? '?',
      address === undefined ? '@?' : `@${address}`,
      formatBytes(buf?.bytes ?? 0),
      buf === undefined ? '' : `live ${buf.firstUse}..${buf.lastUse}${extra}`,
    ];
  };
  const lines = [`schedule: ${schedule.kernels.length} steps; ${planSummary(memory.plan)}`];
  for (const kernel of schedule.kernels) {
    lines.push(
      `step ${kernel.index}: ${kernel.name}  ${kernel.kind} ${formatShape(kernel.domain.map((v) => v.extent))}`,
    );
    const rows: Row[] = kernel.reads.map((n) => row('read', n));
    for (const n of kernel.writes) {
      const source = memory.inPlace.get(n.id);
      rows.push(row('write', n, source === undefined ? '' : `, in place over ${names.get(source) ?? '?'}`));
    }
    const scratch = byId.get(scratchId(kernel.index));
    if (scratch !== undefined) {
      const address = memory.addresses.get(scratch.id);
      rows.push(['scratch', '', scratch.name, 'temp', `@${address ?? '?'}`, formatBytes(scratch.bytes), '']);
    }
    lines.push(...alignRows(rows, '  '));
    const freed = live.filter((b) => b.kind === 'temp' && b.lastUse === kernel.index);
    if (freed.length > 0) {
      const list = freed.map(
        (b) => `${b.node === undefined ? b.name : (names.get(b.node.id) ?? '?')} (${formatBytes(b.bytes)})`,
      );
      lines.push(`  frees ${list.join(', ')}`);
    }
  }
  for (const [name, node] of schedule.outputs) lines.push(`output ${name} = ${names.get(node.id) ?? '?'}`);
  return lines.join('\n') + '\n';
}
