/** Fixture graphs shared by the printer, parser and verifier tests. */
import { Graph } from '../../src/index.js';

/** A two-layer MLP with a softmax head. */
export function buildMlp(): Graph {
  const g = new Graph();
  const x = g.input('x', [4, 8]);
  const w1 = g.param('w1', [8, 16]);
  const b1 = g.constant(new Float32Array(16).fill(0.5), [16]);
  const w2 = g.param('w2', [16, 3]);
  const h = x.matmul(w1).add(b1).relu();
  const logits = h.matmul(w2).add(g.constant([0.1, -0.2, 0], [3]));
  g.output('logits', logits);
  g.output('p', logits.softmax(-1));
  g.output('label', logits.argmax(-1));
  return g;
}

/** softmax written out by hand, next to the composite, and a layerNorm with weight and bias. */
export function buildNorms(): Graph {
  const g = new Graph();
  const x = g.input('x', [2, 5]);
  const e = x.sub(x.max(-1, true)).exp();
  g.output('manual', e.div(e.sum(-1, true)));
  g.output('softmax', x.softmax());
  g.output('logSoftmax', x.logSoftmax(0));
  g.output('ln', x.layerNorm(g.param('gamma', [5]), g.param('beta', [5]), 1e-6));
  g.output('mean', x.mean(-1).gelu());
  return g;
}

/** Python-style slices, picks, pad, gather, concat, stack and where. */
export function buildSlicing(): Graph {
  const g = new Graph();
  const x = g.input('x', [4, 6]);
  const idx = g.input('idx', [3], 'i32');
  g.output(
    'rev',
    x.slice([
      [null, null, -1],
      [1, -1, 2],
    ]),
  );
  g.output('row', x.slice([-1]));
  g.output(
    'padded',
    x.pad(
      [
        [1, 0],
        [0, 2],
      ],
      -Infinity,
    ),
  );
  g.output('picked', x.gather(idx, 1).cast('i32'));
  g.output('joined', g.concat([x, x.slice([[0, 2]])], 0));
  g.output('stacked', g.stack([x, x.neg()], -1).flatten(1));
  g.output('masked', g.where(x.gt(0), x, 0));
  return g;
}
