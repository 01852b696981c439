/**
 * The reference interpreter: walks the nodes reachable from the outputs in id
 * (topological) order, computing each into its dtype's typed array with the
 * op's reference semantics. It is the oracle every compiled result is tested
 * against: plain, float64 inside each node, never fast.
 */
import { ARRAY_CLASS, type TypedArray } from '../../common/dtype.js';
import { InputError, InternalError } from '../../common/errors.js';
import type { Graph } from '../graph.js';
import { topoSort, type Node } from '../node.js';
import { sizeOf } from '../shape.js';
import { evaluateNode } from './evaluators.js';
import { checkFeeds, checkLeafValue } from './feeds.js';
import type { Operand } from './operands.js';

/** The value of a leaf (fed data for inputs and params, the baked data for constants); undefined for other nodes. */
function leafValue(node: Node, leaves: ReadonlyMap<string, TypedArray>): TypedArray | undefined {
  if (node.op === 'constant') return node.attrs.data;
  if (node.op !== 'input' && node.op !== 'param') return undefined;
  const data = leaves.get(node.attrs.name);
  if (data === undefined) {
    throw new InputError(
      `evaluate: missing ${node.op} "${node.attrs.name}"`,
      { op: 'evaluate', name: node.attrs.name },
      'Every input and param the outputs depend on needs a value',
    );
  }
  checkLeafValue('evaluate', node, data);
  return data;
}

/** Throws InternalError unless `data` is the node's dtype class with its element count. */
function checkResult(node: Node, data: TypedArray): void {
  if (!(data instanceof ARRAY_CLASS[node.dtype]) || data.length !== sizeOf(node.shape)) {
    throw new InternalError(
      'interpret',
      `${node.op} (node ${node.id}) produced ${data.length} elements of the wrong kind for ${node.dtype}[${node.shape.join(',')}]`,
    );
  }
}

/**
 * Evaluates the nodes reachable from `outputs` and returns a fresh copy of each
 * output's value by name. `leaves` maps input and param names to their data
 * (the dtype's typed array class, the shape's length).
 *
 * @throws InputError when an input or param the outputs depend on has no value,
 *   or a gather index is out of range.
 * @example
 * const g = new Graph();
 * const x = g.input('x', [2]);
 * evaluate([['y', x.mul(2).node]], new Map([['x', new Float32Array([1, 2])]])); // { y: [2, 4] }
 */
export function evaluate(
  outputs: readonly (readonly [string, Node])[],
  leaves: ReadonlyMap<string, TypedArray>,
): Record<string, TypedArray> {
  return evaluateWithHook(outputs, leaves, (_node, data) => data);
}

/**
 * `evaluate`, with each computed (non-leaf) node's value replaced by
 * `after(node, data, args)` (`args`: its operands' values) before its readers
 * see it. `after` must not write into `data` or `args` (a view's value may
 * share its input's array): it returns a new array to change it. For tests
 * that measure how sensitive an output is to rounding in between, or that
 * compute a node another way (f32 accumulation).
 */
export function evaluateWithHook(
  outputs: readonly (readonly [string, Node])[],
  leaves: ReadonlyMap<string, TypedArray>,
  after: (node: Node, data: TypedArray, args: readonly Operand[]) => TypedArray,
): Record<string, TypedArray> {
  const values = new Map<number, Operand>();
  const operandOf = (node: Node): Operand => {
    const value = values.get(node.id);
    if (value === undefined) {
      throw new InternalError('interpret', `node ${node.id} (${node.op}) used before it was computed`);
    }
    return value;
  };
  for (const node of topoSort(outputs.map(([, node]) => node))) {
    const leaf = leafValue(node, leaves);
    const args = node.inputs.map(operandOf);
    const data = leaf ?? after(node, evaluateNode(node, args), args);
    checkResult(node, data);
    values.set(node.id, { data, shape: node.shape, dtype: node.dtype });
  }
  // copies: no two outputs, and no output and a feed, share memory
  return Object.fromEntries(outputs.map(([name, node]) => [name, operandOf(node).data.slice()]));
}

/**
 * Runs a graph in the reference interpreter: the oracle compiled models are
 * checked against. Inputs and params are fed through the same record.
 *
 * @param feeds every input and param by name: its dtype's typed array
 *   (Float32Array, Int32Array, Uint8Array for bool) or a plain number array,
 *   converted with the dtype's rounding.
 * @returns every output of the graph by name, as its dtype's typed array.
 * @throws InputError for an unknown or missing name, a wrong typed array class
 *   or element count, or a gather index out of range.
 * @example
 * const g = new Graph();
 * const x = g.input('x', [3]);
 * g.output('y', x.mul(2).relu());
 * interpret(g, { x: [1, -2, 3] }); // { y: Float32Array [2, 0, 6] }
 */
export function interpret(
  graph: Graph,
  feeds: Readonly<Record<string, TypedArray | readonly number[]>>,
): Record<string, TypedArray> {
  return evaluate(graph.outputs, checkFeeds('interpret', graph.leaves, feeds));
}
