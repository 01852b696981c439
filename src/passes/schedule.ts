/**
 * Memory-aware scheduling: reorders independent kernels so that large temps
 * die early. A greedy list scheduler picks, among the kernels whose inputs are
 * ready, the one that adds the fewest temp bytes (bytes it writes minus bytes
 * of temps it reads for the last time); ties keep the original order. The
 * result is kept only when its peak of live temp bytes is no higher than the
 * original topological order's, so scheduling never raises the lower bound.
 */
import { bytesOf, type Node } from '../ir/node.js';
import type { Kernel, Schedule } from './kernel.js';

/** The largest total size of temps live at one step of `order` (outputs and leaves are not temps). */
export function peakTempBytes(order: readonly Kernel[], outputs: ReadonlySet<number>): number {
  const lastRead = new Map<number, number>();
  order.forEach((k, i) => k.reads.forEach((n) => lastRead.set(n.id, i)));
  let live = 0;
  let peak = 0;
  const dying: number[] = new Array<number>(order.length).fill(0);
  order.forEach((k, i) => {
    for (const n of k.writes) {
      if (outputs.has(n.id)) continue;
      live += bytesOf(n);
      const end = Math.max(i, lastRead.get(n.id) ?? i);
      dying[end] = (dying[end] ?? 0) + bytesOf(n);
    }
    peak = Math.max(peak, live);
    live -= dying[i] ?? 0;
  });
  return peak;
}

/** A greedy order of `kernels` that keeps every kernel after the kernels writing what it reads. */
function greedyOrder(kernels: readonly Kernel[], outputs: ReadonlySet<number>): Kernel[] {
  const writer = new Map<number, Kernel>();
  for (const k of kernels) for (const n of k.writes) writer.set(n.id, k);
  const deps = new Map<Kernel, Set<Kernel>>();
  const readers = new Map<number, number>();
  for (const k of kernels) {
    const set = new Set<Kernel>();
    for (const n of k.reads) {
      const w = writer.get(n.id);
      if (w !== undefined && w !== k) set.add(w);
      readers.set(n.id, (readers.get(n.id) ?? 0) + 1);
    }
    deps.set(k, set);
  }
  const done = new Set<Kernel>();
  const order: Kernel[] = [];
  const isTemp = (n: Node): boolean => writer.has(n.id) && !outputs.has(n.id);
  while (order.length < kernels.length) {
    let best: Kernel | undefined;
    let bestScore = Infinity;
    for (const k of kernels) {
      if (done.has(k) || ![...(deps.get(k) ?? [])].every((d) => done.has(d))) continue;
      const grows = k.writes.filter(isTemp).reduce((s, n) => s + bytesOf(n), 0);
      const frees = k.reads
        .filter((n) => isTemp(n) && readers.get(n.id) === 1)
        .reduce((s, n) => s + bytesOf(n), 0);
      const score = grows - frees;
      if (score < bestScore) {
        best = k;
        bestScore = score;
      }
    }
    const next = best as Kernel;
    done.add(next);
    order.push(next);
    for (const n of next.reads) readers.set(n.id, (readers.get(n.id) ?? 1) - 1);
  }
  return order;
}

/** Renumbers kernels in `order` (their index and the `k<index>_` prefix of their names). */
function renumber(order: readonly Kernel[]): Kernel[] {
  return order.map((k, i) => ({ ...k, index: i, name: k.name.replace(/^k\d+_/, `k${i}_`) }));
}

/** The schedule with kernels reordered to lower peak temp memory (never higher than before). */
export function scheduleKernels(schedule: Schedule): { schedule: Schedule; before: number; after: number } {
  const outputs = new Set(schedule.outputs.map(([, n]) => n.id));
  const before = peakTempBytes(schedule.kernels, outputs);
  const greedy = greedyOrder(schedule.kernels, outputs);
  const after = peakTempBytes(greedy, outputs);
  const kernels = after < before ? renumber(greedy) : schedule.kernels;
  return { schedule: { ...schedule, kernels }, before, after: Math.min(before, after) };
}
