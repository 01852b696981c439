/**
 * The built CLI on .onnx files: build with --shape/--value, run the module
 * (int64 values through JSON), inspect, and one-line errors for refusals and bad flags.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { ensureBuilt, ROOT } from '../aot/ensure-built.js';
import { FLOAT, INT64, makeModel } from './onnx-model.js';

const CLI = join(ROOT, 'dist/cli/main.js');
let dir = '';

function cli(...args: string[]): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [CLI, ...args], { cwd: dir, encoding: 'utf8' });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

beforeAll(async () => {
  await ensureBuilt(['dist/cli/main.js']);
  dir = mkdtempSync(join(tmpdir(), 'tensorwasm-onnx-cli-'));
  // y = ReduceSum(x, axes) with a symbolic batch; ids + 1 as int64
  const model = makeModel(
    {
      nodes: [
        { op: 'ReduceSum', inputs: ['x', 'axes'], outputs: ['y'], attrs: { keepdims: 0 } },
        { op: 'Add', inputs: ['ids', 'one'], outputs: ['next'] },
      ],
      inputs: [
        { name: 'x', type: FLOAT, dims: ['batch', 3] },
        { name: 'axes', type: INT64, dims: [1] },
        { name: 'ids', type: INT64, dims: [2] },
      ],
      outputs: [
        { name: 'y', type: FLOAT },
        { name: 'next', type: INT64 },
      ],
      initializers: [{ name: 'one', type: INT64, dims: [], values: [1] }],
    },
    13,
  );
  writeFileSync(join(dir, 'model.onnx'), model);
  writeFileSync(join(dir, 'x.json'), '[[1,2,3],[4,5,6]]');
  writeFileSync(join(dir, 'ids.json'), '[7, -8]');
}, 120_000);

afterAll(() => rmSync(dir, { recursive: true, force: true }));

test('build model.onnx with --shape and --value, then run it', () => {
  const built = cli('build', 'model.onnx', '-o', 'model.wasm', '--shape', 'x=2,3', '--value', 'axes=1');
  expect(built.stderr).not.toMatch(/error/i);
  expect(built.status).toBe(0);
  expect(built.stdout).toMatch(/inputs: x f32\[2,3\], ids int64\[2\]; outputs: y f32\[2\], next int64\[2\]/);
  const ran = cli('run', 'model.wasm', '--input', 'x=x.json', '--input', 'ids=ids.json');
  expect(ran.status).toBe(0);
  expect(ran.stdout).toContain('"y": {"shape":[2],"dtype":"f32","data":[6,15]}');
  expect(ran.stdout).toContain('"data":[8,-7]');
});

test('inspect model.onnx; refusals and bad flags are one-line errors', () => {
  const inspected = cli('inspect', 'model.onnx', '--shape', 'x=2,3', '--value', 'axes=0', '--stage', 'built');
  expect(inspected.status).toBe(0);
  expect(inspected.stdout).toMatch(/sum\(%x\)/);
  const unfixed = cli('build', 'model.onnx', '--value', 'axes=1');
  expect(unfixed.status).toBe(2);
  expect(unfixed.stderr).toMatch(/symbolic dimension "batch"/);
  const notKnown = cli('build', 'model.onnx', '--shape', 'x=2,3');
  expect(notKnown.stderr).toMatch(/ReduceSum, opset 13\): input 1 \(axes\) must be known at import.*--value/);
  expect(cli('build', 'model.onnx', '--shape', 'x=two').stderr).toMatch(
    /--shape x: "two" is not a list of sizes/,
  );
  expect(cli('build', 'model.onnx', '--weights', 'maybe').stderr).toMatch(
    /--weights must be params or constants/,
  );
});
