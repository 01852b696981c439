/**
 * The README's "Run an ONNX model": `npm run example:onnx` imports the example
 * MLP (a symbolic batch, shape arithmetic from Shape), compiles, runs and
 * matches the reference interpreter.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { expect, test } from 'vitest';

const root = new URL('../..', import.meta.url).pathname;

test('the README shows fromOnnx and the example script exists', () => {
  const readme = readFileSync(new URL('README.md', `file://${root}`), 'utf8');
  expect(readme).toContain('### Run an ONNX model');
  expect(readme).toContain('npm run example:onnx');
  const pkg = JSON.parse(readFileSync(new URL('package.json', `file://${root}`), 'utf8')) as {
    scripts: Record<string, string>;
  };
  expect(pkg.scripts['example:onnx']).toBe('node scripts/run-ts.mjs examples/onnx.ts');
});

test('npm run example:onnx imports, compiles and matches the interpreter', () => {
  const out = execFileSync('npm', ['run', '--silent', 'example:onnx'], { encoding: 'utf8', cwd: root });
  expect(out).toContain('input  image f32[4,1,28,28]');
  expect(out).toContain('output probs f32[4,10]');
  const error = /max \|compiled - interpreter\| = ([0-9.e+-]+)/.exec(out);
  expect(error).not.toBeNull();
  expect(Number(error?.[1])).toBeLessThan(1e-5);
}, 120_000);
