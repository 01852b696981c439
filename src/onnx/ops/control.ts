/**
 * Graph-level ONNX ops: Constant in all its forms, Identity, Dropout at
 * inference, and If (a known condition takes its branch; a data-dependent
 * one computes both branches and selects with where).
 */
import { elementCount } from '../decode-model.js';
import { ElemType as E } from '../elem-types.js';
import type { NodeContext } from '../node-context.js';
import type { OnnxValue } from '../onnx-value.js';
import type { OpTable } from '../op-entry.js';

function constant(n: NodeContext): OnnxValue {
  for (const sparse of ['sparse_value']) {
    if (n.hasAttr(sparse)) n.refuse('sparse tensors (sparse_value) are not supported');
  }
  for (const text of ['value_string', 'value_strings']) {
    if (n.hasAttr(text)) n.refuse(`string constants (${text}) are not supported`);
  }
  const tensor = n.tensorAttr('value');
  if (tensor !== undefined) {
    if (tensor.data === undefined) n.refuse(`the value tensor: ${tensor.missing ?? 'no data'}`);
    if (![E.float, E.int32, E.int64, E.bool].includes(tensor.elemType as 1)) {
      n.refuse(`the value tensor's element type ${tensor.elemType} is not supported`);
    }
    return n.constant(tensor.data, tensor.dims, tensor.elemType);
  }
  if (n.hasAttr('value_float')) return n.constant(Float32Array.of(n.float('value_float', 0)), [], E.float);
  const floats = n.floats('value_floats');
  if (floats !== undefined) return n.constant(Float32Array.from(floats), [floats.length], E.float);
  if (n.hasAttr('value_int')) return n.constant(Float64Array.of(n.int('value_int', 0)), [], E.int64);
  const ints = n.ints('value_ints');
  if (ints !== undefined) return n.constant(Float64Array.from(ints), [ints.length], E.int64);
  return n.invalid('Constant needs one of value, value_float(s), value_int(s)');
}

/** Dropout at inference: the input unchanged, and an all-true mask when asked for. */
function dropout(n: NodeContext): OnnxValue[] {
  const x = n.value(0);
  n.ignore('seed', 'ratio');
  if (n.opset < 7) {
    n.ignore('consumed_inputs');
    if (n.int('is_test', 0) === 0) n.refuse('training mode (is_test=0) is not supported');
  }
  if (n.opset >= 12 && n.has(2)) {
    const training = n.numbers(2, 'training_mode');
    if (training.some((v) => v !== 0)) n.refuse('training mode is not supported');
  }
  const maskType = n.opset >= 10 ? E.bool : x.elemType;
  const count = elementCount(x.shape);
  const ones = maskType === E.bool ? new Uint8Array(count).fill(1) : new Float32Array(count).fill(1);
  if (maskType !== E.bool && maskType !== E.float) n.refuse('a mask of this element type is not supported');
  return [x, n.constant(ones, x.shape, maskType)];
}

function ifNode(n: NodeContext): OnnxValue[] {
  const thenGraph = n.graphAttr('then_branch');
  const elseGraph = n.graphAttr('else_branch');
  if (thenGraph === undefined || elseGraph === undefined)
    n.invalid('then_branch and else_branch are required');
  n.checkTypes([E.bool], [0]);
  const cond = n.value(0);
  if (elementCount(cond.shape) !== 1) n.invalid('the condition must hold one value');
  if (cond.known !== undefined) {
    return cond.known[0] !== 0 ? n.branch(thenGraph, 'then') : n.branch(elseGraph, 'else');
  }
  const thenOut = n.branch(thenGraph, 'then');
  const elseOut = n.branch(elseGraph, 'else');
  if (thenOut.length !== elseOut.length) n.invalid('the branches have different output counts');
  const c = n.tensor(0).reshape([]);
  return thenOut.map((t, i) => {
    const e = elseOut[i] as OnnxValue;
    if (t.shape.join(',') !== e.shape.join(',') || t.elemType !== e.elemType) {
      n.refuse(
        `a data-dependent If whose branches give different shapes or types (output ${i}) is not supported`,
      );
    }
    return n.out(n.graph.where(c, n.materialize(t), n.materialize(e)), t.elemType);
  });
}

export const controlOps: OpTable = {
  Constant: { since: 1, run: constant },
  Identity: { since: 1, run: (n) => n.value(0) },
  Dropout: { since: 1, run: dropout },
  If: { since: 1, run: ifNode },
};
