/**
 * The importer's constants keep the arrays it decoded (no copy, onnx-value.ts
 * ownedConstant) and never alias the caller's bytes: overwriting the model's
 * bytes after fromOnnx, or compiling the graph twice (simplify folds the
 * weights), leaves the results unchanged.
 */
import { describe, expect, test } from 'vitest';
import { compile, fromOnnx } from '../../src/index.js';
import { encodeModel, floatInitializer } from '../../bench/models/encode-model.js';

/** y = (x @ w) * s + b with raw_data initializers (w: [3, 2], s and b: [2]). */
function denseModel(): Uint8Array {
  const values = [0.5, -1, 2, 0.25, -3, 1.5];
  return encodeModel({
    name: 'dense',
    opset: 18,
    nodes: [
      { op_type: 'MatMul', input: ['x', 'w'], output: ['h'] },
      { op_type: 'Mul', input: ['h', 's'], output: ['m'] },
      { op_type: 'Add', input: ['m', 'b'], output: ['y'] },
    ],
    initializers: [
      floatInitializer('w', [3, 2], () => values.shift() ?? 0),
      floatInitializer('s', [2], () => 2),
      floatInitializer('b', [2], () => 1),
    ],
    inputs: [['x', [1, 3]]],
    outputs: [['y', [1, 2]]],
  });
}

describe('imported constants', () => {
  test('overwriting the model bytes after import changes nothing; two compiles of the graph agree', async () => {
    const bytes = denseModel();
    const graph = await fromOnnx(bytes);
    bytes.fill(0);
    const x = new Float32Array([1, 2, 3]);
    // h = [0.5 + 4 - 9, -1 + 0.5 + 4.5] = [-4.5, 4]; y = h * 2 + 1
    const first = (await compile(graph)).run({ x }).y;
    expect(Array.from(first as Float32Array)).toEqual([-8, 9]);
    const second = (await compile(graph)).run({ x }).y;
    expect(Array.from(second as Float32Array)).toEqual([-8, 9]);
  });
});
