/**
 * The plan verifier, run on every compile before any code is made: every
 * buffer lies inside memory and is aligned; no two temps live at a common step
 * share a byte (the independent arena checker); and every load and store of
 * every kernel, over its whole iteration space, stays inside its buffer —
 * proved per axis by interval arithmetic on the index maps. Pad/concat
 * indices are `within` atoms whose range holds under their guard (checked
 * here), and gather indices are checked at run time. Each kernel's range
 * (passes/kernel-range.ts), which run() splits into chunks, must cover its
 * domain, so every chunk runs inside the proved space. Any failure is a
 * PlanError and no module is made.
 */
import { PlanError } from '../common/errors.js';
import * as ix from '../passes/index-expr.js';
import type { IndexExpr } from '../passes/index-expr.js';
import { storedShape, type Kernel, type KExpr, type Schedule } from '../passes/kernel.js';
import { checkKernelRange, kernelRange } from '../passes/kernel-range.js';
import type { Node } from '../ir/node.js';
import type { Shape } from '../ir/shape.js';
import { formatShape } from '../ir/shape.js';
import { ARENA_ALIGN_BYTES } from './align.js';
import { checkArenaPlan } from './check-overlap.js';
import { inPlaceProblem } from './in-place.js';
import { slotBuffer, type PlannedMemory } from './memory-plan.js';

/** The shape of the buffer holding a value (smaller than the value for row-local ones). */
type ShapeOf = (node: Node) => Shape;

function guardKey(index: IndexExpr, size: number): string {
  return `${ix.exprKey(index)}<${size}`;
}

/** Checks every load in `e` under the variable ranges and guards in force. */
function checkLoads(kernel: Kernel, e: KExpr, guarded: ReadonlySet<string>, shapeOf: ShapeOf): void {
  switch (e.k) {
    case 'const':
    case 'ref':
    case 'get':
      return;
    case 'let':
      checkLoads(kernel, e.value, guarded, shapeOf);
      checkLoads(kernel, e.body, guarded, shapeOf);
      return;
    case 'load':
      checkAccess(kernel, 'load', e.node.id, shapeOf(e.node), e.index, guarded);
      return;
    case 'op':
      e.args.forEach((a) => checkLoads(kernel, a, guarded, shapeOf));
      return;
    case 'cast':
      checkLoads(kernel, e.arg, guarded, shapeOf);
      return;
    case 'bind':
      checkLoads(kernel, e.value, guarded, shapeOf);
      // an index into an empty axis always fails its check: the body never runs
      if (e.size > 0) checkLoads(kernel, e.body, guarded, shapeOf);
      return;
    case 'guard': {
      const keys = new Set(guarded);
      for (const g of e.guards) keys.add(guardKey(g.index, g.size));
      // a guard `index in [0, 0)` never holds: its branch is never evaluated
      if (e.guards.every((g) => g.size > 0)) checkLoads(kernel, e.then, keys, shapeOf);
      checkLoads(kernel, e.otherwise, guarded, shapeOf);
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
  guarded: ReadonlySet<string>,
): void {
  if (index.length !== shape.length) {
    throw new PlanError(
      `${kernel.name}: ${what} of %${nodeId} uses ${index.length} indices for ${formatShape(shape)}`,
    );
  }
  index.forEach((e, axis) => {
    const dim = shape[axis] ?? 0;
    // a guarded atom's range holds only under a guard on the same expression
    for (const atom of ix.withinAtoms(e)) {
      if (!guarded.has(guardKey(atom.e, atom.size))) {
        throw new PlanError(
          `${kernel.name}: ${what} of %${nodeId} uses [${ix.formatIndex(atom.e)}] outside its guard`,
          { kernel: kernel.name },
        );
      }
    }
    const r = ix.rangeOf(e);
    if (r.lo < 0 || r.hi >= dim) {
      throw new PlanError(
        `${kernel.name}: ${what} of %${nodeId}${formatShape(shape)} may reach index ${r.lo < 0 ? r.lo : r.hi} on axis ${axis} (index ${ix.formatIndex(e)})`,
        { kernel: kernel.name, node: nodeId, axis, range: r },
      );
    }
  });
}

/** Every access of one kernel, over its whole iteration space. */
export function verifyKernelAccesses(kernel: Kernel, shapeOf: ShapeOf = (n) => n.shape): void {
  if (kernel.domain.some((v) => v.extent === 0)) return;
  const filled = new Set<number>();
  for (const step of kernel.steps) {
    if (step.kind === 'reduce') {
      if (!step.reduction.vars.some((v) => v.extent === 0)) checkLoads(kernel, step.body, new Set(), shapeOf);
      filled.add(step.slot);
      checkRefs(kernel, step.body, filled, step.slot);
      continue;
    }
    if (step.kind === 'let') {
      checkRefs(kernel, step.value, filled, undefined);
      checkLoads(kernel, step.value, new Set(), shapeOf);
      filled.add(step.slot);
      continue;
    }
    checkRefs(kernel, step.value, filled, undefined);
    if (step.vars.some((v) => v.extent === 0)) continue;
    checkAccess(kernel, 'store', step.node.id, shapeOf(step.node), step.index, new Set());
    checkLoads(kernel, step.value, new Set(), shapeOf);
  }
}

/** A step may only refer to slots filled by earlier steps. */
function checkRefs(kernel: Kernel, e: KExpr, filled: ReadonlySet<number>, own: number | undefined): void {
  const visit = (x: KExpr): void => {
    if (x.k === 'ref' && (!filled.has(x.slot) || x.slot === own)) {
      throw new PlanError(`${kernel.name}: a step reads slot ${x.slot} before it is computed`, {
        kernel: kernel.name,
      });
    }
    if (x.k === 'op') x.args.forEach(visit);
    else if (x.k === 'cast') visit(x.arg);
    else if (x.k === 'guard') [x.then, x.otherwise].forEach(visit);
    else if (x.k === 'bind' || x.k === 'let') [x.value, x.body].forEach(visit);
  };
  visit(e);
}

/**
 * The arena holds slots; a slot is one temp or a chain of temps each written in
 * place over the previous one. Checks the slots cover every temp once, sit at
 * their planned offsets, never overlap while live (checkArenaPlan), and that
 * each in-place link is legal in the kernel that makes it.
 */
function checkSlots(schedule: Schedule, memory: PlannedMemory): void {
  const seen = new Set<number>();
  const slotBuffers = memory.slots.map((chain, i) => {
    const offset = memory.arenaStart + (memory.arena.offsets[i] ?? 0);
    chain.forEach((buf, j) => {
      if (seen.has(buf.id)) throw new PlanError(`temp ${buf.name} is in two arena slots`);
      seen.add(buf.id);
      if (memory.addresses.get(buf.id) !== offset)
        throw new PlanError(`temp ${buf.name} is not at its slot's offset`);
      const prev = chain[j - 1];
      if (prev === undefined) return;
      const kernel = schedule.kernels[buf.firstUse];
      const problem =
        kernel === undefined || prev.node === undefined || buf.node === undefined
          ? 'only values are written in place'
          : prev.lastUse !== buf.firstUse || memory.inPlace.get(buf.id) !== prev.id
            ? 'lifetimes do not meet'
            : inPlaceProblem(kernel, prev.node, buf.node);
      if (problem !== undefined) {
        throw new PlanError(`${buf.name} may not be written in place over ${prev.name}: ${problem}`, {
          target: buf.name,
          source: prev.name,
        });
      }
    });
    return slotBuffer(chain, memory.guardBytes);
  });
  for (const t of memory.temps) if (!seen.has(t.id)) throw new PlanError(`temp ${t.name} has no arena slot`);
  checkArenaPlan(slotBuffers, memory.arena, { align: ARENA_ALIGN_BYTES });
}

/** Throws PlanError unless `memory` is a safe plan for `schedule`. */
export function verifyPlan(schedule: Schedule, memory: PlannedMemory): void {
  const { plan } = memory;
  for (const buf of plan.buffers) {
    if (buf.offset % ARENA_ALIGN_BYTES !== 0) {
      throw new PlanError(`buffer ${buf.name} at ${buf.offset} is not ${ARENA_ALIGN_BYTES}-byte aligned`, {
        buffer: buf.name,
      });
    }
    if (buf.offset < 0 || buf.offset + buf.bytes > plan.memoryBytes) {
      throw new PlanError(
        `buffer ${buf.name} [${buf.offset}, ${buf.offset + buf.bytes}) lies outside memory of ${plan.memoryBytes} bytes`,
        { buffer: buf.name },
      );
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
  checkSlots(schedule, memory);
  for (const node of schedule.values) {
    if (!memory.addresses.has(node.id))
      throw new PlanError(`value %${node.id} has no address`, { node: node.id });
  }
  for (const kernel of schedule.kernels) {
    verifyKernelAccesses(kernel, (n) => storedShape(schedule, n));
    // codegen calls the kernel over chunks of this range: each a subrange of the domain just proved
    const range = kernelRange(kernel);
    if (range !== undefined)
      checkKernelRange(kernel, range, (why) => {
        throw new PlanError(`${kernel.name}: ${why}`, { kernel: kernel.name });
      });
  }
}
