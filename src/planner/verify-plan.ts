/**
 * The plan verifier, run on every compile before any code is made: every
 * buffer lies inside memory and is aligned; no two temps live at a common step
 * share a byte (the independent arena checker); and every load and store of
 * every kernel, over its whole iteration space, stays inside its buffer —
 * proved per axis by interval arithmetic on the index maps, using the bounds
 * that pad/concat guards and gather checks establish. Any failure is a
 * PlanError and no module is made.
 */
import { PlanError } from '../common/errors.js';
import * as ix from '../passes/index-expr.js';
import type { IndexExpr, LoopVar, Range } from '../passes/index-expr.js';
import type { Kernel, KExpr, Schedule } from '../passes/kernel.js';
import { formatShape } from '../ir/shape.js';
import { ARENA_ALIGN_BYTES } from './align.js';
import { checkArenaPlan } from './check-overlap.js';
import type { PlannedMemory } from './memory-plan.js';

type Ranges = ReadonlyMap<number, Range>;

/** Narrows a variable's range under a guard `coef·v + c ∈ [0, size)` when the guard has that form. */
function refine(ranges: Ranges, guard: IndexExpr, size: number): Ranges {
  const term = guard.terms[0];
  if (guard.terms.length !== 1 || term === undefined || term.atom.kind !== 'var') return ranges;
  const v = term.atom.v;
  const cur = ranges.get(v.id) ?? { lo: 0, hi: v.extent - 1 };
  // 0 <= coef·v + c <= size-1
  const a = -guard.c / term.coef;
  const b = (size - 1 - guard.c) / term.coef;
  const lo = Math.max(cur.lo, Math.ceil(Math.min(a, b)));
  const hi = Math.min(cur.hi, Math.floor(Math.max(a, b)));
  const next = new Map(ranges);
  next.set(v.id, { lo, hi });
  return next;
}

function rangeUnder(ranges: Ranges): (v: LoopVar) => Range {
  return (v) => ranges.get(v.id) ?? { lo: 0, hi: v.extent - 1 };
}

function unreachable(ranges: Ranges): boolean {
  for (const r of ranges.values()) if (r.lo > r.hi) return true;
  return false;
}

/** Checks every load in `e` under the variable ranges and guards in force. */
function checkLoads(kernel: Kernel, e: KExpr, ranges: Ranges, guarded: ReadonlySet<string>): void {
  if (unreachable(ranges)) return;
  switch (e.k) {
    case 'const':
      return;
    case 'load':
      checkAccess(kernel, 'load', e.node.id, e.node.shape, e.index, ranges, guarded);
      return;
    case 'op':
      e.args.forEach((a) => checkLoads(kernel, a, ranges, guarded));
      return;
    case 'cast':
      checkLoads(kernel, e.arg, ranges, guarded);
      return;
    case 'bind':
      checkLoads(kernel, e.value, ranges, guarded);
      checkLoads(kernel, e.body, ranges, guarded);
      return;
    case 'guard': {
      let inner = ranges;
      const keys = new Set(guarded);
      for (const g of e.guards) {
        inner = refine(inner, g.index, g.size);
        keys.add(`${ix.exprKey(g.index)}<${g.size}`);
      }
      checkLoads(kernel, e.then, inner, keys);
      checkLoads(kernel, e.otherwise, ranges, guarded);
      return;
    }
  }
}

function checkAccess(
  kernel: Kernel,
  what: 'load' | 'store',
  nodeId: number,
  shape: readonly number[],
  index: readonly IndexExpr[],
  ranges: Ranges,
  guarded: ReadonlySet<string>,
): void {
  if (index.length !== shape.length) {
    throw new PlanError(`${kernel.name}: ${what} of %${nodeId} uses ${index.length} indices for ${formatShape(shape)}`);
  }
  index.forEach((e, axis) => {
    const dim = shape[axis] ?? 0;
    if (guarded.has(`${ix.exprKey(e)}<${dim}`)) return;
    const r = ix.rangeOf(e, rangeUnder(ranges));
    if (r.lo < 0 || r.hi >= dim) {
      throw new PlanError(
        `${kernel.name}: ${what} of %${nodeId}${formatShape(shape)} may reach index ${r.lo < 0 ? r.lo : r.hi} on axis ${axis} (index ${ix.formatIndex(e)})`,
        { kernel: kernel.name, node: nodeId, axis, range: r },
      );
    }
  });
}

/** Every access of one kernel, over its whole iteration space. */
export function verifyKernelAccesses(kernel: Kernel): void {
  if (kernel.domain.some((v) => v.extent === 0)) return;
  for (const out of kernel.outputs) checkAccess(kernel, 'store', out.node.id, out.node.shape, out.index, new Map(), new Set());
  if (kernel.reduction?.vars.some((v) => v.extent === 0)) return;
  checkLoads(kernel, kernel.body, new Map(), new Set());
}

/** Throws PlanError unless `memory` is a safe plan for `schedule`. */
export function verifyPlan(schedule: Schedule, memory: PlannedMemory): void {
  const { plan } = memory;
  for (const buf of plan.buffers) {
    if (buf.offset % ARENA_ALIGN_BYTES !== 0) {
      throw new PlanError(`buffer ${buf.name} at ${buf.offset} is not ${ARENA_ALIGN_BYTES}-byte aligned`, { buffer: buf.name });
    }
    if (buf.offset < 0 || buf.offset + buf.bytes > plan.memoryBytes) {
      throw new PlanError(`buffer ${buf.name} [${buf.offset}, ${buf.offset + buf.bytes}) lies outside memory of ${plan.memoryBytes} bytes`, { buffer: buf.name });
    }
  }
  const fixed = plan.buffers.filter((b) => b.kind !== 'temp').sort((a, b) => a.offset - b.offset);
  for (let i = 1; i < fixed.length; i++) {
    const prev = fixed[i - 1];
    const cur = fixed[i];
    if (prev && cur && prev.offset + prev.bytes > cur.offset) {
      throw new PlanError(`buffers ${prev.name} and ${cur.name} overlap`, { buffers: [prev.name, cur.name] });
    }
  }
  const lastFixed = fixed[fixed.length - 1];
  if (lastFixed && lastFixed.offset + lastFixed.bytes > memory.arenaStart) {
    throw new PlanError(`buffer ${lastFixed.name} reaches into the temp arena`, { buffer: lastFixed.name });
  }
  checkArenaPlan(memory.temps, memory.arena, { align: ARENA_ALIGN_BYTES });
  for (const node of schedule.values) {
    if (!memory.addresses.has(node.id)) throw new PlanError(`value %${node.id} has no address`, { node: node.id });
  }
  for (const kernel of schedule.kernels) verifyKernelAccesses(kernel);
}
