/**
 * How Tensor's methods (tensor.ts and its family files tensor-*.ts) record a
 * node: the shared helpers that were the class's private methods before the
 * split, as functions so every family file can use them.
 */
import type { OpAttrs } from './ops.js';
import type { AnyTensor } from './types/tensor-types.js';

/** Re-labels a handle with the type its op's type-level rule gives; infer.ts checks the same rule at run time. */
export function typed<R extends AnyTensor>(t: AnyTensor): R {
  return t as R;
}

/** Records `op` over `inputs` in `x`'s graph (or finds the equal node) and returns its handle. */
export function record<K extends keyof OpAttrs, R extends AnyTensor>(
  x: AnyTensor,
  op: K,
  inputs: readonly AnyTensor['node'][],
  attrs: OpAttrs[K],
): R {
  return typed(x.graph.wrap(x.graph.addNode(op, inputs, attrs)));
}
