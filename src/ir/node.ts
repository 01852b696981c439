/**
 * Graph IR nodes: immutable SSA values `{ id, op, inputs, shape, dtype, attrs }`.
 * A node never changes after it is made; passes build new nodes.
 */
import { DTYPE_BYTES, type DType } from '../common/dtype.js';
import type { OpAttrs, OpCode } from './ops.js';
import { sizeOf, type Shape } from './shape.js';

/** A node of one op, with that op's attributes. */
export interface NodeOf<K extends OpCode> {
  /** Unique within its graph; increases in creation order (a topological order). */
  readonly id: number;
  readonly op: K;
  readonly inputs: readonly Node[];
  readonly shape: Shape;
  readonly dtype: DType;
  readonly attrs: OpAttrs[K];
}

/** Any node; `switch (node.op)` narrows `attrs`. */
export type Node = { [K in OpCode]: NodeOf<K> }[OpCode];

/** The type facts inferred for a node. */
export interface ValueType {
  readonly shape: Shape;
  readonly dtype: DType;
}

/** Bytes a node's value occupies when stored. */
export function bytesOf(node: { readonly shape: Shape; readonly dtype: DType }): number {
  return sizeOf(node.shape) * DTYPE_BYTES[node.dtype];
}

/** Nodes reachable from `roots`, inputs before users (ascending id order). */
export function topoSort(roots: readonly Node[]): Node[] {
  const seen = new Set<number>();
  const out: Node[] = [];
  const stack: Node[] = [...roots];
  while (stack.length > 0) {
    const node = stack.pop() as Node;
    if (seen.has(node.id)) continue;
    seen.add(node.id);
    out.push(node);
    for (const input of node.inputs) if (!seen.has(input.id)) stack.push(input);
  }
  return out.sort((a, b) => a.id - b.id);
}
