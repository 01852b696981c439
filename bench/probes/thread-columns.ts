/**
 * Probe: single-row matmuls (a classifier on one image: x[M, K] @ w[K, N] +
 * bias, relu, M < 8), which threads split by columns, on 1 and N threads,
 * interleaved in rounds of ~20 ms, with medians, the load average and a
 * bit-for-bit check of the N-thread output against the 1-thread one. The
 * weights are constants, as an imported model's are.
 *
 *   node scripts/run-ts.mjs bench/probes/thread-columns.ts [1x9216x4096,1x4096x4096] [rounds=25] [threads=2]
 */
import { loadavg } from 'node:os';
import { Graph, compile } from '../../src/index.js';

const args = process.argv.slice(2);
const option = (name: string, fallback: number): number =>
  Number(args.find((a) => a.startsWith(`${name}=`))?.slice(name.length + 1) ?? fallback);
const shapes = (args.find((a) => !a.includes('=')) ?? '1x9216x4096,1x4096x4096,1x4096x1000')
  .split(',')
  .map((s) => s.split('x').map(Number) as [number, number, number]);
const rounds = option('rounds', 25);
const threads = option('threads', 2);

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)] ?? NaN;
}

function data(size: number, seed: number): Float32Array {
  return Float32Array.from({ length: size }, (_, i) => Math.sin(i * 0.37 + seed) * 0.1);
}

for (const [M, K, N] of shapes) {
  const g = new Graph();
  const x = g.input('x', [M, K]);
  g.output(
    'y',
    x
      .matmul(g.constant(data(K * N, 2), [K, N]))
      .add(g.constant(data(N, 3), [N]))
      .relu(),
  );
  const feeds = { x: data(M * K, 1) };
  const one = await compile(g);
  const many = await compile(g, { threads });
  const split = many.kernels.find((k) => k.kind === 'matmul')?.split === true;
  const a = one.run(feeds).y!;
  const b = many.run(feeds).y!;
  const same = a.every((v, i) => Object.is(v, b[i]));
  const time = (model: typeof one, reps: number): number => {
    const t = performance.now();
    for (let i = 0; i < reps; i++) model.run(feeds);
    return (performance.now() - t) / reps;
  };
  for (let i = 0; i < 5; i++) {
    time(one, 1);
    time(many, 1);
  }
  const reps = Math.max(1, Math.round(20 / time(one, 2)));
  const t1: number[] = [];
  const tn: number[] = [];
  const loads = [loadavg()[0]!];
  for (let r = 0; r < rounds; r++) {
    // alternate which goes first, so neither always runs after the other's cache state
    const order = r % 2 === 0 ? ([one, t1] as const) : ([many, tn] as const);
    const other = r % 2 === 0 ? ([many, tn] as const) : ([one, t1] as const);
    order[1].push(time(order[0], reps));
    other[1].push(time(other[0], reps));
    loads.push(loadavg()[0]!);
  }
  const [m1, mn] = [median(t1) * 1000, median(tn) * 1000];
  console.log(
    `${M}x${K}x${N}: 1 thread ${m1.toFixed(0)} us, ${threads} threads ${mn.toFixed(0)} us (${(m1 / mn).toFixed(2)}x; ` +
      `split ${split}, same bits ${same}; ${rounds} rounds x ${reps} runs; load ${Math.min(...loads).toFixed(2)}-${Math.max(...loads).toFixed(2)})`,
  );
  one.dispose();
  many.dispose();
}
