/**
 * Walks an ONNX graph's nodes in order and builds each through its op entry.
 * A node whose inputs are all known at import is folded: built on a scratch
 * graph and evaluated by the reference interpreter, so shape arithmetic
 * becomes numbers the next nodes can read.
 */
import { TensorWasmError, UnsupportedError } from '../common/errors.js';
import { Graph } from '../ir/graph.js';
import { evaluate } from '../ir/interpret/interpret.js';
import type { Tensor } from '../ir/tensor.js';
import type { HostArray, OnnxGraphProto, OnnxNodeProto } from './decode-model.js';
import { ElemType, isNarrowElem } from './elem-types.js';
import { checkNarrowUse, narrowResult } from './narrow-ints.js';
import { NodeContext, type OpResult } from './node-context.js';
import { knownValue, type OnnxValue } from './onnx-value.js';
import { OPS } from './ops/index.js';

/** Known inputs up to this many elements in all are folded at import. */
const FOLD_LIMIT_ELEMENTS = 1 << 20;

/** Values by name, seeing the enclosing graph's values (If branches read outer values). */
export class Scope {
  private readonly own = new Map<string, OnnxValue>();
  constructor(private readonly parent?: Scope) {}

  get(name: string): OnnxValue | undefined {
    return this.own.get(name) ?? this.parent?.get(name);
  }

  set(name: string, value: OnnxValue): void {
    this.own.set(name, value);
  }
}

/** What the walk needs besides the scope. */
export interface ImportState {
  readonly graph: Graph;
  /** The default domain's opset. */
  readonly opset: number;
}

/** Where a node is: its label for messages and its index path (`3`, `3/then/0`). */
interface NodeAt {
  readonly label: string;
  readonly index: string;
}

function describeNode(node: OnnxNodeProto, index: string, opset: number): string {
  const name = node.name === '' ? '' : ` "${node.name}"`;
  return `node${name} (#${index}, ${node.opType}, opset ${opset})`;
}

function isResultTensor(r: OpResult): r is Tensor {
  return !('origin' in r);
}

/** A folded result's data as the host array of its element type. */
function hostOf(data: ArrayLike<number>, elemType: number): HostArray {
  if (elemType === ElemType.float) return Float32Array.from(data);
  if (elemType === ElemType.int32 || isNarrowElem(elemType)) return Int32Array.from(data);
  if (elemType === ElemType.bool) return Uint8Array.from(data);
  return Float64Array.from(data);
}

function canFold(inputs: readonly (OnnxValue | undefined)[], opType: string): boolean {
  if (opType === 'If') return false;
  let total = 0;
  for (const v of inputs) {
    if (v === undefined) continue;
    if (v.known === undefined) return false;
    total += v.known.length;
  }
  return total <= FOLD_LIMIT_ELEMENTS;
}

/** Builds one node in `graph` and returns its results as values. */
function runEntry(
  state: ImportState,
  scope: Scope,
  node: OnnxNodeProto,
  at: NodeAt,
  inputs: readonly (OnnxValue | undefined)[],
  graph: Graph,
  keepTensors: boolean,
): OnnxValue[] {
  const { label, index } = at;
  const entry = OPS[node.opType];
  const importBranch = (sub: OnnxGraphProto, branch: string): OnnxValue[] =>
    importNodes(state, sub, new Scope(scope), `${index}/${branch}`);
  const n: NodeContext = new NodeContext(graph, node, state.opset, label, inputs, keepTensors, importBranch);
  if (entry === undefined) n.refuse(`the op ${node.opType} is not supported`);
  if (state.opset < entry.since) n.refuse(`${node.opType} before opset ${entry.since} is not supported`);
  checkNarrowUse(n, inputs, 'input');
  let results: readonly OpResult[];
  try {
    const r = entry.run(n);
    results = Array.isArray(r) ? (r as readonly OpResult[]) : [r as OpResult];
  } catch (error) {
    if (error instanceof UnsupportedError || !(error instanceof TensorWasmError)) throw error;
    if (error.code === 'E_ONNX') throw error;
    // a builder rule the node breaks: the model cannot be imported as written
    throw new UnsupportedError(`${label}: ${error.message}`, {
      node: node.name,
      opType: node.opType,
      cause: error.code,
    });
  }
  const unread = n.unread();
  if (unread.length > 0) n.refuse(`attribute ${unread.join(', ')} is not supported`);
  node.outputs.forEach((name, i) => {
    if (name !== '' && results[i] === undefined) n.refuse(`output ${i} ("${name}") is not supported`);
  });
  const values = results.map((r) => narrowResult(n, isResultTensor(r) ? n.out(r) : r));
  checkNarrowUse(n, values, 'output');
  return values;
}

/** Folds a node whose inputs are all known: scratch graph + reference interpreter. */
function foldNode(
  state: ImportState,
  scope: Scope,
  node: OnnxNodeProto,
  at: NodeAt,
  inputs: readonly (OnnxValue | undefined)[],
): OnnxValue[] {
  const scratch = new Graph();
  const label = at.label;
  const results = runEntry(state, scope, node, at, inputs, scratch, false);
  const computed = results
    .map((r, i) => [String(i), r] as const)
    .filter(([, r]) => r.known === undefined && r.tensor !== undefined);
  if (computed.length === 0) return results;
  const values = evaluate(
    computed.map(([i, r]) => [i, (r.tensor as Tensor).node] as const),
    new Map(),
  );
  return results.map((r, i) => {
    const data = values[String(i)];
    return data === undefined
      ? r
      : knownValue(hostOf(data, r.elemType), r.shape, r.elemType, `output of ${label}`);
  });
}

/**
 * Imports `graph`'s nodes into `scope` and returns its outputs' values.
 * `prefix` labels nested graphs' nodes (an If branch).
 */
export function importNodes(
  state: ImportState,
  graph: OnnxGraphProto,
  scope: Scope,
  prefix: string,
): OnnxValue[] {
  for (const init of graph.initializers) {
    if (init.data === undefined) {
      scope.set(init.name, {
        elemType: init.elemType,
        shape: init.dims,
        known: undefined,
        tensor: undefined,
        origin: `initializer "${init.name}"`,
        unsupported: `initializer "${init.name}": ${init.missing ?? 'no data'}`,
      });
    } else {
      scope.set(init.name, knownValue(init.data, init.dims, init.elemType, `initializer "${init.name}"`));
    }
  }
  graph.nodes.forEach((node, index) => {
    const path = prefix === '' ? String(index) : `${prefix}/${index}`;
    const label = describeNode(node, path, state.opset);
    const at = { label, index: path };
    if (node.domain !== '' && node.domain !== 'ai.onnx') {
      throw new UnsupportedError(`${label}: the domain "${node.domain}" is not supported`, {
        node: node.name,
        opType: node.opType,
        domain: node.domain,
      });
    }
    const inputs = node.inputs.map((name) => {
      if (name === '') return undefined;
      const v = scope.get(name);
      if (v === undefined) {
        throw new UnsupportedError(`${label}: input "${name}" is not defined before the node`, {
          node: node.name,
        });
      }
      return v;
    });
    const results = canFold(inputs, node.opType)
      ? foldNode(state, scope, node, at, inputs)
      : runEntry(state, scope, node, at, inputs, state.graph, true);
    node.outputs.forEach((name, i) => {
      const r = results[i];
      if (name !== '' && r !== undefined) scope.set(name, r);
    });
  });
  return graph.outputs.map((o) => {
    const v = scope.get(o.name);
    if (v === undefined) {
      throw new UnsupportedError(`graph output "${o.name}" is not computed by any node`, { output: o.name });
    }
    return v;
  });
}
