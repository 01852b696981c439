/**
 * Movement and data-movement nodes (reshape transpose expand slice pad gather
 * concat): each output element is one input element (or pad's fill value),
 * found by mapping the output's coordinates back to the input's.
 */
import { castNumber, type TypedArray } from '../../common/dtype.js';
import { InputError } from '../../common/errors.js';
import type { NodeOf } from '../node.js';
import { formatShape, stridesOf } from '../shape.js';
import { broadcastIndexMap, forEachIndex, splitAtAxis, stridedIndexMap } from './indexing.js';
import { argAt, at, convert, makeResult, type Operand } from './operands.js';

/** reshape: the same elements in the same row-major order. */
export function evaluateReshape(node: NodeOf<'reshape'>, args: readonly Operand[]): TypedArray {
  const x = argAt(node, args, 0);
  const out = makeResult(node);
  out.set(x.data);
  return out;
}

/** transpose: output axis i is input axis perm[i], so `out[c] = x[sum_i c[i] * xStride[perm[i]]]`. */
export function evaluateTranspose(node: NodeOf<'transpose'>, args: readonly Operand[]): TypedArray {
  const x = argAt(node, args, 0);
  const xStrides = stridesOf(x.shape);
  const map = stridedIndexMap(
    node.shape,
    node.attrs.perm.map((p) => at(xStrides, p)),
  );
  const out = makeResult(node);
  for (let o = 0; o < out.length; o++) out[o] = at(x.data, at(map, o));
  return out;
}

/** expand: NumPy broadcast_to. */
export function evaluateExpand(node: NodeOf<'expand'>, args: readonly Operand[]): TypedArray {
  const x = argAt(node, args, 0);
  const map = broadcastIndexMap(x.shape, node.shape);
  const out = makeResult(node);
  for (let o = 0; o < out.length; o++) out[o] = at(x.data, at(map, o));
  return out;
}

/** slice: output coordinate j on axis i reads input coordinate `start_i + j * step_i` (steps may be negative). */
export function evaluateSlice(node: NodeOf<'slice'>, args: readonly Operand[]): TypedArray {
  const x = argAt(node, args, 0);
  const xStrides = stridesOf(x.shape);
  const ranges = node.shape.map((_, i) => node.attrs.axes[i] ?? { start: 0, step: 0 });
  const base = ranges.reduce((sum, r, i) => sum + r.start * at(xStrides, i), 0);
  const map = stridedIndexMap(
    node.shape,
    ranges.map((r, i) => r.step * at(xStrides, i)),
    base,
  );
  const out = makeResult(node);
  for (let o = 0; o < out.length; o++) out[o] = at(x.data, at(map, o));
  return out;
}

/**
 * pad: output coordinate c on axis i reads input coordinate `c - before_i`
 * when that is inside the input, else the fill value (cast to the dtype like a
 * constant: f32 rounds, i32 truncates, bool is `value != 0`).
 */
export function evaluatePad(node: NodeOf<'pad'>, args: readonly Operand[]): TypedArray {
  const x = argAt(node, args, 0);
  const xStrides = stridesOf(x.shape);
  const fill = castNumber(node.dtype, node.attrs.value);
  const out = makeResult(node);
  forEachIndex(node.shape, (coords, flat) => {
    let src = 0;
    let inside = true;
    coords.forEach((c, i) => {
      const inner = c - (node.attrs.widths[i]?.[0] ?? 0);
      if (inner < 0 || inner >= at(x.shape, i)) inside = false;
      src += inner * at(xStrides, i);
    });
    out[flat] = inside ? at(x.data, src) : fill;
  });
  return out;
}

/**
 * gather (NumPy take): `out[pre, idx..., post] = x[pre, indices[idx...], post]`,
 * result shape `x.shape[:axis] + indices.shape + x.shape[axis+1:]`. A negative
 * index counts from the end; one outside [-size, size) is an InputError. Every
 * index is read (and checked) exactly when the result has elements; an empty
 * result reads none, as compiled code does.
 */
export function evaluateGather(node: NodeOf<'gather'>, args: readonly Operand[]): TypedArray {
  const x = argAt(node, args, 0);
  const indices = argAt(node, args, 1);
  const axis = node.attrs.axis;
  const { outer, size, inner } = splitAtAxis(x.shape, axis);
  const out = makeResult(node);
  if (out.length === 0) return out;
  const resolved = Array.from(indices.data, (index) => {
    if (!(index >= -size && index < size)) {
      throw new InputError(
        `gather: index ${index} is out of range for axis ${axis} of size ${size} in ${formatShape(x.shape)} (expected an integer in [${-size}, ${size - 1}])`,
        { op: 'gather', index, axis, size, shape: x.shape },
        'Indices count from 0, or from the end when negative',
      );
    }
    return index < 0 ? index + size : index;
  });
  const count = resolved.length;
  for (let o = 0; o < outer; o++) {
    for (let j = 0; j < count; j++) {
      const row = at(resolved, j);
      for (let q = 0; q < inner; q++) {
        out[(o * count + j) * inner + q] = at(x.data, (o * size + row) * inner + q);
      }
    }
  }
  return out;
}

/**
 * concat along `attrs.axis`: the operands' lanes laid end to end, each operand
 * converted to the result dtype (the promoted one) first.
 */
export function evaluateConcat(node: NodeOf<'concat'>, args: readonly Operand[]): TypedArray {
  const axis = node.attrs.axis;
  const { outer, size: total, inner } = splitAtAxis(node.shape, axis);
  const out = makeResult(node);
  let offset = 0;
  for (const part of args) {
    const values = convert(part, node.dtype);
    const size = at(part.shape, axis);
    for (let o = 0; o < outer; o++) {
      for (let k = 0; k < size; k++) {
        for (let q = 0; q < inner; q++) {
          out[(o * total + offset + k) * inner + q] = at(values, (o * size + k) * inner + q);
        }
      }
    }
    offset += size;
  }
  return out;
}

/**
 * gatherElements (ONNX GatherElements, PyTorch gather): the result has the
 * indices' shape, and `out[c] = x[c with c[axis] replaced by indices[c]]`. A
 * negative index counts from the end; one outside [-size, size) is an InputError.
 */
export function evaluateGatherElements(node: NodeOf<'gatherElements'>, args: readonly Operand[]): TypedArray {
  const x = argAt(node, args, 0);
  const indices = argAt(node, args, 1);
  const axis = node.attrs.axis;
  const size = at(x.shape, axis);
  const xStrides = stridesOf(x.shape);
  const out = makeResult(node);
  forEachIndex(node.shape, (coords, flat) => {
    const index = at(indices.data, flat);
    if (!(index >= -size && index < size)) {
      throw new InputError(
        `gatherElements: index ${index} is out of range for axis ${axis} of size ${size} in ${formatShape(x.shape)} (expected an integer in [${-size}, ${size - 1}])`,
        { op: 'gatherElements', index, axis, size, shape: x.shape },
        'Indices count from 0, or from the end when negative',
      );
    }
    let src = 0;
    coords.forEach(
      (c, i) => (src += (i === axis ? (index < 0 ? index + size : index) : c) * at(xStrides, i)),
    );
    out[flat] = at(x.data, src);
  });
  return out;
}
