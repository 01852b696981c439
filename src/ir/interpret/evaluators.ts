/**
 * The interpreter's op table: one evaluator for every op code, checked
 * exhaustive by its type, so an op added to ops.ts without reference
 * semantics does not compile. Leaves are read by the walker (interpret.ts).
 */
import type { TypedArray } from '../../common/dtype.js';
import { InternalError } from '../../common/errors.js';
import type { Node, NodeOf } from '../node.js';
import type { OpCode } from '../ops.js';
import {
  evaluateGelu,
  evaluateLayerNorm,
  evaluateLogSoftmax,
  evaluateMean,
  evaluateSoftmax,
} from './composites.js';
import { evaluateBinary, evaluateCast, evaluateUnary, evaluateWhere } from './elementwise.js';
import { evaluateMatmul } from './matmul.js';
import { evaluateBatchNorm } from './batch-norm.js';
import { evaluateConv, evaluateConvTranspose } from './conv.js';
import { evaluateAvgPool, evaluateMaxPool, evaluateSumPool } from './pool.js';
import { evaluateUnfold } from './unfold.js';
import {
  evaluateConcat,
  evaluateExpand,
  evaluateGather,
  evaluateGatherElements,
  evaluatePad,
  evaluateReshape,
  evaluateSlice,
  evaluateTranspose,
} from './movement.js';
import type { Operand } from './operands.js';
import { evaluateArgReduce, evaluateReduce } from './reduce.js';

/** Computes the value of one node of op K from its operands' values. */
export type Evaluator<K extends OpCode> = (node: NodeOf<K>, args: readonly Operand[]) => TypedArray;

function leaf(node: NodeOf<'input' | 'param' | 'constant'>): never {
  throw new InternalError('interpret', `leaf ${node.op} (node ${node.id}) reached the op table`);
}

/** Reference semantics of every op code. */
export const EVALUATORS: { readonly [K in OpCode]: Evaluator<K> } = {
  input: leaf,
  param: leaf,
  constant: leaf,
  neg: evaluateUnary,
  abs: evaluateUnary,
  sqrt: evaluateUnary,
  rsqrt: evaluateUnary,
  exp: evaluateUnary,
  log: evaluateUnary,
  sin: evaluateUnary,
  cos: evaluateUnary,
  tanh: evaluateUnary,
  sigmoid: evaluateUnary,
  relu: evaluateUnary,
  erf: evaluateUnary,
  square: evaluateUnary,
  reciprocal: evaluateUnary,
  floor: evaluateUnary,
  ceil: evaluateUnary,
  round: evaluateUnary,
  sign: evaluateUnary,
  not: evaluateUnary,
  cast: evaluateCast,
  add: evaluateBinary,
  sub: evaluateBinary,
  mul: evaluateBinary,
  div: evaluateBinary,
  pow: evaluateBinary,
  maximum: evaluateBinary,
  minimum: evaluateBinary,
  eq: evaluateBinary,
  ne: evaluateBinary,
  lt: evaluateBinary,
  le: evaluateBinary,
  gt: evaluateBinary,
  ge: evaluateBinary,
  and: evaluateBinary,
  or: evaluateBinary,
  where: evaluateWhere,
  sum: evaluateReduce,
  prod: evaluateReduce,
  max: evaluateReduce,
  min: evaluateReduce,
  argmax: evaluateArgReduce,
  argmin: evaluateArgReduce,
  matmul: evaluateMatmul,
  reshape: evaluateReshape,
  transpose: evaluateTranspose,
  expand: evaluateExpand,
  slice: evaluateSlice,
  pad: evaluatePad,
  gather: evaluateGather,
  concat: evaluateConcat,
  gatherElements: evaluateGatherElements,
  mean: evaluateMean,
  gelu: evaluateGelu,
  softmax: evaluateSoftmax,
  logSoftmax: evaluateLogSoftmax,
  layerNorm: evaluateLayerNorm,
  // convolution and pooling
  conv: evaluateConv,
  convTranspose: evaluateConvTranspose,
  maxPool: evaluateMaxPool,
  sumPool: evaluateSumPool,
  unfold: evaluateUnfold,
  avgPool: evaluateAvgPool,
  batchNorm: evaluateBatchNorm,
};

/** The value of a non-leaf node, by its op's evaluator. */
export function evaluateNode(node: Node, args: readonly Operand[]): TypedArray {
  const evaluator = EVALUATORS[node.op] as Evaluator<OpCode>;
  return evaluator(node, args);
}
