/**
 * ONNX's transformer ops (Attention, RotaryEmbedding; opset 23) imported as the
 * builder's composites. qk_matmul_output modes whose meaning changed between
 * ONNX versions are refused rather than guessed.
 */
import { attention } from '../../ir/build/attention.js';
import { rotaryEmbedding } from '../../ir/build/rotary.js';
import { ElemType as E } from '../elem-types.js';
import type { NodeContext, OpResult } from '../node-context.js';
import type { OpTable } from '../op-entry.js';

/** The qk_matmul_output the node asks for, per its mode and softcap (undefined: refused before). */
function qkOutput(n: NodeContext, mode: number, softcap: number): 'scores' | 'maskedScores' | 'probs' {
  // ONNX's reference (the node tests): modes 0 and 1 give the scores after softcap, 2 after the
  // mask, 3 after softmax. Earlier spec text put the mask before softcap: refuse where they differ.
  if (mode === 3) return 'probs';
  if (mode === 0 && softcap <= 0) return 'scores';
  if (mode === 1 && softcap > 0) return 'scores';
  if (mode === 2 && softcap <= 0) return 'maskedScores';
  return n.refuse(
    `qk_matmul_output_mode=${mode} with softcap=${softcap} is not supported (ONNX versions disagree on it)`,
  );
}

function importAttention(n: NodeContext): OpResult[] {
  n.checkTypes([E.float], [0, 1, 2, 4, 5]);
  if (n.has(3)) n.checkTypes([E.float, E.bool], [3]);
  const precision = n.int('softmax_precision', E.float);
  if (precision !== E.float)
    n.refuse(`softmax_precision=${precision} is not supported (softmax is computed in float)`);
  const softcap = n.float('softcap', 0);
  const mode = n.int('qk_matmul_output_mode', 0);
  const wantsQk = (n.node.outputs[3] ?? '') !== '';
  const qk = wantsQk ? qkOutput(n, mode, softcap) : undefined;
  let nonpad: number[] | null = null;
  if (n.has(6)) {
    n.checkTypes([E.int64], [6]);
    nonpad = n.numbers(6, 'nonpad_kv_seqlen');
  }
  const q = n.tensor(0);
  const r = attention(q, n.tensor(1), n.tensor(2), {
    qNumHeads: n.hasAttr('q_num_heads') ? n.int('q_num_heads', 0) : undefined,
    kvNumHeads: n.hasAttr('kv_num_heads') ? n.int('kv_num_heads', 0) : undefined,
    mask: n.has(3) ? n.tensor(3) : null,
    isCausal: n.int('is_causal', 0) !== 0,
    scale: n.hasAttr('scale') ? n.float('scale', 1) : undefined,
    softcap,
    pastKey: n.has(4) ? n.tensor(4) : null,
    pastValue: n.has(5) ? n.tensor(5) : null,
    nonpadKvSeqlen: nonpad,
  });
  const outs = [r.y, r.presentKey, r.presentValue, ...(qk === undefined ? [] : [r[qk]])];
  return outs.map((t) => n.out(t, E.float));
}

function importRotary(n: NodeContext): OpResult {
  n.checkTypes([E.float], [0, 1, 2]);
  if (n.has(3)) n.checkTypes([E.int64], [3]);
  const y = rotaryEmbedding(n.tensor(0), n.tensor(1), n.tensor(2), {
    positionIds: n.has(3) ? n.tensor(3) : null,
    interleaved: n.int('interleaved', 0) !== 0,
    rotaryDim: n.int('rotary_embedding_dim', 0),
    numHeads: n.hasAttr('num_heads') ? n.int('num_heads', 0) : undefined,
  });
  return n.out(y, E.float);
}

export const attentionOps: OpTable = {
  Attention: { since: 23, run: importAttention },
  RotaryEmbedding: { since: 23, run: importRotary },
};
