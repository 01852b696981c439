/**
 * Evaluates a graph node at a symbolic multi-index, producing a kernel body
 * expression. Materialized values become loads; views become index arithmetic
 * (never copies); elementwise ops apply to their operands evaluated at the
 * broadcast index; pad and concat become guarded loads; gather binds a checked
 * run-time index. This is where "views as index maps" happens.
 */
import { castNumber, type DType } from '../common/dtype.js';
import { InternalError } from '../common/errors.js';
import { promote } from '../ir/infer.js';
import type { Node } from '../ir/node.js';
import * as ix from './index-expr.js';
import type { IndexExpr } from './index-expr.js';
import type { KExpr, ScalarOp } from './kernel.js';
import type { SharedValues } from './shared-values.js';

/** What the lowering needs to know and records while it works. */
export interface LowerContext {
  /** Ids of nodes that live in buffers (read with loads). */
  readonly materialized: ReadonlySet<number>;
  /** Nodes evaluated inline so far. */
  readonly covered: Set<Node>;
  /** Next free run-time index slot. */
  nextSlot: number;
  /**
   * When set, a node asked for twice at the same index is computed once and
   * bound (shared-values.ts); without it each request computes it again.
   */
  readonly shared?: SharedValues;
}

/** Converts a value to `dtype` (no-op when it already has it). */
export function convert(e: KExpr, dtype: DType): KExpr {
  if (e.dtype === dtype) return e;
  if (e.k === 'const') return { k: 'const', value: castNumber(dtype, e.value), dtype };
  return { k: 'cast', arg: e, dtype };
}

/** The index into an operand of shape `from` that NumPy broadcasting reads for `idx` (of rank `rank`). */
export function broadcastIndex(idx: readonly IndexExpr[], from: readonly number[]): IndexExpr[] {
  const off = idx.length - from.length;
  return from.map((d, j) => (d === 1 ? ix.ZERO : (idx[j + off] ?? ix.ZERO)));
}

const FLOAT_RESULT = new Set([
  'sqrt',
  'rsqrt',
  'exp',
  'log',
  'sin',
  'cos',
  'tanh',
  'sigmoid',
  'erf',
  'reciprocal',
]);
const COMPARISONS = new Set(['eq', 'ne', 'lt', 'le', 'gt', 'ge']);

/** The load of a materialized node at `idx`. */
export function loadAt(node: Node, idx: readonly IndexExpr[]): KExpr {
  return { k: 'load', node, index: idx, dtype: node.dtype };
}

/** `node` evaluated at multi-index `idx` (of node.shape). */
export function lowerAt(node: Node, idx: readonly IndexExpr[], ctx: LowerContext): KExpr {
  const compute = (): KExpr =>
    ctx.materialized.has(node.id) ? loadAt(node, idx) : lowerInline(node, idx, ctx);
  // a load at a fixed address (a scalar constant) stays unbound: reading it again is as cheap
  // as keeping it live through a long chain (W7's 100 ops read 10 constants), and interleaved
  // vectors already share its splat
  const fixed = ctx.materialized.has(node.id) && idx.every((e) => e.terms.length === 0);
  if (ctx.shared === undefined || fixed) return compute();
  const guarded = idx.some((e) => ix.withinAtoms(e).length > 0);
  return ctx.shared.value(`%${node.id}[${idx.map(ix.exprKey).join(',')}]`, compute, guarded);
}

/**
 * `make` as a part of the body evaluated only sometimes (a guard's branch, a
 * gather's body): values it binds stay inside it. A kernel former that builds
 * its own guard lowers the guarded part through this.
 */
export function lowerScoped(ctx: LowerContext, make: () => KExpr): KExpr {
  return ctx.shared === undefined ? make() : ctx.shared.scoped(make);
}

/** Like lowerAt, but computes `node` itself inline even when it is materialized (a kernel's root). */
export function lowerInline(node: Node, idx: readonly IndexExpr[], ctx: LowerContext): KExpr {
  ctx.covered.add(node);
  const inputs = node.inputs;
  const at = (i: number, index: readonly IndexExpr[]): KExpr => lowerAt(inputs[i] as Node, index, ctx);
  const operand = (i: number): KExpr => at(i, broadcastIndex(idx, (inputs[i] as Node).shape));
  switch (node.op) {
    case 'input':
    case 'param':
    case 'constant':
      return loadAt(node, idx);
    case 'cast':
      return convert(operand(0), node.attrs.to);
    case 'neg':
    case 'abs':
    case 'sqrt':
    case 'rsqrt':
    case 'exp':
    case 'log':
    case 'sin':
    case 'cos':
    case 'tanh':
    case 'sigmoid':
    case 'relu':
    case 'erf':
    case 'square':
    case 'reciprocal':
    case 'floor':
    case 'ceil':
    case 'round':
    case 'sign':
    case 'not': {
      const argType = FLOAT_RESULT.has(node.op) ? 'f32' : node.dtype;
      return { k: 'op', op: node.op, args: [convert(operand(0), argType)], dtype: node.dtype };
    }
    case 'add':
    case 'sub':
    case 'mul':
    case 'div':
    case 'pow':
    case 'maximum':
    case 'minimum':
    case 'eq':
    case 'ne':
    case 'lt':
    case 'le':
    case 'gt':
    case 'ge':
    case 'and':
    case 'or': {
      const a = inputs[0] as Node;
      const b = inputs[1] as Node;
      const argType = COMPARISONS.has(node.op) ? promote(a.dtype, b.dtype) : node.dtype;
      const args = [convert(operand(0), argType), convert(operand(1), argType)];
      return { k: 'op', op: node.op as ScalarOp, args, dtype: node.dtype };
    }
    case 'where':
      return {
        k: 'op',
        op: 'where',
        args: [operand(0), convert(operand(1), node.dtype), convert(operand(2), node.dtype)],
        dtype: node.dtype,
      };
    case 'reshape': {
      const input = inputs[0] as Node;
      return at(0, ix.unravel(ix.ravel(idx, node.shape), input.shape));
    }
    case 'transpose': {
      const inIdx: IndexExpr[] = [];
      node.attrs.perm.forEach((p, i) => (inIdx[p] = idx[i] ?? ix.ZERO));
      return at(0, inIdx);
    }
    case 'expand':
      return operand(0);
    case 'slice':
      return at(
        0,
        node.attrs.axes.map((r, j) => ix.addConst(ix.scale(idx[j] ?? ix.ZERO, r.step), r.start)),
      );
    case 'pad': {
      const input = inputs[0] as Node;
      const shifted = node.attrs.widths.map(([before], j) => ix.addConst(idx[j] ?? ix.ZERO, -before));
      const guards = shifted
        .map((index, j) => ({ index, size: input.shape[j] ?? 0 }))
        // an axis without padding is in range by construction
        .filter((_, j) => (node.attrs.widths[j]?.[0] ?? 0) + (node.attrs.widths[j]?.[1] ?? 0) > 0);
      const value: KExpr = { k: 'const', value: castNumber(node.dtype, node.attrs.value), dtype: node.dtype };
      const inner = lowerScoped(ctx, () =>
        at(
          0,
          shifted.map((e, j) => ix.within(e, input.shape[j] ?? 0)),
        ),
      );
      return guards.length === 0
        ? inner
        : { k: 'guard', guards, then: inner, otherwise: value, dtype: node.dtype };
    }
    case 'unfold': {
      // [n, c, k..., o...] reads x[n, c, o·s - padBegin + k·d]: 0 where that tap is padding
      const input = inputs[0] as Node;
      const { strides, dilations, pads, kernelShape } = node.attrs;
      const n = kernelShape.length;
      const guards: { index: IndexExpr; size: number }[] = [];
      const spatial = kernelShape.map((_, i) => {
        const pos = ix.addConst(
          ix.add(
            ix.scale(idx[i + 2 + n] ?? ix.ZERO, strides[i] ?? 1),
            ix.scale(idx[i + 2] ?? ix.ZERO, dilations[i] ?? 1),
          ),
          -(pads[i] ?? 0),
        );
        const size = input.shape[i + 2] ?? 0;
        const r = ix.rangeOf(pos);
        if (r.lo < 0 || r.hi >= size) guards.push({ index: pos, size });
        return ix.within(pos, size);
      });
      const inner = lowerScoped(ctx, () => at(0, [idx[0] ?? ix.ZERO, idx[1] ?? ix.ZERO, ...spatial]));
      const zero: KExpr = { k: 'const', value: 0, dtype: node.dtype };
      return guards.length === 0
        ? inner
        : { k: 'guard', guards, then: inner, otherwise: zero, dtype: node.dtype };
    }
    case 'concat': {
      const axis = node.attrs.axis;
      let result: KExpr = { k: 'const', value: 0, dtype: node.dtype };
      let offset = node.shape[axis] ?? 0;
      for (let i = inputs.length - 1; i >= 0; i--) {
        const input = inputs[i] as Node;
        const size = input.shape[axis] ?? 0;
        offset -= size;
        if (size === 0) continue;
        const local = ix.addConst(idx[axis] ?? ix.ZERO, -offset);
        const inIdx = idx.map((e, j) => (j === axis ? ix.within(local, size) : e));
        const value = lowerScoped(ctx, () => convert(at(i, inIdx), node.dtype));
        result = {
          k: 'guard',
          guards: [{ index: local, size }],
          then: value,
          otherwise: result,
          dtype: node.dtype,
        };
      }
      return result;
    }
    case 'gather': {
      const x = inputs[0] as Node;
      const indices = inputs[1] as Node;
      const axis = node.attrs.axis;
      const r = indices.shape.length;
      const slot = ctx.nextSlot++;
      const size = x.shape[axis] ?? 0;
      const value = at(1, idx.slice(axis, axis + r));
      const xIdx = [...idx.slice(0, axis), ix.dynamic(slot, size), ...idx.slice(axis + r)];
      const body = lowerScoped(ctx, () => at(0, xIdx));
      return {
        k: 'bind',
        slot,
        value,
        size,
        body,
        dtype: node.dtype,
        what: `gather on axis ${axis} of size ${size}`,
      };
    }
    case 'gatherElements': {
      // out[idx] = x[idx with axis -> indices[idx]]: the index is bound and checked like gather's
      const x = inputs[0] as Node;
      const axis = node.attrs.axis;
      const slot = ctx.nextSlot++;
      const size = x.shape[axis] ?? 0;
      const xIdx = idx.map((e, j) => (j === axis ? ix.dynamic(slot, size) : e));
      return {
        k: 'bind',
        slot,
        value: at(1, idx),
        size,
        body: at(0, xIdx),
        dtype: node.dtype,
        what: `gatherElements on axis ${axis} of size ${size}`,
      };
    }
    case 'sum':
    case 'prod':
    case 'max':
    case 'min':
    case 'argmax':
    case 'argmin':
    case 'matmul':
    case 'mean':
    case 'gelu':
    case 'softmax':
    case 'logSoftmax':
    case 'layerNorm':
    case 'conv':
    case 'convTranspose':
    case 'maxPool':
    case 'sumPool':
    case 'avgPool':
    case 'batchNorm':
      throw new InternalError(
        'lower-at',
        `${node.op} cannot be computed inline (it must be materialized or lowered)`,
      );
  }
}
