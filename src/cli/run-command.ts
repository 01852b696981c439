/**
 * `tensorwasm run model.wasm --input name=file [--params file] [--output file] [--threads N|auto]`:
 * loads a saved module with the runtime alone (never the compiler), runs it
 * once and prints or writes the outputs.
 */
import { extname } from 'node:path';
import type { TypedArray } from '../common/dtype.js';
import { load } from '../runtime/load.js';
import type { ExternalArray } from '../runtime/external-types.js';
import { writeOutput } from './build-command.js';
import {
  formatOutputsJson,
  outputsToBinary,
  readFileOrFail,
  readParamsFile,
  readTensorFile,
} from './tensor-files.js';
import { UsageError } from './usage-error.js';

/** Parsed arguments of `run`. */
export interface RunArgs {
  readonly model: string;
  /** Each `name=file`. */
  readonly inputs: readonly string[];
  readonly params: string | undefined;
  readonly output: string | undefined;
  /** --threads: load()'s `threads` (the module must have been built with threads). */
  readonly threads?: number | 'auto' | undefined;
}

/** Runs `run`; returns the text to print (the outputs as JSON, or a note that they were written). */
export async function runCommand(args: RunArgs): Promise<string> {
  const file = readFileOrFail(args.model, 'run');
  const model = await load(file, args.threads === undefined ? {} : { threads: args.threads });
  const feeds: Record<string, TypedArray | BigInt64Array | number[]> = {};
  for (const spec of args.inputs) {
    const eq = spec.indexOf('=');
    if (eq <= 0 || eq === spec.length - 1) {
      throw new UsageError(`run: --input must be name=file (got "${spec}")`);
    }
    const name = spec.slice(0, eq);
    const info = model.inputs.find((i) => i.name === name);
    if (info === undefined) {
      const names = model.inputs.map((i) => i.name).join(', ') || 'none';
      throw new UsageError(`run: --input ${name}: the model has no input "${name}" (its inputs: ${names})`);
    }
    const data = readTensorFile(spec.slice(eq + 1), info, `run: --input ${name}`);
    // an int64 or narrow integer input (ONNX) is read as i32 values and fed as run() expects them
    feeds[name] =
      info.external === undefined
        ? data
        : info.external === 'int64'
          ? BigInt64Array.from(data, (v) => BigInt(v))
          : Array.from(data);
  }
  if (args.params !== undefined) model.setParams(readParamsFile(args.params, model.params, 'run: --params'));
  const results = model.run(feeds) as Record<string, TypedArray | ExternalArray>;
  model.dispose();
  // int64 and narrow integer outputs are written as the i32 values they were computed as
  const outputs: Record<string, TypedArray> = {};
  for (const info of model.outputs) {
    const data = results[info.name] as TypedArray | ExternalArray;
    outputs[info.name] =
      info.external === undefined
        ? (data as TypedArray)
        : Int32Array.from(data as ArrayLike<number | bigint>, (v) => Number(v));
  }
  if (args.output === undefined) return formatOutputsJson(outputs, model.outputs);
  const bytes =
    extname(args.output) === '.bin'
      ? outputsToBinary(outputs, model.outputs)
      : formatOutputsJson(outputs, model.outputs);
  writeOutput(args.output, bytes, 'run');
  return `wrote ${model.outputs.map((o) => o.name).join(', ')} to ${args.output}\n`;
}
