/**
 * Run an ONNX model: import it with fromOnnx (fixing its symbolic batch size),
 * compile, run, check against the reference interpreter, save one .wasm.
 *
 *   npm run example:onnx                          # a small MLP made in examples/onnx-mlp.ts
 *   npm run example:onnx -- model.onnx name=1,3,224,224   # your own file and input shapes
 */
import { readFileSync } from 'node:fs';
import { compile, fromOnnx, interpret } from '../src/index.js';
import { makeMlpOnnx } from './onnx-mlp.js';

const [file, ...shapeArgs] = process.argv.slice(2);
const bytes = file === undefined ? makeMlpOnnx() : readFileSync(file);
const shapes: Record<string, number[]> =
  file === undefined
    ? { image: [4, 1, 28, 28] }
    : Object.fromEntries(
        shapeArgs.map((a): [string, number[]] => {
          const [name = '', dims = ''] = a.split('=');
          return [name, dims.split(',').map(Number)];
        }),
      );

const graph = await fromOnnx(bytes, { shapes });
const model = await compile(graph);
console.log(
  `imported ${file ?? 'the example MLP'}: ${graph.nodes.length} graph nodes -> ${model.kernels.length} kernels`,
);
for (const i of model.inputs)
  console.log(`  input  ${i.name} ${i.external ?? i.dtype}[${i.shape.join(',')}]`);
for (const o of model.outputs)
  console.log(`  output ${o.name} ${o.external ?? o.dtype}[${o.shape.join(',')}]`);

// deterministic float inputs (int64 inputs as zeros)
const feeds: Record<string, Float32Array | BigInt64Array> = Object.fromEntries(
  model.inputs.map((i): [string, Float32Array | BigInt64Array] => {
    const size = i.shape.reduce((a, b) => a * b, 1);
    if (i.external === 'int64') return [i.name, new BigInt64Array(size)];
    return [i.name, Float32Array.from({ length: size }, (_, k) => Math.sin(k) * 0.5)];
  }),
);
const results = model.run(feeds);
const first = model.outputs[0]!;
console.log(
  `${first.name}[0..5]:`,
  Array.from(results[first.name]!.slice(0, 5), (v) => Number(v).toFixed(4)).join(' '),
);

const floatFeeds = Object.fromEntries(
  Object.entries(feeds).filter(([, v]) => v instanceof Float32Array),
) as Record<string, Float32Array>;
if (Object.keys(floatFeeds).length === Object.keys(feeds).length) {
  const reference = interpret(graph, floatFeeds);
  let worst = 0;
  for (const o of model.outputs) {
    const a = results[o.name]!;
    const b = reference[o.name]!;
    for (let k = 0; k < a.length; k++) worst = Math.max(worst, Math.abs(Number(a[k]) - Number(b[k])));
  }
  console.log(`max |compiled - interpreter| = ${worst.toExponential(2)}`);
}
console.log(`saved module: ${model.save().length} bytes (load it with tensorwasm/runtime)`);
