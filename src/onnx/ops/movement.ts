/**
 * Data movement ONNX ops: Reshape, Transpose, Expand, Squeeze, Unsqueeze,
 * Flatten, Concat, Gather, Slice, Pad (constant, reflect, edge, wrap), Tile. Shape-like
 * operands (shapes, axes, starts, pads) must be known at import; attributes
 * that became inputs (Reshape 5, Slice 10, Pad 11, Squeeze/Unsqueeze 13) are
 * read from wherever the node's opset keeps them.
 */
import type { Tensor } from '../../ir/tensor.js';
import type { PadMode } from '../../ir/build/data-movement.js';
import type { SliceRange } from '../../ir/tensor-args.js';
import { elementCount } from '../decode-model.js';
import { ElemType as E } from '../elem-types.js';
import type { NodeContext } from '../node-context.js';
import type { OpTable } from '../op-entry.js';

const INDEX = [E.int32, E.int64];

/** Axes from the attribute (before `inputSince`) or the optional input `input`. */
function axesOf(n: NodeContext, inputSince: number, input: number): number[] | undefined {
  if (n.opset < inputSince) return n.ints('axes');
  return n.has(input) ? n.numbers(input, 'axes') : undefined;
}

function distinct(n: NodeContext, axes: readonly number[]): void {
  if (new Set(axes).size !== axes.length) n.invalid(`axes [${axes.join(',')}] repeat an axis`);
}

function reshape(n: NodeContext): Tensor {
  const x = n.tensor(0);
  let dims: number[];
  if (n.opset < 5) {
    n.ignore('consumed_inputs');
    dims = n.ints('shape') ?? n.invalid('attribute shape is required');
  } else {
    n.checkTypes([E.int64], [1]);
    dims = n.numbers(1, 'shape');
  }
  const allowzero = n.opset >= 14 && n.int('allowzero', 0) === 1;
  if (allowzero && dims.includes(0) && dims.includes(-1))
    n.invalid('allowzero with both 0 and -1 in the shape');
  const resolved = dims.map((d, i) => {
    if (d === 0 && !allowzero) {
      if (i >= x.rank) n.invalid(`shape[${i}] = 0 copies a dimension the input does not have`);
      return x.shape[i] as number;
    }
    if (d < -1 || !Number.isInteger(d)) n.invalid(`shape [${dims.join(',')}] has an invalid dimension ${d}`);
    return d;
  });
  return x.reshape(resolved);
}

/** ONNX Expand: bidirectional broadcast of the input with the given shape. */
function expand(n: NodeContext): Tensor {
  const x = n.tensor(0);
  n.checkTypes([E.int64], [1]);
  const shape = n.numbers(1, 'shape');
  const rank = Math.max(x.rank, shape.length);
  const out: number[] = [];
  for (let i = 0; i < rank; i++) {
    const a = x.shape[i - (rank - x.rank)] ?? 1;
    const b = shape[i - (rank - shape.length)] ?? 1;
    if (a !== b && a !== 1 && b !== 1)
      n.invalid(`[${x.shape.join(',')}] does not broadcast with [${shape.join(',')}]`);
    out.push(a === 1 ? b : a);
  }
  return x.expand(out);
}

function squeeze(n: NodeContext): Tensor {
  const x = n.tensor(0);
  const axes = axesOf(n, 13, 1)?.map((a) => n.axis(a, x.rank));
  if (axes === undefined) return x.squeeze();
  distinct(n, axes);
  return x.squeeze(axes);
}

function unsqueeze(n: NodeContext): Tensor {
  const x = n.tensor(0);
  const given = axesOf(n, 13, 1);
  if (given === undefined) n.invalid('axes are required');
  const rank = x.rank + given.length;
  const axes = given.map((a) => n.axis(a, rank));
  distinct(n, axes);
  const shape: number[] = [];
  let next = 0;
  for (let i = 0; i < rank; i++) shape.push(axes.includes(i) ? 1 : (x.shape[next++] as number));
  return x.reshape(shape);
}

function flatten(n: NodeContext): Tensor {
  const x = n.tensor(0);
  const raw = n.int('axis', 1);
  if (raw < -x.rank || raw > x.rank) n.invalid(`axis ${raw} is out of range for rank ${x.rank}`);
  const axis = raw < 0 ? raw + x.rank : raw;
  return x.reshape([elementCount(x.shape.slice(0, axis)), elementCount(x.shape.slice(axis))]);
}

function concat(n: NodeContext): Tensor {
  const tensors = Array.from({ length: n.inputCount }, (_, i) => n.tensor(i));
  const first = tensors[0] ?? n.invalid('needs at least one input');
  const axis = n.axis(n.int('axis', n.opset < 4 ? 1 : NaN), first.rank);
  if (tensors.length === 1) return first;
  return n.graph.concat(tensors, axis);
}

function gather(n: NodeContext): Tensor {
  n.checkTypes(INDEX, [1]);
  const x = n.tensor(0);
  return x.gather(n.tensor(1), n.axis(n.int('axis', 0), x.rank));
}

function slice(n: NodeContext): Tensor {
  const x = n.tensor(0);
  let starts: number[];
  let ends: number[];
  let axes: number[] | undefined;
  let steps: number[] | undefined;
  if (n.opset < 10) {
    starts = n.ints('starts') ?? n.invalid('attribute starts is required');
    ends = n.ints('ends') ?? n.invalid('attribute ends is required');
    axes = n.ints('axes');
  } else {
    n.checkTypes(INDEX, [1, 2, 3, 4]);
    starts = n.numbers(1, 'starts');
    ends = n.numbers(2, 'ends');
    axes = n.has(3) ? n.numbers(3, 'axes') : undefined;
    steps = n.has(4) ? n.numbers(4, 'steps') : undefined;
  }
  const list = (axes ?? starts.map((_, i) => i)).map((a) => n.axis(a, x.rank));
  distinct(n, list);
  if (
    ends.length !== starts.length ||
    list.length !== starts.length ||
    (steps !== undefined && steps.length !== starts.length)
  ) {
    n.invalid('starts, ends, axes and steps must have the same length');
  }
  const ranges: SliceRange[] = x.shape.map(() => null);
  list.forEach((axis, i) => {
    const step = steps?.[i] ?? 1;
    if (step === 0) n.invalid('a step is 0');
    ranges[axis] = [starts[i] as number, ends[i] as number, step];
  });
  return x.slice(ranges);
}

function pad(n: NodeContext): Tensor {
  const x = n.tensor(0);
  let pads: number[];
  let value: number | Tensor;
  let axes: number[] | undefined;
  if (n.opset < 11) {
    pads = n.ints(n.opset < 2 ? 'paddings' : 'pads') ?? n.invalid('attribute pads is required');
    value = n.float('value', 0);
  } else {
    n.checkTypes([E.int64], [1]);
    pads = n.numbers(1, 'pads');
    value = !n.has(2)
      ? 0
      : n.known(2) !== undefined
        ? n.scalar(2, 'constant_value')
        : n.tensor(2).reshape([]);
    axes = n.opset >= 18 && n.has(3) ? n.numbers(3, 'axes').map((a) => n.axis(a, x.rank)) : undefined;
  }
  const mode = n.string('mode', 'constant');
  // wrap came with opset 19; edge and reflect are as old as Pad
  const modes = n.opset >= 19 ? ['constant', 'reflect', 'edge', 'wrap'] : ['constant', 'reflect', 'edge'];
  if (!modes.includes(mode)) n.invalid(`mode="${mode}" (expected ${modes.join(', ')})`);
  const list = axes ?? x.shape.map((_, i) => i);
  distinct(n, list);
  if (pads.length !== 2 * list.length)
    n.invalid(`pads has ${pads.length} values (expected ${2 * list.length})`);
  if (pads.some((p) => p < 0)) n.refuse('negative pads (cropping) are not supported');
  const widths: [number, number][] = x.shape.map(() => [0, 0]);
  list.forEach((axis, i) => {
    widths[axis] = [pads[i] as number, pads[i + list.length] as number];
  });
  if (typeof value === 'number') return x.pad(widths, value, mode as PadMode);
  if (mode !== 'constant') return x.pad(widths, 0, mode as PadMode);
  // a constant_value computed at run time: the padding is where a padded mask is true
  const border = n.graph.constant(new Uint8Array(x.size), [...x.shape], 'bool').pad(widths, 1);
  return n.graph.where(border, value, x.pad(widths, 0));
}

/** Tile as reshape + expand + reshape: [d0, d1] by [r0, r1] = [r0, d0, r1, d1] merged pairwise. */
function tile(n: NodeContext): Tensor {
  const x = n.tensor(0);
  n.checkTypes([E.int64], [1]);
  const repeats = n.numbers(1, 'repeats');
  if (repeats.length !== x.rank || repeats.some((r) => r < 0 || !Number.isInteger(r))) {
    n.invalid(`repeats [${repeats.join(',')}] must be ${x.rank} non-negative counts`);
  }
  const lifted = x.reshape(x.shape.flatMap((d) => [1, d]));
  const spread = lifted.expand(x.shape.flatMap((d, i) => [repeats[i] as number, d]));
  return spread.reshape(x.shape.map((d, i) => d * (repeats[i] as number)));
}

export const movementOps: OpTable = {
  Reshape: { since: 1, run: reshape },
  Transpose: {
    since: 1,
    run: (n) => {
      const x = n.tensor(0);
      const perm = n.ints('perm');
      return x.transpose(perm?.map((a) => n.axis(a, x.rank)));
    },
  },
  Expand: { since: 8, run: expand },
  Squeeze: { since: 1, run: squeeze },
  Unsqueeze: { since: 1, run: unsqueeze },
  Flatten: { since: 1, run: flatten },
  Concat: { since: 1, run: concat },
  Gather: { since: 1, run: gather },
  Slice: { since: 1, run: slice },
  Pad: { since: 1, run: pad },
  Tile: { since: 6, run: tile },
};
