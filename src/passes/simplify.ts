/**
 * Simplification: constant folding, algebraic identities, and — because every
 * rebuild goes through the hash-consing Graph and walks only what the outputs
 * need — common-subexpression and dead-code elimination. Each identity is
 * written once in RULES with the rewrite it performs.
 */
import { ARRAY_CLASS } from '../common/dtype.js';
import { InternalError } from '../common/errors.js';
import type { Graph } from '../ir/graph.js';
import { evaluateNode } from '../ir/interpret/evaluators.js';
import type { Node, NodeOf } from '../ir/node.js';
import { OP_CATEGORY } from '../ir/ops.js';
import { sameShape, sizeOf } from '../ir/shape.js';
import { foldArrays } from './fold-arrays.js';
import { rewriteGraph } from './rewrite.js';

/** Folded constants larger than this many elements are left to run time (module size). */
export const MAX_FOLDED_ELEMENTS = 4096;

/** The scalar value of a constant whose every element is equal, else undefined. */
function uniformConstant(node: Node): number | undefined {
  if (node.op !== 'constant' || node.attrs.data.length === 0) return undefined;
  const first = node.attrs.data[0] as number;
  for (const v of node.attrs.data) if (!Object.is(v, first)) return undefined;
  return first;
}

/** True when replacing `node` by `x` keeps its shape and dtype. */
function sameType(node: Node, x: Node | undefined): x is Node {
  return x !== undefined && x.dtype === node.dtype && sameShape(x.shape, node.shape);
}

/** One identity: returns the replacement of `node` (with rebuilt `inputs`), or undefined. */
type Rule = (node: Node, inputs: readonly Node[], out: Graph) => Node | undefined;

const isConst = (n: Node | undefined, value: number): boolean =>
  n !== undefined && uniformConstant(n) === value;

const RULES: Readonly<Record<string, Rule>> = {
  // x * 1 -> x,  1 * x -> x
  mulOne: (node, [a, b]) => {
    if (node.op !== 'mul') return undefined;
    if (isConst(b, 1) && sameType(node, a)) return a;
    if (isConst(a, 1) && sameType(node, b)) return b;
    return undefined;
  },
  // x + 0 -> x,  0 + x -> x,  x - 0 -> x  (-0 too: x + -0 == x for every x)
  addZero: (node, [a, b]) => {
    if (node.op === 'add') {
      if ((isConst(b, 0) || isConst(b, -0)) && sameType(node, a)) return a;
      if (isConst(a, -0) && sameType(node, b)) return b;
    }
    if (node.op === 'sub' && isConst(b, 0) && sameType(node, a)) return a;
    return undefined;
  },
  // x / 1 -> x
  divOne: (node, [a, b]) => (node.op === 'div' && isConst(b, 1) && sameType(node, a) ? a : undefined),
  // neg(neg(x)) -> x
  negNeg: (node, [a]) => (node.op === 'neg' && a?.op === 'neg' ? a.inputs[0] : undefined),
  // cast<d>(x: d) -> x
  castSame: (node, [a]) => (node.op === 'cast' && sameType(node, a) ? a : undefined),
  // reshape(x) to x's own shape -> x;  reshape(reshape(x)) -> reshape(x)
  reshape: (node, [a], out) => {
    if (node.op !== 'reshape' || a === undefined) return undefined;
    if (sameShape(a.shape, node.shape)) return a;
    if (a.op === 'reshape') return out.addNode('reshape', [a.inputs[0] as Node], node.attrs);
    return undefined;
  },
  // transpose(transpose(x, p), q) -> transpose(x, p∘q);  identity perm -> x
  transpose: (node, [a], out) => {
    if (node.op !== 'transpose' || a === undefined) return undefined;
    if (node.attrs.perm.every((p, i) => p === i)) return a;
    if (a.op !== 'transpose') return undefined;
    const inner = a.attrs.perm;
    const perm = node.attrs.perm.map((p) => inner[p] as number);
    const x = a.inputs[0] as Node;
    return perm.every((p, i) => p === i) ? x : out.addNode('transpose', [x], { perm });
  },
  // expand(x) to x's own shape -> x;  expand(expand(x)) -> expand(x)
  expand: (node, [a], out) => {
    if (node.op !== 'expand' || a === undefined) return undefined;
    if (sameShape(a.shape, node.shape)) return a;
    if (a.op === 'expand') return out.addNode('expand', [a.inputs[0] as Node], node.attrs);
    return undefined;
  },
  // slice taking every element in order -> x;  pad by nothing -> x;  concat of one -> x
  noMovement: (node, [a]) => {
    if (
      node.op === 'slice' &&
      node.attrs.axes.every((r, i) => r.start === 0 && r.step === 1 && r.size === a?.shape[i])
    )
      return a;
    if (node.op === 'pad' && node.attrs.widths.every(([b, e]) => b === 0 && e === 0)) return a;
    if (node.op === 'concat' && node.inputs.length === 1 && sameType(node, a)) return a;
    return undefined;
  },
};

const isConstant = (n: Node): n is NodeOf<'constant'> => n.op === 'constant';

/**
 * Computes a node whose inputs are all constants, when the result is small
 * enough to embed: the typed-array loops of fold-arrays.ts for the ops whole
 * weights go through, else the interpreter's evaluator of the node's op, run once on
 * the constants' arrays (no copies of them; the result array becomes the new
 * constant's data). Folded in topological order, a folded chain evaluates each
 * node once, on its already folded inputs.
 */
function foldConstant(node: Node, inputs: readonly Node[], out: Graph): Node | undefined {
  const cat = OP_CATEGORY[node.op];
  if (cat === 'leaf' || inputs.length === 0 || !inputs.every(isConstant)) return undefined;
  // gather checks its indices at run time; a fold would move that error to compile time
  if (node.op === 'gather' || node.op === 'gatherElements') return undefined;
  const size = sizeOf(node.shape);
  const inputSize = inputs.reduce((s, i) => s + sizeOf(i.shape), 0);
  if (size > MAX_FOLDED_ELEMENTS && size > inputSize) return undefined;
  // evaluated as the node over its rebuilt inputs (their types are the old inputs': rules keep types)
  const rebuilt = out.addNode(node.op, inputs, node.attrs);
  const value =
    foldArrays(rebuilt, inputs) ??
    evaluateNode(
      rebuilt,
      inputs.map((i) => ({ data: i.attrs.data, shape: i.shape, dtype: i.dtype })),
    );
  if (!(value instanceof ARRAY_CLASS[node.dtype]) || value.length !== size) {
    throw new InternalError('simplify', `folding ${node.op} (node ${node.id}) gave ${value.length} elements`);
  }
  return out.addConstant(value, node.shape);
}

/** Applies constant folding and the identities until nothing changes (each rule fires on rebuilt inputs). */
function simplifyNode(node: Node, inputs: readonly Node[], out: Graph): Node | undefined {
  const folded = foldConstant(node, inputs, out);
  if (folded !== undefined) return folded;
  for (const rule of Object.values(RULES)) {
    const replaced = rule(node, inputs, out);
    if (replaced !== undefined) return replaced;
  }
  return undefined;
}

/** The simplified graph (same outputs, same values). */
export function simplify(graph: Graph): Graph {
  return rewriteGraph(graph, simplifyNode);
}
