/**
 * The built runtime alone (dist/runtime + dist/common copied to a temporary
 * folder with no node_modules) loads saved modules in a fresh Node process
 * and computes bit-identical outputs to the compiler's in-process models.
 */
import { execFileSync } from 'node:child_process';
import { cpSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { Graph, compile } from '../../src/index.js';
import { ensureBuilt, ROOT } from './ensure-built.js';
import { testModels } from './models.js';

const RUNNER = `
import { readFileSync } from 'node:fs';
import { load } from './lib/runtime/index.js';
const cases = JSON.parse(readFileSync('cases.json', 'utf8'));
const ARRAY = { f32: Float32Array, i32: Int32Array, bool: Uint8Array };
const result = {};
for (const c of cases) {
  const model = await load(readFileSync(c.file));
  const feeds = {};
  for (const info of model.inputs) {
    const bytes = Buffer.from(c.inputs[info.name], 'base64');
    feeds[info.name] = new ARRAY[info.dtype](new Uint8Array(bytes).buffer);
  }
  const out = model.run(feeds);
  result[c.name] = Object.fromEntries(
    Object.entries(out).map(([k, v]) => [k, Buffer.from(v.buffer, v.byteOffset, v.byteLength).toString('base64')]),
  );
}
console.log(JSON.stringify(result));
`;

const base64 = (a: ArrayBufferView): string =>
  Buffer.from(a.buffer, a.byteOffset, a.byteLength).toString('base64');
let dir = '';

beforeAll(async () => {
  await ensureBuilt(['dist/runtime/index.js', 'dist/common/artifact.js']);
  dir = mkdtempSync(join(tmpdir(), 'tensorwasm-runtime-'));
}, 120_000);

afterAll(() => rmSync(dir, { recursive: true, force: true }));

test('a fresh Node process with only dist/runtime and dist/common runs saved modules bit-identically', async () => {
  cpSync(join(ROOT, 'dist/runtime'), join(dir, 'lib/runtime'), { recursive: true });
  cpSync(join(ROOT, 'dist/common'), join(dir, 'lib/common'), { recursive: true });
  writeFileSync(join(dir, 'package.json'), '{"type":"module"}');
  const expected: Record<string, Record<string, string>> = {};
  const cases = [];
  for (const spec of testModels()) {
    const model = await compile(spec.graph);
    model.setParams(spec.params);
    const out = model.run(spec.inputs);
    expected[spec.name] = Object.fromEntries(Object.entries(out).map(([k, v]) => [k, base64(v)]));
    writeFileSync(join(dir, `${spec.name}.wasm`), model.save({ params: true }));
    const inputs = Object.fromEntries(Object.entries(spec.inputs).map(([k, v]) => [k, base64(v)]));
    cases.push({ name: spec.name, file: `${spec.name}.wasm`, inputs });
    model.dispose();
  }
  writeFileSync(join(dir, 'cases.json'), JSON.stringify(cases));
  writeFileSync(join(dir, 'run.mjs'), RUNNER);
  const stdout = execFileSync(process.execPath, ['run.mjs'], {
    cwd: dir,
    encoding: 'utf8',
    env: { PATH: process.env.PATH ?? '' },
  });
  expect(JSON.parse(stdout)).toEqual(expected);
  // nothing but the runtime and the shared leaves was needed
  expect(readdirSync(dir).sort()).toEqual([
    'attention.wasm',
    'cases.json',
    'gather-bool-i32.wasm',
    'lib',
    'mlp.wasm',
    'package.json',
    'run.mjs',
  ]);
});

test('a fresh Node process runs a saved threaded module on 2 threads and exits without dispose()', async () => {
  const g = new Graph();
  const x = g.input('x', [64, 48]);
  g.output('y', x.matmul(g.constant(new Float32Array(48 * 40).fill(0.25), [48, 40])).relu());
  const model = await compile(g, { threads: 2, threadMinWork: 0 });
  writeFileSync(join(dir, 'threads.wasm'), model.save());
  const want = base64(model.run({ x: new Float32Array(64 * 48).fill(1) }).y!);
  model.dispose();
  writeFileSync(
    join(dir, 'threads.mjs'),
    `import { readFileSync } from 'node:fs';
import { load } from './lib/runtime/index.js';
const model = await load(readFileSync('threads.wasm'), { threads: 2 });
const { y } = model.run({ x: new Float32Array(64 * 48).fill(1) });
// no dispose(): the workers must not keep Node running
console.log(JSON.stringify({ threads: model.threads, y: Buffer.from(y.buffer, y.byteOffset, y.byteLength).toString('base64') }));
`,
  );
  const stdout = execFileSync(process.execPath, ['threads.mjs'], {
    cwd: dir,
    encoding: 'utf8',
    env: { PATH: process.env.PATH ?? '' },
    timeout: 60_000,
  });
  expect(JSON.parse(stdout)).toEqual({ threads: 2, y: want });
}, 120_000);

test('the built runtime imports only the runtime and src/common', () => {
  const files = readdirSync(join(ROOT, 'dist/runtime')).filter((f) => f.endsWith('.js'));
  for (const file of files) {
    const text = readFileSync(join(ROOT, 'dist/runtime', file), 'utf8').replace(/\/\*[\s\S]*?\*\//g, '');
    for (const [, spec] of text.matchAll(/^(?:import|export)\b[^;]*?from '([^']+)'/gm))
      expect(spec, `${file} imports ${spec}`).toMatch(/^\.\.?\/(common\/)?[\w-]+\.js$/);
  }
});
