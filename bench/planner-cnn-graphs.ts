/**
 * CNN graphs for the planner benchmark built from the convolution ops
 * (conv, batchNorm, pooling, resize) through the public builder, NCHW with
 * params for weights: a ResNet-50-shaped bottleneck stack, MobileNet-v2 with
 * real depthwise convolutions, and a U-Net with max-pooling, nearest
 * upsampling and concatenated skips.
 */
import { Graph } from '../src/index.js';
import type { Tensor } from '../src/index.js';
import type { BenchGraph } from './planner-graphs.js';

/** A graph under construction with numbered params. */
class Builder {
  readonly g = new Graph();
  private id = 0;

  param(shape: number[]): Tensor {
    return this.g.param(`p${this.id++}`, shape);
  }

  /** conv (k x k, stride, same padding, groups) + batchNorm (+ relu): the block every CNN repeats. */
  convBn(x: Tensor, out: number, k: number, stride = 1, groups = 1, relu = true): Tensor {
    const c = x.shape[1]!;
    const pad = (k - 1) >> 1;
    const y = x
      .conv(this.param([out, c / groups, k, k]), null, {
        strides: [stride, stride],
        pads: [pad, pad, pad, pad],
        groups,
      })
      .batchNorm(this.param([out]), this.param([out]), this.param([out]), this.param([out]));
    return relu ? y.relu() : y;
  }
}

/** ResNet-50's layout at `size`²: stem, 3-4-6-3 bottlenecks, global pool, classifier. */
export function resnetGraph(size = 112): Graph {
  const b = new Builder();
  let x: Tensor = b.convBn(b.g.input('x', [1, 3, size, size]), 64, 7, 2);
  x = x.maxPool([3, 3], { strides: [2, 2], pads: [1, 1, 1, 1] });
  const stages: [number, number, number][] = [
    [64, 3, 1],
    [128, 4, 2],
    [256, 6, 2],
    [512, 3, 2],
  ];
  for (const [width, blocks, stride] of stages) {
    for (let i = 0; i < blocks; i++) {
      const s = i === 0 ? stride : 1;
      let h = b.convBn(x, width, 1);
      h = b.convBn(h, width, 3, s);
      h = b.convBn(h, width * 4, 1, 1, 1, false);
      const skip = i === 0 ? b.convBn(x, width * 4, 1, s, 1, false) : x;
      x = h.add(skip).relu();
    }
  }
  const pooled = x.globalAvgPool().reshape([1, x.shape[1]!]);
  b.g.output('y', pooled.matmul(b.param([x.shape[1]!, 1000])).softmax(-1));
  return b.g;
}

/** MobileNet-v2 at `size`²: inverted residuals with depthwise 3x3 convolutions and ReLU6. */
export function mobileNetV2Graph(size = 112): Graph {
  const b = new Builder();
  const relu6 = (t: Tensor): Tensor => t.clip(0, 6);
  let x: Tensor = relu6(b.convBn(b.g.input('x', [1, 3, size, size]), 32, 3, 2, 1, false));
  const stages: [number, number, number, number][] = [
    [1, 16, 1, 1],
    [6, 24, 2, 2],
    [6, 32, 3, 2],
    [6, 64, 4, 2],
    [6, 96, 3, 1],
    [6, 160, 3, 2],
    [6, 320, 1, 1],
  ];
  for (const [expand, out, repeats, stride] of stages) {
    for (let r = 0; r < repeats; r++) {
      const c = x.shape[1]!;
      const wide = expand === 1 ? x : relu6(b.convBn(x, c * expand, 1, 1, 1, false));
      const dw = relu6(b.convBn(wide, c * expand, 3, r === 0 ? stride : 1, c * expand, false));
      const projected = b.convBn(dw, out, 1, 1, 1, false);
      x = r > 0 && c === out ? x.add(projected) : projected;
    }
  }
  x = relu6(b.convBn(x, 1280, 1, 1, 1, false));
  b.g.output(
    'y',
    x
      .globalAvgPool()
      .reshape([1, 1280])
      .matmul(b.param([1280, 1000])),
  );
  return b.g;
}

/** A U-Net at `size`²: two 3x3 conv blocks per level, max-pool down, nearest 2x up, skips concatenated. */
export function unetConvGraph(size = 128, levels = 4, channels = 16): Graph {
  const b = new Builder();
  const block = (t: Tensor, c: number): Tensor => b.convBn(b.convBn(t, c, 3), c, 3);
  let x: Tensor = b.g.input('x', [1, 3, size, size]);
  const skips: Tensor[] = [];
  let c = channels;
  for (let l = 0; l < levels; l++) {
    x = block(x, c);
    skips.push(x);
    x = x.maxPool([2, 2], { strides: [2, 2] });
    c *= 2;
  }
  x = block(x, c);
  for (let l = levels - 1; l >= 0; l--) {
    c /= 2;
    const up = x.resize({ scales: [1, 1, 2, 2], mode: 'nearest' });
    x = block(b.g.concat([skips[l]!, b.convBn(up, c, 1)], 1), c);
  }
  b.g.output('y', x.conv(b.param([2, c, 1, 1])).sigmoid());
  return b.g;
}

/** The CNN graphs of the benchmark. */
export function cnnGraphs(): BenchGraph[] {
  return [
    { name: 'cnn-resnet50-112', graph: resnetGraph() },
    { name: 'cnn-mobilenet-v2-112', graph: mobileNetV2Graph() },
    { name: 'cnn-unet-128', graph: unetConvGraph() },
  ];
}
