/**
 * In place: a kernel may write a temp over another temp whose last use it is,
 * when the only reads of the old value in that kernel are in the very store
 * that writes the new one, at exactly the stored index (each element is read
 * before it is overwritten). Never for matmul; transposing, broadcasting,
 * gathering, padding or concatenating reads never match the stored index, so
 * they never qualify. Chains of such pairs share one place in the arena.
 */
import { DTYPE_BYTES } from '../common/dtype.js';
import type { Node } from '../ir/node.js';
import { sameShape } from '../ir/shape.js';
import * as ix from '../passes/index-expr.js';
import { loadsOf, type Kernel, type Schedule } from '../passes/kernel.js';
import type { LiveBuffer } from './liveness.js';

/** Why `kernel` may not write `target` over `source`, or undefined when it may. */
export function inPlaceProblem(kernel: Kernel, source: Node, target: Node): string | undefined {
  if (kernel.kind === 'matmul') return 'matmul reads its operands many times';
  if (!sameShape(source.shape, target.shape) || DTYPE_BYTES[source.dtype] !== DTYPE_BYTES[target.dtype]) {
    return 'different size';
  }
  const stores = kernel.steps.filter((s) => s.kind === 'store' && s.node.id === target.id);
  const store = stores[0];
  if (stores.length !== 1 || store?.kind !== 'store') return 'not written by exactly one store';
  const key = store.index.map(ix.exprKey).join(',');
  for (const step of kernel.steps) {
    const loads = loadsOf(step.kind === 'reduce' ? step.body : step.value).filter(
      (l) => l.node.id === source.id,
    );
    if (loads.length === 0) continue;
    if (step !== store) return 'read outside the store that overwrites it';
    if (loads.some((l) => l.index.map(ix.exprKey).join(',') !== key)) return 'read at another index';
  }
  return undefined;
}

/** For each temp written in place: the temp whose bytes it takes (target node id -> source node id). */
export function findInPlace(schedule: Schedule, buffers: readonly LiveBuffer[]): Map<number, number> {
  const temps = new Map(buffers.filter((b) => b.kind === 'temp').map((b) => [b.id, b]));
  const taken = new Set<number>();
  const pairs = new Map<number, number>();
  for (const kernel of schedule.kernels) {
    for (const target of kernel.writes) {
      if (!temps.has(target.id)) continue;
      const source = kernel.reads.find((s) => {
        const buf = temps.get(s.id);
        return (
          buf !== undefined &&
          s.id !== target.id &&
          !taken.has(s.id) &&
          buf.lastUse === kernel.index &&
          inPlaceProblem(kernel, s, target) === undefined
        );
      });
      if (source === undefined) continue;
      pairs.set(target.id, source.id);
      taken.add(source.id);
    }
  }
  return pairs;
}
