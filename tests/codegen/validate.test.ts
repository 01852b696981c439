/**
 * A module Binaryen refuses becomes an InternalError that carries the
 * validator's text (which Binaryen writes to stderr) and the WAT. Checked in a
 * plain Node process, where Binaryen's stderr is the process's.
 */
import { execFileSync } from 'node:child_process';
import { expect, test } from 'vitest';

test('validation failures carry the validator text and the WAT', () => {
  const root = new URL('../..', import.meta.url).pathname;
  const out = execFileSync('node', ['scripts/run-ts.mjs', 'tests/support/validate-probe.ts'], {
    cwd: root,
    encoding: 'utf8',
  });
  const result = JSON.parse(out.trim().split('\n').pop() ?? '{}') as Record<string, unknown>;
  expect(result.threw).toBe(true);
  expect(result.internal).toBe(true);
  expect(result.code).toBe('E_INTERNAL');
  expect(result.message).toMatch(
    /Binaryen rejected the module \(as emitted\): \[wasm-validator error in function bad\] i32 != f32/,
  );
  expect(result.validator).toMatch(/binary child types must be equal/);
  expect(result.wat).toContain('(func $bad');
}, 60_000);
