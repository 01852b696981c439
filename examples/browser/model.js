// The browser example's model, for `tensorwasm build examples/browser/model.js`:
// a small classifier whose weights are constants baked into the module, so the
// saved file needs no params.
import { Graph } from 'tensorwasm';

function weights(size, seed) {
  let s = seed;
  return Float32Array.from({ length: size }, () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return (s / 2 ** 32 - 0.5) * 0.5;
  });
}

/** 16 features -> 32 hidden (gelu) -> 4 class probabilities, and the best class. */
export default function build() {
  const g = new Graph();
  const x = g.input('x', [4, 16]);
  const h = x.matmul(g.constant(weights(16 * 32, 1), [16, 32])).gelu();
  const logits = h.matmul(g.constant(weights(32 * 4, 2), [32, 4]));
  g.output('probs', logits.softmax(-1));
  g.output('best', logits.argmax(-1));
  return g;
}
