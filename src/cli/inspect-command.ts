/**
 * `tensorwasm inspect <graph.ts|graph.js|model.wasm>`: what the compiler made
 * of a graph (kernels, IR per stage, plan, WAT, DOT, an HTML report), or what
 * a saved module holds (manifest, plan, WAT). Prints to stdout; mistakes are
 * UsageErrors (one line, exit code 2).
 */
import { existsSync, readFileSync } from 'node:fs';
import { basename, extname } from 'node:path';
import type { IrStage } from '../compiled-model.js';
import { IR_STAGES } from '../inspect/inspectable.js';
import { kernelTable } from '../inspect/kernel-table.js';
import { formatManifest } from '../inspect/manifest-text.js';
import { planSummary, planTable } from '../inspect/plan-table.js';
import { writeOutput } from './build-command.js';
import { loadGraph } from './load-graph.js';
import { ONNX_FLAG_OPTIONS, type OnnxFlags } from './onnx-flags.js';
import { parseFlags } from './parse-flags.js';
import { UsageError } from './usage-error.js';

export const INSPECT_USAGE = `usage: tensorwasm inspect <graph.ts|graph.js|model.wasm> [--stage built|simplified|fused|scheduled] [--plan] [--wat] [--dot] [--html report.html]
  a model.onnx file is inspected like a graph file (with --shape/--value/--weights as in build).
  no flags: a graph file prints its kernels and plan; a saved .wasm its manifest, plan and WAT.
  --stage S   the IR after stage S      --plan  the memory-plan table
  --wat       the WebAssembly text      --dot   the graph as Graphviz DOT (graph files only)
  --html F    write a self-contained HTML report to F`;

/** Parsed arguments of `inspect`. */
interface InspectArgs {
  readonly file: string;
  readonly stage: IrStage | undefined;
  readonly plan: boolean;
  readonly wat: boolean;
  readonly dot: boolean;
  readonly html: string | undefined;
  readonly onnx: OnnxFlags;
}

function isStage(value: string): value is IrStage {
  return (IR_STAGES as readonly string[]).includes(value);
}

/** inspect's flags. */
const INSPECT_FLAGS = {
  stage: { type: 'string', short: 's' },
  plan: { type: 'boolean' },
  wat: { type: 'boolean' },
  dot: { type: 'boolean' },
  html: { type: 'string' },
  help: { type: 'boolean', short: 'h' },
  ...ONNX_FLAG_OPTIONS,
} as const;

function parseInspectArgs(argv: string[]): InspectArgs | 'help' {
  const parsed = parseFlags('inspect', argv, INSPECT_FLAGS, 'tensorwasm inspect --help');
  const { values, positionals } = parsed;
  if (values.help === true) return 'help';
  const [file, extra] = positionals;
  if (file === undefined)
    throw new UsageError('inspect: missing the graph or model file; see tensorwasm inspect --help');
  if (extra !== undefined) throw new UsageError(`inspect: unexpected argument "${extra}"`);
  if (values.stage !== undefined && !isStage(values.stage)) {
    throw new UsageError(
      `inspect: unknown stage "${values.stage}" (expected one of: ${IR_STAGES.join(', ')})`,
    );
  }
  return {
    file,
    stage: values.stage,
    plan: values.plan === true,
    wat: values.wat === true,
    dot: values.dot === true,
    html: values.html,
    onnx: { shape: values.shape, value: values.value, weights: values.weights },
  };
}

/** A saved module: manifest, plan and WAT (all three unless flags pick some). */
async function inspectModule(args: InspectArgs): Promise<string> {
  if (args.stage !== undefined || args.dot) {
    throw new UsageError(
      `inspect: --${args.dot ? 'dot' : 'stage'} needs the graph file; ${args.file} is a saved module`,
    );
  }
  const { decodeArtifact } = await import('../runtime/decode-artifact.js');
  const { watOf } = await import('../codegen/binaryen/emit-module.js');
  const { withDataSection } = await import('../common/data-segments.js');
  const { manifest, code, segments } = decodeArtifact(readFileSync(args.file));
  const wat = await watOf(withDataSection(code, segments));
  const all = !args.plan && !args.wat && args.html === undefined;
  const parts: string[] = [];
  if (all) parts.push(formatManifest(manifest));
  if (all || args.plan) parts.push(planTable(manifest.plan));
  if (all || args.wat) parts.push(wat);
  if (args.html !== undefined) {
    const { renderReport } = await import('../inspect/render-report.js');
    const html = renderReport({ title: basename(args.file), plan: manifest.plan, wat, manifest });
    writeOutput(args.html, html, 'inspect');
    parts.push(`wrote ${args.html} (${html.length} bytes)\n`);
  }
  return parts.join('\n');
}

/** A graph file: compiled in process; by default its kernels and plan. */
async function inspectGraph(args: InspectArgs): Promise<string> {
  const graph = await loadGraph(args.file, args.onnx, 'inspect');
  const [{ compile }, { planGraph }] = await Promise.all([
    import('../compile.js'),
    import('../plan-graph.js'),
  ]);
  const model = await compile(graph);
  const parts: string[] = [];
  const none = args.stage === undefined && !args.plan && !args.wat && !args.dot && args.html === undefined;
  if (none) {
    parts.push(
      `${args.file}: ${model.kernels.length} kernels; ${planSummary(model.plan)}\n`,
      kernelTable(model.kernels),
    );
  }
  if (args.stage !== undefined) parts.push(model.ir(args.stage));
  if (none || args.plan) parts.push(planTable(model.plan));
  if (args.wat) parts.push(await model.wat());
  const dot =
    args.dot || args.html !== undefined
      ? (await import('../inspect/graph-dot.js')).toDot(planGraph(graph))
      : '';
  if (args.dot) parts.push(dot);
  if (args.html !== undefined) {
    const { htmlReport } = await import('../inspect/html-report.js');
    const html = await htmlReport(model, { title: basename(args.file), dot });
    writeOutput(args.html, html, 'inspect');
    parts.push(`wrote ${args.html} (${html.length} bytes)\n`);
  }
  model.dispose();
  return parts.join('\n');
}

/** Runs `inspect` on its arguments (after the command name); returns the text to print. */
export async function inspectCommand(argv: string[]): Promise<string> {
  const args = parseInspectArgs(argv);
  if (args === 'help') return `${INSPECT_USAGE}\n`;
  if (!existsSync(args.file)) throw new UsageError(`inspect: no such file: ${args.file}`);
  return extname(args.file).toLowerCase() === '.wasm' ? inspectModule(args) : inspectGraph(args);
}

/** `inspect` as main.ts dispatches it: prints the result and returns exit code 0. */
export async function inspectMain(argv: string[]): Promise<number> {
  process.stdout.write(await inspectCommand(argv));
  return 0;
}
