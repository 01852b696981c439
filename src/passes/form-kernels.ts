/**
 * Forms kernels: one per materialized non-leaf value, in topological order.
 * Each kernel's body evaluates its value at the domain point through
 * lowerAt, which inlines every non-materialized producer.
 */
import { InternalError } from '../common/errors.js';
import type { Graph } from '../ir/graph.js';
import type { Node } from '../ir/node.js';
import { topoSort } from '../ir/node.js';
import { OP_CATEGORY } from '../ir/ops.js';
import * as ix from './index-expr.js';
import type { IndexExpr, LoopVar } from './index-expr.js';
import type { Kernel, KernelKind, KExpr, Reduction, Schedule, Step } from './kernel.js';
import { loadsOf } from './kernel.js';
import { broadcastIndex, convert, lowerAt, lowerInline, type LowerContext } from './lower-at.js';
import { windowKernel } from './form-window.js';

/** Allocates loop variables with kernel-local ids. */
class VarPool {
  private next = 0;
  make(extent: number): LoopVar {
    return { id: this.next++, extent };
  }
}

interface KernelShape {
  kind: KernelKind;
  reduction: Reduction | undefined;
  /** The stored value, or (for a reduction) the accumulated value. */
  body: KExpr;
}

/** Body and reduction of a reduce/argreduce root over the given domain variables. */
function reduceKernel(root: Node, domain: readonly LoopVar[], pool: VarPool, ctx: LowerContext): KernelShape {
  if (
    root.op !== 'sum' &&
    root.op !== 'prod' &&
    root.op !== 'max' &&
    root.op !== 'min' &&
    root.op !== 'argmax' &&
    root.op !== 'argmin'
  ) {
    throw new InternalError('form-kernels', `not a reduction: ${root.op}`);
  }
  const input = root.inputs[0] as Node;
  const axes = root.op === 'argmax' || root.op === 'argmin' ? [root.attrs.axis] : root.attrs.axes;
  const keepdims = root.attrs.keepdims;
  const vars: LoopVar[] = [];
  const idx: IndexExpr[] = [];
  let d = 0;
  input.shape.forEach((extent, axis) => {
    if (axes.includes(axis)) {
      const v = pool.make(extent);
      vars.push(v);
      idx.push(ix.variable(v));
      if (keepdims) d++;
    } else {
      const v = domain[d++];
      idx.push(v === undefined ? ix.ZERO : ix.variable(v));
    }
  });
  ctx.covered.add(root);
  const valueType = root.op === 'argmax' || root.op === 'argmin' ? input.dtype : root.dtype;
  const body = convert(lowerAt(input, idx, ctx), valueType);
  return { kind: 'reduce', reduction: { kind: root.op, vars, dtype: valueType }, body };
}

/** Body of a matmul root: Σ_k A[..., m, k] · B[..., k, n] (NumPy 1-D rules). */
function matmulKernel(root: Node, domain: readonly LoopVar[], pool: VarPool, ctx: LowerContext): KernelShape {
  const [a, b] = root.inputs as [Node, Node];
  const k = pool.make(a.shape[a.shape.length - 1] ?? 0);
  const vars = domain.map((v) => ix.variable(v));
  // rebuild the full [..batch, m, n] index from the output index
  const m = a.shape.length > 1 ? vars.splice(b.shape.length > 1 ? -2 : -1, 1)[0] : ix.ZERO;
  const n = b.shape.length > 1 ? vars.pop() : ix.ZERO;
  const batch = vars;
  const aIdx =
    a.shape.length === 1
      ? [ix.variable(k)]
      : [...broadcastIndex(batch, a.shape.slice(0, -2)), m ?? ix.ZERO, ix.variable(k)];
  const bIdx =
    b.shape.length === 1
      ? [ix.variable(k)]
      : [...broadcastIndex(batch, b.shape.slice(0, -2)), ix.variable(k), n ?? ix.ZERO];
  ctx.covered.add(root);
  const body: KExpr = {
    k: 'op',
    op: 'mul',
    args: [convert(lowerAt(a, aIdx, ctx), root.dtype), convert(lowerAt(b, bIdx, ctx), root.dtype)],
    dtype: root.dtype,
  };
  return { kind: 'matmul', reduction: { kind: 'sum', vars: [k], dtype: root.dtype }, body };
}

/** `k<index>_<ops>`: the kernel's position and up to four of the ops it computes (`fallback` if none). */
export function kernelName(index: number, covers: readonly Node[], fallback: string): string {
  const ops = covers
    .filter((n) => OP_CATEGORY[n.op] !== 'view' && OP_CATEGORY[n.op] !== 'leaf')
    .map((n) => n.op);
  const shown = ops.length === 0 ? [fallback] : ops;
  const unique = [...new Set(shown)].slice(0, 4);
  return `k${index}_${unique.join('_')}`;
}

/** Builds the kernel that computes `root` into its buffer. */
function formKernel(root: Node, index: number, materialized: ReadonlySet<number>): Kernel {
  const pool = new VarPool();
  const domain = root.shape.map((extent) => pool.make(extent));
  const ctx: LowerContext = { materialized, covered: new Set(), nextSlot: 0 };
  const cat = OP_CATEGORY[root.op];
  const outIdx = domain.map((v) => ix.variable(v));
  let shape: KernelShape;
  if (cat === 'reduce' || cat === 'argreduce') shape = reduceKernel(root, domain, pool, ctx);
  else if (cat === 'matmul') shape = matmulKernel(root, domain, pool, ctx);
  else if (cat === 'conv' || cat === 'pool') shape = windowKernel(root, domain, pool, ctx);
  else {
    const body = lowerInline(root, outIdx, ctx);
    shape = { kind: cat === 'view' || cat === 'leaf' ? 'copy' : 'elementwise', reduction: undefined, body };
  }
  const covers = [...ctx.covered].sort((x, y) => x.id - y.id);
  const reads = [...new Set(loadsOf(shape.body).map((l) => l.node))];
  const red = shape.reduction;
  const steps: Step[] =
    red === undefined
      ? [{ kind: 'store', vars: [], node: root, index: outIdx, value: shape.body }]
      : [
          { kind: 'reduce', slot: 0, reduction: red, body: shape.body },
          {
            kind: 'store',
            vars: [],
            node: root,
            index: outIdx,
            value: { k: 'ref', slot: 0, dtype: root.dtype },
          },
        ];
  return {
    index,
    name: kernelName(index, covers, root.op === 'input' || root.op === 'param' ? 'copy' : root.op),
    kind: shape.kind,
    domain,
    steps,
    covers,
    reads,
    writes: [root],
  };
}

/** Kernels for `graph` (composites already lowered) with the given materialized set. */
export function formKernels(graph: Graph, materialized: ReadonlySet<number>): Schedule {
  const outputs = graph.outputs;
  const nodes = topoSort([...graph.leaves, ...outputs.map(([, n]) => n)]);
  const kernels: Kernel[] = [];
  const values: Node[] = [];
  for (const node of nodes) {
    if (!materialized.has(node.id)) continue;
    values.push(node);
    if (OP_CATEGORY[node.op] === 'leaf') continue;
    kernels.push(formKernel(node, kernels.length, materialized));
  }
  return { kernels, values, outputs, leaves: graph.leaves };
}
