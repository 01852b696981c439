/**
 * Memory offsets in which otherwise equal functions differ, made operands so
 * that Binaryen's merge-similar-functions can share the functions: the pass
 * turns differing constants into parameters, but a load's or store's offset
 * immediate is no constant to it. Kernels of one structure over different
 * shapes (a model's 3x3 convolutions at 56², 28² and 14²) differ mostly in
 * such offsets (a tile's row strides, a window's table addresses), so without
 * this they kept one function each (docs/compile-time.md "Shared kernel code").
 */
import type Binaryen from 'binaryen';
import type { BinaryenApi } from './load-binaryen.js';

type Expr = Binaryen.ExpressionRef;
type Id = Binaryen.ExpressionIds;

/** One function's walk: its structure without constants' values and memory offsets, and its memory accesses in order. */
interface Walked {
  readonly key: string;
  /** Expressions in the body. */
  readonly size: number;
  readonly accesses: Expr[];
  readonly offsets: number[];
  /** Per access: a load inside a loop that holds no other loop (where an added address costs each iteration). */
  readonly inner: boolean[];
}

/**
 * A group whose loads differ inside an innermost loop shares only functions
 * of at least this many expressions: the address add there costs every
 * iteration (pooling kernels, ~1,000 expressions, ran 3-17% slower shared:
 * their loop is all loads of taps), while a convolution (~8,000, V8's
 * optimizing compile ~10 ms each) spends that loop on packing its window,
 * a small part of the kernel (SqueezeNet's 3x3 layers within noise).
 */
const MIN_INNER_SHARE = 3000;

/** A getter of binaryen.js's expression classes (Block, Load, …; untyped in its .d.ts). */
type Getter = (e: Expr) => unknown;

/** How the walk reads one kind of expression: its scalar fields and its children, by name. */
interface KindReader {
  readonly scalars: readonly (readonly [field: string, get: Getter])[];
  readonly children: readonly Getter[];
  /** A memory access: its `offset` is a memarg immediate (added to the pointer without wrapping). */
  readonly access: boolean;
}

/** Each kind the walk knows: binaryen.js's class and the fields that hold children. */
function kinds(b: BinaryenApi): readonly (readonly [Id, string, readonly string[]])[] {
  return [
    [b.BlockId, 'Block', ['children']],
    [b.IfId, 'If', ['condition', 'ifTrue', 'ifFalse']],
    [b.LoopId, 'Loop', ['body']],
    [b.BreakId, 'Break', ['condition', 'value']],
    [b.SwitchId, 'Switch', ['condition', 'value']],
    [b.CallId, 'Call', ['operands']],
    [b.LocalGetId, 'LocalGet', []],
    [b.LocalSetId, 'LocalSet', ['value']],
    [b.GlobalGetId, 'GlobalGet', []],
    [b.GlobalSetId, 'GlobalSet', ['value']],
    [b.LoadId, 'Load', ['ptr']],
    [b.StoreId, 'Store', ['ptr', 'value']],
    [b.ConstId, 'Const', []],
    [b.UnaryId, 'Unary', ['value']],
    [b.BinaryId, 'Binary', ['left', 'right']],
    [b.SelectId, 'Select', ['ifTrue', 'ifFalse', 'condition']],
    [b.DropId, 'Drop', ['value']],
    [b.ReturnId, 'Return', ['value']],
    [b.NopId, 'Nop', []],
    [b.UnreachableId, 'Unreachable', []],
    [b.SIMDExtractId, 'SIMDExtract', ['vec']],
    [b.SIMDReplaceId, 'SIMDReplace', ['vec', 'value']],
    [b.SIMDShuffleId, 'SIMDShuffle', ['left', 'right']],
    [b.SIMDTernaryId, 'SIMDTernary', ['a', 'b', 'c']],
    [b.SIMDShiftId, 'SIMDShift', ['vec', 'shift']],
    [b.SIMDLoadId, 'SIMDLoad', ['ptr']],
    [b.SIMDLoadStoreLaneId, 'SIMDLoadStoreLane', ['ptr', 'vec']],
    [b.MemoryCopyId, 'MemoryCopy', ['dest', 'source', 'size']],
    [b.MemoryFillId, 'MemoryFill', ['dest', 'value', 'size']],
  ];
}

/**
 * A reader per kind the walk knows (a kind not here keeps its function out of
 * sharing), made once: the fields binaryen.js's getExpressionInfo gives (each
 * one-argument `getX` / `isX` of the kind's class), minus a constant's value
 * and an access's offset, which may differ within a group.
 */
function kindReaders(b: BinaryenApi): ReadonlyMap<Id, KindReader> {
  const readers = new Map<Id, KindReader>();
  for (const [id, name, childNames] of kinds(b)) {
    const cls = (b as unknown as Record<string, Record<string, unknown> | undefined>)[name] ?? {};
    const access = [b.LoadId, b.StoreId, b.SIMDLoadId, b.SIMDLoadStoreLaneId].includes(id);
    const scalars: [string, Getter][] = [];
    const children: Getter[] = [];
    const byField = new Map<string, Getter>();
    for (const [method, fn] of Object.entries(cls)) {
      if (typeof fn !== 'function' || fn.length !== 1 || !/^(get|is)/.test(method)) continue;
      const field = method.startsWith('get') ? method.charAt(3).toLowerCase() + method.slice(4) : method;
      byField.set(field, fn as Getter);
    }
    for (const field of childNames) {
      const get = byField.get(field);
      if (get !== undefined) children.push(get);
    }
    if (id !== b.ConstId)
      for (const [field, get] of byField) {
        if (childNames.includes(field) || field === 'id' || field === 'type') continue;
        if (access && field === 'offset') continue;
        scalars.push([field, get]);
      }
    readers.set(id, { scalars, children, access });
  }
  return readers;
}

/** Walks `body` depth first; undefined when it holds a kind the walk does not know. */
function walk(
  b: BinaryenApi,
  readers: ReadonlyMap<Id, KindReader>,
  body: Expr,
  head: string,
): Walked | undefined {
  const parts: string[] = [head];
  // labels by first appearance: functions name their blocks apart
  const labels = new Map<string, number>();
  const label = (name: unknown): string => {
    const key = String(name);
    if (!labels.has(key)) labels.set(key, labels.size);
    return `L${labels.get(key)}`;
  };
  const accesses: Expr[] = [];
  const offsets: number[] = [];
  /** Per access: its innermost enclosing loop, or -1 (a store: it fills a table, not a loop's inputs). */
  const accessLoops: number[] = [];
  /** Per loop: whether a loop lies inside it. */
  const nested: boolean[] = [];
  // expressions to visit, each with the index of its innermost enclosing loop
  const stack: [Expr, number][] = [[body, -1]];
  while (stack.length > 0) {
    const [e, outer] = stack.pop() as [Expr, number];
    let loop = outer;
    if (e === 0) {
      parts.push('_');
      continue;
    }
    const id = b.getExpressionId(e) as Id;
    const reader = readers.get(id);
    if (reader === undefined) return undefined;
    let part = `id=${id},type=${b.getExpressionType(e)}`;
    for (const [field, get] of reader.scalars) {
      const v = get(e);
      const labelled = field === 'name' && (id === b.BlockId || id === b.LoopId || id === b.BreakId);
      const value =
        labelled || field === 'defaultName'
          ? label(v)
          : field === 'names'
            ? (v as unknown[]).map(label).join(' ')
            : String(v);
      part += `,${field}=${value}`;
    }
    parts.push(part);
    if (reader.access) {
      accesses.push(e);
      offsets.push((b as unknown as Record<string, MemoryAccess>)[accessClass(b, id)]!.getOffset(e));
      const store =
        id === b.StoreId ||
        (id === b.SIMDLoadStoreLaneId &&
          (b as unknown as Record<string, { isStore(e: Expr): boolean }>).SIMDLoadStoreLane!.isStore(e));
      accessLoops.push(store ? -1 : loop);
    }
    if (id === b.LoopId) {
      if (loop >= 0) nested[loop] = true;
      nested.push(false);
      loop = nested.length - 1;
    }
    // children pushed in reverse: popped in order
    for (let c = reader.children.length - 1; c >= 0; c--) {
      const v = (reader.children[c] as Getter)(e);
      if (Array.isArray(v)) for (let i = v.length - 1; i >= 0; i--) stack.push([v[i] as Expr, loop]);
      else stack.push([(v as Expr | undefined) ?? 0, loop]);
    }
  }
  const inner = accessLoops.map((l) => l >= 0 && nested[l] === false);
  return { key: parts.join(';'), size: parts.length, accesses, offsets, inner };
}

/** binaryen.js's accessors of a memory access (Load, Store, SIMDLoad, SIMDLoadStoreLane; untyped in its .d.ts). */
interface MemoryAccess {
  getPtr(e: Expr): Expr;
  setPtr(e: Expr, ptr: Expr): void;
  getOffset(e: Expr): number;
  setOffset(e: Expr, offset: number): void;
}

/** binaryen.js's class of a memory access of kind `id`. */
function accessClass(b: BinaryenApi, id: Id): string {
  return id === b.LoadId
    ? 'Load'
    : id === b.StoreId
      ? 'Store'
      : id === b.SIMDLoadId
        ? 'SIMDLoad'
        : 'SIMDLoadStoreLane';
}

/** Sets the access's offset to 0 and adds it to the pointer as an i32 constant. */
function offsetToOperand(b: BinaryenApi, m: Binaryen.Module, e: Expr, offset: number): void {
  const access = (b as unknown as Record<string, MemoryAccess>)[
    accessClass(b, b.getExpressionId(e))
  ] as MemoryAccess;
  access.setPtr(e, m.i32.add(access.getPtr(e), m.i32.const(offset)));
  access.setOffset(e, 0);
}

/**
 * Finds the functions of `m` that are equal but for constants and memory
 * offsets and, where their offsets differ at an access, makes that offset an
 * operand in each of them (the same address: the planner's addresses never
 * wrap). Offsets that agree stay immediates; a group of small functions
 * (MIN_INNER_SHARE) whose loads differ inside an innermost loop is left as
 * it is. Returns how many accesses changed.
 */
export function offsetsToOperands(b: BinaryenApi, m: Binaryen.Module): number {
  const readers = kindReaders(b);
  const groups = new Map<string, Walked[]>();
  for (let i = 0; i < m.getNumFunctions(); i++) {
    const info = b.getFunctionInfo(m.getFunctionByIndex(i));
    if (info.body === 0 || info.module !== '') continue;
    const walked = walk(b, readers, info.body, `${info.params}>${info.results}|${info.vars.join(',')}`);
    if (walked === undefined) continue;
    const group = groups.get(walked.key);
    if (group === undefined) groups.set(walked.key, [walked]);
    else group.push(walked);
  }
  let changed = 0;
  for (const group of groups.values()) {
    if (group.length < 2) continue;
    const first = group[0] as Walked;
    const differ = first.offsets.flatMap((offset, a) =>
      group.every((w) => w.offsets[a] === offset) ? [] : [a],
    );
    if (first.size < MIN_INNER_SHARE && differ.some((a) => first.inner[a])) continue;
    for (const a of differ) {
      for (const w of group) {
        offsetToOperand(b, m, w.accesses[a] as Expr, w.offsets[a] as number);
        changed++;
      }
    }
  }
  return changed;
}
