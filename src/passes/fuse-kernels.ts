/**
 * Merges consecutive kernels into one loop nest:
 *   - epilogue: an elementwise kernel that reads a reduction's (or matmul's)
 *     result at exactly its own index becomes that kernel's store expression
 *     (dense + bias + relu is one kernel);
 *   - rows: kernels over the same outer rows — reductions over the same
 *     trailing axes, elementwise kernels over whole rows or one value per row —
 *     become steps of one kernel run row by row (softmax, layerNorm), so each
 *     row is read from cache. Per-row values (reductions, means) live in slots
 *     instead of buffers when nothing outside the kernel reads them.
 * A kernel joins only if every value it reads from the kernel it joins was
 * written for the same row (checked on the index maps). Every merge, and why a
 * kernel did not join, is recorded for ir('fused').
 */
import type { Node } from '../ir/node.js';
import { OP_CATEGORY } from '../ir/ops.js';
import { kernelName } from './form-kernels.js';
import * as ix from './index-expr.js';
import type { IndexExpr, LoopVar } from './index-expr.js';
import {
  asElementwise,
  asReduction,
  loadsOf,
  mapExpr,
  stepExprs,
  stepVars,
  type Kernel,
  type KExpr,
  type Schedule,
  type Step,
} from './kernel.js';

interface Group {
  readonly kernels: Kernel[];
  readonly domain: readonly LoopVar[];
  /** Leading domain variables that index rows (all of them for an epilogue group). */
  readonly outerRank: number;
  /** Extents of a row (the reduced trailing axes), or undefined when the group takes only an epilogue. */
  readonly inner: readonly number[] | undefined;
  steps: Step[];
  nextVar: number;
  nextSlot: number;
  nextBind: number;
  /** Nodes whose value at the current row is a slot. */
  readonly slotOf: Map<number, number>;
  /** Nodes the group writes. */
  readonly written: Set<number>;
}

const same = (a: readonly number[], b: readonly number[]): boolean =>
  a.length === b.length && a.every((x, i) => x === b[i]);
const extents = (vars: readonly LoopVar[]): number[] => vars.map((v) => v.extent);

/** Renames atoms of gather binds inside index maps too. */
function renameDyn(e: IndexExpr, bind: (slot: number) => number): IndexExpr {
  return {
    c: e.c,
    terms: e.terms.map((t) => {
      const a = t.atom;
      if (a.kind === 'dyn') return { coef: t.coef, atom: { ...a, slot: bind(a.slot) } };
      if (a.kind === 'var') return t;
      return { coef: t.coef, atom: { ...a, e: renameDyn(a.e, bind) } };
    }),
  };
}

/** The reduced axes of a reduction kernel's node are its input's trailing axes. */
function reducesTrailing(node: Node): boolean {
  if (node.op !== 'sum' && node.op !== 'prod' && node.op !== 'max' && node.op !== 'min') return false;
  const rank = (node.inputs[0] as Node).shape.length;
  return node.attrs.axes.every((a, i) => a === rank - node.attrs.axes.length + i);
}

function startGroup(k: Kernel): Group {
  const single = asReduction(k);
  const node = k.writes[0];
  const base = {
    kernels: [k],
    domain: k.domain,
    steps: [...k.steps],
    nextVar: 1 + maxVarId(k),
    nextSlot: 1 + maxSlot(k),
    nextBind: 1000 * (k.index + 1),
    slotOf: new Map<number, number>(),
    written: new Set(k.writes.map((n) => n.id)),
  };
  if (single !== undefined && single.store.value.k === 'ref' && node !== undefined)
    base.slotOf.set(node.id, single.reduce.slot);
  if (single !== undefined && k.kind === 'reduce' && node !== undefined && reducesTrailing(node)) {
    const inner = extents(single.reduce.reduction.vars);
    const outerRank = (node.inputs[0] as Node).shape.length - inner.length;
    return { ...base, outerRank, inner };
  }
  return { ...base, outerRank: k.domain.length, inner: undefined };
}

function maxVarId(k: Kernel): number {
  const vars = [...k.domain, ...k.steps.flatMap(stepVars)];
  return Math.max(0, ...vars.map((v) => v.id));
}

function maxSlot(k: Kernel): number {
  return Math.max(0, ...k.steps.map((s) => (s.kind === 'store' ? 0 : s.slot)));
}

/** Tries to add `k` to `g`; returns undefined (with the reason) when it cannot join. */
function tryJoin(
  g: Group,
  k: Kernel,
  readElsewhere: (node: Node) => boolean,
): { ok: true; kind: string } | { ok: false; reason: string } {
  const elementwise = asElementwise(k);
  const single = asReduction(k);
  const outer = g.domain.slice(0, g.outerRank);
  const kExt = extents(k.domain);
  const outerExt = extents(outer);
  if (g.inner === undefined) {
    // epilogue of a reduction or matmul
    const first = g.kernels[0] as Kernel;
    const base = asReduction(first);
    const node = first.writes[0];
    if (g.kernels.length > 1 || base === undefined || node === undefined || elementwise === undefined)
      return { ok: false, reason: 'not an elementwise consumer of a single reduction' };
    if (first.kind === 'matmul' && readElsewhere(node))
      return { ok: false, reason: 'the matmul result is also read elsewhere' };
    if (same(kExt, extents(g.domain))) return join(g, k, g.domain.length, 'epilogue');
    // a consumer of a reshaped result (a conv lowered to a matmul, lower-conv.ts) runs over
    // the same elements in the same order: its point is the group's, unraveled into its shape
    const size = (e: readonly number[]): number => e.reduce((a, b) => a * b, 1);
    if (size(kExt) !== size(extents(g.domain))) return { ok: false, reason: 'different iteration space' };
    const flat = ix.ravel(g.domain.map(ix.variable), extents(g.domain));
    return join(g, k, g.domain.length, 'epilogue through a reshape', ix.unravel(flat, kExt));
  }
  const inner = g.inner;
  if (single !== undefined && k.kind === 'reduce') {
    const node = k.writes[0];
    if (node === undefined || !reducesTrailing(node)) return { ok: false, reason: 'reduces other axes' };
    const red = extents(single.reduce.reduction.vars);
    if (
      !same(red, inner) ||
      !same(kExt.slice(0, g.outerRank), outerExt) ||
      kExt.slice(g.outerRank).some((e) => e !== 1)
    )
      return { ok: false, reason: 'different rows' };
    return join(g, k, g.outerRank, 'row reduction');
  }
  if (elementwise !== undefined) {
    if (same(kExt, [...outerExt, ...inner])) return join(g, k, g.outerRank, 'row');
    if (same(kExt.slice(0, g.outerRank), outerExt) && kExt.slice(g.outerRank).every((e) => e === 1))
      return join(g, k, g.outerRank, 'per-row value');
    return { ok: false, reason: 'different iteration space' };
  }
  return { ok: false, reason: `a ${k.kind} kernel` };
}

/** Renames `k` into `g` (its first `outerRank` domain variables become g's) and appends its steps. */
function join(
  g: Group,
  k: Kernel,
  outerRank: number,
  kind: string,
  /** k's domain variables in g's, when k runs over a reshape of g's domain (all of it). */
  reshaped?: readonly IndexExpr[],
): { ok: true; kind: string } | { ok: false; reason: string } {
  const outer = g.domain.slice(0, outerRank);
  const varMap = new Map<number, IndexExpr>();
  const fresh = new Map<number, LoopVar>();
  const freshVar = (v: LoopVar): LoopVar => {
    const made = fresh.get(v.id) ?? { id: g.nextVar++, extent: v.extent };
    fresh.set(v.id, made);
    varMap.set(v.id, ix.variable(made));
    return made;
  };
  k.domain.forEach((v, i) =>
    varMap.set(v.id, reshaped?.[i] ?? (i < outerRank ? ix.variable(outer[i] as LoopVar) : ix.ZERO)),
  );
  const innerDomain = reshaped !== undefined ? [] : k.domain.slice(outerRank).filter((v) => v.extent !== 1);
  const slotMap = new Map<number, number>();
  const bindMap = new Map<number, number>();
  const bind = (s: number): number =>
    bindMap.get(s) ?? (bindMap.set(s, g.nextBind++), bindMap.get(s) as number);
  for (const s of k.steps) if (s.kind !== 'store') slotMap.set(s.slot, g.nextSlot++);
  // inner domain variables of an elementwise row kernel become its store's loop variables
  const storeVars = innerDomain.map(freshVar);
  for (const s of k.steps) if (s.kind === 'reduce') s.reduction.vars.forEach(freshVar);
  const index = (e: IndexExpr): IndexExpr => renameDyn(ix.substitute(e, varMap), bind);
  const outerKeys = outer.map((v) => ix.exprKey(ix.variable(v)));
  let local = true;
  const load = (l: Extract<KExpr, { k: 'load' }>): KExpr | undefined => {
    if (!g.written.has(l.node.id)) return undefined;
    // a value written by the group must be read for the same row
    const rowLocal =
      outerKeys.every((key, i) => l.index[i] !== undefined && ix.exprKey(l.index[i]) === key) &&
      l.index.slice(outerRank).every((e) => l.node.shape.length <= outerRank || e !== undefined);
    if (!rowLocal) local = false;
    const slot = g.slotOf.get(l.node.id);
    const perRow = l.node.shape.slice(outerRank).every((d) => d === 1);
    return slot !== undefined && perRow ? { k: 'ref', slot, dtype: l.dtype } : undefined;
  };
  const mapped: Step[] = k.steps.map((s): Step => {
    switch (s.kind) {
      case 'reduce':
        return {
          ...s,
          slot: slotMap.get(s.slot) as number,
          reduction: { ...s.reduction, vars: s.reduction.vars.map((v) => fresh.get(v.id) as LoopVar) },
          body: mapExpr(s.body, index, bind, load),
        };
      case 'let':
        return { ...s, slot: slotMap.get(s.slot) as number, value: mapExpr(s.value, index, bind, load) };
      case 'store':
        return {
          ...s,
          vars: [...s.vars.map(freshVar), ...storeVars],
          index: s.index.map(index),
          value: mapExpr(mapRefs(s.value, slotMap), index, bind, load),
        };
    }
  });
  if (!local) return { ok: false, reason: 'reads a value of the kernel for another row' };
  const node = k.writes[0];
  // a per-row elementwise value becomes a slot the next steps can read
  if (kind === 'per-row value' && node !== undefined && mapped.length === 1 && mapped[0]?.kind === 'store') {
    const slot = g.nextSlot++;
    g.steps.push({ kind: 'let', slot, value: mapped[0].value });
    g.steps.push({ ...mapped[0], value: { k: 'ref', slot, dtype: node.dtype } });
    g.slotOf.set(node.id, slot);
  } else {
    g.steps.push(...mapped);
    const single = asReduction(k);
    if (single !== undefined && single.store.value.k === 'ref' && node !== undefined)
      g.slotOf.set(node.id, slotMap.get(single.reduce.slot) as number);
  }
  g.kernels.push(k);
  for (const n of k.writes) g.written.add(n.id);
  return { ok: true, kind };
}

function mapRefs(e: KExpr, slots: ReadonlyMap<number, number>): KExpr {
  return mapExpr(
    e.k === 'ref' ? { ...e, slot: slots.get(e.slot) ?? e.slot } : e,
    (x) => x,
    (s) => s,
    () => undefined,
  );
}

/** Drops stores nobody reads and builds the merged kernel. */
function finish(g: Group, index: number, needed: (node: Node) => boolean): Kernel {
  const loaded = new Set(
    g.steps.flatMap((s) => loadsOf(s.kind === 'reduce' ? s.body : s.value).map((l) => l.node.id)),
  );
  const steps = g.steps.filter((s) => s.kind !== 'store' || needed(s.node) || loaded.has(s.node.id));
  const first = g.kernels[0] as Kernel;
  const kernel: Kernel = {
    index,
    name: '',
    kind: g.kernels.length === 1 ? first.kind : g.inner === undefined ? first.kind : 'row',
    domain: g.domain,
    steps,
    covers: [...new Set(g.kernels.flatMap((k) => k.covers))].sort((a, b) => a.id - b.id),
    reads: [],
    writes: steps.flatMap((s) => (s.kind === 'store' ? [s.node] : [])),
  };
  // values the kernel writes and reads back (a row's intermediates) count as reads too
  const reads = [...new Set(stepExprs(kernel).flatMap((e) => loadsOf(e).map((l) => l.node)))];
  return { ...kernel, name: kernelName(index, kernel.covers, 'copy'), reads };
}

/** The schedule with consecutive compatible kernels merged, and a note per decision. */
export function fuseKernels(schedule: Schedule): { schedule: Schedule; notes: string[] } {
  const outputs = new Set(schedule.outputs.map(([, n]) => n.id));
  const readers = new Map<number, Set<number>>();
  for (const k of schedule.kernels)
    for (const n of k.reads) (readers.get(n.id) ?? readers.set(n.id, new Set()).get(n.id))?.add(k.index);
  const groups: Group[] = [];
  const notes: string[] = [];
  for (const k of schedule.kernels) {
    const g = groups[groups.length - 1];
    if (g !== undefined) {
      const members = new Set([...g.kernels.map((m) => m.index), k.index]);
      const readElsewhere = (n: Node): boolean =>
        outputs.has(n.id) || [...(readers.get(n.id) ?? [])].some((i) => !members.has(i));
      const result = tryJoin(g, k, readElsewhere);
      if (result.ok) {
        notes.push(`${k.name} joined ${(g.kernels[0] as Kernel).name} (${result.kind})`);
        continue;
      }
      if (
        g.kernels.length > 1 ||
        g.inner !== undefined ||
        asReduction(g.kernels[0] as Kernel) !== undefined
      ) {
        notes.push(`${k.name} did not join ${(g.kernels[0] as Kernel).name}: ${result.reason}`);
      }
    }
    groups.push(startGroup(k));
  }
  const kernels = groups.map((g, i) => {
    const members = new Set(g.kernels.map((m) => m.index));
    const needed = (n: Node): boolean =>
      outputs.has(n.id) || [...(readers.get(n.id) ?? [])].some((r) => !members.has(r));
    return finish(g, i, needed);
  });
  const written = new Set(kernels.flatMap((k) => k.writes.map((n) => n.id)));
  const values = schedule.values.filter((n) => OP_CATEGORY[n.op] === 'leaf' || written.has(n.id));
  return { schedule: { ...schedule, kernels, values }, notes };
}
