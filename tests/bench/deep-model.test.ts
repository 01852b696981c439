/**
 * The 1,000-node model of issue #18's compile goal (bench/models/deep-model.ts):
 * it has over 1,000 ONNX nodes, imports with its shapes, and the compiled model
 * agrees with the reference interpreter. No timing: `bench/models/compile-one.ts
 * deep` measures it.
 */
import { describe, expect, it } from 'vitest';
import { buildDeepModel, DEEP_INPUT, DEEP_SHAPE } from '../../bench/models/deep-model.js';
import { compile, fromOnnx, interpret } from '../../src/index.js';
import { expectClose } from '../support/differential.js';

describe('the deep encoder', () => {
  it('has over 1,000 nodes, imports, and computes what the interpreter computes', async () => {
    const { bytes, nodes } = buildDeepModel();
    expect(nodes).toBeGreaterThanOrEqual(1000);
    const graph = await fromOnnx(bytes);
    expect(graph.outputs.map(([name, n]) => [name, [...n.shape]])).toEqual([['encoded', [...DEEP_SHAPE]]]);
    const size = DEEP_SHAPE.reduce<number>((a, b) => a * b, 1);
    const x = Float32Array.from({ length: size }, (_, i) => Math.sin(i * 0.37));
    const model = await compile(graph);
    // 21 layers of matmuls, softmax and erf: the polynomial math and summation order differ slightly
    expectClose(
      model.run({ [DEEP_INPUT]: x }).encoded as Float32Array,
      interpret(graph, { [DEEP_INPUT]: x }).encoded as Float32Array,
      { atol: 1e-3, rtol: 1e-3 },
      'encoded',
    );
    model.dispose();
  }, 300_000);
});
