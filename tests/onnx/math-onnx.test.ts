/**
 * The trigonometric and hyperbolic composites (src/onnx/ops/trig.ts), Swish,
 * LpNormalization and ArgMax/ArgMin's select_last_index through fromOnnx +
 * compile, against Math.* and values computed here, over grids that include
 * each function's domain edges.
 */
import { describe, expect, test } from 'vitest';
import { compile, fromOnnx } from '../../src/index.js';
import { FLOAT, INT64, oneNode } from './onnx-model.js';

async function runUnary(op: string, x: readonly number[], attrs = {}, opset = 22): Promise<number[]> {
  const bytes = oneNode(
    op,
    [{ name: 'x', type: FLOAT, dims: [x.length] }],
    { name: 'y', type: FLOAT },
    attrs,
    opset,
  );
  const model = await compile(await fromOnnx(bytes));
  const y = model.run({ x: Float32Array.from(x) }).y as Float32Array;
  model.dispose();
  return Array.from(y);
}

/** Within rtol 1e-5 (atol 1e-6), NaN where expected: tighter than ONNX's 1e-3. */
function expectClose(actual: readonly number[], expected: readonly number[]): void {
  expected.forEach((e, i) => {
    const a = actual[i] as number;
    if (Number.isNaN(e)) expect(a, `[${i}]`).toBeNaN();
    else expect(Math.abs(a - e), `[${i}] ${a} vs ${e}`).toBeLessThanOrEqual(1e-6 + 1e-5 * Math.abs(e));
  });
}

const f32 = (values: readonly number[]): number[] => Array.from(Float32Array.from(values));

describe('trigonometric and hyperbolic composites', () => {
  const unit = f32([
    -1, -0.9999, -0.99, -0.7, -0.41, -0.1, -1e-4, 0, 1e-4, 0.2, 0.4142, 0.5, 0.9, 0.99999, 1,
  ]);
  const wide = f32([-50, -10, -2.5, -2.41, -1, -0.3, 0, 1e-3, 0.3, 1, 2.42, 7, 1e3, 1e6]);
  const cases: readonly [string, readonly number[], (x: number) => number][] = [
    ['Atan', wide, Math.atan],
    ['Asin', unit, Math.asin],
    ['Acos', unit, Math.acos],
    ['Atanh', unit.slice(1, -1), Math.atanh],
    ['Asinh', wide, Math.asinh],
    ['Acosh', f32([1, 1.0001, 1.5, 2, 10, 1e4]), Math.acosh],
    ['Tan', f32([-1.5, -1, -0.2, 0, 0.3, 1, 1.5]), Math.tan],
    ['Sinh', f32([-5, -1, -0.01, 0, 0.2, 1, 5]), Math.sinh],
    ['Cosh', f32([-5, -1, -0.01, 0, 0.2, 1, 5]), Math.cosh],
  ];
  for (const [op, x, f] of cases) {
    test(`${op} matches Math.${op.toLowerCase()}`, async () => {
      const y = await runUnary(op, x);
      // next to 0 the log/exp forms lose relative precision: the atol 1e-6 covers it
      expectClose(
        y,
        x.map((v) => f(v)),
      );
    });
  }

  test('outside the domain: NaN (Asin, Acos, Acosh, Atanh); at its edge: infinities (Atanh)', async () => {
    expect((await runUnary('Asin', [1.5, -2])).every(Number.isNaN)).toBe(true);
    expect((await runUnary('Acos', [1.5])).every(Number.isNaN)).toBe(true);
    expect((await runUnary('Acosh', [0.5])).every(Number.isNaN)).toBe(true);
    expect(await runUnary('Atanh', [1, -1])).toEqual([Infinity, -Infinity]);
  });
});

describe('Swish, LpNormalization, select_last_index', () => {
  test('Swish is x * sigmoid(alpha x)', async () => {
    const x = [-3, -0.5, 0, 0.5, 3];
    expectClose(
      await runUnary('Swish', x, { alpha: { float: 0.5 } }, 24),
      x.map((v) => v / (1 + Math.exp(-0.5 * v))),
    );
  });

  test('LpNormalization divides by the p-norm along the axis; an all-zero row stays 0', async () => {
    const bytes = oneNode(
      'LpNormalization',
      [{ name: 'x', type: FLOAT, dims: [2, 3] }],
      { name: 'y', type: FLOAT },
      { axis: 1, p: 1 },
    );
    const model = await compile(await fromOnnx(bytes));
    const y = model.run({ x: Float32Array.of(1, -2, 1, 0, 0, 0) }).y as Float32Array;
    expectClose(Array.from(y), [0.25, -0.5, 0.25, 0, 0, 0]);
  });

  test('ArgMax and ArgMin with select_last_index=1 pick the last of tied values', async () => {
    for (const [op, want] of [
      ['ArgMax', [2, 1]],
      ['ArgMin', [1, 2]],
    ] as const) {
      const bytes = oneNode(
        op,
        [{ name: 'x', type: FLOAT, dims: [2, 3] }],
        { name: 'y', type: INT64 },
        { axis: 1, keepdims: 0, select_last_index: 1 },
      );
      const model = await compile(await fromOnnx(bytes));
      const y = model.run({ x: Float32Array.of(5, 1, 5, 0, 9, 0) }).y as unknown as BigInt64Array;
      // row 0: max 5 at 0 and 2 (last: 2), min 1 at 1; row 1: max 9 at 1, min 0 at 0 and 2 (last: 2)
      expect(Array.from(y, Number)).toEqual(want);
    }
  });
});
