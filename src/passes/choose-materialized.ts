/**
 * Decides which values live in buffers. Everything else is computed inline
 * inside the kernel that reads it. Views are never materialized (they are
 * index maps) unless they are outputs. Without fusion every other op gets its
 * own buffer; with fusion an elementwise value is inlined into its only
 * consumer when that consumer evaluates it exactly once per element, or
 * into the one kernel all its consumers end up in when each reads it at that
 * kernel's point (it is then computed once per point and bound).
 * One exception for views: a matmul operand that reads its source through
 * div/mod (a reshape of a transposed view, as when attention merges its heads)
 * is copied, so the matmul takes the tiled kernel (which needs affine
 * operands) instead of the generic loop: [8,128,64] heads @ [512,512] 13.3 -> 1.77 ms.
 */
import type { Node } from '../ir/node.js';
import { OP_CATEGORY } from '../ir/ops.js';
import { sizeOf } from '../ir/shape.js';
import * as ix from './index-expr.js';
import { lowerAt } from './lower-at.js';

/** Why a value was materialized or inlined, for `ir('fused')`. */
export type Decision = { readonly node: Node; readonly materialized: boolean; readonly reason: string };

/** Ops whose results are always stored: leaves, reductions, contractions. */
function mustMaterialize(node: Node): string | undefined {
  const cat = OP_CATEGORY[node.op];
  if (cat === 'leaf') return 'a leaf lives in its own region';
  if (cat === 'reduce' || cat === 'argreduce') return 'a reduction is a kernel of its own';
  if (cat === 'matmul') return 'matmul is a kernel of its own';
  if (cat === 'conv') return `${node.op} is a kernel of its own`;
  if (cat === 'pool') return 'a pool is a reduction over windows';
  return undefined;
}

/** The non-view nodes that read `node`, looking through chains of views. */
function consumersThroughViews(node: Node, users: ReadonlyMap<number, Node[]>): Node[] {
  const out: Node[] = [];
  const stack = [...(users.get(node.id) ?? [])];
  while (stack.length > 0) {
    const user = stack.pop() as Node;
    if (OP_CATEGORY[user.op] === 'view') stack.push(...(users.get(user.id) ?? []));
    else out.push(user);
  }
  return out;
}

/** How many times a consumer's kernel evaluates each element of its operands, at most. */
function iterationsOf(consumer: Node): number {
  const cat = OP_CATEGORY[consumer.op];
  if (cat === 'reduce' || cat === 'argreduce') return sizeOf((consumer.inputs[0] as Node).shape);
  // a pool evaluates its input once per window tap
  if (consumer.op === 'maxPool' || consumer.op === 'sumPool')
    return sizeOf(consumer.shape) * sizeOf(consumer.attrs.kernelShape);
  return sizeOf(consumer.shape);
}

/** True when `consumer` takes `node` as a direct operand and evaluates each of its elements. */
function readsAllDirectly(node: Node, consumer: Node): boolean {
  return (
    consumer.inputs.includes(node) &&
    iterationsOf(consumer) === sizeOf(node.shape) &&
    OP_CATEGORY[consumer.op] !== 'data'
  );
}

/**
 * Whether `view`, read by a matmul, reaches its source through an index that is
 * not affine in the view's own indices (div/mod, guards): the tiled matmul
 * cannot read it in place.
 */
function viewNeedsCopy(view: Node, materialized: ReadonlySet<number>): boolean {
  const vars = view.shape.map((extent, id) => ({ id, extent }));
  const at = lowerAt(
    view,
    vars.map((v) => ix.variable(v)),
    { materialized, covered: new Set(), nextSlot: 0 },
  );
  if (at.k !== 'load') return false;
  const flat = ix.ravel(at.index, at.node.shape);
  return vars.some((v) => ix.affineCoef(flat, v) === undefined);
}

/**
 * Whether `node` is a conv's windows (unfold) over a stored input, which the
 * tiled matmul reading them packs straight from that input (implicit GEMM,
 * passes/matmul-window.ts): no im2col copy of 9x the input for a 3x3 conv.
 */
function packsWindows(node: Node, materialized: ReadonlySet<number>): boolean {
  const x = node.inputs[0];
  if (node.op !== 'unfold' || x === undefined || !materialized.has(x.id)) return false;
  // a strided row packs lane by lane: the stored windows measured faster (stride 2: 0.93x)
  return (node.attrs.strides.at(-1) ?? 1) === 1;
}

/**
 * The ids of values that get buffers, and the reason for each decision.
 * `nodes` is in topological order; `outputs` are the graph's results.
 */
export function chooseMaterialized(
  nodes: readonly Node[],
  outputs: readonly Node[],
  fuse: boolean,
): { materialized: Set<number>; decisions: Decision[] } {
  const users = new Map<number, Node[]>();
  for (const n of nodes) {
    for (const i of n.inputs) {
      const list = users.get(i.id) ?? [];
      if (!list.includes(n)) list.push(n);
      users.set(i.id, list);
    }
  }
  const outputIds = new Set(outputs.map((n) => n.id));
  const materialized = new Set<number>();
  const decisions: Decision[] = [];
  const decide = (node: Node, keep: boolean, reason: string): void => {
    if (keep) materialized.add(node.id);
    decisions.push({ node, materialized: keep, reason });
  };
  // whether computing a node inline evaluates a gather (itself or an inlined input)
  const gatherInside = new Map<number, boolean>();
  const gathers = (node: Node): boolean =>
    node.op === 'gather' ||
    node.op === 'gatherElements' ||
    node.inputs.some((i) => !materialized.has(i.id) && gatherInside.get(i.id) === true);
  for (const node of nodes) {
    gatherInside.set(node.id, gathers(node));
    const forced = mustMaterialize(node);
    if (forced !== undefined) decide(node, true, forced);
    else if (outputIds.has(node.id)) decide(node, true, 'a graph output');
    else if (OP_CATEGORY[node.op] === 'view') {
      const byMatmul = (users.get(node.id) ?? []).some((u) => OP_CATEGORY[u.op] === 'matmul');
      // the windows packed straight from x (implicit GEMM) are read through div/mod by design
      const source = node.inputs[0];
      const windows = source?.op === 'unfold' && !materialized.has(source.id);
      if (byMatmul && !windows && viewNeedsCopy(node, materialized))
        decide(node, true, 'a matmul operand read through div/mod: copied so the tiles read it by rows');
      else decide(node, false, 'a view is an index map on its readers');
    } else if (!fuse) decide(node, true, 'fusion is off');
    else {
      const consumers = consumersThroughViews(node, users);
      const only = consumers[0];
      if (consumers.length !== 1 || only === undefined)
        decide(node, true, `read by ${consumers.length} kernels`);
      else if (OP_CATEGORY[only.op] === 'matmul' && packsWindows(node, materialized))
        decide(node, false, 'implicit GEMM: the matmul packs these windows straight from its input');
      else if (OP_CATEGORY[only.op] === 'matmul') decide(node, true, 'a matmul operand is read many times');
      else if (OP_CATEGORY[only.op] === 'conv') decide(node, true, `a ${only.op} operand is read many times`);
      else if (iterationsOf(only) > sizeOf(node.shape))
        decide(node, true, `${only.op} would recompute it (broadcast)`);
      // every gather index must be read (and checked) exactly when the gather has
      // elements: a value computing a gather inline must be read whole
      else if (gathers(node) && !readsAllDirectly(node, only))
        decide(node, true, `${only.op} would not read every gathered index`);
      else decide(node, false, `fused into its only consumer ${only.op}`);
    }
  }
  if (fuse) {
    // stored only because several consumers read them: the candidates for binding
    const readBySeveral = (node: Node): boolean =>
      mustMaterialize(node) === undefined &&
      !outputIds.has(node.id) &&
      OP_CATEGORY[node.op] !== 'view' &&
      consumersThroughViews(node, users).length > 1;
    shareWithinKernels(nodes, users, readBySeveral, { materialized, decisions }, gathers);
  }
  return { materialized, decisions };
}

const sameShape = (a: readonly number[], b: readonly number[]): boolean =>
  a.length === b.length && a.every((d, i) => d === b[i]);

/**
 * True when `consumer`'s kernel evaluates `node` once per point at the
 * consumer's own point: an elementwise op of the same shape (no broadcast,
 * no view between), or a reduction of it (once per reduced point).
 */
function readsAtOwnPoint(node: Node, consumer: Node): boolean {
  if (!consumer.inputs.includes(node)) return false;
  const cat = OP_CATEGORY[consumer.op];
  if (cat === 'reduce' || cat === 'argreduce') return consumer.inputs[0] === node;
  return (cat === 'unary' || cat === 'binary' || cat === 'ternary') && sameShape(node.shape, consumer.shape);
}

/**
 * Values read by several consumers that all end up in one kernel at the same
 * point (`x` in `x * sigmoid(x)`, `a + b` in gelu(a + b)) need no buffer: the
 * kernel computes them once per point and binds them (shared-values.ts).
 * Walks consumers first: `pointOf` is the materialized value whose kernel
 * evaluates a node once per point at that kernel's own point, when there is
 * one. A use through a view, a broadcast or a matmul has none, so a value
 * read that way keeps its buffer; so does one computing a gather inline
 * (every gathered index must be checked exactly once per element).
 */
function shareWithinKernels(
  nodes: readonly Node[],
  users: ReadonlyMap<number, Node[]>,
  candidate: (node: Node) => boolean,
  chosen: { materialized: Set<number>; decisions: Decision[] },
  gathers: (node: Node) => boolean,
): void {
  const { materialized, decisions } = chosen;
  const pointOf = new Map<number, number | undefined>();
  const decisionAt = new Map(decisions.map((d, i) => [d.node.id, i]));
  const byId = new Map(nodes.map((n) => [n.id, n]));
  for (let i = nodes.length - 1; i >= 0; i--) {
    const node = nodes[i] as Node;
    const consumers = users.get(node.id) ?? [];
    const points = consumers.map((c) => (readsAtOwnPoint(node, c) ? pointOf.get(c.id) : undefined));
    const first = points[0];
    const common = first !== undefined && points.every((p) => p === first) ? first : undefined;
    const at = decisionAt.get(node.id);
    if (!materialized.has(node.id)) pointOf.set(node.id, common);
    else if (candidate(node) && common !== undefined && at !== undefined && !gathers(node)) {
      materialized.delete(node.id);
      const root = byId.get(common)?.op ?? 'its consumer';
      decisions[at] = {
        node,
        materialized: false,
        reason: `read ${consumers.length} times in the kernel of ${root}: bound once per point`,
      };
      pointOf.set(node.id, common);
    } else pointOf.set(node.id, node.id);
  }
}
