/** Shared helpers for the IR tests: compact type strings and typed-error assertions. */
import { expect } from 'vitest';
import { TensorWasmError, type Tensor } from '../../src/index.js';

/** `f32[2,3]` for a tensor, the form the printer uses. */
export function typeOf(t: Tensor): string {
  return `${t.dtype}[${t.shape.join(',')}]`;
}

/** Any TensorWasmError subclass, whatever its constructor takes. */
export type ErrorClass = abstract new (...args: never[]) => TensorWasmError;

/** Runs `fn`, expecting it to throw `cls` with `code` and a message that starts with `message`. */
export function expectError(
  fn: () => unknown,
  cls: ErrorClass,
  code: string,
  message: string | RegExp,
): TensorWasmError {
  let thrown: unknown;
  try {
    fn();
  } catch (e) {
    thrown = e;
  }
  expect(thrown).toBeInstanceOf(cls);
  expect(thrown).toBeInstanceOf(TensorWasmError);
  const err = thrown as TensorWasmError;
  expect(err.code).toBe(code);
  if (typeof message === 'string') expect(err.message.startsWith(message), err.message).toBe(true);
  else expect(err.message).toMatch(message);
  return err;
}
