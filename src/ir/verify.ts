/**
 * The IR verifier, run after every pass: node ids increase along edges, each
 * node's type is what its op's rule infers, attributes are in normal form,
 * leaves and outputs are well named. A violation is an InternalError naming
 * the stage, the node and the rule.
 */
import { ARRAY_CLASS, isDType } from '../common/dtype.js';
import { InternalError, TensorWasmError } from '../common/errors.js';
import { NAME_PATTERN } from './graph.js';
import { inferType } from './infer.js';
import type { Node } from './node.js';
import { isOpCode, type OpCode } from './ops.js';
import { formatType } from './print.js';
import { checkShape, sameShape, sizeOf } from './shape.js';

type Attrs = Readonly<Record<string, unknown>>;

/** The attribute keys of an op, in the builder's order, and its normal-form check (a broken rule, or undefined). */
interface AttrRule {
  readonly keys: readonly string[];
  readonly check: (attrs: Attrs) => string | undefined;
}

const isIndex = (v: unknown): boolean => typeof v === 'number' && Number.isInteger(v) && v >= 0;
const isBool = (v: unknown): boolean => typeof v === 'boolean';
const isNode = (v: unknown): v is Node =>
  typeof v === 'object' && v !== null && typeof (v as Node).id === 'number';
const isList = (v: unknown): v is readonly unknown[] => Array.isArray(v);

function checkAxes(axes: unknown): string | undefined {
  const ok =
    isList(axes) && axes.every((a, i) => isIndex(a) && (i === 0 || (a as number) > (axes[i - 1] as number)));
  return ok ? undefined : `axes ${JSON.stringify(axes)} must be sorted, distinct and non-negative`;
}

function checkDims(key: string, dims: unknown): string | undefined {
  return isList(dims) && dims.every(isIndex)
    ? undefined
    : `${key} ${JSON.stringify(dims)} must list non-negative integers (no -1)`;
}

const noAttrs: AttrRule = { keys: [], check: () => undefined };
const leafName: AttrRule = {
  keys: ['name'],
  check: (a) =>
    typeof a.name === 'string' && NAME_PATTERN.test(a.name)
      ? undefined
      : `invalid name ${JSON.stringify(a.name)}`,
};
const reduce: AttrRule = {
  keys: ['axes', 'keepdims'],
  check: (a) => checkAxes(a.axes) ?? (isBool(a.keepdims) ? undefined : 'keepdims must be a boolean'),
};
const argReduce: AttrRule = {
  keys: ['axis', 'keepdims'],
  check: (a) =>
    isIndex(a.axis) && isBool(a.keepdims)
      ? undefined
      : 'axis must be a non-negative integer, keepdims a boolean',
};
const axis: AttrRule = {
  keys: ['axis'],
  check: (a) => (isIndex(a.axis) ? undefined : `axis ${String(a.axis)} must be non-negative`),
};
const shape: AttrRule = { keys: ['shape'], check: (a) => checkDims('shape', a.shape) };

// convolution and pooling: window lists checked again (with the operands) by infer-conv.ts
const windowKeys = ['strides', 'dilations', 'pads'];
const windowLists = (a: Attrs): string | undefined =>
  checkDims('strides', a.strides) ?? checkDims('dilations', a.dilations) ?? checkDims('pads', a.pads);
const convRule: AttrRule = {
  keys: [...windowKeys, 'groups', 'hasBias'],
  check: (a) =>
    windowLists(a) ??
    (isIndex(a.groups) && isBool(a.hasBias) ? undefined : 'groups must be an integer, hasBias a boolean'),
};
const poolRule: AttrRule = {
  keys: [...windowKeys, 'kernelShape', 'ceilMode'],
  check: (a) =>
    windowLists(a) ??
    checkDims('kernelShape', a.kernelShape) ??
    (isBool(a.ceilMode) ? undefined : 'ceilMode must be a boolean'),
};

/** Attribute keys and normal form of every op (exhaustive: a new op must say). */
const ATTR_RULES: Readonly<Record<OpCode, AttrRule>> = {
  input: leafName,
  param: leafName,
  constant: { keys: ['data'], check: () => undefined },
  ...{ neg: noAttrs, abs: noAttrs, sqrt: noAttrs, rsqrt: noAttrs, exp: noAttrs, log: noAttrs, sin: noAttrs },
  ...{ cos: noAttrs, tanh: noAttrs, sigmoid: noAttrs, relu: noAttrs, erf: noAttrs, square: noAttrs },
  ...{ reciprocal: noAttrs, floor: noAttrs, ceil: noAttrs, round: noAttrs, sign: noAttrs, not: noAttrs },
  ...{
    add: noAttrs,
    sub: noAttrs,
    mul: noAttrs,
    div: noAttrs,
    pow: noAttrs,
    maximum: noAttrs,
    minimum: noAttrs,
  },
  ...{
    eq: noAttrs,
    ne: noAttrs,
    lt: noAttrs,
    le: noAttrs,
    gt: noAttrs,
    ge: noAttrs,
    and: noAttrs,
    or: noAttrs,
  },
  ...{ where: noAttrs, matmul: noAttrs, gelu: noAttrs },
  ...{
    sum: reduce,
    prod: reduce,
    max: reduce,
    min: reduce,
    mean: reduce,
    argmax: argReduce,
    argmin: argReduce,
  },
  ...{ gather: axis, concat: axis, softmax: axis, logSoftmax: axis, reshape: shape, expand: shape },
  gatherElements: axis,
  cast: { keys: ['to'], check: (a) => (isDType(a.to) ? undefined : `unknown dtype ${JSON.stringify(a.to)}`) },
  transpose: { keys: ['perm'], check: (a) => checkDims('perm', a.perm) },
  slice: {
    keys: ['axes'],
    check: (a) =>
      isList(a.axes) &&
      a.axes.every((r) => (r as { size?: unknown }).size !== 0 || (r as { start?: unknown }).start === 0)
        ? undefined
        : 'an empty slice range must start at 0',
  },
  pad: {
    keys: ['widths', 'value'],
    check: (a) => (typeof a.value === 'number' ? undefined : 'value must be a number'),
  },
  layerNorm: {
    keys: ['eps', 'hasWeight', 'hasBias'],
    check: (a) =>
      isBool(a.hasWeight) && isBool(a.hasBias) ? undefined : 'hasWeight and hasBias must be booleans',
  },
  // convolution and pooling
  conv: convRule,
  convTranspose: {
    keys: [...convRule.keys, 'outputPadding'],
    // its pads may be negative (an outputShape past the full output)
    check: (a) =>
      convRule.check({ ...a, pads: [] }) ??
      (isList(a.pads) && a.pads.every(Number.isInteger) ? undefined : 'pads must be integers') ??
      checkDims('outputPadding', a.outputPadding),
  },
  maxPool: poolRule,
  sumPool: poolRule,
  unfold: {
    keys: [...windowKeys, 'kernelShape'],
    check: (a) => windowLists(a) ?? checkDims('kernelShape', a.kernelShape),
  },
  avgPool: {
    keys: [...poolRule.keys, 'countIncludePad'],
    check: (a) =>
      poolRule.check(a) ?? (isBool(a.countIncludePad) ? undefined : 'countIncludePad must be a boolean'),
  },
  batchNorm: {
    keys: ['eps'],
    check: (a) => (typeof a.eps === 'number' ? undefined : 'eps must be a number'),
  },
};

/** Checks one node on its own (its inputs were checked before it); returns the broken rule. */
function checkNode(node: Node): string | undefined {
  if (!isIndex(node.id)) return 'id must be a non-negative integer';
  if (!isOpCode(node.op)) return `unknown op ${JSON.stringify(node.op)}`;
  if (!isDType(node.dtype)) return `unknown dtype ${JSON.stringify(node.dtype)}`;
  try {
    checkShape('shape', node.shape);
  } catch (e) {
    return e instanceof TensorWasmError ? `invalid shape: ${e.message}` : 'invalid shape';
  }
  for (const [k, input] of node.inputs.entries()) {
    if (!isNode(input)) return `input ${k} is not a node`;
    if (input.id >= node.id)
      return `input ${k} (node ${input.id}) does not come before the node (ids must increase)`;
  }
  const rule = ATTR_RULES[node.op];
  const keys = Object.keys(node.attrs);
  if (keys.join(',') !== rule.keys.join(',')) {
    return `attributes {${keys.join(', ')}} should be {${rule.keys.join(', ')}} in that order`;
  }
  const broken = rule.check(node.attrs as Attrs);
  if (broken !== undefined) return `attributes not in normal form: ${broken}`;
  if (node.op === 'input' || node.op === 'param' || node.op === 'constant') {
    if (node.inputs.length > 0) return 'a leaf has no inputs';
    if (node.op !== 'constant') return undefined;
    const data = node.attrs.data;
    if (!(data instanceof ARRAY_CLASS[node.dtype]))
      return `constant data is not a ${ARRAY_CLASS[node.dtype].name}`;
    if (data.length !== sizeOf(node.shape)) {
      return `constant has ${data.length} elements for ${formatType(node.dtype, node.shape)}`;
    }
    return undefined;
  }
  try {
    const type = inferType(node.op, node.inputs, node.attrs);
    if (type.dtype === node.dtype && sameShape(type.shape, node.shape)) return undefined;
    return `type is ${formatType(node.dtype, node.shape)} but ${node.op} infers ${formatType(type.dtype, type.shape)}`;
  } catch (e) {
    if (e instanceof TensorWasmError) return `the ${node.op} rule fails: ${e.message}`;
    throw e;
  }
}

/** Every distinct node reachable from `roots`, or the first id shared by two different nodes. */
function collect(roots: readonly Node[]): { nodes: Node[]; clash?: number } {
  const byId = new Map<number, Node>();
  const stack = [...roots];
  for (let node = stack.pop(); node !== undefined; node = stack.pop()) {
    const seen = byId.get(node.id);
    if (seen === node) continue;
    if (seen !== undefined) return { nodes: [], clash: node.id };
    byId.set(node.id, node);
    for (const input of node.inputs) if (isNode(input)) stack.push(input);
  }
  return { nodes: [...byId.values()].sort((a, b) => a.id - b.id) };
}

/**
 * Verifies the graph that `outputs` and `leaves` (inputs and params, including
 * unused ones) span, and throws an InternalError naming `stage`, the node and
 * the broken rule. Run it after every pass.
 *
 * @example
 * verifyGraph(graph.outputs, graph.leaves, 'simplify');
 */
export function verifyGraph(
  outputs: readonly (readonly [string, Node])[],
  leaves: readonly Node[] = [],
  stage = 'graph',
): void {
  const fail = (message: string, details: Attrs = {}): never => {
    throw new InternalError(stage, `IR verifier: ${message}`, details);
  };
  for (const leaf of leaves) {
    if (leaf.op !== 'input' && leaf.op !== 'param')
      fail(`leaf node ${leaf.id} is a ${leaf.op}, not an input or param`);
  }
  const { nodes, clash } = collect([...leaves, ...outputs.map(([, node]) => node)]);
  if (clash !== undefined) fail(`two different nodes have id ${clash}`, { nodeId: clash });
  const names = new Set<string>();
  for (const node of nodes) {
    const rule = checkNode(node);
    if (rule !== undefined)
      fail(`node ${node.id} (${node.op}): ${rule}`, { nodeId: node.id, op: node.op, rule });
    if (node.op === 'input' || node.op === 'param') {
      if (names.has(node.attrs.name))
        fail(`node ${node.id} (${node.op}): name "${node.attrs.name}" is used twice`);
      names.add(node.attrs.name);
    }
  }
  for (const [name, node] of outputs) {
    if (typeof name !== 'string' || !NAME_PATTERN.test(name))
      fail(`output name ${JSON.stringify(name)} is invalid`);
    if (names.has(name)) fail(`output name "${name}" is used twice`, { name, nodeId: node.id });
    names.add(name);
  }
}
