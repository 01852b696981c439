/**
 * The lowered graph as Graphviz DOT: one node per graph value, each fused
 * kernel a cluster around the values it computes (in schedule order), values
 * written to buffers drawn bold, values computed inline dashed, leaves as ellipses, and
 * the graph's outputs as plain labels. Output is deterministic.
 */
import type { PlannedGraph } from '../plan-graph.js';
import type { Node } from '../ir/node.js';
import { nameNodes } from '../ir/print.js';
import { formatShape } from '../ir/shape.js';

/** What the graph picture needs from the pipeline. */
export type DotSource = Pick<PlannedGraph, 'nodes' | 'schedule'>;

/** Fill colours of leaves by op. */
const LEAF_FILL: Readonly<Record<string, string>> = {
  input: '#cfe2ff',
  param: '#fde2c4',
  constant: '#e9ecef',
};

/** A DOT double-quoted string. */
function quote(text: string): string {
  return `"${text.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n')}"`;
}

function isLeaf(node: Node): boolean {
  return node.op === 'input' || node.op === 'param' || node.op === 'constant';
}

/**
 * Graphviz DOT of a planned graph with fusion groups as clusters. Render with
 * `dot -Tsvg graph.dot > graph.svg`.
 *
 * @example
 * writeFileSync('graph.dot', toDot(planGraph(g)));
 */
export function toDot(planned: DotSource): string {
  const names = nameNodes(planned.nodes);
  // stored = written to a buffer by some kernel (after merging, not just as first decided)
  const stored = new Set(planned.schedule.kernels.flatMap((k) => k.writes.map((n) => n.id)));
  const owner = new Map<number, number>();
  for (const kernel of planned.schedule.kernels) {
    for (const node of kernel.covers) if (!owner.has(node.id)) owner.set(node.id, kernel.index);
  }
  const nameOf = (node: Node): string => names.get(node.id) ?? `%?${node.id}`;
  const nodeLine = (node: Node, indent: string): string => {
    const type = `${node.dtype}${formatShape(node.shape)}`;
    if (isLeaf(node)) {
      const label = `${nameOf(node)}\n${node.op} ${type}`;
      return `${indent}n${node.id} [label=${quote(label)}, shape=ellipse, fillcolor=${quote(LEAF_FILL[node.op] ?? '#ffffff')}];`;
    }
    const style = stored.has(node.id) ? 'penwidth=2' : 'style="rounded,filled,dashed"';
    return `${indent}n${node.id} [label=${quote(`${nameOf(node)} = ${node.op}\n${type}`)}, ${style}];`;
  };

  const lines = [
    'digraph tensorwasm {',
    '  rankdir=TB;',
    '  node [shape=box, style="rounded,filled", fillcolor="#ffffff", fontname="Helvetica", fontsize=10];',
    '  edge [color="#666666", arrowsize=0.6];',
  ];
  for (const node of planned.nodes) if (!owner.has(node.id)) lines.push(nodeLine(node, '  '));
  for (const kernel of planned.schedule.kernels) {
    const members = planned.nodes.filter((n) => owner.get(n.id) === kernel.index);
    if (members.length === 0) continue;
    lines.push(
      `  subgraph cluster_${kernel.index} {`,
      `    label=${quote(`${kernel.name} (${kernel.kind})`)};`,
      '    style="rounded,filled"; fillcolor="#f4f6fb"; color="#8a94a6"; fontname="Helvetica"; fontsize=11;',
      ...members.map((n) => nodeLine(n, '    ')),
      '  }',
    );
  }
  for (const node of planned.nodes) {
    for (const input of node.inputs) lines.push(`  n${input.id} -> n${node.id};`);
  }
  planned.schedule.outputs.forEach(([name, node], i) => {
    lines.push(`  out${i} [label=${quote(name)}, shape=plaintext, style=""];`, `  n${node.id} -> out${i};`);
  });
  lines.push('}');
  return lines.join('\n') + '\n';
}
