/**
 * Data-movement ONNX ops built on the builder's view-based helpers: Split
 * (sizes as an attribute before opset 13, an input from 13, num_outputs from
 * 18), DepthToSpace, SpaceToDepth, CumSum, GatherElements, TopK, Einsum.
 * Sizes, k and axis inputs must be known at import (Trilu is in matrix.ts, Mod in elementwise.ts).
 */
import type { Tensor } from '../../ir/tensor.js';
import { ElemType as E, INT_ELEMS } from '../elem-types.js';
import type { NodeContext } from '../node-context.js';
import type { OpTable } from '../op-entry.js';

const INDEX = [E.int32, E.int64];
const NUMERIC = [E.float, E.int32, E.int64];
const ANY = [E.float, ...INT_ELEMS, E.bool];

/**
 * Split into the node's outputs: by the given sizes, else (num_outputs or the
 * output count) parts of ceil(n/count) with a smaller last one, as ONNX's
 * reference splits; a count whose ceil-sized parts overrun the axis is refused.
 */
function split(n: NodeContext): Tensor[] {
  n.checkTypes(ANY, [0]);
  const x = n.tensor(0);
  const axis = n.axis(n.int('axis', 0), x.rank);
  const length = x.shape[axis] ?? 0;
  const outputs = n.node.outputs.length;
  let sizes: number[] | undefined;
  if (n.opset < 13) sizes = n.opset < 2 && n.has(1) ? n.numbers(1, 'split') : n.ints('split');
  else if (n.has(1)) {
    n.checkTypes([E.int64], [1]);
    sizes = n.numbers(1, 'split');
  }
  const numOutputs = n.opset >= 18 && n.hasAttr('num_outputs') ? n.int('num_outputs', 0) : undefined;
  if (sizes !== undefined) {
    if (numOutputs !== undefined) n.invalid('split and num_outputs are both given');
    if (sizes.length !== outputs) n.invalid(`split has ${sizes.length} sizes for ${outputs} outputs`);
    return x.split(sizes, axis);
  }
  const count = numOutputs ?? outputs;
  if (count !== outputs) n.invalid(`num_outputs ${count} differs from the ${outputs} outputs`);
  if (count < 1) n.invalid('needs at least one output');
  if ((count - 1) * Math.ceil(length / count) > length)
    n.refuse(`${count} parts of ${Math.ceil(length / count)} overrun the axis of ${length}`);
  return x.split(count, axis);
}

function blocksizeOf(n: NodeContext): number {
  if (!n.hasAttr('blocksize')) n.invalid('attribute blocksize is required');
  return n.int('blocksize', 1);
}

function depthToSpace(n: NodeContext): Tensor {
  n.checkTypes(ANY);
  const mode = n.opset >= 11 ? n.string('mode', 'DCR') : 'DCR';
  if (mode !== 'DCR' && mode !== 'CRD') n.invalid(`mode="${mode}" (expected DCR or CRD)`);
  return n.tensor(0).depthToSpace(blocksizeOf(n), mode);
}

function cumsum(n: NodeContext): Tensor {
  n.checkTypes(NUMERIC, [0]);
  n.checkTypes(INDEX, [1]);
  const x = n.tensor(0);
  if (n.shape(1).length > 1) n.invalid('axis must be a scalar');
  const axis = n.axis(n.scalar(1, 'axis'), x.rank);
  return x.cumsum(axis, n.int('exclusive', 0) !== 0, n.int('reverse', 0) !== 0);
}

function gatherElements(n: NodeContext): Tensor {
  n.checkTypes(ANY, [0]);
  n.checkTypes(INDEX, [1]);
  const x = n.tensor(0);
  return x.gatherElements(n.tensor(1), n.axis(n.int('axis', 0), x.rank));
}

/**
 * TopK: k as an attribute before opset 10, an input from 10; largest and
 * sorted from 11 (results are always sorted, which sorted=0 allows).
 * Returns the values and their indices (int64).
 */
function topK(n: NodeContext): [Tensor, Tensor] {
  n.checkTypes(NUMERIC, [0]);
  const x = n.tensor(0);
  let k: number;
  if (n.opset < 10) {
    if (!n.hasAttr('k')) n.invalid('attribute k is required');
    k = n.int('k', 0);
  } else {
    n.checkTypes([E.int64], [1]);
    k = n.scalar(1, 'k');
  }
  let largest = true;
  if (n.opset >= 11) {
    largest = n.int('largest', 1) !== 0;
    n.ignore('sorted');
  }
  return x.topK(k, n.axis(n.int('axis', -1), x.rank), largest);
}

/** Einsum over the node's inputs (one element type among them). */
function einsum(n: NodeContext): Tensor {
  n.checkTypes(NUMERIC);
  const tensors = Array.from({ length: n.inputCount }, (_, i) => n.tensor(i));
  if (tensors.length === 0) n.invalid('needs at least one input');
  if (tensors.some((_, i) => n.elemType(i) !== n.elemType(0))) n.invalid('inputs must have one element type');
  if (!n.hasAttr('equation')) n.invalid('attribute equation is required');
  return n.graph.einsum(n.string('equation', ''), tensors);
}

/**
 * CenterCropPad: each listed axis cropped or zero-padded to its size in
 * `shape` (known at import), centred as ONNX's reference does: a crop starts
 * at floor((dim - size) / 2), a pad puts floor((size - dim) / 2) zeros before.
 */
function centerCropPad(n: NodeContext): Tensor {
  n.checkTypes(ANY, [0]);
  n.checkTypes([E.int32, E.int64], [1]);
  const x = n.tensor(0);
  const sizes = n.numbers(1, 'shape');
  const axes = (n.ints('axes') ?? x.shape.map((_, i) => i)).map((a) => n.axis(a, x.rank));
  if (sizes.length !== axes.length) n.invalid(`shape has ${sizes.length} sizes for ${axes.length} axes`);
  const target = [...x.shape];
  axes.forEach((a, i) => {
    const size = sizes[i] as number;
    if (!Number.isInteger(size) || size < 0) n.invalid(`shape[${i}] = ${size} is not a size`);
    target[a] = size;
  });
  const crop = x.shape.map((dim, a) => {
    const size = target[a] as number;
    const start = Math.floor((dim - size) / 2);
    return size < dim ? ([start, start + size] as [number, number]) : null;
  });
  const cropped = x.slice(crop);
  const pads = x.shape.map((dim, a) => {
    const size = target[a] as number;
    const before = Math.floor((size - dim) / 2);
    return size > dim ? ([before, size - dim - before] as const) : ([0, 0] as const);
  });
  return pads.every(([b, e]) => b === 0 && e === 0) ? cropped : cropped.pad(pads);
}

/** An entry whose result keeps input 0's element type. */
function keepsType(since: number, build: (n: NodeContext) => Tensor): OpTable[string] {
  return { since, run: (n) => n.out(build(n), n.elemType(0)) };
}

export const dataOps: OpTable = {
  Split: { since: 1, run: (n) => split(n).map((t) => n.out(t, n.elemType(0))) },
  DepthToSpace: keepsType(1, depthToSpace),
  SpaceToDepth: keepsType(1, (n) => {
    n.checkTypes(ANY);
    return n.tensor(0).spaceToDepth(blocksizeOf(n));
  }),
  CumSum: keepsType(11, cumsum),
  GatherElements: keepsType(11, gatherElements),
  TopK: {
    since: 1,
    run: (n) => {
      const [values, indices] = topK(n);
      return [n.out(values, n.elemType(0)), n.out(indices, E.int64)];
    },
  },
  Einsum: keepsType(12, einsum),
  CenterCropPad: keepsType(18, centerCropPad),
};
