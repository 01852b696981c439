/**
 * Shape and dtype rules of the window ops (conv, convTranspose, the pools) and
 * batchNorm, over normalized attributes (see build/conv-args.ts). Operands are
 * [N, C, D...]; every rule throws ShapeError/DTypeError naming the op, the
 * shapes and the rule that fails.
 */
import { DTypeError, ShapeError } from '../common/errors.js';
import type { ValueType } from './node.js';
import type { OpAttrs, PoolAttrs, WindowAttrs } from './ops.js';
import { operand, type RuleTable } from './infer-checks.js';
import { formatShape, type Shape } from './shape.js';

/** Extent of a window with `k` taps `d` apart: (k - 1)·d + 1. */
export function windowExtent(k: number, d: number): number {
  return (k - 1) * d + 1;
}

/**
 * Output size of a forward window along one axis: floor((in + pads - extent) / s) + 1,
 * or with ceil mode the ceiling, less one when the last window would start past the
 * input and its beginning padding (ONNX's and PyTorch's rule).
 */
export function windowOutputSize(
  size: number,
  k: number,
  s: number,
  d: number,
  padBegin: number,
  padEnd: number,
  ceilMode: boolean,
): number {
  const span = size + padBegin + padEnd - windowExtent(k, d);
  if (span < 0) return 0;
  if (!ceilMode) return Math.floor(span / s) + 1;
  let out = Math.ceil(span / s) + 1;
  if ((out - 1) * s >= size + padBegin) out -= 1;
  return out;
}

function float(op: string, v: ValueType): void {
  if (v.dtype !== 'f32')
    throw new DTypeError(
      `${op}: operands must be f32 (got ${v.dtype})`,
      { op, dtype: v.dtype },
      'Cast first, e.g. x.cast("f32")',
    );
}

function arity(op: string, inputs: readonly ValueType[], n: number): void {
  if (inputs.length !== n)
    throw new ShapeError(`${op}: expected ${n} operand(s) (got ${inputs.length})`, { op });
}

/** Checks attribute list lengths and values against the spatial rank `n`. */
function checkWindow(op: string, a: WindowAttrs, n: number, x: Shape, minPad = 0): void {
  const ok = (list: readonly number[], len: number, min: number): boolean =>
    list.length === len && list.every((v) => Number.isInteger(v) && v >= min);
  if (!ok(a.strides, n, 1) || !ok(a.dilations, n, 1) || !ok(a.pads, 2 * n, minPad))
    throw new ShapeError(
      `${op}: strides/dilations need ${n} integers >= 1 and pads ${2 * n} integers${minPad === 0 ? ' >= 0' : ''} for input ${formatShape(x)}`,
      { op, strides: a.strides, dilations: a.dilations, pads: a.pads },
    );
}

function checkInput(op: string, x: ValueType): number {
  float(op, x);
  if (x.shape.length < 3)
    throw new ShapeError(
      `${op}: input must be [N, C, D...] with at least one spatial axis (got ${formatShape(x.shape)})`,
      {
        op,
        shape: x.shape,
      },
    );
  return x.shape.length - 2;
}

function checkBias(op: string, inputs: readonly ValueType[], hasBias: boolean, channels: number): void {
  arity(op, inputs, hasBias ? 3 : 2);
  if (!hasBias) return;
  const b = operand(op, inputs, 2);
  float(op, b);
  if (b.shape.length !== 1 || b.shape[0] !== channels)
    throw new ShapeError(`${op}: bias must be [${channels}] (got ${formatShape(b.shape)})`, {
      op,
      shape: b.shape,
    });
}

function checkGroups(op: string, groups: number, c: number, m: number, shapes: Shape[]): void {
  if (!Number.isInteger(groups) || groups < 1 || c % groups !== 0 || m % groups !== 0)
    throw new ShapeError(
      `${op}: groups ${groups} must divide the input channels ${c} and the output channels ${m} (${shapes.map(formatShape).join(', ')})`,
      { op, groups, shapes },
    );
}

/** Output shape of conv over x [N, C, D...] with w [M, C/groups, k...]. */
function convRule(inputs: readonly ValueType[], a: OpAttrs['conv']): ValueType {
  const op = 'conv';
  const x = operand(op, inputs, 0);
  const w = operand(op, inputs, 1);
  const n = checkInput(op, x);
  float(op, w);
  checkWindow(op, a, n, x.shape);
  if (w.shape.length !== n + 2)
    throw new ShapeError(
      `conv: weights must be [M, C/groups, k...] of rank ${n + 2} (got ${formatShape(w.shape)} for input ${formatShape(x.shape)})`,
      {
        op,
        shapes: [x.shape, w.shape],
      },
    );
  const c = x.shape[1] ?? 0;
  const m = w.shape[0] ?? 0;
  checkGroups(op, a.groups, c, m, [x.shape, w.shape]);
  if ((w.shape[1] ?? 0) * a.groups !== c)
    throw new ShapeError(
      `conv: weights ${formatShape(w.shape)} take ${w.shape[1]} channels per group but input ${formatShape(x.shape)} has ${c} / ${a.groups} groups`,
      { op, shapes: [x.shape, w.shape], groups: a.groups },
      'Weights are [M, C/groups, k...]',
    );
  checkBias(op, inputs, a.hasBias, m);
  const spatial = x.shape.slice(2).map((size, i) => {
    const k = w.shape[i + 2] ?? 1;
    const out = windowOutputSize(
      size,
      k,
      a.strides[i] ?? 1,
      a.dilations[i] ?? 1,
      a.pads[i] ?? 0,
      a.pads[i + n] ?? 0,
      false,
    );
    if (out < 1 && size + (a.pads[i] ?? 0) + (a.pads[i + n] ?? 0) < windowExtent(k, a.dilations[i] ?? 1))
      throw new ShapeError(
        `conv: the kernel's extent ${windowExtent(k, a.dilations[i] ?? 1)} on spatial axis ${i} exceeds the padded input ${size + (a.pads[i] ?? 0) + (a.pads[i + n] ?? 0)} (${formatShape(x.shape)} with ${formatShape(w.shape)})`,
        { op, shapes: [x.shape, w.shape], pads: a.pads },
      );
    return out;
  });
  return { shape: [x.shape[0] ?? 0, m, ...spatial], dtype: 'f32' };
}

/** Output shape of convTranspose over x [N, C, D...] with w [C, M/groups, k...]. */
function convTransposeRule(inputs: readonly ValueType[], a: OpAttrs['convTranspose']): ValueType {
  const op = 'convTranspose';
  const x = operand(op, inputs, 0);
  const w = operand(op, inputs, 1);
  const n = checkInput(op, x);
  float(op, w);
  // negative pads (from an outputShape past the full output) add zero outputs
  checkWindow(op, a, n, x.shape, -Infinity);
  if (w.shape.length !== n + 2)
    throw new ShapeError(
      `convTranspose: weights must be [C, M/groups, k...] of rank ${n + 2} (got ${formatShape(w.shape)} for input ${formatShape(x.shape)})`,
      {
        op,
        shapes: [x.shape, w.shape],
      },
    );
  const c = x.shape[1] ?? 0;
  if (w.shape[0] !== c)
    throw new ShapeError(
      `convTranspose: weights ${formatShape(w.shape)} must have ${c} input channels first (input ${formatShape(x.shape)})`,
      {
        op,
        shapes: [x.shape, w.shape],
      },
    );
  const m = (w.shape[1] ?? 0) * a.groups;
  checkGroups(op, a.groups, c, m, [x.shape, w.shape]);
  checkBias(op, inputs, a.hasBias, m);
  if (
    a.outputPadding.length !== n ||
    a.outputPadding.some(
      (p, i) => !Number.isInteger(p) || p < 0 || (p >= (a.strides[i] ?? 1) && p >= (a.dilations[i] ?? 1)),
    )
  )
    throw new ShapeError(
      `convTranspose: outputPadding ${formatShape(a.outputPadding)} needs ${n} integers >= 0, each below its stride or dilation`,
      { op, outputPadding: a.outputPadding },
    );
  const spatial = x.shape.slice(2).map((size, i) => {
    const full =
      (a.strides[i] ?? 1) * (size - 1) +
      (a.outputPadding[i] ?? 0) +
      windowExtent(w.shape[i + 2] ?? 1, a.dilations[i] ?? 1);
    const out = full - (a.pads[i] ?? 0) - (a.pads[i + n] ?? 0);
    if (size < 1 || out < 0)
      throw new ShapeError(
        `convTranspose: pads ${formatShape(a.pads)} remove more than the full output ${full} on spatial axis ${i} (input ${formatShape(x.shape)})`,
        { op, pads: a.pads },
      );
    return out;
  });
  return { shape: [x.shape[0] ?? 0, m, ...spatial], dtype: 'f32' };
}

const poolRule =
  (op: 'maxPool' | 'sumPool' | 'avgPool') =>
  (inputs: readonly ValueType[], a: PoolAttrs): ValueType => {
    arity(op, inputs, 1);
    const x = operand(op, inputs, 0);
    const n = checkInput(op, x);
    checkWindow(op, a, n, x.shape);
    if (a.kernelShape.length !== n || a.kernelShape.some((k) => !Number.isInteger(k) || k < 1))
      throw new ShapeError(
        `${op}: kernelShape needs ${n} integers >= 1 (got ${formatShape(a.kernelShape)})`,
        { op },
      );
    const spatial = x.shape.slice(2).map((size, i) => {
      const k = a.kernelShape[i] ?? 1;
      const d = a.dilations[i] ?? 1;
      const pb = a.pads[i] ?? 0;
      const pe = a.pads[i + n] ?? 0;
      if (pb >= windowExtent(k, d) || pe >= windowExtent(k, d))
        throw new ShapeError(
          `${op}: pads ${formatShape(a.pads)} must be smaller than the window ${formatShape(a.kernelShape)} on every axis`,
          {
            op,
            pads: a.pads,
          },
        );
      if (size + pb + pe < windowExtent(k, d))
        throw new ShapeError(
          `${op}: the window's extent ${windowExtent(k, d)} on spatial axis ${i} exceeds the padded input ${size + pb + pe} (${formatShape(x.shape)})`,
          { op, shape: x.shape, kernelShape: a.kernelShape },
        );
      return windowOutputSize(size, k, a.strides[i] ?? 1, d, pb, pe, a.ceilMode);
    });
    return { shape: [...x.shape.slice(0, 2), ...spatial], dtype: 'f32' };
  };

/** batchNorm(x [N, C, D...], scale, bias, mean, var: [C]). */
function batchNormRule(inputs: readonly ValueType[], a: OpAttrs['batchNorm']): ValueType {
  const op = 'batchNorm';
  arity(op, inputs, 5);
  const x = operand(op, inputs, 0);
  float(op, x);
  if (x.shape.length < 2)
    throw new ShapeError(`batchNorm: input must be [N, C, ...] (got ${formatShape(x.shape)})`, {
      op,
      shape: x.shape,
    });
  const c = x.shape[1] ?? 0;
  for (let i = 1; i < 5; i++) {
    const p = operand(op, inputs, i);
    float(op, p);
    if (p.shape.length !== 1 || p.shape[0] !== c)
      throw new ShapeError(
        `batchNorm: scale, bias, mean and var must be [${c}] for input ${formatShape(x.shape)} (operand ${i} is ${formatShape(p.shape)})`,
        { op, shape: p.shape },
      );
  }
  if (!(a.eps >= 0)) throw new ShapeError(`batchNorm: eps must be >= 0 (got ${a.eps})`, { op });
  return x;
}

/** unfold(x [N, C, D...]) -> [N, C, K..., O...]: every window's taps, O as a conv's output. */
function unfoldRule(inputs: readonly ValueType[], a: OpAttrs['unfold']): ValueType {
  const op = 'unfold';
  arity(op, inputs, 1);
  const x = operand(op, inputs, 0);
  const n = checkInput(op, x);
  checkWindow(op, a, n, x.shape);
  if (a.kernelShape.length !== n || a.kernelShape.some((k) => !Number.isInteger(k) || k < 1))
    throw new ShapeError(`${op}: kernelShape needs ${n} integers >= 1 (got ${formatShape(a.kernelShape)})`, {
      op,
    });
  const spatial = x.shape.slice(2).map((size, i) => {
    const k = a.kernelShape[i] ?? 1;
    const d = a.dilations[i] ?? 1;
    const padded = size + (a.pads[i] ?? 0) + (a.pads[i + n] ?? 0);
    if (padded < windowExtent(k, d))
      throw new ShapeError(
        `${op}: the window's extent ${windowExtent(k, d)} on spatial axis ${i} exceeds the padded input ${padded} (${formatShape(x.shape)})`,
        { op, shape: x.shape, kernelShape: a.kernelShape },
      );
    return windowOutputSize(size, k, a.strides[i] ?? 1, d, a.pads[i] ?? 0, a.pads[i + n] ?? 0, false);
  });
  return { shape: [...x.shape.slice(0, 2), ...a.kernelShape, ...spatial], dtype: 'f32' };
}

/** The rules of the window ops and batchNorm, spread into infer.ts's table. */
export const CONV_RULES: Pick<
  RuleTable,
  'conv' | 'convTranspose' | 'maxPool' | 'sumPool' | 'avgPool' | 'batchNorm' | 'unfold'
> = {
  conv: convRule,
  convTranspose: convTransposeRule,
  maxPool: poolRule('maxPool'),
  sumPool: poolRule('sumPool'),
  avgPool: poolRule('avgPool'),
  batchNorm: batchNormRule,
  unfold: unfoldRule,
};
