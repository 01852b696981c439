/**
 * Argument normalization for conv, convTranspose and the pools (ONNX's
 * attributes under camelCase names): defaults, auto_pad resolved to explicit
 * pads, output_shape resolved to pads. The result is the normalized
 * attribute object the op's shape rule (infer-conv.ts) checks again.
 */
import { ShapeError } from '../../common/errors.js';
import type { ConvAttrs, OpAttrs, PoolAttrs } from '../ops.js';
import { describe, formatShape, isArray, type Shape } from '../shape.js';

/** ONNX auto_pad: explicit pads (NOTSET), output = ceil(in / stride) (SAME_*), or no padding (VALID). */
export type AutoPad = 'NOTSET' | 'SAME_UPPER' | 'SAME_LOWER' | 'VALID';

/** Window options shared by conv, convTranspose and the pools (ONNX attribute names in camelCase). */
export interface WindowOptions {
  /** Step per spatial axis (default 1). */
  readonly strides?: readonly number[];
  /** Spacing of kernel taps per spatial axis (default 1). */
  readonly dilations?: readonly number[];
  /** [x1_begin, x2_begin, ..., x1_end, x2_end, ...] (default 0); only with autoPad 'NOTSET'. */
  readonly pads?: readonly number[];
  /** Default 'NOTSET'. */
  readonly autoPad?: AutoPad;
}

/** Options of `Tensor.conv` (ONNX Conv). */
export interface ConvOptions extends WindowOptions {
  /** Channel groups (ONNX group, default 1); groups = C = M is a depthwise convolution. */
  readonly groups?: number;
  /** Checked against the weights' spatial shape when given. */
  readonly kernelShape?: readonly number[];
}

/** Options of `Tensor.convTranspose` (ONNX ConvTranspose). */
export interface ConvTransposeOptions extends ConvOptions {
  /** Extra output elements at the end of each axis (default 0); each must be < its stride or dilation. */
  readonly outputPadding?: readonly number[];
  /** The output's spatial shape; pads are derived from it (ONNX output_shape). */
  readonly outputShape?: readonly number[];
}

/** Options of `Tensor.maxPool` (ONNX MaxPool). */
export interface PoolOptions extends WindowOptions {
  /** Round the output size up instead of down (default false). */
  readonly ceilMode?: boolean;
}

/** Options of `Tensor.avgPool` (ONNX AveragePool). */
export interface AvgPoolOptions extends PoolOptions {
  /** Divide by the whole window, padding included (default false: by the in-range elements). */
  readonly countIncludePad?: boolean;
}

const AUTO_PADS: readonly string[] = ['NOTSET', 'SAME_UPPER', 'SAME_LOWER', 'VALID'];

function checkOptions(op: string, options: unknown): Record<string, unknown> {
  if (options === undefined) return {};
  if (typeof options !== 'object' || options === null || isArray(options))
    throw new ShapeError(`${op}: options must be an object (got ${describe(options)})`, { op });
  return options as Record<string, unknown>;
}

/** A list of `n` integers >= `min` (the default `fill` when absent). */
function intList(op: string, name: string, value: unknown, n: number, fill: number, min: number): number[] {
  if (value === undefined) return new Array<number>(n).fill(fill);
  if (
    !isArray(value) ||
    value.length !== n ||
    !value.every((v) => Number.isInteger(v) && (v as number) >= min)
  ) {
    throw new ShapeError(
      `${op}: ${name} must be ${n} integer(s) >= ${min} (got ${describe(value)})`,
      { op, [name]: value },
      n === 0 ? undefined : `Give one value per spatial axis (${n})`,
    );
  }
  return [...(value as number[])];
}

function autoPadOf(op: string, value: unknown): AutoPad {
  if (value === undefined) return 'NOTSET';
  if (typeof value !== 'string' || !AUTO_PADS.includes(value))
    throw new ShapeError(`${op}: autoPad must be one of ${AUTO_PADS.join(', ')} (got ${describe(value)})`, {
      op,
    });
  return value as AutoPad;
}

function flag(op: string, name: string, value: unknown): boolean {
  if (value === undefined) return false;
  if (typeof value !== 'boolean')
    throw new ShapeError(`${op}: ${name} must be a boolean (got ${describe(value)})`, { op });
  return value;
}

/** The spatial rank of an [N, C, D...] operand (>= 1), or a ShapeError. */
export function spatialRank(op: string, x: Shape): number {
  if (x.length < 3)
    throw new ShapeError(
      `${op}: input must be [N, C, D...] with at least one spatial axis (got ${formatShape(x)})`,
      { op, shape: x },
    );
  return x.length - 2;
}

/**
 * Pads [begins..., ends...] for auto_pad 'SAME_*' on a forward window: the output is
 * ceil(in / stride) and the total padding (out - 1)·stride + (k - 1)·dilation + 1 - in
 * (at least 0) is split evenly, the odd element at the end (UPPER) or beginning (LOWER).
 */
function samePads(
  mode: 'SAME_UPPER' | 'SAME_LOWER',
  spatial: readonly number[],
  kernel: readonly number[],
  strides: readonly number[],
  dilations: readonly number[],
): number[] {
  const begins: number[] = [];
  const ends: number[] = [];
  spatial.forEach((size, i) => {
    const s = strides[i] ?? 1;
    const out = Math.ceil(size / s);
    const total = Math.max(0, (out - 1) * s + ((kernel[i] ?? 1) - 1) * (dilations[i] ?? 1) + 1 - size);
    const small = Math.floor(total / 2);
    begins.push(mode === 'SAME_UPPER' ? small : total - small);
    ends.push(mode === 'SAME_UPPER' ? total - small : small);
  });
  return [...begins, ...ends];
}

/** Strides, dilations and pads of a forward window (conv, pools), auto_pad resolved. */
function forwardWindow(
  op: string,
  o: Record<string, unknown>,
  spatial: readonly number[],
  kernel: readonly number[],
): { strides: number[]; dilations: number[]; pads: number[] } {
  const n = spatial.length;
  const strides = intList(op, 'strides', o.strides, n, 1, 1);
  const dilations = intList(op, 'dilations', o.dilations, n, 1, 1);
  const autoPad = autoPadOf(op, o.autoPad);
  if (autoPad !== 'NOTSET' && o.pads !== undefined)
    throw new ShapeError(
      `${op}: pads cannot be given with autoPad ${autoPad}`,
      { op },
      "Use autoPad 'NOTSET' with explicit pads",
    );
  const pads =
    autoPad === 'NOTSET'
      ? intList(op, 'pads', o.pads, 2 * n, 0, 0)
      : autoPad === 'VALID'
        ? new Array<number>(2 * n).fill(0)
        : samePads(autoPad, spatial, kernel, strides, dilations);
  return { strides, dilations, pads };
}

/**
 * The checked options and the weights' spatial shape of a conv or convTranspose:
 * `w` must have x's rank (`layout` names its axes in the error), and a given
 * kernelShape must equal its spatial dimensions.
 */
function convWeights(
  op: 'conv' | 'convTranspose',
  x: Shape,
  w: Shape,
  options: unknown,
  layout: string,
): { o: Record<string, unknown>; n: number; kernel: number[] } {
  const o = checkOptions(op, options);
  const n = spatialRank(op, x);
  const kernel = w.slice(2);
  if (w.length !== n + 2)
    throw new ShapeError(
      `${op}: weights must be ${layout} of rank ${n + 2} for input ${formatShape(x)} (got ${formatShape(w)})`,
      { op, shapes: [x, w] },
    );
  if (o.kernelShape !== undefined) {
    const k = intList(op, 'kernelShape', o.kernelShape, kernel.length, 1, 1);
    if (k.some((d, i) => d !== kernel[i]))
      throw new ShapeError(
        `${op}: kernelShape ${formatShape(k)} differs from the weights' spatial shape ${formatShape(kernel)}`,
        { op, kernelShape: k, weights: kernel },
      );
  }
  return { o, n, kernel };
}

function groupsOf(op: string, value: unknown): number {
  if (value === undefined) return 1;
  if (!Number.isInteger(value) || (value as number) < 1)
    throw new ShapeError(`${op}: groups must be an integer >= 1 (got ${describe(value)})`, { op });
  return value as number;
}

/** Normalized attributes of conv(x, w) with ONNX Conv's options. */
export function convAttrs(x: Shape, w: Shape, options: unknown, hasBias: boolean): ConvAttrs {
  const op = 'conv';
  const { o, kernel } = convWeights(op, x, w, options, '[M, C/groups, k...]');
  return { ...forwardWindow(op, o, x.slice(2), kernel), groups: groupsOf(op, o.groups), hasBias };
}

/**
 * Normalized attributes of convTranspose(x, w) with ONNX ConvTranspose's options.
 * With `outputShape` (or autoPad 'SAME_*', which asks for in·stride) the pads are
 * derived: total = stride·(in - 1) + outputPadding + (k - 1)·dilation + 1 - out,
 * split with the odd element at the beginning except for SAME_UPPER (ONNX's rule,
 * with Python's floor division: a negative total gives negative pads).
 */
export function convTransposeAttrs(
  x: Shape,
  w: Shape,
  options: unknown,
  hasBias: boolean,
): OpAttrs['convTranspose'] {
  const op = 'convTranspose';
  const { o, n, kernel } = convWeights(op, x, w, options, '[C, M/groups, k...]');
  const strides = intList(op, 'strides', o.strides, n, 1, 1);
  const dilations = intList(op, 'dilations', o.dilations, n, 1, 1);
  const outputPadding = intList(op, 'outputPadding', o.outputPadding, n, 0, 0);
  const autoPad = autoPadOf(op, o.autoPad);
  const spatial = x.slice(2);
  const full = spatial.map(
    (size, i) =>
      (strides[i] ?? 1) * (size - 1) +
      (outputPadding[i] ?? 0) +
      ((kernel[i] ?? 1) - 1) * (dilations[i] ?? 1) +
      1,
  );
  let target: number[] | undefined;
  if (o.outputShape !== undefined) target = intList(op, 'outputShape', o.outputShape, n, 0, 0);
  else if (autoPad === 'SAME_UPPER' || autoPad === 'SAME_LOWER')
    target = spatial.map((s, i) => s * (strides[i] ?? 1));
  let pads: number[];
  if (target !== undefined) {
    const begins: number[] = [];
    const ends: number[] = [];
    target.forEach((out, i) => {
      // a negative total (outputShape beyond the full output) gives negative pads: zero
      // outputs (bias only) at that side, as ONNX's reference computes
      const total = (full[i] ?? 0) - out;
      const half = Math.floor(total / 2);
      begins.push(autoPad === 'SAME_UPPER' ? half : total - half);
      ends.push(autoPad === 'SAME_UPPER' ? total - half : half);
    });
    pads = [...begins, ...ends];
  } else if (autoPad === 'VALID') pads = new Array<number>(2 * n).fill(0);
  else pads = intList(op, 'pads', o.pads, 2 * n, 0, 0);
  return { strides, dilations, pads, groups: groupsOf(op, o.groups), hasBias, outputPadding };
}

/** Normalized attributes of a pool over `x` with window `kernelShape` (ONNX MaxPool/AveragePool). */
export function poolAttrs(op: string, x: Shape, kernelShape: unknown, options: unknown): PoolAttrs {
  const o = checkOptions(op, options);
  const n = spatialRank(op, x);
  const kernel = intList(op, 'kernelShape', kernelShape, n, 0, 1);
  const ceilMode = flag(op, 'ceilMode', o.ceilMode);
  const window = forwardWindow(op, o, x.slice(2), kernel);
  if (ceilMode && o.autoPad !== undefined && o.autoPad !== 'NOTSET')
    throw new ShapeError(`${op}: ceilMode cannot be combined with autoPad ${describe(o.autoPad)}`, { op });
  return { ...window, kernelShape: kernel, ceilMode };
}

/** avgPool's count_include_pad flag. */
export function countIncludePadOf(options: unknown): boolean {
  return flag('avgPool', 'countIncludePad', checkOptions('avgPool', options).countIncludePad);
}
