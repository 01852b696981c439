#!/usr/bin/env node
/**
 * The `tensorwasm` command: `build` a graph file into a saved module, `run` a
 * saved module. User mistakes print one line and exit with code 2.
 */
import { readFileSync } from 'node:fs';
import { TensorWasmError } from '../common/errors.js';
import { buildCommand } from './build-command.js';
import { hasOnnxFlags, ONNX_FLAG_OPTIONS } from './onnx-flags.js';
import { inspectMain } from './inspect-command.js';
import { parseFlags } from './parse-flags.js';
import { runCommand } from './run-command.js';
import { USAGE_EXIT_CODE, UsageError } from './usage-error.js';

const USAGE = `usage:
  tensorwasm build <graph.ts|graph.js> [-o model.wasm] [--params weights.json|weights.bin] [--threads N|auto]
  tensorwasm build <model.onnx> [-o model.wasm] [--shape input=1,3,224,224]... [--value name=16000]... [--weights params] [--threads N|auto]
  tensorwasm run <model.wasm> [--input name=file.json|file.bin]... [--params file] [--output out.json|out.bin] [--threads N|auto]
  tensorwasm inspect <graph.ts|model.onnx|model.wasm> [--stage S] [--plan] [--wat] [--dot] [--html report.html] [--shape …] [--value …]
  tensorwasm --help | --version`;

type Parsed = ReturnType<typeof parseCommand>;

/** The flags of build and run. */
const COMMAND_FLAGS = {
  output: { type: 'string', short: 'o' },
  params: { type: 'string', short: 'p' },
  input: { type: 'string', short: 'i', multiple: true },
  threads: { type: 'string' },
  ...ONNX_FLAG_OPTIONS,
} as const;

/** Parses a subcommand's flags; node's parse errors become one-line UsageErrors. */
function parseCommand(command: string, args: string[]) {
  return parseFlags(command, args, COMMAND_FLAGS, 'tensorwasm --help');
}

function onePositional(command: string, parsed: Parsed, what: string): string {
  const [first, ...rest] = parsed.positionals;
  if (first === undefined) throw new UsageError(`${command}: missing ${what}; see tensorwasm --help`);
  if (rest.length > 0) throw new UsageError(`${command}: unexpected argument "${rest[0]}"`);
  return first;
}

/**
 * `--threads N|auto` as compile()'s and load()'s option (undefined without the
 * flag); the count's range is theirs to check (an InputError names it).
 */
function threadsFlag(command: string, text: string | undefined): number | 'auto' | undefined {
  if (text === undefined || text === 'auto') return text;
  if (!/^\d+$/.test(text))
    throw new UsageError(`${command}: --threads must be a count or auto (got "${text}")`);
  return Number(text);
}

function version(): string {
  const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as {
    version: string;
  };
  return pkg.version;
}

/** Runs the CLI on `argv` (without node and the script); returns the exit code. */
export async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  try {
    if (command === undefined)
      throw new UsageError('missing command (build, run or inspect); see tensorwasm --help');
    if (command === '--help' || command === '-h' || command === 'help') {
      process.stdout.write(`${USAGE}\n`);
      return 0;
    }
    if (command === '--version' || command === '-v') {
      process.stdout.write(`${version()}\n`);
      return 0;
    }
    if (command === 'build') {
      const parsed = parseCommand(command, rest);
      if (parsed.values.input !== undefined) throw new UsageError('build: --input belongs to run');
      const graph = onePositional(command, parsed, 'the graph file');
      const { output, params, shape, value, weights } = parsed.values;
      const threads = threadsFlag(command, parsed.values.threads);
      const line = await buildCommand({ graph, output, params, threads, onnx: { shape, value, weights } });
      process.stdout.write(`${line}\n`);
      return 0;
    }
    if (command === 'run') {
      const parsed = parseCommand(command, rest);
      if (hasOnnxFlags(parsed.values))
        throw new UsageError('run: --shape, --value and --weights belong to build');
      const model = onePositional(command, parsed, 'the model file');
      const { input = [], params, output } = parsed.values;
      const threads = threadsFlag(command, parsed.values.threads);
      process.stdout.write(await runCommand({ model, inputs: input, params, output, threads }));
      return 0;
    }
    if (command === 'inspect') return await inspectMain(rest);
    throw new UsageError(`unknown command "${command}"; see tensorwasm --help`);
  } catch (error) {
    if (error instanceof UsageError || error instanceof TensorWasmError) {
      const own = error instanceof UsageError || error.message.startsWith(`${command ?? ''}: `);
      const prefix = own ? '' : `${command ?? ''}: `;
      process.stderr.write(`tensorwasm: ${prefix}${error.message}\n`);
      return USAGE_EXIT_CODE;
    }
    throw error;
  }
}

process.exitCode = await main(process.argv.slice(2));
