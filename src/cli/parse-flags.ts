/**
 * The CLI commands' flag parsing: node's parseArgs (strict, positionals
 * allowed), with its errors turned into one-line UsageErrors that name the
 * command and where its help is.
 */
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { UsageError } from './usage-error.js';

/** Flag definitions, as parseArgs takes them. */
export type FlagOptions = NonNullable<ParseArgsConfig['options']>;

/** How every command calls parseArgs. */
interface FlagConfig<O extends FlagOptions> {
  args: string[];
  options: O;
  allowPositionals: true;
  strict: true;
}

/** What parseFlags returns: parseArgs' result, typed by the flag definitions. */
export type ParsedFlags<O extends FlagOptions> = ReturnType<typeof parseArgs<FlagConfig<O>>>;

/** Parses `args` for `command`; an unknown or malformed flag is a UsageError pointing at `help` (e.g. `tensorwasm --help`). */
export function parseFlags<const O extends FlagOptions>(
  command: string,
  args: string[],
  options: O,
  help: string,
): ParsedFlags<O> {
  try {
    return parseArgs<FlagConfig<O>>({ args, options, allowPositionals: true, strict: true });
  } catch (error) {
    const message = (error as Error).message;
    const unknown = /Unknown option '([^']+)'/.exec(message);
    if (unknown) throw new UsageError(`${command}: unknown flag ${unknown[1]}; see ${help}`);
    throw new UsageError(`${command}: ${message.split('\n')[0] ?? message}`);
  }
}
