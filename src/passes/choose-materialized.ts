/**
 * Decides which values live in buffers. Everything else is computed inline
 * inside the kernel that reads it. Views are never materialized (they are
 * index maps) unless they are outputs. Without fusion every other op gets its
 * own buffer; with fusion an elementwise value is inlined into its only
 * consumer when that consumer evaluates it exactly once per element.
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
      if (byMatmul && viewNeedsCopy(node, materialized))
        decide(node, true, 'a matmul operand read through div/mod: copied so the tiles read it by rows');
      else decide(node, false, 'a view is an index map on its readers');
    } else if (!fuse) decide(node, true, 'fusion is off');
    else {
      const consumers = consumersThroughViews(node, users);
      const only = consumers[0];
      if (consumers.length !== 1 || only === undefined)
        decide(node, true, `read by ${consumers.length} kernels`);
      else if (OP_CATEGORY[only.op] === 'matmul') decide(node, true, 'a matmul operand is read many times');
      else if (iterationsOf(only) > sizeOf(node.shape))
        decide(node, true, `${only.op} would recompute it (broadcast)`);
      // every gather index must be read (and checked) exactly when the gather has
      // elements: a value computing a gather inline must be read whole
      else if (gathers(node) && !readsAllDirectly(node, only))
        decide(node, true, `${only.op} would not read every gathered index`);
      else decide(node, false, `fused into its only consumer ${only.op}`);
    }
  }
  return { materialized, decisions };
}
