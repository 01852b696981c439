/**
 * The ONNX flags of `build` and `inspect` (`--shape name=1,3,224,224`,
 * `--value name=16000`, `--weights params`) as fromOnnx options, and the
 * loading of a .onnx file with them; mistakes are UsageErrors.
 */
import { existsSync, readFileSync } from 'node:fs';
import type { Graph } from '../ir/graph.js';
import type { FromOnnxOptions } from '../onnx/from-onnx.js';
import { UsageError } from './usage-error.js';

/** The ONNX flags' definitions for parseArgs (see parse-flags.ts). */
export const ONNX_FLAG_OPTIONS = {
  shape: { type: 'string', multiple: true },
  value: { type: 'string', multiple: true },
  weights: { type: 'string' },
} as const;

/** The raw flag values. */
export interface OnnxFlags {
  readonly shape?: readonly string[] | undefined;
  readonly value?: readonly string[] | undefined;
  readonly weights?: string | undefined;
}

/** True when any ONNX flag is given. */
export function hasOnnxFlags(flags: OnnxFlags): boolean {
  return (flags.shape?.length ?? 0) > 0 || (flags.value?.length ?? 0) > 0 || flags.weights !== undefined;
}

function numbers(command: string, flag: string, text: string, integers: boolean): [string, number[]] {
  const eq = text.indexOf('=');
  const name = text.slice(0, eq);
  const list = text.slice(eq + 1);
  if (eq <= 0 || list === '') throw new UsageError(`${command}: ${flag} expects name=values (got "${text}")`);
  const values = list.split(',').map(Number);
  if (values.some((v) => !Number.isFinite(v) || (integers && (!Number.isInteger(v) || v < 0)))) {
    throw new UsageError(
      `${command}: ${flag} ${name}: "${list}" is not a list of ${integers ? 'sizes' : 'numbers'}`,
    );
  }
  return [name, values];
}

/** fromOnnx options from the flags. */
export function onnxOptions(command: string, flags: OnnxFlags): FromOnnxOptions {
  const shapes = Object.fromEntries((flags.shape ?? []).map((s) => numbers(command, '--shape', s, true)));
  const values = Object.fromEntries((flags.value ?? []).map((s) => numbers(command, '--value', s, false)));
  const weights = flags.weights;
  if (weights !== undefined && weights !== 'params' && weights !== 'constants') {
    throw new UsageError(`${command}: --weights must be params or constants (got "${weights}")`);
  }
  return { shapes, values, ...(weights === undefined ? {} : { weights }) };
}

/**
 * Imports a .onnx file. Prints progress on stderr when the import takes more
 * than a second (large models), so a long build is not silent.
 */
export async function loadOnnx(command: string, path: string, flags: OnnxFlags): Promise<Graph> {
  if (!existsSync(path)) throw new UsageError(`${command}: no such file: ${path}`);
  const options = onnxOptions(command, flags);
  const { fromOnnx } = await import('../onnx/from-onnx.js');
  const start = performance.now();
  const graph = await fromOnnx(readFileSync(path), options);
  const seconds = (performance.now() - start) / 1000;
  if (seconds > 1) {
    process.stderr.write(
      `tensorwasm: imported ${path} (${graph.nodes.length} nodes) in ${seconds.toFixed(1)} s; compiling\n`,
    );
  }
  return graph;
}
