/**
 * The README's quick start, run as a new user would: the commands it lists
 * exist, and `npm run demo` builds, compiles and runs its models correctly.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { expect, test } from 'vitest';

const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8');

test('the README quick start lists install, demo and test commands', () => {
  const quickStart = readme.slice(
    readme.indexOf('## Quick start'),
    readme.indexOf('\n## ', readme.indexOf('## Quick start') + 5),
  );
  expect(quickStart).toContain('npm install');
  expect(quickStart).toContain('npm run demo');
  expect(quickStart).toContain('npm test');
  const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as {
    scripts: Record<string, string>;
  };
  expect(pkg.scripts.demo).toBeDefined();
  expect(pkg.scripts.test).toBeDefined();
});

test('npm run demo compiles and runs both models and matches the interpreter', () => {
  const out = execFileSync('npm', ['run', '--silent', 'demo'], {
    encoding: 'utf8',
    cwd: new URL('..', import.meta.url).pathname,
  });
  expect(out).toContain('== MLP');
  expect(out).toContain('== attention block');
  const errors = [...out.matchAll(/max \|compiled - interpreter\| = ([0-9.e+-]+)/g)].map((m) => Number(m[1]));
  expect(errors.length).toBe(2);
  for (const e of errors) expect(e).toBeLessThan(1e-4);
  expect(out).toMatch(/kernels: +k0_/);
}, 120_000);
