/**
 * The one way passes rebuild a graph: walk the old nodes in order and let a
 * rule produce each new node from its already-rebuilt inputs. Leaves keep
 * their names, constants their data; outputs keep their names.
 */
import { Graph } from '../ir/graph.js';
import type { Node } from '../ir/node.js';
import { topoSort } from '../ir/node.js';

/** Builds the replacement of `node` in `out`, or returns undefined to copy it unchanged. */
export type RewriteRule = (node: Node, inputs: readonly Node[], out: Graph) => Node | undefined;

/** Copies `node` into `out` with new inputs (re-inferring its type). */
export function copyNode(node: Node, inputs: readonly Node[], out: Graph): Node {
  switch (node.op) {
    case 'input':
      return out.input(node.attrs.name, node.shape, node.dtype).node;
    case 'param':
      return out.param(node.attrs.name, node.shape, node.dtype).node;
    case 'constant':
      return out.addConstant(node.attrs.data, node.shape);
    default:
      return out.addNode(node.op, inputs, node.attrs);
  }
}

/** A new graph where every node reachable from the outputs (and every leaf) went through `rule`. */
export function rewriteGraph(graph: Graph, rule: RewriteRule): Graph {
  const out = new Graph();
  const map = new Map<number, Node>();
  for (const node of topoSort([...graph.leaves, ...graph.outputs.map(([, n]) => n)])) {
    const inputs = node.inputs.map((i) => map.get(i.id) as Node);
    const isLeaf = node.op === 'input' || node.op === 'param';
    map.set(node.id, (isLeaf ? undefined : rule(node, inputs, out)) ?? copyNode(node, inputs, out));
  }
  for (const [name, node] of graph.outputs) out.output(name, out.wrap(map.get(node.id) as Node));
  return out;
}
