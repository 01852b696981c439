/**
 * Software prefetch for row kernels. A row kernel (softmax, logsumexp,
 * layerNorm) makes several passes over each row: the first (a reduction such
 * as the row's max) streams the row from memory, the later ones find it in
 * L1, and the last stores the result row. On 1024 rows of 1024 floats the
 * input and the output live in L3: each row's first pass waited for its input,
 * and softmax's last pass (a multiply and a store) for the ownership of the
 * output's cache lines. Wasm has no prefetch instruction, so the first later
 * step with a main vector loop (softmax's exp, logsumexp's sum of exps,
 * layerNorm's variance) also loads, and drops, one vector per cache line of
 * - the next row of the first pass's input: on the last row of the loop, the
 *   current row, so no load leaves the buffer;
 * - the current row of each buffer a step after it stores along the row (not
 *   a row-local buffer, which stays in L1 anyway).
 * Binaryen keeps the dropped loads (a load may trap) and so does V8.
 *
 * Measured (A/B in one process, softmax over 1024x1024): the next input row
 * 1.35 -> 1.26 ms; the output row as well 1.27 -> 1.18 ms.
 */
import type Binaryen from 'binaryen';
import { DTYPE_BYTES } from '../../common/dtype.js';
import type { Node } from '../../ir/node.js';
import * as ix from '../../passes/index-expr.js';
import type { IndexExpr, LoopVar } from '../../passes/index-expr.js';
import type { Kernel, KExpr, Step } from '../../passes/kernel.js';
import type { ExprEnv } from './emit-expr.js';
import { emitIndex } from './emit-index.js';
import { interleaveFactor } from './emit-interleaved.js';
import type { FunctionBuilder } from './function-builder.js';

type Expr = Binaryen.ExpressionRef;

const LINE_BYTES = 64;

/** A row of `node` to touch: its elements at `flat`, contiguous along `along`. */
interface TouchedRow {
  readonly node: Node;
  readonly flat: IndexExpr;
  readonly along: LoopVar;
  /** i32 local holding the byte distance to the next row (0 on the loop's last row); none: the current row. */
  readonly shift?: number;
}

/** The rows a row kernel touches, and the step whose main vector loop carries the loads. */
export interface RowTouch {
  readonly host: Step;
  readonly rows: readonly TouchedRow[];
}

/**
 * The touches for `kernel` and the statements to run at the start of each
 * row (setting the next-row shift), when it is a row kernel with a later step
 * that has a main loop and something to touch; else undefined.
 */
export function planRowTouch(
  fb: FunctionBuilder,
  kernel: Kernel,
  env: ExprEnv,
): { touch: RowTouch; perRow: Expr[] } | undefined {
  const row = [...kernel.domain].reverse().find((v) => v.extent > 1);
  const [first, ...later] = kernel.steps;
  const hostAt = later.findIndex(hasMainLoop);
  const host = later[hostAt];
  if (row === undefined || first?.kind !== 'reduce' || host === undefined) return undefined;
  const m = fb.m;
  const i32 = fb.b.i32;
  const rows: TouchedRow[] = [];
  const perRow: Expr[] = [];
  // the next row of the first pass's input
  const written = new Set(kernel.steps.flatMap((s) => (s.kind === 'store' ? [s.node.id] : [])));
  const along = first.reduction.vars.length === 1 ? first.reduction.vars[0] : undefined;
  const input = along === undefined ? undefined : rowLoad(first.body, row, along, written);
  if (input !== undefined && along !== undefined) {
    const shift = fb.addLocal(i32);
    const rowBytes = (ix.affineCoef(input.flat, row) as number) * DTYPE_BYTES[input.node.dtype];
    const notLast = m.i32.lt_u(emitIndex(fb, ix.variable(row), env), m.i32.const(row.extent - 1));
    perRow.push(m.local.set(shift, m.select(notLast, m.i32.const(rowBytes), m.i32.const(0))));
    rows.push({ ...input, along, shift });
  }
  // the current row of what later steps store
  for (const step of later.slice(hostAt + 1)) {
    if (step.kind !== 'store' || step.vars.length !== 1) continue;
    const flat = ix.ravel(step.index, step.node.shape);
    const stored = step.vars[0] as LoopVar;
    if (contiguousRow(flat, row, stored, step.node)) rows.push({ node: step.node, flat, along: stored });
  }
  return rows.length === 0 ? undefined : { touch: { host, rows }, perRow };
}

/**
 * Loads (dropped) touching the rows at the `elements` that one iteration of a
 * loop over `v` covers, one per cache line; a row is touched only by a loop as
 * long as it.
 */
export function emitTouches(
  fb: FunctionBuilder,
  touch: RowTouch,
  v: LoopVar,
  elements: number,
  env: ExprEnv,
): Expr[] {
  const m = fb.m;
  const out: Expr[] = [];
  for (const row of touch.rows) {
    if (row.along.extent !== v.extent) continue;
    const flat = ix.substitute(row.flat, new Map([[row.along.id, ix.variable(v)]]));
    const width = DTYPE_BYTES[row.node.dtype];
    const base = env.addresses.get(row.node.id) as number;
    for (let offset = 0; offset < elements * width; offset += LINE_BYTES) {
      const at = emitIndex(fb, ix.scale(flat, width), env);
      const ptr = row.shift === undefined ? at : m.i32.add(at, m.local.get(row.shift, fb.b.i32));
      out.push(m.drop(m.v128.load(base + offset, 4, ptr)));
    }
  }
  return out;
}

/** Whether `step` runs a main vector loop the touches can ride in: a reduction, or an interleaved store. */
function hasMainLoop(step: Step): boolean {
  return step.kind === 'reduce' || (step.kind === 'store' && interleaveFactor(step.value) > 0);
}

/** Whether `flat` indexes 4-byte elements of `node` contiguous along `along` and moving with `row`. */
function contiguousRow(flat: IndexExpr, row: LoopVar, along: LoopVar, node: Node): boolean {
  const rowCoef = ix.affineCoef(flat, row);
  return (
    DTYPE_BYTES[node.dtype] === 4 &&
    !ix.hasDynamic(flat) &&
    ix.affineCoef(flat, along) === 1 &&
    rowCoef !== undefined &&
    rowCoef > 0
  );
}

/** A load in `e` of a buffer not in `written` whose row (along `along`) moves with `row`. */
function rowLoad(
  e: KExpr,
  row: LoopVar,
  along: LoopVar,
  written: ReadonlySet<number>,
): { node: Node; flat: IndexExpr } | undefined {
  switch (e.k) {
    case 'load': {
      const flat = ix.ravel(e.index, e.node.shape);
      return !written.has(e.node.id) && contiguousRow(flat, row, along, e.node)
        ? { node: e.node, flat }
        : undefined;
    }
    case 'op':
      for (const a of e.args) {
        const found = rowLoad(a, row, along, written);
        if (found !== undefined) return found;
      }
      return undefined;
    case 'cast':
      return rowLoad(e.arg, row, along, written);
    case 'let':
      return rowLoad(e.value, row, along, written) ?? rowLoad(e.body, row, along, written);
    default:
      return undefined;
  }
}
