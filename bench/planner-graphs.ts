/**
 * DNN-shaped graphs for the planner benchmark, built through the public builder
 * API: an MLP, residual stacks, transformer encoders, a U-Net with skips, a
 * MobileNet-v2-shaped chain and random DAGs. Shapes are runtime arrays, so every
 * tensor is the untyped `Tensor`.
 */
import { Graph } from '../src/index.js';
import type { Tensor } from '../src/index.js';
import { makeRandom } from '../src/planner/seeded-random.js';

/** A named graph to plan. */
export interface BenchGraph {
  name: string;
  graph: Graph;
}

const dims = (...d: number[]): number[] => d;

/** Dense layers 784 -> 1024 -> 1024 -> 512 -> 10 over a batch of 64, relu between. */
export function mlpGraph(): Graph {
  const g = new Graph();
  let h: Tensor = g.input('x', dims(64, 784));
  const widths = [784, 1024, 1024, 512, 10];
  for (let k = 1; k < widths.length; k++) {
    h = h.matmul(g.param(`w${k}`, dims(widths[k - 1]!, widths[k]!))).add(g.param(`b${k}`, dims(widths[k]!)));
    if (k + 1 < widths.length) h = h.relu();
  }
  g.output('y', h.softmax(-1));
  return g;
}

/** `blocks` residual blocks x + W2 relu(W1 x) over [batch, width]. */
export function residualGraph(blocks: number, width = 512, batch = 64): Graph {
  const g = new Graph();
  let x: Tensor = g.input('x', dims(batch, width));
  for (let k = 0; k < blocks; k++) {
    const h = x.matmul(g.param(`w${k}a`, dims(width, 2 * width))).relu();
    x = x.add(h.matmul(g.param(`w${k}b`, dims(2 * width, width)))).relu();
  }
  g.output('y', x);
  return g;
}

/** A post-norm transformer encoder: `layers` blocks of multi-head attention and a GELU MLP. */
export function transformerGraph(layers: number, seq = 128, model = 256, heads = 4): Graph {
  const g = new Graph();
  const head = model / heads;
  let x: Tensor = g.input('x', dims(seq, model));
  const split = (t: Tensor): Tensor => t.reshape(dims(seq, heads, head)).transpose(dims(1, 0, 2));
  for (let l = 0; l < layers; l++) {
    const w = (name: string, shape: number[]): Tensor => g.param(`l${l}_${name}`, shape);
    const q = split(x.matmul(w('wq', dims(model, model))));
    const k = split(x.matmul(w('wk', dims(model, model))));
    const v = split(x.matmul(w('wv', dims(model, model))));
    const scores = q.matmul(k.transpose(dims(0, 2, 1))).mul(1 / Math.sqrt(head));
    const context = scores
      .softmax(-1)
      .matmul(v)
      .transpose(dims(1, 0, 2))
      .reshape(dims(seq, model));
    const attended = x
      .add(context.matmul(w('wo', dims(model, model))))
      .layerNorm(w('ln1g', dims(model)), w('ln1b', dims(model)));
    const hidden = attended
      .matmul(w('w1', dims(model, 4 * model)))
      .add(w('b1', dims(4 * model)))
      .gelu();
    const out = hidden.matmul(w('w2', dims(4 * model, model))).add(w('b2', dims(model)));
    x = attended.add(out).layerNorm(w('ln2g', dims(model)), w('ln2b', dims(model)));
  }
  g.output('y', x);
  return g;
}

/**
 * A U-Net on [channels, pixels] feature maps: 1x1 convolutions as channel matmuls,
 * pooling and upsampling as matmuls with [pixels, pixels/4] matrices, and skips
 * concatenated on the channel axis.
 */
export function unetGraph(levels = 4, channels = 32, pixels = 4096): Graph {
  const g = new Graph();
  let id = 0;
  const conv = (t: Tensor, out: number): Tensor =>
    g.param(`c${id++}`, dims(out, t.shape[0]!)).matmul(t).relu();
  let x: Tensor = conv(g.input('x', dims(3, pixels)), channels);
  const skips: Tensor[] = [];
  let c = channels;
  let p = pixels;
  for (let l = 0; l < levels; l++) {
    x = conv(conv(x, c), c);
    skips.push(x);
    x = x.matmul(g.param(`pool${l}`, dims(p, p / 4)));
    c *= 2;
    p /= 4;
  }
  x = conv(conv(x, c), c);
  for (let l = levels - 1; l >= 0; l--) {
    c /= 2;
    p *= 4;
    x = conv(x.matmul(g.param(`up${l}`, dims(p / 4, p))), c);
    x = conv(conv(g.concat([skips[l]!, x], 0), c), c);
  }
  g.output('y', conv(x, 2));
  return g;
}

/**
 * A MobileNet-v2-shaped chain of inverted residual blocks on [channels, pixels]:
 * expand (1x1 matmul), a depthwise-style per-channel scale and shift, ReLU6,
 * project, and a residual add when the shapes match; strided stages pool 4x.
 */
export function mobileNetGraph(pixels = 3136): Graph {
  const g = new Graph();
  let id = 0;
  const param = (shape: number[]): Tensor => g.param(`p${id++}`, shape);
  const relu6 = (t: Tensor): Tensor => t.maximum(0).minimum(6);
  let x: Tensor = relu6(param(dims(32, 3)).matmul(g.input('x', dims(3, pixels))));
  let p = pixels;
  // [expansion, output channels, repeats, pool first]
  const stages: [number, number, number, boolean][] = [
    [1, 16, 1, false],
    [6, 24, 2, true],
    [6, 32, 3, true],
    [6, 64, 4, false],
    [6, 96, 3, true],
    [6, 160, 3, false],
    [6, 320, 1, false],
  ];
  for (const [expand, out, repeats, pool] of stages) {
    for (let r = 0; r < repeats; r++) {
      if (pool && r === 0) {
        x = x.matmul(param(dims(p, p / 4)));
        p /= 4;
      }
      const c = x.shape[0]!;
      const wide = relu6(param(dims(c * expand, c)).matmul(x));
      const depthwise = relu6(wide.mul(param(dims(c * expand, 1))).add(param(dims(c * expand, 1))));
      const projected = param(dims(out, c * expand)).matmul(depthwise);
      x = c === out ? x.add(projected) : projected;
    }
  }
  g.output('y', relu6(param(dims(1280, x.shape[0]!)).matmul(x)).mean(-1));
  return g;
}

/**
 * A random DAG of `nodes` ops over [rows, cols] values: each op reads the previous
 * value (elementwise binaries also a recent or skip-connected one), so none is dead.
 */
export function randomGraph(nodes: number, seed: number, rows = 64, cols = 64): Graph {
  const random = makeRandom(seed);
  const g = new Graph();
  const values: Tensor[] = [g.input('x', dims(rows, cols))];
  const pick = (): Tensor => {
    const back = random() < 0.1 ? 1 + Math.floor(random() * 64) : 1 + Math.floor(random() * 3);
    return values[Math.max(0, values.length - back)]!;
  };
  for (let i = 1; i < nodes; i++) {
    const roll = random();
    const a = values[values.length - 1]!; // a chain with random side inputs: nothing is dead
    values.push(
      roll < 0.35
        ? a.add(pick())
        : roll < 0.5
          ? a.mul(pick())
          : roll < 0.7
            ? a.tanh()
            : a.matmul(g.param(`w${i}`, dims(cols, cols))),
    );
  }
  g.output('y', values[values.length - 1]!);
  return g;
}

/** Every DNN-shaped graph of the benchmark, smallest first. */
export function benchGraphs(): BenchGraph[] {
  return [
    { name: 'mlp-4', graph: mlpGraph() },
    { name: 'residual-8', graph: residualGraph(8) },
    { name: 'residual-32', graph: residualGraph(32) },
    { name: 'transformer-1', graph: transformerGraph(1) },
    { name: 'transformer-12', graph: transformerGraph(12) },
    { name: 'unet-4', graph: unetGraph() },
    { name: 'mobilenet-v2', graph: mobileNetGraph() },
  ];
}

/** Random DAG graphs (1k and 10k nodes). */
export function randomGraphs(): BenchGraph[] {
  return [
    { name: 'graph-dag-1000', graph: randomGraph(1000, 1) },
    { name: 'graph-dag-10000', graph: randomGraph(10_000, 2) },
  ];
}
