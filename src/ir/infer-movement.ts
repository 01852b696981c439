/**
 * Shape and dtype rules of the movement and data-movement ops (reshape,
 * transpose, expand, slice, pad, gather, concat), over normalized attributes.
 */
import { DTypeError, ShapeError } from '../common/errors.js';
import { checkArity, checkAxesAttr, operand, promote, type RuleTable } from './infer-checks.js';
import { broadcastsTo, formatShape, sizeOf } from './shape.js';

type MovementOp =
  'reshape' | 'transpose' | 'expand' | 'slice' | 'pad' | 'gather' | 'concat' | 'gatherElements';

/** The rules of the movement ops, merged into infer.ts's table. */
export const MOVEMENT_RULES: Pick<RuleTable, MovementOp> = {
  reshape: (inputs, attrs) => {
    checkArity('reshape', inputs, 1);
    const x = operand('reshape', inputs, 0);
    if (sizeOf(attrs.shape) !== sizeOf(x.shape)) {
      throw new ShapeError(
        `reshape: element count differs: ${formatShape(x.shape)} (${sizeOf(x.shape)}) -> ${formatShape(attrs.shape)} (${sizeOf(attrs.shape)})`,
        { op: 'reshape', from: x.shape, to: attrs.shape },
        'The new shape must have the same number of elements',
      );
    }
    return { shape: attrs.shape, dtype: x.dtype };
  },
  transpose: (inputs, attrs) => {
    checkArity('transpose', inputs, 1);
    const x = operand('transpose', inputs, 0);
    const rank = x.shape.length;
    const sorted = [...attrs.perm].sort((p, q) => p - q);
    if (attrs.perm.length !== rank || sorted.some((p, i) => p !== i)) {
      throw new ShapeError(
        `transpose: perm ${JSON.stringify(attrs.perm)} is not a permutation of the ${rank} axes of ${formatShape(x.shape)}`,
        { op: 'transpose', perm: attrs.perm, shape: x.shape },
      );
    }
    return { shape: attrs.perm.map((p) => x.shape[p] ?? 0), dtype: x.dtype };
  },
  expand: (inputs, attrs) => {
    checkArity('expand', inputs, 1);
    const x = operand('expand', inputs, 0);
    if (!broadcastsTo(x.shape, attrs.shape)) {
      throw new ShapeError(
        `expand: ${formatShape(x.shape)} cannot be broadcast to ${formatShape(attrs.shape)}`,
        { op: 'expand', from: x.shape, to: attrs.shape },
        'Each dimension must equal the target or be 1',
      );
    }
    return { shape: attrs.shape, dtype: x.dtype };
  },
  slice: (inputs, attrs) => {
    checkArity('slice', inputs, 1);
    const x = operand('slice', inputs, 0);
    if (attrs.axes.length !== x.shape.length) {
      throw new ShapeError(
        `slice: ${attrs.axes.length} ranges for rank ${x.shape.length} (${formatShape(x.shape)})`,
        { op: 'slice' },
      );
    }
    attrs.axes.forEach((r, i) => {
      const dim = x.shape[i] ?? 0;
      const last = r.start + (r.size - 1) * r.step;
      const ok =
        Number.isInteger(r.start) &&
        Number.isInteger(r.step) &&
        Number.isInteger(r.size) &&
        r.step !== 0 &&
        r.size >= 0 &&
        (r.size === 0 || (r.start >= 0 && r.start < dim && last >= 0 && last < dim));
      if (!ok) {
        throw new ShapeError(
          `slice: axis ${i} reads outside [0, ${dim}) (start ${r.start}, step ${r.step}, size ${r.size})`,
          { op: 'slice', axis: i, range: r },
        );
      }
    });
    return { shape: attrs.axes.map((r) => r.size), dtype: x.dtype };
  },
  pad: (inputs, attrs) => {
    checkArity('pad', inputs, 1);
    const x = operand('pad', inputs, 0);
    if (attrs.widths.length !== x.shape.length) {
      throw new ShapeError(
        `pad: ${attrs.widths.length} widths for rank ${x.shape.length} (${formatShape(x.shape)})`,
        { op: 'pad', widths: attrs.widths },
        'Give one [before, after] pair per axis',
      );
    }
    for (const [b, a] of attrs.widths) {
      if (!Number.isInteger(b) || !Number.isInteger(a) || b < 0 || a < 0) {
        throw new ShapeError(
          `pad: widths must be non-negative integers (got ${JSON.stringify(attrs.widths)})`,
          { op: 'pad', widths: attrs.widths },
        );
      }
    }
    return {
      shape: x.shape.map((d, i) => d + (attrs.widths[i]?.[0] ?? 0) + (attrs.widths[i]?.[1] ?? 0)),
      dtype: x.dtype,
    };
  },
  gather: (inputs, attrs) => {
    checkArity('gather', inputs, 2);
    const x = operand('gather', inputs, 0);
    const idx = operand('gather', inputs, 1);
    if (idx.dtype !== 'i32') {
      throw new DTypeError(
        `gather: indices must be i32 (got ${idx.dtype})`,
        { op: 'gather', dtype: idx.dtype },
        'Cast them with .cast("i32")',
      );
    }
    checkAxesAttr('gather', [attrs.axis], x.shape.length);
    const shape = [...x.shape.slice(0, attrs.axis), ...idx.shape, ...x.shape.slice(attrs.axis + 1)];
    return { shape, dtype: x.dtype };
  },
  gatherElements: (inputs, attrs) => {
    const op = 'gatherElements';
    checkArity(op, inputs, 2);
    const x = operand(op, inputs, 0);
    const idx = operand(op, inputs, 1);
    if (idx.dtype !== 'i32') {
      throw new DTypeError(
        `${op}: indices must be i32 (got ${idx.dtype})`,
        { op, dtype: idx.dtype },
        'Cast them with .cast("i32")',
      );
    }
    checkAxesAttr(op, [attrs.axis], x.shape.length);
    const fits =
      idx.shape.length === x.shape.length &&
      idx.shape.every((d, i) => i === attrs.axis || d <= (x.shape[i] ?? 0)) &&
      ((x.shape[attrs.axis] ?? 0) > 0 || sizeOf(idx.shape) === 0);
    if (!fits) {
      throw new ShapeError(
        `${op}: indices ${formatShape(idx.shape)} do not fit x ${formatShape(x.shape)} on axis ${attrs.axis}`,
        { op, shapes: [x.shape, idx.shape], axis: attrs.axis },
        'Indices need the rank of x, and no larger a dimension than x off the axis (and a non-empty axis)',
      );
    }
    return { shape: idx.shape, dtype: x.dtype };
  },
  concat: (inputs, attrs) => {
    if (inputs.length === 0) throw new ShapeError('concat: needs at least one tensor', { op: 'concat' });
    const first = operand('concat', inputs, 0);
    const rank = first.shape.length;
    checkAxesAttr('concat', [attrs.axis], rank);
    let total = 0;
    let dtype = first.dtype;
    for (const v of inputs) {
      const same =
        v.shape.length === rank && v.shape.every((d, i) => i === attrs.axis || d === first.shape[i]);
      if (!same) {
        throw new ShapeError(
          `concat: shapes differ off axis ${attrs.axis}: ${formatShape(first.shape)} and ${formatShape(v.shape)}`,
          { op: 'concat', shapes: inputs.map((i) => i.shape), axis: attrs.axis },
          'All tensors need the same rank and the same dimensions except along the axis',
        );
      }
      total += v.shape[attrs.axis] ?? 0;
      dtype = promote(dtype, v.dtype);
    }
    const shape = first.shape.map((d, i) => (i === attrs.axis ? total : d));
    return { shape, dtype };
  },
};
