/**
 * `tensorwasm build <graph.ts|graph.js|model.onnx> [-o model.wasm] [--params file] [--threads N|auto]`:
 * compiles a graph file (or imports an ONNX model) and writes one
 * self-describing .wasm, with the params embedded when a params file is given
 * (and threaded builds with --threads, docs/threads.md).
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { basename, dirname, extname } from 'node:path';
import { readFileOrFail, readParamsFile } from './tensor-files.js';
import { UsageError } from './usage-error.js';
import { loadGraph } from './load-graph.js';
import type { OnnxFlags } from './onnx-flags.js';

/** Parsed arguments of `build`. */
export interface BuildArgs {
  readonly graph: string;
  readonly output: string | undefined;
  readonly params: string | undefined;
  /** --shape/--value/--weights for a .onnx file. */
  readonly onnx?: OnnxFlags;
  /** --threads: the module's threaded builds (compile's `threads`). */
  readonly threads?: number | 'auto' | undefined;
}

function describe(
  list: readonly { name: string; shape: readonly number[]; dtype: string; external?: string }[],
): string {
  return list.map((t) => `${t.name} ${t.external ?? t.dtype}[${t.shape.join(',')}]`).join(', ') || 'none';
}

/** Writes bytes to a file, creating its folder; a failure is a UsageError. */
export function writeOutput(path: string, bytes: Uint8Array | string, what: string): void {
  try {
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, bytes);
  } catch (error) {
    throw new UsageError(
      `${what}: cannot write ${path} (${(error as NodeJS.ErrnoException).code ?? String(error)})`,
    );
  }
}

/** Runs `build`; returns the line to print. */
export async function buildCommand(args: BuildArgs): Promise<string> {
  if (args.params !== undefined) readFileOrFail(args.params, 'build: --params'); // fail before compiling
  const graph = await loadGraph(args.graph, args.onnx ?? {}, 'build');
  const { compile } = await import('../compile.js');
  const start = performance.now();
  const model = await compile(graph, args.threads === undefined ? {} : { threads: args.threads });
  const seconds = (performance.now() - start) / 1000;
  // ONNX models can be large: say how long a slow compile took (graph files stay quiet)
  if (seconds > 1 && extname(args.graph).toLowerCase() === '.onnx') {
    process.stderr.write(`tensorwasm: compiled ${args.graph} in ${seconds.toFixed(1)} s\n`);
  }
  const output = args.output ?? `${basename(args.graph, extname(args.graph))}.wasm`;
  let bytes: Uint8Array;
  let note = '';
  if (args.params !== undefined) {
    model.setParams(readParamsFile(args.params, model.params, 'build: --params'));
    bytes = model.save({ params: true });
    note = '; params embedded';
  } else {
    bytes = model.save();
    if (model.params.length > 0)
      note = `; params not embedded (${model.params.map((p) => p.name).join(', ')})`;
  }
  model.dispose();
  writeOutput(output, bytes, 'build');
  // with --threads: how many it runs on (1 where no kernel is worth splitting, docs/threads.md)
  const threads =
    args.threads === undefined ? '' : `, runs on ${model.threads} thread${model.threads === 1 ? '' : 's'}`;
  return (
    `wrote ${output} (${bytes.length} bytes, ${model.kernels.length} kernels${threads}, ` +
    `memory ${model.plan.memoryBytes} bytes; inputs: ${describe(model.inputs)}; outputs: ${describe(model.outputs)}${note})`
  );
}
