/**
 * Probe (issue #20, "choose the activation layout by measurement"): what an
 * NHWC convolution would cost against today's NCHW implicit GEMM, per conv
 * shape of the light CNNs. Not part of the pipeline.
 *
 * - `nchw`: `x.conv(w, b).relu()` compiled as shipped (the weights are A,
 *   M = Cout; B the windows of x, packed per run from x: implicit GEMM).
 * - `nhwc`: out[P, Cout] = cols[P, C·k²] @ wᵀ[C·k², Cout] + b, relu, through
 *   the same matmul emitter: the weights are a constant B packed once at
 *   compile time, the activations the A rows read in place by splats. For a
 *   1x1 unstrided conv cols is x itself (NHWC exactly); for a k×k conv the
 *   windows are given stored (im2col not timed), so this is NHWC's best case:
 *   a real NHWC kernel reads the same rows through per-tap pointers into x.
 *
 * Every entry runs `execute()` on data already in its memory (view(): no feed
 * copy, which would charge NHWC's 9x larger stored windows), interleaved
 * round by round; a round is the fastest of 3 runs, in process CPU time
 * (preemption by other processes on the loaded machine does not count).
 * Each `nhwc` output is checked against `nchw` (same summation order over
 * (c, tap): equal bit for bit).
 *
 *   <node> scripts/run-ts.mjs bench/probes/conv-layout.ts [rounds] [shape names,...]
 */
import { loadavg } from 'node:os';
import { compile, Graph } from '../../src/index.js';

interface Shape {
  readonly name: string;
  readonly c: number;
  readonly m: number;
  readonly h: number;
  readonly k: number;
}

const SHAPES: Shape[] = [
  { name: 'W8 3x3 64->64 @56', c: 64, m: 64, h: 56, k: 3 },
  { name: 'R50 3x3 128->128 @28', c: 128, m: 128, h: 28, k: 3 },
  { name: 'R50 3x3 256->256 @14', c: 256, m: 256, h: 14, k: 3 },
  { name: 'R50 3x3 512->512 @7', c: 512, m: 512, h: 7, k: 3 },
  { name: 'R50 1x1 64->64 @56', c: 64, m: 64, h: 56, k: 1 },
  { name: 'R50 1x1 64->256 @56', c: 64, m: 256, h: 56, k: 1 },
  { name: 'W10 1x1 256->64 @56', c: 256, m: 64, h: 56, k: 1 },
  { name: 'R50 1x1 512->128 @28', c: 512, m: 128, h: 28, k: 1 },
  { name: 'R50 1x1 128->512 @28', c: 128, m: 512, h: 28, k: 1 },
  { name: 'R50 1x1 1024->256 @14', c: 1024, m: 256, h: 14, k: 1 },
  { name: 'R50 1x1 256->1024 @14', c: 256, m: 1024, h: 14, k: 1 },
  { name: 'R50 1x1 2048->512 @7', c: 2048, m: 512, h: 7, k: 1 },
  { name: 'Sqz 1x1 96->16 @55', c: 96, m: 16, h: 55, k: 1 },
  { name: 'Sqz 1x1 16->64 @55', c: 16, m: 64, h: 55, k: 1 },
  { name: 'Sqz 3x3 16->64 @55', c: 16, m: 64, h: 55, k: 3 },
  { name: 'Sqz 3x3 64->256 @13', c: 64, m: 256, h: 13, k: 3 },
  { name: 'Inc 3x3 96->128 @28', c: 96, m: 128, h: 28, k: 3 },
  { name: 'Inc 5x5 16->32 @28', c: 16, m: 32, h: 28, k: 5 },
];

const rounds = Number(process.argv[2] ?? 15);
const only = process.argv[3]?.split(',');
const shapes = only === undefined ? SHAPES : SHAPES.filter((s) => only.some((o) => s.name.includes(o)));

function random(n: number, seed: number): Float32Array {
  let s = seed;
  return Float32Array.from(
    { length: n },
    () => (s = (s * 1103515245 + 12345) % 2147483648) / 2147483648 - 0.5,
  );
}

/** cols[p, (c, kh, kw)] = x[c, oh + kh - pad, ow + kw - pad] (0 in the padding): the NHWC rows. */
function windows(x: Float32Array, s: Shape): Float32Array {
  const { c: C, h: H, k } = s;
  const pad = k >> 1;
  const K = C * k * k;
  const cols = new Float32Array(H * H * K);
  for (let oh = 0; oh < H; oh++)
    for (let ow = 0; ow < H; ow++)
      for (let c = 0; c < C; c++)
        for (let kh = 0; kh < k; kh++)
          for (let kw = 0; kw < k; kw++) {
            const [ih, iw] = [oh + kh - pad, ow + kw - pad];
            const inside = ih >= 0 && ih < H && iw >= 0 && iw < H;
            cols[(oh * H + ow) * K + (c * k + kh) * k + kw] = inside ? x[(c * H + ih) * H + iw]! : 0;
          }
  return cols;
}

interface Entry {
  readonly shape: Shape;
  readonly label: 'nchw' | 'nhwc';
  readonly execute: () => void;
  readonly output: () => Float32Array;
  readonly samples: number[];
}

const entries: Entry[] = [];
for (const s of shapes) {
  const { c: C, m: M, h: H, k } = s;
  const pad = k >> 1;
  const wData = random(M * C * k * k, 7);
  const bData = random(M, 9);
  const x = random(C * H * H, 3);

  const g1 = new Graph();
  const xin = g1.input('x', [1, C, H, H]);
  const w = g1.constant(wData, [M, C, k, k]);
  g1.output('y', xin.conv(w, g1.constant(bData, [M]), { pads: [pad, pad, pad, pad] }).relu());
  const nchw = await compile(g1);
  (nchw.view('x') as Float32Array).set(x);

  // wᵀ[(c, kh, kw), m]: the same k order as the NCHW matmul, so the sums match bit for bit
  const K = C * k * k;
  const wt = new Float32Array(K * M);
  for (let m = 0; m < M; m++) for (let q = 0; q < K; q++) wt[q * M + m] = wData[m * K + q]!;
  const g2 = new Graph();
  const cols = g2.input('cols', [H * H, K]);
  g2.output(
    'y',
    cols
      .matmul(g2.constant(wt, [K, M]))
      .add(g2.constant(bData, [M]))
      .relu(),
  );
  const nhwc = await compile(g2);
  (nhwc.view('cols') as Float32Array).set(k === 1 ? transposeToNhwc(x, C, H * H) : windows(x, s));

  for (const [label, model] of [
    ['nchw', nchw],
    ['nhwc', nhwc],
  ] as const)
    entries.push({
      shape: s,
      label,
      execute: () => model.execute(),
      output: () => model.view('y') as Float32Array,
      samples: [],
    });
}

/** x[c, p] -> x[p, c]. */
function transposeToNhwc(x: Float32Array, C: number, P: number): Float32Array {
  const out = new Float32Array(C * P);
  for (let c = 0; c < C; c++) for (let p = 0; p < P; p++) out[p * C + c] = x[c * P + p]!;
  return out;
}

const load0 = loadavg()[0] ?? NaN;
for (const e of entries) for (let i = 0; i < 3; i++) e.execute();
for (let r = 0; r < rounds; r++)
  for (const e of entries) {
    let best = Infinity;
    for (let i = 0; i < 3; i++) {
      const t = process.cpuUsage();
      e.execute();
      const d = process.cpuUsage(t);
      best = Math.min(best, (d.user + d.system) / 1000);
    }
    e.samples.push(best);
  }
const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[xs.length >> 1] ?? NaN;

console.log(
  `node ${process.versions.node}, load ${load0.toFixed(1)} -> ${(loadavg()[0] ?? NaN).toFixed(1)}, ${rounds} rounds`,
);
console.log('shape | NCHW ms | NHWC ms | NHWC speed-up | equal');
for (const s of shapes) {
  const [a, b] = (['nchw', 'nhwc'] as const).map((l) => entries.find((e) => e.shape === s && e.label === l)!);
  const P = s.h * s.h;
  const ya = a!.output();
  const yb = b!.output();
  let equal = true;
  for (let m = 0; m < s.m && equal; m++)
    for (let p = 0; p < P; p++) if (ya[m * P + p] !== yb[p * s.m + m]) equal = false;
  const [ma, mb] = [median(a!.samples), median(b!.samples)];
  const gf = (2 * s.m * s.c * s.k * s.k * P) / 1e6;
  console.log(
    `${s.name} | ${ma.toFixed(3)} (${(gf / ma).toFixed(1)} GF/s) | ${mb.toFixed(3)} (${(gf / mb).toFixed(1)} GF/s) | ${(ma / mb).toFixed(2)}x | ${equal}`,
  );
}
