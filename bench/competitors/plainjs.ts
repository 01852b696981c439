/**
 * Plain-JS baseline: straightforward loops over Float32Arrays, the code a
 * person would write without a library (matmul in i-k-j order so the inner
 * loop is contiguous; reductions accumulate in float64).
 */
import type { ConvSpec, Workload, WorkloadData, WorkloadSpec } from '../workloads.js';
import { byName, convOutSize } from '../workloads.js';
import type { Competitor, Prepared } from './competitor.js';

// Typed-array reads are in bounds by construction: `!` (no runtime cost)
// instead of `?? 0` keeps the hot loops as a person would write them.
const sigmoid = (v: number): number => 1 / (1 + Math.exp(-v));

/** c[m,n] = a[m,k] @ b[k,n] (c is overwritten). */
function matmulInto(
  a: Float32Array,
  b: Float32Array,
  c: Float32Array,
  m: number,
  k: number,
  n: number,
): void {
  c.fill(0);
  for (let i = 0; i < m; i++) {
    const row = i * n;
    for (let p = 0; p < k; p++) {
      const av = a[i * k + p]!;
      const bRow = p * n;
      for (let j = 0; j < n; j++) c[row + j] = c[row + j]! + av * b[bRow + j]!;
    }
  }
}

/** Softmax of each row of x[rows, cols], in place. */
function softmaxRows(x: Float32Array, rows: number, cols: number): void {
  for (let r = 0; r < rows; r++) {
    const base = r * cols;
    let max = -Infinity;
    for (let j = 0; j < cols; j++) max = Math.max(max, x[base + j]!);
    let sum = 0;
    for (let j = 0; j < cols; j++) {
      const e = Math.exp(x[base + j]! - max);
      x[base + j] = e;
      sum += e;
    }
    const inv = 1 / sum;
    for (let j = 0; j < cols; j++) x[base + j] = x[base + j]! * inv;
  }
}

/** out[m, oy, ox] = Σ_{c, ky, kx} x[g·cg + c, oy + ky - pad, ox + kx - pad] · w[m, c, ky, kx], padding skipped. */
function convInto(x: Float32Array, w: Float32Array, out: Float32Array, spec: ConvSpec): void {
  const { size, kernel: k, pad, outChannels } = spec;
  const cg = spec.channels / spec.groups;
  const mg = outChannels / spec.groups;
  const side = convOutSize(spec);
  for (let m = 0; m < outChannels; m++) {
    const c0 = Math.floor(m / mg) * cg;
    for (let oy = 0; oy < side; oy++) {
      for (let ox = 0; ox < side; ox++) {
        let sum = 0;
        for (let c = 0; c < cg; c++) {
          for (let ky = 0; ky < k; ky++) {
            const iy = oy + ky - pad;
            if (iy < 0 || iy >= size) continue;
            for (let kx = 0; kx < k; kx++) {
              const ix = ox + kx - pad;
              if (ix < 0 || ix >= size) continue;
              sum += x[((c0 + c) * size + iy) * size + ix]! * w[((m * cg + c) * k + ky) * k + kx]!;
            }
          }
        }
        out[(m * side + oy) * side + ox] = sum;
      }
    }
  }
}

/** The workload as a function that writes its result into `out`. */
function makeRun(spec: WorkloadSpec, data: WorkloadData, out: Float32Array): () => void {
  const input = (name: string): Float32Array => byName(data.inputs, name).data;
  const weight = (name: string): Float32Array => byName(data.weights, name).data;
  switch (spec.kind) {
    case 'matmul': {
      const [a, b] = [input('a'), input('b')];
      return () => matmulInto(a, b, out, spec.n, spec.n, spec.n);
    }
    case 'swish': {
      const x = input('x');
      return () => {
        for (let i = 0; i < x.length; i++) {
          const v = x[i]!;
          out[i] = Math.max(v * 1.5 - 0.25, 0) * sigmoid(v);
        }
      };
    }
    case 'softmax': {
      const x = input('x');
      return () => {
        out.set(x);
        softmaxRows(out, spec.rows, spec.cols);
      };
    }
    case 'layernorm': {
      const [x, w, b] = [input('x'), weight('weight'), weight('bias')];
      const { rows, cols } = spec;
      return () => {
        for (let r = 0; r < rows; r++) {
          const base = r * cols;
          let sum = 0;
          for (let j = 0; j < cols; j++) sum += x[base + j]!;
          const mean = sum / cols;
          let sq = 0;
          for (let j = 0; j < cols; j++) sq += (x[base + j]! - mean) ** 2;
          const inv = 1 / Math.sqrt(sq / cols + spec.eps);
          for (let j = 0; j < cols; j++) out[base + j] = (x[base + j]! - mean) * inv * w[j]! + b[j]!;
        }
      };
    }
    case 'mlp': {
      const { batch, sizes } = spec;
      const layers = sizes.length - 1;
      const hidden = sizes.slice(1, -1).map((n) => new Float32Array(batch * n));
      return () => {
        let h = input('x');
        // hidden layers write to their own buffer, the last layer to `out`.
        for (let layer = 1; layer <= layers; layer++) {
          const [k, n] = [sizes[layer - 1] ?? 0, sizes[layer] ?? 0];
          const dst = layer < layers ? (hidden[layer - 1] ?? out) : out;
          matmulInto(h, weight(`w${layer}`), dst, batch, k, n);
          const bias = weight(`b${layer}`);
          for (let i = 0; i < batch * n; i++) {
            const v = dst[i]! + bias[i % n]!;
            dst[i] = layer < layers ? Math.max(v, 0) : v;
          }
          h = dst;
        }
        softmaxRows(out, batch, sizes[layers] ?? 0);
      };
    }
    case 'sum': {
      const x = input('x');
      return () => {
        let sum = 0;
        for (let i = 0; i < x.length; i++) sum += x[i]!;
        out[0] = sum;
      };
    }
    case 'chain': {
      const x = input('x');
      const ops = spec.ops;
      return () => {
        for (let i = 0; i < x.length; i++) {
          let v = x[i]!;
          for (const { op, value } of ops) v = op === 'add' ? v + value : v * value;
          out[i] = v;
        }
      };
    }
    case 'conv': {
      const [x, w] = [input('x'), weight('w')];
      return () => convInto(x, w, out, spec);
    }
  }
}

export function makePlainJs(): Competitor {
  return {
    key: 'plainjs',
    label: 'plain JS',
    describe: () => 'hand-written JS loops over Float32Array, no library',
    init: () => Promise.resolve(),
    setup(workload: Workload, data: WorkloadData): Promise<Prepared> {
      const out = new Float32Array(
        Math.max(
          1,
          data.outputShape.reduce((a, b) => a * b, 1),
        ),
      );
      const run = makeRun(workload.spec, data, out);
      return Promise.resolve({ run, output: () => out.slice(), dispose: () => undefined });
    },
  };
}
