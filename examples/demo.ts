/**
 * The main job for a new user: build two models (an MLP and a transformer
 * attention block), compile them, run them, check them against the reference
 * interpreter, and print what the compiler did.
 *
 *   npm run demo
 */
import { Graph, compile, interpret, type CompiledModel, type TypedArray } from '../src/index.js';

function random(size: number, seed: number, scale = 1): Float32Array {
  let s = seed >>> 0;
  return Float32Array.from({ length: size }, () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return ((s / 2 ** 32) * 2 - 1) * scale;
  });
}

function mlp(): { graph: Graph; params: Record<string, Float32Array>; inputs: Record<string, Float32Array> } {
  const g = new Graph();
  const x = g.input('x', [128, 784]);
  const w1 = g.param('w1', [784, 1024]);
  const b1 = g.param('b1', [1024]);
  const w2 = g.param('w2', [1024, 10]);
  const b2 = g.constant(new Float32Array(10).fill(0.1), [10]);
  const h = x.matmul(w1).add(b1).relu();
  g.output('probs', h.matmul(w2).add(b2).softmax(-1));
  const params = {
    w1: random(784 * 1024, 1, 0.05),
    b1: random(1024, 2, 0.1),
    w2: random(1024 * 10, 3, 0.05),
  };
  return { graph: g, params, inputs: { x: random(128 * 784, 4) } };
}

function attention(): {
  graph: Graph;
  params: Record<string, Float32Array>;
  inputs: Record<string, Float32Array>;
} {
  const [seq, dim, heads] = [64, 128, 4];
  const hd = dim / heads;
  const g = new Graph();
  const x = g.input('x', [seq, dim]);
  const names = ['wq', 'wk', 'wv', 'wo'] as const;
  const w = Object.fromEntries(names.map((n) => [n, g.param(n, [dim, dim])]));
  const lnW = g.param('ln_w', [dim]);
  const lnB = g.param('ln_b', [dim]);
  const split = (t: ReturnType<Graph['input']>) => t.reshape([seq, heads, hd]).transpose([1, 0, 2]);
  const h = x.layerNorm(lnW, lnB);
  const q = split(h.matmul(w.wq!));
  const k = split(h.matmul(w.wk!));
  const v = split(h.matmul(w.wv!));
  const scores = q
    .matmul(k.transpose([0, 2, 1]))
    .mul(1 / Math.sqrt(hd))
    .softmax(-1);
  const ctx = scores.matmul(v).transpose([1, 0, 2]).reshape([seq, dim]);
  g.output('y', x.add(ctx.matmul(w.wo!)));
  const params: Record<string, Float32Array> = { ln_w: random(dim, 9, 1), ln_b: random(dim, 10, 0.1) };
  names.forEach((n, i) => (params[n] = random(dim * dim, 20 + i, 0.1)));
  return { graph: g, params, inputs: { x: random(seq * dim, 5) } };
}

function maxError(a: TypedArray, b: TypedArray): number {
  let err = 0;
  for (let i = 0; i < a.length; i++) err = Math.max(err, Math.abs((a[i] ?? 0) - (b[i] ?? 0)));
  return err;
}

function median(values: number[]): number {
  const sorted = [...values].sort((p, q) => p - q);
  return sorted[Math.floor(sorted.length / 2)] ?? 0;
}

async function show(title: string, build: typeof mlp): Promise<CompiledModel> {
  const { graph, params, inputs } = build();
  const start = performance.now();
  const model = await compile(graph);
  const compileMs = performance.now() - start;
  model.setParams(params);
  const out = model.run(inputs);
  const times: number[] = [];
  for (let i = 0; i < 20; i++) {
    const t = performance.now();
    model.execute();
    times.push(performance.now() - t);
  }
  const expected = interpret(graph, { ...inputs, ...params });
  const plan = model.plan;
  const kb = (bytes: number): string => `${(bytes / 1024).toFixed(1)} KiB`;
  console.log(`\n== ${title} ==`);
  console.log(`graph:    ${graph.nodes.length} nodes recorded -> ${model.kernels.length} kernels`);
  console.log(`kernels:  ${model.kernels.map((k) => `${k.name}[${k.vectorMode}]`).join(' ')}`);
  console.log(
    `memory:   ${kb(plan.memoryBytes)} total; temp arena ${kb(plan.arenaBytes)} (lower bound ${kb(plan.lowerBoundBytes)}, never-reusing ${kb(plan.naiveBytes)})`,
  );
  console.log(
    `compile:  ${compileMs.toFixed(1)} ms (${Object.entries(model.stats)
      .map(([k, v]) => `${k} ${v.toFixed(1)}`)
      .join(', ')})`,
  );
  console.log(
    `run:      median ${median(times).toFixed(3)} ms over ${times.length} runs (one call into Wasm each)`,
  );
  for (const [name, value] of Object.entries(out)) {
    console.log(
      `output ${name}: ${value.length} values, max |compiled - interpreter| = ${maxError(value, expected[name] as TypedArray).toExponential(2)}`,
    );
  }
  return model;
}

const first = await show('MLP 128x784 -> 1024 relu -> 10 softmax', mlp);
const second = await show('attention block (64 tokens, 128 dims, 4 heads)', attention);
console.log('\nfused kernels of the attention block (model.ir("fused")):\n');
console.log(
  second
    .ir('fused')
    .split('\n')
    .filter((l) => l.startsWith('k'))
    .join('\n'),
);
first.dispose();
second.dispose();
