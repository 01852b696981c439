/**
 * Text form of kernels for `ir('fused')` and `ir('scheduled')`: each kernel's
 * loop domain, what it writes, its body as an expression over loop indices,
 * and why each value was stored or fused.
 */
import { formatNumber, nameNodes } from '../ir/print.js';
import type { Node } from '../ir/node.js';
import { formatShape } from '../ir/shape.js';
import type { Decision } from './choose-materialized.js';
import { formatIndex } from './index-expr.js';
import type { Kernel, KExpr, Schedule } from './kernel.js';

type Names = ReadonlyMap<number, string>;

function nameOf(names: Names, node: Node): string {
  return names.get(node.id) ?? `%?${node.id}`;
}

/** A kernel body as text: loads as `%x[i0, i1]`. */
export function formatKExpr(e: KExpr, names: Names): string {
  switch (e.k) {
    case 'const':
      return formatNumber(e.value);
    case 'ref':
      return `$${e.slot}`;
    case 'load':
      return `${nameOf(names, e.node)}[${e.index.map(formatIndex).join(', ')}]`;
    case 'op':
      return `${e.op}(${e.args.map((a) => formatKExpr(a, names)).join(', ')})`;
    case 'cast':
      return `cast<${e.dtype}>(${formatKExpr(e.arg, names)})`;
    case 'guard': {
      const cond = e.guards.map((g) => `${formatIndex(g.index)} in [0,${g.size})`).join(' && ');
      return `(${cond} ? ${formatKExpr(e.then, names)} : ${formatKExpr(e.otherwise, names)})`;
    }
    case 'get':
      return `t${e.id}`;
    case 'let':
      return `let t${e.id} = ${formatKExpr(e.value, names)} in ${formatKExpr(e.body, names)}`;
    case 'bind':
      return `let idx${e.slot} = checked(${formatKExpr(e.value, names)}, ${e.size}) in ${formatKExpr(e.body, names)}`;
  }
}

/** One kernel: a header line, then one line per step. */
export function formatKernel(kernel: Kernel, names: Names, extra = ''): string {
  const writes = kernel.writes.map((n) => nameOf(names, n)).join(', ');
  const domain = formatShape(kernel.domain.map((v) => v.extent));
  const reads = kernel.reads.map((n) => nameOf(names, n)).join(', ');
  const lines = [`${kernel.name}: ${kernel.kind} ${domain} -> ${writes}${extra} reads ${reads || 'nothing'}`];
  for (const step of kernel.steps) {
    if (step.kind === 'reduce') {
      const over = formatShape(step.reduction.vars.map((v) => v.extent));
      lines.push(`  $${step.slot} = ${step.reduction.kind} over ${over} of ${formatKExpr(step.body, names)}`);
    } else if (step.kind === 'let') {
      lines.push(`  $${step.slot} = ${formatKExpr(step.value, names)}`);
    } else {
      const loops = step.vars.length > 0 ? `for ${formatShape(step.vars.map((v) => v.extent))}: ` : '';
      const target = `${nameOf(names, step.node)}[${step.index.map(formatIndex).join(', ')}]`;
      lines.push(`  ${loops}${target} = ${formatKExpr(step.value, names)}`);
    }
  }
  return lines.join('\n');
}

/** All kernels, then the fusion decisions. */
export function formatSchedule(
  schedule: Schedule,
  decisions: readonly Decision[],
  annotate: (k: Kernel) => string = () => '',
  notes: readonly string[] = [],
): string {
  const nodes = [...new Set([...schedule.values, ...schedule.kernels.flatMap((k) => k.covers)])].sort(
    (a, b) => a.id - b.id,
  );
  const names = nameNodes(nodes);
  const lines = schedule.kernels.map((k) => formatKernel(k, names, annotate(k)));
  lines.push('', 'decisions:');
  for (const d of decisions) {
    if (d.node.op === 'input' || d.node.op === 'param' || d.node.op === 'constant') continue;
    lines.push(
      `  ${nameOf(names, d.node)} ${d.node.op}: ${d.materialized ? 'stored' : 'inline'} (${d.reason})`,
    );
  }
  if (notes.length > 0) lines.push('', 'merged kernels:', ...notes.map((n) => `  ${n}`));
  for (const [name, node] of schedule.outputs) lines.push(`output ${name} = ${nameOf(names, node)}`);
  return lines.join('\n') + '\n';
}
