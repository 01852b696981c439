/**
 * Small graphs the inspection tests print, chart and run: an MLP head with
 * softmax and argmax, a layerNorm with a transposed reduction beside it, and
 * a chain whose temps the planner reuses.
 */
import { Graph } from '../../src/index.js';

/** x[2,4] @ w[4,3] -> relu -> softmax and argmax. */
export function mlpHead(): Graph {
  const g = new Graph();
  const x = g.input('x', [2, 4]);
  const w = g.param('w', [4, 3]);
  const h = x.matmul(w).relu();
  g.output('probs', h.softmax(-1));
  g.output('best', h.argmax(-1));
  return g;
}

/** layerNorm over rows, and a sum through a transpose of x + bias. */
export function normAndSum(): Graph {
  const g = new Graph();
  const x = g.input('x', [4, 6]);
  const bias = g.constant(new Float32Array(6).fill(0.5), [6]);
  g.output('y', x.add(bias).transpose().mul(2).sum());
  g.output('z', x.layerNorm());
  return g;
}

/** Row sums feeding elementwise steps, so temps die and their bytes are reused. */
export function reuseChain(): Graph {
  const g = new Graph();
  const x = g.input('x', [8, 8]);
  const a = x.exp().sum(1, true);
  const b = x.sub(a).sum(0, true);
  const c = x.mul(b).max(1, true);
  g.output('out', x.add(c).sum(0));
  return g;
}
