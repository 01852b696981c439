/**
 * Run by tests/codegen/relaxed-simd.test.ts under
 * `node --experimental-wasm-relaxed-simd` (vitest's workers cannot take the
 * flag): compiles matmuls with `relaxedSimd: true`, compares them with the
 * interpreter, round-trips one through save/load, writes the saved bytes to
 * the path in argv[2] and prints the results as JSON.
 */
import { writeFileSync } from 'node:fs';
import { Graph, compile, interpret, load, supportsRelaxedSimd, type CompiledModel } from '../../src/index.js';

/** Deterministic values in [-1, 1). */
function data(size: number, seed: number): Float32Array {
  const out = new Float32Array(size);
  let s = seed;
  for (let i = 0; i < size; i++) {
    s = (s * 1103515245 + 12345) % 2147483648;
    out[i] = s / 1073741824 - 1;
  }
  return out;
}

const cases: [number, number, number][] = [
  [1, 1, 1],
  [9, 17, 33],
  [13, 524, 257],
  [64, 64, 600],
  // past TALL_MIN_MACS: 6-row tiles (13 rows: 6 + 6 + 1)
  [13, 1040, 600],
];
/** Rows that run() calls in chunks (a constant B, packed once): the 6-row tiles, then 4-row ones. */
const CHUNKED: [number, number, number] = [203, 64, 640];
const results: { shape: string; worst: number; features: string[]; tall: string }[] = [];

/**
 * Runs `model` with its matmuls' 4-row tiles and with the 6-row ones (the
 * relaxed build's tall_tiles switch, whatever this engine prefers): 'none'
 * without the switch, else whether both gave the same bits. Leaves the 4-row result.
 */
function bothHeights(model: CompiledModel, feeds: Record<string, Float32Array>): string {
  const tall = (model as unknown as { exports: Record<string, unknown> }).exports.tall_tiles;
  if (!(tall instanceof WebAssembly.Global)) return 'none';
  tall.value = 1;
  const six = Float32Array.from(model.run(feeds).c as Float32Array);
  tall.value = 0;
  const four = model.run(feeds).c as Float32Array;
  return four.every((v, i) => Object.is(v, six[i])) ? 'identical' : 'differ';
}
let saved: Uint8Array | undefined;
let savedGraph: Graph | undefined;
for (const [M, N, K] of cases) {
  const g = new Graph();
  const a = g.input('a', [M, K]);
  const b = g.input('b', [K, N]);
  g.output(
    'c',
    a
      .matmul(b)
      .add(b.slice([0]))
      // a constant: the relaxed build has no data segments; the baseline's instance fills them in
      .add(g.constant(data(N, 7), [N]))
      .relu(),
  );
  const feeds = { a: data(M * K, M), b: data(K * N, N) };
  // the default ('auto') takes relaxed SIMD where the engine has it
  const model = await compile(g);
  const tall = bothHeights(model, feeds);
  const got = model.run(feeds).c as Float32Array;
  const want = interpret(g, feeds).c as Float32Array;
  // error relative to the accumulation's scale (K products of magnitude <= 1)
  let worst = 0;
  for (let i = 0; i < want.length; i++) worst = Math.max(worst, Math.abs(got[i]! - want[i]!) / K);
  results.push({ shape: `${M}x${N}x${K}`, worst, features: [...model.features], tall });
  saved ??= model.save();
  savedGraph ??= g;
}
{
  const [M, N, K] = CHUNKED;
  const g = new Graph();
  g.output(
    'c',
    g
      .input('a', [M, K])
      .matmul(g.constant(data(K * N, 5), [K, N]))
      .relu(),
  );
  const feeds = { a: data(M * K, 3) };
  const model = await compile(g);
  const tall = bothHeights(model, feeds);
  const got = model.run(feeds).c as Float32Array;
  const want = interpret(g, feeds).c as Float32Array;
  let worst = 0;
  for (let i = 0; i < want.length; i++) worst = Math.max(worst, Math.abs(got[i]! - want[i]!) / K);
  const chunks = Math.max(...model.kernels.map((k) => k.chunks));
  results.push({
    shape: `${M}x${N}x${K} constant B, ${chunks} chunks`,
    worst,
    features: [...model.features],
    tall,
  });
}
const reloaded = await load(saved!);
const tiny = { a: new Float32Array([2]), b: new Float32Array([3]) };
const again = reloaded.run(tiny).c as Float32Array;
const reloadedWant = Array.from(interpret(savedGraph!, tiny).c as Float32Array);
writeFileSync(process.argv[2]!, saved!);
console.log(
  JSON.stringify({
    supported: supportsRelaxedSimd(),
    results,
    reloaded: Array.from(again),
    reloadedWant,
    reloadedFeatures: [...reloaded.features],
  }),
);
