/**
 * The CLI's own error: a mistake on the command line or in a data file,
 * reported as one line and exit code 2.
 */

/** Exit code for every user mistake (bad flags, missing files, bad data, damaged modules). */
export const USAGE_EXIT_CODE = 2;

/** A command-line mistake; its message is printed as is. */
export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}
