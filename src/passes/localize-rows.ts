/**
 * Row-local values: a fused row kernel (softmax, layerNorm) often stores an
 * intermediate that only its own later steps read, for the same row — e.g.
 * exp(x - max), read by the sum and by the division. Such a value needs one
 * row of storage, not the whole tensor: every outer point writes its row
 * before reading it. This pass rewrites the value's index maps to address row
 * 0 (outer variables set to 0) and records its stored shape (leading axes 1),
 * so the planner reserves one row and the row stays in L1 instead of
 * streaming the whole tensor through memory.
 *
 * A value qualifies when no other kernel reads it, it is not an output, and
 * every access in its kernel indexes the same leading axes with outer
 * variables (or 0 on unit axes) and the trailing axes without them. The
 * fusion pass already guarantees a row's reads see that row's writes.
 */
import type { Node } from '../ir/node.js';
import { DTYPE_BYTES } from '../common/dtype.js';
import { formatShape, sizeOf } from '../ir/shape.js';
import * as ix from './index-expr.js';
import type { IndexExpr, LoopVar } from './index-expr.js';
import {
  mapExpr,
  mapStepExprs,
  stepExprs,
  loadsOf,
  type Kernel,
  type Schedule,
  type Step,
} from './kernel.js';
import { threadVar } from './thread-var.js';

/** Bytes left free between two threads' rows: a cache line, so no line holds parts of two threads' rows. */
const THREAD_ROW_GAP_BYTES = 64;
/**
 * Rows at least this long are not spaced: a shared line per pass is little
 * beside the row's own work, and a spare row per thread would cost memory.
 */
const SPACED_ROW_MAX_BYTES = 16384;

/**
 * Rows apart that thread t's row starts from thread t-1's: 1, or enough that a
 * cache line lies between them. Adjacent rows of 4 KB from a 16-byte aligned
 * arena slot share a line at each end, which both threads write and read
 * every row (W4's layerNorm: each row passes its buffer 3 times).
 */
export function threadRowStride(rowBytes: number): number {
  if (rowBytes <= 0 || rowBytes >= SPACED_ROW_MAX_BYTES) return 1;
  return Math.ceil((rowBytes + THREAD_ROW_GAP_BYTES) / rowBytes);
}

/** The accesses (index lists) of `node` in a kernel: its stores and loads. */
function accessesOf(kernel: Kernel, node: Node): (readonly IndexExpr[])[] {
  const stores = kernel.steps.flatMap((s) => (s.kind === 'store' && s.node.id === node.id ? [s.index] : []));
  const loads = stepExprs(kernel).flatMap((e) =>
    loadsOf(e)
      .filter((l) => l.node.id === node.id)
      .map((l) => l.index),
  );
  return [...stores, ...loads];
}

/** How many leading axes of `node` are row axes in every access, or undefined if it is not row-local. */
function rowAxes(
  node: Node,
  accesses: readonly (readonly IndexExpr[])[],
  outer: readonly LoopVar[],
): number | undefined {
  const isOuterVar = (e: IndexExpr): boolean =>
    e.c === 0 && e.terms.length === 1 && e.terms[0]?.coef === 1 && outer.some((v) => ix.mentions(e, v));
  const first = accesses[0];
  if (first === undefined) return undefined;
  // leading axes: outer variables (or 0 on a unit axis); the rest must not mention them
  let p = 0;
  while (
    p < first.length &&
    (isOuterVar(first[p]!) || (node.shape[p] === 1 && ix.exprKey(first[p]!) === '0'))
  )
    p++;
  if (p === 0) return undefined;
  const lead = first.slice(0, p).map(ix.exprKey);
  for (const idx of accesses) {
    if (idx.some(ix.hasDynamic)) return undefined;
    if (idx.slice(0, p).some((e, j) => ix.exprKey(e) !== lead[j])) return undefined;
    if (idx.slice(p).some((e) => outer.some((v) => ix.mentions(e, v)))) return undefined;
  }
  return p;
}

/** The outer variable a leading index is (undefined for a constant 0 on a unit axis). */
function rowVar(e: IndexExpr, outer: readonly LoopVar[]): LoopVar | undefined {
  return outer.find((v) => ix.mentions(e, v));
}

/** The step with `node`'s index maps sending outer variables to 0 (or to the thread variable). */
function toRowZero(step: Step, node: Node, zero: ReadonlyMap<number, IndexExpr>): Step {
  const move = (idx: readonly IndexExpr[]): IndexExpr[] => idx.map((e) => ix.substitute(e, zero));
  const expr = (e: Parameters<typeof mapExpr>[0]): ReturnType<typeof mapExpr> =>
    mapExpr(
      e,
      (x) => x,
      (s) => s,
      (l) => (l.node.id === node.id ? { ...l, index: move(l.index) } : undefined),
    );
  return mapStepExprs(step, expr, (idx, store) => (store.node.id === node.id ? move(idx) : [...idx]));
}

/**
 * The schedule with row-local values stored one row each (`storedShapes`
 * gives their stored shapes), and a note per value for ir('fused'). In a
 * build for `maxThreads` > 1 threads each thread has its own row: the last
 * row axis is indexed by the thread variable (thread-var.ts) instead of 0,
 * and the stored shape holds maxThreads rows, so a kernel split by rows
 * keeps its row in L1 on every thread (W4's layerNorm without it: 1.6x
 * slower per thread). Short rows are spaced (threadRowStride) so that no
 * cache line holds two threads' rows.
 */
export function localizeRows(schedule: Schedule, maxThreads = 1): { schedule: Schedule; notes: string[] } {
  const notes: string[] = [];
  const outputs = new Set(schedule.outputs.map(([, n]) => n.id));
  const readBy = new Map<number, number>();
  for (const k of schedule.kernels) for (const n of k.reads) readBy.set(n.id, (readBy.get(n.id) ?? 0) + 1);
  const storedShapes = new Map(schedule.storedShapes);
  const kernels = schedule.kernels.map((kernel) => {
    if (kernel.kind !== 'row') return kernel;
    const outer = kernel.domain.filter((v) => v.extent > 1);
    const zero = new Map(outer.map((v) => [v.id, ix.ZERO]));
    let steps = kernel.steps;
    for (const node of kernel.writes) {
      // read here and nowhere else (its own kernel is its only reader)
      if (outputs.has(node.id) || readBy.get(node.id) !== 1 || !kernel.reads.includes(node)) continue;
      const p = rowAxes(node, accessesOf({ ...kernel, steps }, node), outer);
      if (p === undefined) continue;
      // the last row axis: the thread's own row (its variable has the same stride as that axis)
      const own = new Map(zero);
      const last = rowVar(accessesOf({ ...kernel, steps }, node)[0]![p - 1]!, outer);
      if (maxThreads > 1 && last === undefined) continue;
      // thread t's row at t * stride rows, a cache line clear of the next thread's
      const stride = threadRowStride(sizeOf(node.shape.slice(p)) * DTYPE_BYTES[node.dtype]);
      if (maxThreads > 1 && last !== undefined)
        own.set(last.id, ix.scale(ix.variable(threadVar(maxThreads)), stride));
      steps = steps.map((s) => toRowZero(s, node, own));
      const rows = maxThreads > 1 ? (maxThreads - 1) * stride + 1 : 1;
      const stored = node.shape.map((d, j) => (j < p - 1 ? 1 : j === p - 1 ? rows : d));
      storedShapes.set(node.id, stored);
      notes.push(`${kernel.name} stores its ${node.op} one row at a time (${formatShape(stored)})`);
    }
    return steps === kernel.steps ? kernel : { ...kernel, steps };
  });
  return { schedule: { ...schedule, kernels, storedShapes }, notes };
}
