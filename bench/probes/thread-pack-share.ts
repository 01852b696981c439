/**
 * Probe: what packing B per run costs a conv-shaped matmul (C[M, N] =
 * A[M, K] @ B[K, N], M output channels, N output pixels) on 1 and N threads.
 * With B an input it is packed into scratch in every run, and split by rows
 * each thread packs all of it; with B a constant it is packed once. The
 * difference is the packing per run: on N threads, a share that splitting
 * by columns (each thread packing only its columns) would halve.
 *
 *   node scripts/run-ts.mjs bench/probes/thread-pack-share.ts [64x576x3136,...] [rounds=15] [threads=2]
 */
import { loadavg } from 'node:os';
import { Graph, compile, type Model } from '../../src/index.js';

const args = process.argv.slice(2);
const option = (name: string, fallback: number): number =>
  Number(args.find((a) => a.startsWith(`${name}=`))?.slice(name.length + 1) ?? fallback);
// ResNet-50's 3x3 convs per stage (K = 9 · channels, N = pixels)
const shapes = (args.find((a) => !a.includes('=')) ?? '64x576x3136,128x1152x784,256x2304x196,512x4608x49')
  .split(',')
  .map((s) => s.split('x').map(Number) as [number, number, number]);
const rounds = option('rounds', 15);
const threads = option('threads', 2);

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)] ?? NaN;
}

function data(size: number, seed: number): Float32Array {
  return Float32Array.from({ length: size }, (_, i) => Math.sin(i * 0.37 + seed));
}

for (const [M, K, N] of shapes) {
  const a = data(M * K, 1);
  const b = data(K * N, 2);
  const make = async (constantB: boolean, count: number): Promise<Model> => {
    const g = new Graph();
    const right = constantB ? g.constant(b, [K, N]) : g.input('b', [K, N]);
    g.output('y', g.input('a', [M, K]).matmul(right).relu());
    const model = await compile(g, { threads: count });
    model.view('a').set(a);
    if (!constantB) model.view('b').set(b);
    return model;
  };
  const runs = new Map<string, Model>([
    ['packed per run, 1 thread', await make(false, 1)],
    ['packed once, 1 thread', await make(true, 1)],
    [`packed per run, ${threads} threads`, await make(false, threads)],
    [`packed once, ${threads} threads`, await make(true, threads)],
  ]);
  const names = [...runs.keys()];
  const time = (name: string, reps: number): number => {
    const model = runs.get(name)!;
    const t = performance.now();
    for (let i = 0; i < reps; i++) model.execute();
    return (performance.now() - t) / reps;
  };
  for (const name of names) for (let i = 0; i < 5; i++) time(name, 1);
  const reps = Math.max(1, Math.round(10 / time(names[0]!, 2)));
  const times = new Map(names.map((n) => [n, [] as number[]]));
  const loads = [loadavg()[0]!];
  for (let r = 0; r < rounds; r++) {
    for (const name of r % 2 === 0 ? names : [...names].reverse()) times.get(name)!.push(time(name, reps));
    loads.push(loadavg()[0]!);
  }
  const us = names.map((n) => median(times.get(n)!) * 1000);
  const [perRun1, once1, perRunN, onceN] = us as [number, number, number, number];
  const share = (perRun: number, once: number): string =>
    `${(perRun - once).toFixed(0)} us (${((100 * (perRun - once)) / perRun).toFixed(0)}%)`;
  console.log(
    `${M}x${K}x${N}: ${names.map((n, i) => `${n} ${us[i]!.toFixed(0)} us`).join(', ')}; ` +
      `packing 1 thread ${share(perRun1, once1)}, ${threads} threads ${share(perRunN, onceN)}; ` +
      `load ${Math.min(...loads).toFixed(2)}-${Math.max(...loads).toFixed(2)}`,
  );
  for (const model of runs.values()) model.dispose();
}
