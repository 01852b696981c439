/**
 * The built CLI end to end: `build` a .ts and a .js graph file (params
 * embedded or not), `run` the module on JSON and binary inputs, and the
 * one-line errors with exit code 2 for missing files, bad flags and bad data.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { compile, Graph, load } from '../../src/index.js';
import { ensureBuilt, ROOT } from '../aot/ensure-built.js';

const CLI = join(ROOT, 'dist/cli/main.js');
const FIXTURE = join(ROOT, 'tests/cli/fixtures/tiny-graph.mjs');

/** The same graph as GRAPH_TS below, built in this process. */
function mlpGraph(): Graph {
  const g = new Graph();
  const x = g.input('x', [2, 4]);
  const w = g.param('w', [4, 3]);
  const h = x.matmul(w).relu();
  g.output('probs', h.softmax(-1));
  g.output('positive', h.gt(0));
  g.output('best', h.argmax(-1));
  return g;
}

const GRAPH_TS = `
import { Graph, type Tensor } from 'tensorwasm';
const relu = (t: Tensor): Tensor => t.relu();
export default function build(): Graph {
  const g = new Graph();
  const x = g.input('x', [2, 4]);
  const w = g.param('w', [4, 3]);
  const h = relu(x.matmul(w));
  g.output('probs', h.softmax(-1));
  g.output('positive', h.gt(0));
  g.output('best', h.argmax(-1));
  return g;
}
`;

const W = [0.5, -1, 2, 1.5, 0.25, -0.75, -2, 1, 0.125, 1, -0.5, 0.3];
const X = [
  [1, 2, 3, 4],
  [-1, 0.5, -0, 2],
];

let dir = '';
const at = (name: string): string => join(dir, name);

interface Result {
  readonly status: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

function cli(...args: string[]): Result {
  const r = spawnSync(process.execPath, [CLI, ...args], { cwd: dir, encoding: 'utf8' });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

type Printed = Record<string, { shape: number[]; dtype: string; data: (number | string)[] }>;

beforeAll(async () => {
  await ensureBuilt(['dist/cli/main.js', 'dist/index.js', 'dist/runtime/index.js']);
  dir = mkdtempSync(join(tmpdir(), 'tensorwasm-cli-'));
  writeFileSync(at('graph.ts'), GRAPH_TS);
  writeFileSync(at('w.json'), JSON.stringify({ w: W }));
  writeFileSync(at('x.json'), JSON.stringify(X));
}, 120_000);

afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('build and run', () => {
  test('a .ts graph with --params embedded; run prints outputs equal to the compiler in process', async () => {
    const built = cli('build', 'graph.ts', '-o', 'out/model.wasm', '--params', 'w.json');
    expect(built.stderr).toBe('');
    expect(built.status).toBe(0);
    expect(built.stdout).toMatch(/^wrote out\/model\.wasm \(\d+ bytes, .*params embedded\)\n$/);

    const ran = cli('run', 'out/model.wasm', '--input', 'x=x.json');
    expect(ran.status).toBe(0);
    const printed = JSON.parse(ran.stdout) as Printed;

    const model = await compile(mlpGraph());
    model.setParams({ w: W });
    const expected = model.run({ x: X.flat() });
    expect(Object.keys(printed)).toEqual(['probs', 'positive', 'best']);
    for (const [name, array] of Object.entries(expected)) {
      expect(printed[name]!.data).toEqual(Array.from(array));
      expect(printed[name]!.shape).toEqual(model.outputs.find((o) => o.name === name)!.shape);
    }
    // the file itself runs in process too, bit for bit
    const loaded = await load(readFileSync(at('out/model.wasm')));
    expect(loaded.run({ x: X.flat() })).toEqual(expected);
  });

  test('a .js graph without params; run with --params and --input .bin, --output .json and .bin', () => {
    const built = cli('build', FIXTURE, '-o', 'tiny.wasm');
    expect(built.status).toBe(0);
    expect(built.stdout).toContain('params not embedded (w, n)');
    writeFileSync(at('x.bin'), new Uint8Array(Float32Array.from([1, -2, 3, 0.5, NaN, -4]).buffer));
    writeFileSync(
      at('p.bin'),
      Buffer.concat([
        Buffer.from(Float32Array.from([2, 3, 4]).buffer),
        Buffer.from(Int32Array.from([10, -10]).buffer),
      ]),
    );
    writeFileSync(at('flags.json'), '[true, 0, 1]');
    const args = ['run', 'tiny.wasm', '-i', 'x=x.bin', '--input', 'flags=flags.json', '--params', 'p.bin'];
    const ran = cli(...args, '--output', 'o.json');
    expect(ran.status).toBe(0);
    expect(ran.stdout).toBe('wrote y, masked, best to o.json\n');
    const out = JSON.parse(readFileSync(at('o.json'), 'utf8')) as Printed;
    expect(out.y!.data).toEqual([12, 4, 22, -9, 'NaN', -26]);
    expect(out.masked!.data).toEqual([1, 0, 3, 0.5, 0, -4]);
    expect(out.best).toEqual({ shape: [2], dtype: 'i32', data: [2, 1] });
    expect(cli(...args, '--output', 'o.bin').status).toBe(0);
    const bytes = readFileSync(at('o.bin'));
    expect(bytes.length).toBe(6 * 4 + 6 * 4 + 2 * 4);
    expect(new Int32Array(new Uint8Array(bytes.subarray(48)).buffer)).toEqual(Int32Array.from([2, 1]));
  });

  test('--threads: build and run a threaded module; the outputs are the same', () => {
    const built = cli('build', 'graph.ts', '-o', 'threads.wasm', '--params', 'w.json', '--threads', '2');
    expect(built.stderr).toBe('');
    expect(built.status).toBe(0);
    // a graph this small has no kernel worth a barrier: it runs on one thread
    expect(built.stdout).toMatch(/, runs on 1 thread, /);
    const one = cli('run', 'threads.wasm', '--input', 'x=x.json');
    const two = cli('run', 'threads.wasm', '--input', 'x=x.json', '--threads', '2');
    expect(two.stderr).toBe('');
    expect(two.status).toBe(0);
    expect(two.stdout).toBe(one.stdout);
    expect(cli('run', 'threads.wasm', '--threads', 'auto', '--input', 'x=x.json').stdout).toBe(one.stdout);
    const bad = cli('build', 'graph.ts', '--threads', 'two');
    expect(bad.status).toBe(2);
    expect(bad.stderr).toMatch(/build: --threads must be a count or auto \(got "two"\)/);
    expect(cli('build', 'graph.ts', '--threads', '0').stderr).toMatch(/option threads must be/);
  });

  test('help and version', () => {
    expect(cli('--help').stdout).toContain('tensorwasm build <graph.ts|graph.js>');
    expect(cli('--version').stdout.trim()).toMatch(/^\d+\.\d+\.\d+/);
  });
});

describe('errors: one line on stderr, exit code 2', () => {
  const cases: [string, () => string[], RegExp][] = [
    ['no command', () => [], /missing command \(build, run or inspect\)/],
    ['unknown command', () => ['bulid', 'graph.ts'], /unknown command "bulid"/],
    ['unknown flag', () => ['build', 'graph.ts', '--fast'], /build: unknown flag --fast/],
    [
      'flag without value',
      () => ['build', 'graph.ts', '-o'],
      /build: Option '-o, --output <value>' argument missing/,
    ],
    ['missing graph file', () => ['build', 'nope.ts'], /build: no such file: nope\.ts/],
    ['missing positional', () => ['run'], /run: missing the model file/],
    ['missing params file', () => ['build', 'graph.ts', '--params', 'nope.json'], /no such file: nope\.json/],
    [
      'graph exporting no Graph',
      () => ['build', 'not-graph.ts'],
      /must default-export a Graph or a function returning one \(got number\)/,
    ],
    [
      'graph with a shape error',
      () => ['build', 'bad-shape.ts'],
      /ShapeError: matmul: inner dimensions differ/,
    ],
    ['graph with a syntax error', () => ['build', 'syntax.ts'], /cannot compile .*syntax\.ts/],
    [
      'params of the wrong length',
      () => ['build', 'graph.ts', '--params', 'short.json'],
      /"w" has 2 values \(expected 12 for f32\[4,3\]\)/,
    ],
    [
      'unknown param',
      () => ['build', 'graph.ts', '--params', 'unknown.json'],
      /unknown param "v" \(the model's params: w\)/,
    ],
    ['missing model', () => ['run', 'nope.wasm'], /run: no such file: nope\.wasm/],
    ['damaged model', () => ['run', 'damaged.wasm', '--input', 'x=x.json'], /run: load: checksum mismatch/],
    ['plain wasm', () => ['run', 'plain.wasm'], /run: load: not a tensorwasm module/],
    ['input without =', () => ['run', 'out/model.wasm', '--input', 'x.json'], /--input must be name=file/],
    [
      'unknown input',
      () => ['run', 'out/model.wasm', '--input', 'z=x.json'],
      /no input "z" \(its inputs: x\)/,
    ],
    [
      'bad input JSON',
      () => ['run', 'out/model.wasm', '--input', 'x=bad.json'],
      /x: bad\.json is not valid JSON/,
    ],
    [
      'non-number input',
      () => ['run', 'out/model.wasm', '--input', 'x=words.json'],
      /value 1 of "x" is "two" \(expected a number\)/,
    ],
    [
      'wrong binary length',
      () => ['run', 'out/model.wasm', '--input', 'x=short.bin'],
      /the file has 5 bytes \(expected 32 for x f32\[2,4\]\)/,
    ],
    ['missing input', () => ['run', 'out/model.wasm'], /^tensorwasm: run: missing "x"/],
    [
      'params never set',
      () => ['run', 'tiny.wasm', '-i', 'x=x.bin', '-i', 'flags=flags.json'],
      /run: params never set: w, n/,
    ],
  ];

  beforeAll(() => {
    writeFileSync(at('not-graph.ts'), 'export default 42;');
    writeFileSync(
      at('bad-shape.ts'),
      "import { Graph } from 'tensorwasm';\nconst g = new Graph();\ng.input('a', [2, 3]).matmul(g.input('b', [4, 5]));\nexport default g;\n",
    );
    writeFileSync(at('syntax.ts'), 'export default (;');
    writeFileSync(at('short.json'), '{"w": [1, 2]}');
    writeFileSync(at('unknown.json'), '{"v": [1]}');
    writeFileSync(at('bad.json'), '[1, 2,');
    writeFileSync(at('words.json'), '[1, "two", 3, 4, 5, 6, 7, 8]');
    writeFileSync(at('short.bin'), new Uint8Array(5));
    const good = readFileSync(at('out/model.wasm'));
    const damaged = new Uint8Array(good);
    damaged[100]! ^= 0x10;
    writeFileSync(at('damaged.wasm'), damaged);
    writeFileSync(at('plain.wasm'), new Uint8Array([0, 0x61, 0x73, 0x6d, 1, 0, 0, 0]));
  });

  test.each(cases)('%s', (_name, args, message) => {
    const r = cli(...args());
    expect(r.status).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr.trimEnd().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(/^tensorwasm: /);
    expect(r.stderr).toMatch(message);
  });
});
