/**
 * The reference interpreter re-run with its computed values changed: the
 * common ground of the checker's changed references (ulp nudges, f32
 * accumulation, argmax ties). Feeds are checked once for all runs.
 */
import type { TypedArray } from '../../src/index.js';
import type { Graph } from '../../src/ir/graph.js';
import type { Node } from '../../src/ir/node.js';
import { checkFeeds } from '../../src/ir/interpret/feeds.js';
import { evaluateWithHook } from '../../src/ir/interpret/interpret.js';
import type { Operand } from '../../src/ir/interpret/operands.js';

/** Replaces a computed node's value (see evaluateWithHook); returns `data` to keep it. */
export type ValueHook = (node: Node, data: TypedArray, args: readonly Operand[]) => TypedArray;

/** The graph's outputs once per hook. */
export function hookedReferences(
  graph: Graph,
  feeds: Readonly<Record<string, TypedArray>>,
  hooks: readonly ValueHook[],
): Record<string, TypedArray>[] {
  const leaves = checkFeeds('interpret', graph.leaves, feeds);
  return hooks.map((hook) => evaluateWithHook(graph.outputs, leaves, hook));
}
