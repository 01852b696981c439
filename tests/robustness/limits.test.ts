/**
 * The 4 GiB WebAssembly memory limit: a plan above it is a LimitError at
 * compile time (before Binaryen runs or memory is allocated); below it, the
 * model's memory is sized to its plan and computes the interpreter's answer.
 */
import { expect, test } from 'vitest';
import { ErrorCode, Graph, LimitError, compile, interpret, planGraph } from '../../src/index.js';
import { expectClose } from '../support/differential.js';
import { expectTypedError } from './expect-error.js';

const GiB = 2 ** 30;

/** x: f32[n] -> y = x * 2 + 1 and z = sum(x * x): inputs and outputs alone need 8n bytes. */
function scaled(n: number): Graph {
  const g = new Graph();
  const x = g.input('x', [n]);
  g.output('y', x.mul(2).add(1));
  g.output('z', x.mul(x).sum());
  return g;
}

test('a plan above 4 GiB is a LimitError at compile time', async () => {
  const g = scaled(2 ** 29); // 2 GiB input + 2 GiB output
  await expectTypedError('compile', () => compile(g), LimitError, ErrorCode.limit, /at most 4 GiB/);
  await expectTypedError('planGraph', () => planGraph(g), LimitError, ErrorCode.limit);
  // a temp arena pushing a plan over the limit
  const h = new Graph();
  const x = h.input('x', [3 * 2 ** 28]); // 3 GiB
  h.output('s', x.exp().sum());
  const fused = planGraph(h).memory.plan.memoryBytes;
  expect(fused).toBeGreaterThan(3 * GiB);
  await expectTypedError('unfused', () => compile(h, { fuse: false }), LimitError, ErrorCode.limit);
});

test('plans just below the limit are accepted (planned, not run)', () => {
  const { memoryBytes } = planGraph(scaled(2 ** 28 + 2 ** 27)).memory.plan; // 3 GiB
  expect(memoryBytes).toBeGreaterThan(3 * GiB - 1);
  expect(memoryBytes).toBeLessThanOrEqual(4 * GiB);
});

test('memory is sized to the plan: a 16 MiB model runs and matches the interpreter', async () => {
  const n = 2 ** 21; // 8 MiB per tensor
  const g = scaled(n);
  const model = await compile(g);
  const x = Float32Array.from({ length: n }, (_, i) => ((i % 97) - 48) / 16);
  const out = model.run({ x });
  expect(model.plan.memoryBytes).toBeGreaterThanOrEqual(8 * n);
  expect(model.view('x').buffer.byteLength).toBeGreaterThanOrEqual(model.plan.memoryBytes);
  const expected = interpret(g, { x });
  expectClose(out.y!, expected.y!, {}, 'y');
  expectClose(out.z!, expected.z!, { rtol: 2e-3 }, 'z'); // f32 accumulation over 2M terms
  model.dispose();
});
