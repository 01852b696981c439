/** Assertions for typed errors: the class, the stable code and (optionally) the message. */
import { expect } from 'vitest';
import { TensorWasmError, type ErrorCode } from '../../src/index.js';

type ErrorClass = abstract new (...args: never[]) => TensorWasmError;

/** What `fn` threw (awaiting a promise), or undefined when it did not throw. */
export async function thrownBy(fn: () => unknown): Promise<unknown> {
  try {
    await fn();
    return undefined;
  } catch (error) {
    return error;
  }
}

function describeThrown(error: unknown): string {
  return error instanceof Error ? `${error.name}: ${error.message}` : JSON.stringify(error);
}

/** Asserts `fn` throws (or rejects with) an instance of `cls` with `code`, and a message matching `message`. */
export async function expectTypedError(
  label: string,
  fn: () => unknown,
  cls: ErrorClass,
  code: ErrorCode,
  message?: RegExp,
): Promise<void> {
  const error = await thrownBy(fn);
  if (!(error instanceof TensorWasmError)) {
    expect.fail(
      `${label}: expected ${cls.name} (${code}), got ${error === undefined ? 'no error' : describeThrown(error)}`,
    );
  }
  expect(error, `${label}: ${error.message}`).toBeInstanceOf(cls);
  expect(error.code, label).toBe(code);
  if (message !== undefined) expect(error.message, label).toMatch(message);
}
