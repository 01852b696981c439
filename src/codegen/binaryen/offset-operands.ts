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

/** The child fields of each expression kind the walk knows; a kind not here keeps its function out of sharing. */
function childFields(b: BinaryenApi): ReadonlyMap<Id, readonly string[]> {
  return new Map<Id, readonly string[]>([
    [b.BlockId, ['children']],
    [b.IfId, ['condition', 'ifTrue', 'ifFalse']],
    [b.LoopId, ['body']],
    [b.BreakId, ['condition', 'value']],
    [b.SwitchId, ['condition', 'value']],
    [b.CallId, ['operands']],
    [b.LocalGetId, []],
    [b.LocalSetId, ['value']],
    [b.GlobalGetId, []],
    [b.GlobalSetId, ['value']],
    [b.LoadId, ['ptr']],
    [b.StoreId, ['ptr', 'value']],
    [b.ConstId, []],
    [b.UnaryId, ['value']],
    [b.BinaryId, ['left', 'right']],
    [b.SelectId, ['ifTrue', 'ifFalse', 'condition']],
    [b.DropId, ['value']],
    [b.ReturnId, ['value']],
    [b.NopId, []],
    [b.UnreachableId, []],
    [b.SIMDExtractId, ['vec']],
    [b.SIMDReplaceId, ['vec', 'value']],
    [b.SIMDShuffleId, ['left', 'right']],
    [b.SIMDTernaryId, ['a', 'b', 'c']],
    [b.SIMDShiftId, ['vec', 'shift']],
    [b.SIMDLoadId, ['ptr']],
    [b.SIMDLoadStoreLaneId, ['ptr', 'vec']],
    [b.MemoryCopyId, ['dest', 'source', 'size']],
    [b.MemoryFillId, ['dest', 'value', 'size']],
  ]);
}

/** Kinds whose `offset` is a memarg immediate (added to the pointer without wrapping). */
function offsetKinds(b: BinaryenApi): ReadonlySet<Id> {
  return new Set<Id>([b.LoadId, b.StoreId, b.SIMDLoadId, b.SIMDLoadStoreLaneId]);
}

/** Walks `body` depth first; undefined when it holds a kind the walk does not know. */
function walk(b: BinaryenApi, body: Expr, head: string): Walked | undefined {
  const children = childFields(b);
  const withOffset = offsetKinds(b);
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
  const accessLoops: number[] = [];
  /** Each loop's enclosing loop (-1: none) and whether a loop lies inside it. */
  const loops: { parent: number; nested: boolean }[] = [];
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
    const fields = children.get(id);
    if (fields === undefined) return undefined;
    if (id === b.NopId || id === b.UnreachableId) {
      parts.push(`id=${id}`);
      continue;
    }
    const info = b.getExpressionInfo(e) as unknown as Record<string, unknown>;
    const scalars: string[] = [];
    for (const [k, v] of Object.entries(info)) {
      if (fields.includes(k) || (id === b.ConstId && k === 'value')) continue;
      if (k === 'offset' && withOffset.has(id)) continue;
      const labelled = k === 'name' && (id === b.BlockId || id === b.LoopId || id === b.BreakId);
      const value =
        labelled || k === 'defaultName'
          ? label(v)
          : k === 'names'
            ? (v as unknown[]).map(label).join(' ')
            : String(v);
      scalars.push(`${k}=${value}`);
    }
    parts.push(scalars.join(','));
    if (withOffset.has(id)) {
      accesses.push(e);
      offsets.push(info.offset as number);
      accessLoops.push(id === b.StoreId || info.isStore === true ? -1 : loop);
    }
    if (id === b.LoopId) {
      if (loop >= 0) (loops[loop] as { nested: boolean }).nested = true;
      loops.push({ parent: loop, nested: false });
      loop = loops.length - 1;
    }
    // children pushed in reverse: popped in order
    for (let f = fields.length - 1; f >= 0; f--) {
      const v = info[fields[f] as string];
      if (Array.isArray(v)) for (let i = v.length - 1; i >= 0; i--) stack.push([v[i] as Expr, loop]);
      else stack.push([(v as Expr | undefined) ?? 0, loop]);
    }
  }
  const inner = accessLoops.map((l) => l >= 0 && !(loops[l] as { nested: boolean }).nested);
  return { key: parts.join(';'), size: parts.length, accesses, offsets, inner };
}

/** binaryen.js's accessors of a memory access (Load, Store, SIMDLoad, SIMDLoadStoreLane; untyped in its .d.ts). */
interface MemoryAccess {
  getPtr(e: Expr): Expr;
  setPtr(e: Expr, ptr: Expr): void;
  setOffset(e: Expr, offset: number): void;
}

/** Sets the access's offset to 0 and adds it to the pointer as an i32 constant. */
function offsetToOperand(b: BinaryenApi, m: Binaryen.Module, e: Expr, offset: number): void {
  const id = b.getExpressionId(e) as Id;
  const name =
    id === b.LoadId
      ? 'Load'
      : id === b.StoreId
        ? 'Store'
        : id === b.SIMDLoadId
          ? 'SIMDLoad'
          : 'SIMDLoadStoreLane';
  const access = (b as unknown as Record<string, MemoryAccess>)[name] as MemoryAccess;
  access.setPtr(e, m.i32.add(access.getPtr(e), m.i32.const(offset)));
  access.setOffset(e, 0);
}

/**
 * Finds the functions of `m` that are equal but for constants and memory
 * offsets and, where their offsets differ at an access, makes that offset an
 * operand in each of them (the same address: the planner's addresses never
 * wrap). Offsets that agree stay immediates; a group whose offsets differ
 * inside an innermost loop is left as it is. Returns how many accesses changed.
 */
export function offsetsToOperands(b: BinaryenApi, m: Binaryen.Module): number {
  const groups = new Map<string, Walked[]>();
  for (let i = 0; i < m.getNumFunctions(); i++) {
    const info = b.getFunctionInfo(m.getFunctionByIndex(i));
    if (info.body === 0 || info.module !== '') continue;
    const walked = walk(b, info.body, `${info.params}>${info.results}|${info.vars.join(',')}`);
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
