/**
 * `tensorwasm inspect` end to end through the built CLI: a .ts graph file
 * (kernels and plan by default; --stage, --plan, --dot, --wat, --html) and a
 * saved .wasm (manifest, plan, WAT), and the one-line errors with exit code 2.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { ensureBuilt, ROOT } from '../aot/ensure-built.js';

const CLI = join(ROOT, 'dist/cli/main.js');

const GRAPH_TS = `
import { Graph } from 'tensorwasm';
export default function build(): Graph {
  const g = new Graph();
  const x = g.input('x', [2, 4]);
  const w = g.param('w', [4, 3]);
  const h = x.matmul(w).relu();
  g.output('probs', h.softmax(-1));
  g.output('best', h.argmax(-1));
  return g;
}
`;

/** For the tests that start the CLI five or six times: 70-120 s each on a loaded 2-core machine. */
const SLOW_CLI_MS = 300_000;

let dir = '';

interface Result {
  readonly status: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

function cli(...args: string[]): Result {
  const r = spawnSync(process.execPath, [CLI, ...args], { cwd: dir, encoding: 'utf8' });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

function ok(...args: string[]): string {
  const r = cli(...args);
  expect(r.stderr).toBe('');
  expect(r.status).toBe(0);
  return r.stdout;
}

beforeAll(async () => {
  await ensureBuilt(['dist/cli/main.js', 'dist/cli/inspect-command.js', 'dist/inspect/html-report.js']);
  dir = mkdtempSync(join(tmpdir(), 'tensorwasm-inspect-'));
  writeFileSync(join(dir, 'graph.ts'), GRAPH_TS);
}, 180_000);

afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('inspect a graph file', () => {
  test('no flags: the kernels and the plan', () => {
    const out = ok('inspect', 'graph.ts');
    expect(out).toMatch(/^graph\.ts: 3 kernels; memory 192 B; temp arena 48 B/);
    expect(out).toMatch(
      /#\s+kernel\s+kind\s+vector\s+read\s+written\s+flops\n\s*0\s+k0_matmul_relu\s+matmul\s+matmul-tiled\s+192 B\s+24 B\s+54\n/,
    );
    expect(out).toContain('\nbuffer              kind    offset  bytes  life  steps\n');
  });

  test('--stage, --plan, --dot and --wat print just those', { timeout: SLOW_CLI_MS }, () => {
    expect(ok('inspect', 'graph.ts', '--stage', 'simplified')).toMatch(/^%x = input\(\) : f32\[2,4\]\n/);
    expect(ok('inspect', 'graph.ts', '--stage', 'scheduled')).toMatch(
      /^schedule: 3 steps;[^\n]*\nstep 0: k0_matmul_relu/,
    );
    expect(ok('inspect', 'graph.ts', '--plan')).toMatch(/^buffer +kind +offset/);
    expect(ok('inspect', 'graph.ts', '--dot')).toMatch(
      /^digraph tensorwasm \{\n[\s\S]*subgraph cluster_2 \{[\s\S]*\}\n$/,
    );
    expect(ok('inspect', 'graph.ts', '--wat')).toMatch(/^\(module\n[\s\S]*\(func \$k2_argmax/);
  });

  test('--html writes a self-contained report', () => {
    expect(ok('inspect', 'graph.ts', '--html', 'out/report.html')).toMatch(
      /^wrote out\/report\.html \(\d+ bytes\)\n$/,
    );
    const html = readFileSync(join(dir, 'out/report.html'), 'utf8');
    expect(html).toMatch(/^<!doctype html>/);
    expect(html).toContain('class="tensorwasm-plan"');
    expect(html).toContain('digraph tensorwasm');
    expect(html).not.toMatch(/<script|<link|\bsrc=/i);
  });
});

describe('inspect a saved module', () => {
  test('no flags: manifest, plan and WAT; --html works without the graph', { timeout: SLOW_CLI_MS }, () => {
    ok('build', 'graph.ts', '-o', 'model.wasm');
    const out = ok('inspect', 'model.wasm');
    expect(out).toMatch(
      /^format 2, compiled by tensorwasm [\d.]+; features: simd128; memory 192 B\ninputs:\n  x  f32\[2,4\]  @64  32 B\n/,
    );
    expect(out).toContain('\nbuffer              kind    offset');
    expect(out).toContain('\n(module\n');
    expect(ok('inspect', 'model.wasm', '--plan')).toMatch(/^buffer/);
    ok('inspect', 'model.wasm', '--html', 'saved.html');
    expect(readFileSync(join(dir, 'saved.html'), 'utf8')).toContain('<h2>Manifest</h2>');
  });
});

describe('mistakes: one line, exit code 2', () => {
  const fails = (args: string[], message: RegExp): void => {
    const r = cli(...args);
    expect(r.status).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(message);
    expect(r.stderr.trimEnd().split('\n')).toHaveLength(1);
  };

  test('bad stage, missing file, graph-only flags on a module, unknown flag', () => {
    fails(
      ['inspect', 'graph.ts', '--stage', 'lowered'],
      /^tensorwasm: inspect: unknown stage "lowered" \(expected one of: built, simplified, fused, scheduled\)\n$/,
    );
    fails(['inspect', 'nope.ts'], /^tensorwasm: inspect: no such file: nope\.ts\n$/);
    fails(['inspect'], /^tensorwasm: inspect: missing the graph or model file/);
    writeFileSync(join(dir, 'any.wasm'), ''); // refused before it is read
    fails(
      ['inspect', 'any.wasm', '--dot'],
      /^tensorwasm: inspect: --dot needs the graph file; any\.wasm is a saved module\n$/,
    );
    fails(['inspect', 'graph.ts', '--color'], /^tensorwasm: inspect: unknown flag --color/);
    expect(existsSync(join(dir, 'nope.ts'))).toBe(false);
  });

  test('--help prints the usage', () => {
    expect(ok('inspect', '--help')).toMatch(/^usage: tensorwasm inspect <graph\.ts\|graph\.js\|model\.wasm>/);
  });
});
