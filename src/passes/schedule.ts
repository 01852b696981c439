/**
 * Memory-aware scheduling: reorders independent kernels so that large temps
 * die early. A greedy list scheduler picks, among the kernels whose inputs are
 * ready, the one that adds the fewest temp bytes (bytes it writes minus bytes
 * of temps it reads for the last time); ties keep the original order. The
 * result is kept only when its peak of live temp bytes is no higher than the
 * original topological order's, so scheduling never raises the lower bound.
 */
import { InternalError } from '../common/errors.js';
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

/**
 * A greedy order of `kernels` that keeps every kernel after the kernels writing
 * what it reads. Each step scores only the ready kernels (all of whose writers
 * ran), so a step costs the ready set, not the whole graph; among equal scores
 * the earliest kernel in the original order wins.
 */
function greedyOrder(kernels: readonly Kernel[], outputs: ReadonlySet<number>): Kernel[] {
  const writer = new Map<number, Kernel>();
  for (const k of kernels) for (const n of k.writes) writer.set(n.id, k);
  const position = new Map<Kernel, number>(kernels.map((k, i) => [k, i]));
  const waiting = new Map<Kernel, number>();
  const dependents = new Map<Kernel, Kernel[]>();
  const readers = new Map<number, number>();
  for (const k of kernels) {
    const set = new Set<Kernel>();
    for (const n of k.reads) {
      const w = writer.get(n.id);
      if (w !== undefined && w !== k) set.add(w);
      readers.set(n.id, (readers.get(n.id) ?? 0) + 1);
    }
    waiting.set(k, set.size);
    for (const w of set) {
      const list = dependents.get(w) ?? [];
      list.push(k);
      dependents.set(w, list);
    }
  }
  const isTemp = (n: Node): boolean => writer.has(n.id) && !outputs.has(n.id);
  const score = (k: Kernel): number => {
    const grows = k.writes.filter(isTemp).reduce((s, n) => s + bytesOf(n), 0);
    const frees = k.reads
      .filter((n) => isTemp(n) && readers.get(n.id) === 1)
      .reduce((s, n) => s + bytesOf(n), 0);
    return grows - frees;
  };
  const ready = kernels.filter((k) => waiting.get(k) === 0);
  const order: Kernel[] = [];
  while (ready.length > 0) {
    let pick = 0;
    let bestScore = Infinity;
    ready.forEach((k, i) => {
      const sc = score(k);
      const earlier = (position.get(k) ?? 0) < (position.get(ready[pick] as Kernel) ?? 0);
      if (sc < bestScore || (sc === bestScore && earlier)) {
        pick = i;
        bestScore = sc;
      }
    });
    const next = ready.splice(pick, 1)[0] as Kernel;
    order.push(next);
    for (const n of next.reads) readers.set(n.id, (readers.get(n.id) ?? 1) - 1);
    for (const d of dependents.get(next) ?? []) {
      const left = (waiting.get(d) ?? 1) - 1;
      waiting.set(d, left);
      if (left === 0) ready.push(d);
    }
  }
  if (order.length !== kernels.length)
    throw new InternalError('schedule', 'the kernels read each other in a cycle (no topological order)');
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
