/**
 * The op table: every op code, the attributes it carries and its category.
 * Adding an op means adding it here and to the exhaustive tables keyed by
 * OpCode (shape/dtype rule, reference semantics, lowering); the type checker
 * refuses a half-added op.
 */
import type { DType, TypedArray } from '../common/dtype.js';

export const OpCode = {
  // leaves
  input: 'input',
  param: 'param',
  constant: 'constant',
  // elementwise unary
  neg: 'neg',
  abs: 'abs',
  sqrt: 'sqrt',
  rsqrt: 'rsqrt',
  exp: 'exp',
  log: 'log',
  sin: 'sin',
  cos: 'cos',
  tanh: 'tanh',
  sigmoid: 'sigmoid',
  relu: 'relu',
  erf: 'erf',
  square: 'square',
  reciprocal: 'reciprocal',
  floor: 'floor',
  ceil: 'ceil',
  round: 'round',
  sign: 'sign',
  not: 'not',
  cast: 'cast',
  // elementwise binary
  add: 'add',
  sub: 'sub',
  mul: 'mul',
  div: 'div',
  pow: 'pow',
  maximum: 'maximum',
  minimum: 'minimum',
  eq: 'eq',
  ne: 'ne',
  lt: 'lt',
  le: 'le',
  gt: 'gt',
  ge: 'ge',
  and: 'and',
  or: 'or',
  // elementwise ternary
  where: 'where',
  // reductions
  sum: 'sum',
  prod: 'prod',
  max: 'max',
  min: 'min',
  argmax: 'argmax',
  argmin: 'argmin',
  // contraction
  matmul: 'matmul',
  // movement (views: index maps on the reading side)
  reshape: 'reshape',
  transpose: 'transpose',
  expand: 'expand',
  slice: 'slice',
  // data movement that builds new values
  pad: 'pad',
  gather: 'gather',
  concat: 'concat',
  // ONNX data movement that reads by run-time indices (checked like gather)
  gatherElements: 'gatherElements',
  // composites, lowered to primitives by passes/lower-composites.ts
  mean: 'mean',
  gelu: 'gelu',
  softmax: 'softmax',
  logSoftmax: 'logSoftmax',
  layerNorm: 'layerNorm',
  // convolution and pooling (issue #19): window ops over NCHW spatial axes
  conv: 'conv',
  convTranspose: 'convTranspose',
  maxPool: 'maxPool',
  sumPool: 'sumPool',
  avgPool: 'avgPool',
  batchNorm: 'batchNorm',
  // im2col: the windows a convolution reads, laid out for the tiled matmul (lower-conv.ts)
  unfold: 'unfold',
} as const;
export type OpCode = (typeof OpCode)[keyof typeof OpCode];

export const UNARY_OPS = [
  'neg',
  'abs',
  'sqrt',
  'rsqrt',
  'exp',
  'log',
  'sin',
  'cos',
  'tanh',
  'sigmoid',
  'relu',
  'erf',
  'square',
  'reciprocal',
  'floor',
  'ceil',
  'round',
  'sign',
  'not',
  'gelu',
] as const satisfies readonly OpCode[];
export type UnaryOp = (typeof UNARY_OPS)[number];

export const BINARY_OPS = [
  'add',
  'sub',
  'mul',
  'div',
  'pow',
  'maximum',
  'minimum',
  'eq',
  'ne',
  'lt',
  'le',
  'gt',
  'ge',
  'and',
  'or',
] as const satisfies readonly OpCode[];
export type BinaryOp = (typeof BINARY_OPS)[number];

export const REDUCE_OPS = ['sum', 'prod', 'max', 'min', 'mean'] as const satisfies readonly OpCode[];
export type ReduceOp = (typeof REDUCE_OPS)[number];

export const ARG_REDUCE_OPS = ['argmax', 'argmin'] as const satisfies readonly OpCode[];
export type ArgReduceOp = (typeof ARG_REDUCE_OPS)[number];

/** Per-axis slice, normalized: element i of the output axis reads `start + i * step`. */
export interface SliceAxis {
  readonly start: number;
  readonly step: number;
  readonly size: number;
}

type NoAttrs = Readonly<Record<never, never>>;
interface ReduceAttrs {
  /** Sorted, non-negative axes reduced over. */
  readonly axes: readonly number[];
  readonly keepdims: boolean;
}

/**
 * Window geometry of conv, convTranspose and the pools, per spatial axis
 * (axes 2.. of an [N, C, D...] value), normalized: auto_pad already resolved.
 */
export interface WindowAttrs {
  readonly strides: readonly number[];
  readonly dilations: readonly number[];
  /** ONNX order: [x1_begin, x2_begin, ..., x1_end, x2_end, ...]. */
  readonly pads: readonly number[];
}

/** conv/convTranspose: inputs [x, w] or [x, w, bias]. */
export interface ConvAttrs extends WindowAttrs {
  readonly groups: number;
  readonly hasBias: boolean;
}

/** A pooling window: its kernel shape, and whether the output size rounds up (ONNX ceil_mode). */
export interface PoolAttrs extends WindowAttrs {
  readonly kernelShape: readonly number[];
  readonly ceilMode: boolean;
}

/** The attributes each op carries (normalized: no negative axes, no -1 in shapes). */
export interface OpAttrs {
  input: { readonly name: string };
  param: { readonly name: string };
  constant: { readonly data: TypedArray };
  neg: NoAttrs;
  abs: NoAttrs;
  sqrt: NoAttrs;
  rsqrt: NoAttrs;
  exp: NoAttrs;
  log: NoAttrs;
  sin: NoAttrs;
  cos: NoAttrs;
  tanh: NoAttrs;
  sigmoid: NoAttrs;
  relu: NoAttrs;
  erf: NoAttrs;
  square: NoAttrs;
  reciprocal: NoAttrs;
  floor: NoAttrs;
  ceil: NoAttrs;
  round: NoAttrs;
  sign: NoAttrs;
  not: NoAttrs;
  cast: { readonly to: DType };
  add: NoAttrs;
  sub: NoAttrs;
  mul: NoAttrs;
  div: NoAttrs;
  pow: NoAttrs;
  maximum: NoAttrs;
  minimum: NoAttrs;
  eq: NoAttrs;
  ne: NoAttrs;
  lt: NoAttrs;
  le: NoAttrs;
  gt: NoAttrs;
  ge: NoAttrs;
  and: NoAttrs;
  or: NoAttrs;
  where: NoAttrs;
  sum: ReduceAttrs;
  prod: ReduceAttrs;
  max: ReduceAttrs;
  min: ReduceAttrs;
  mean: ReduceAttrs;
  argmax: { readonly axis: number; readonly keepdims: boolean };
  argmin: { readonly axis: number; readonly keepdims: boolean };
  matmul: NoAttrs;
  reshape: { readonly shape: readonly number[] };
  transpose: { readonly perm: readonly number[] };
  expand: { readonly shape: readonly number[] };
  slice: { readonly axes: readonly SliceAxis[] };
  pad: { readonly widths: readonly (readonly [number, number])[]; readonly value: number };
  gather: { readonly axis: number };
  concat: { readonly axis: number };
  /** out[…, i_axis, …] = x[…, indices[…, i_axis, …], …] (ONNX GatherElements). */
  gatherElements: { readonly axis: number };
  gelu: NoAttrs;
  softmax: { readonly axis: number };
  logSoftmax: { readonly axis: number };
  /** Inputs are [x, weight?, bias?] in that order, as the flags say. */
  layerNorm: { readonly eps: number; readonly hasWeight: boolean; readonly hasBias: boolean };
  // convolution and pooling
  conv: ConvAttrs;
  /** `outputPadding` adds elements at the end of each output axis (ONNX output_padding). */
  convTranspose: ConvAttrs & { readonly outputPadding: readonly number[] };
  maxPool: PoolAttrs;
  /** The sum over each window (in-range elements only): avgPool's numerator. */
  sumPool: PoolAttrs;
  avgPool: PoolAttrs & { readonly countIncludePad: boolean };
  /** Inputs [x, scale, bias, mean, var], each of the last four shaped [C]. */
  batchNorm: { readonly eps: number };
  /**
   * x [N, C, D...] -> [N, C, K..., O...]: out[n, c, k..., o...] = x[n, c, o·s - padBegin + k·d],
   * 0 where that tap falls in the padding (a convolution's im2col matrix).
   */
  unfold: WindowAttrs & { readonly kernelShape: readonly number[] };
}

/** How later stages treat an op. */
export type OpCategory =
  | 'leaf'
  | 'unary'
  | 'binary'
  | 'ternary'
  | 'reduce'
  | 'argreduce'
  | 'matmul'
  | 'conv'
  | 'pool'
  | 'view'
  | 'data'
  | 'composite';

function categoryOf(op: OpCode): OpCategory {
  if (op === 'input' || op === 'param' || op === 'constant') return 'leaf';
  if (op === 'gelu' || op === 'mean' || op === 'softmax' || op === 'logSoftmax' || op === 'layerNorm')
    return 'composite';
  if (op === 'avgPool' || op === 'batchNorm') return 'composite';
  if (op === 'conv' || op === 'convTranspose') return 'conv';
  if (op === 'maxPool' || op === 'sumPool') return 'pool';
  if ((UNARY_OPS as readonly string[]).includes(op) || op === 'cast') return 'unary';
  if ((BINARY_OPS as readonly string[]).includes(op)) return 'binary';
  if (op === 'where') return 'ternary';
  if ((REDUCE_OPS as readonly string[]).includes(op)) return 'reduce';
  if (op === 'argmax' || op === 'argmin') return 'argreduce';
  if (op === 'matmul') return 'matmul';
  if (op === 'reshape' || op === 'transpose' || op === 'expand' || op === 'slice') return 'view';
  return 'data';
}

/** Category of every op code. */
export const OP_CATEGORY: Readonly<Record<OpCode, OpCategory>> = Object.fromEntries(
  Object.values(OpCode).map((op) => [op, categoryOf(op)]),
) as Record<OpCode, OpCategory>;

/** True when `value` is an op code. */
export function isOpCode(value: string): value is OpCode {
  return Object.prototype.hasOwnProperty.call(OP_CATEGORY, value);
}
