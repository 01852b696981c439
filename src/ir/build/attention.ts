/**
 * Scaled dot-product attention with ONNX Attention's semantics (opset 23/24):
 * heads split from 3-D inputs, grouped-query heads, a KV cache, causal and
 * bool/float masks, softcap; built from matmul, softmax and elementwise nodes
 * so it fuses like a hand-written attention block and adds no op code.
 */
import { ShapeError } from '../../common/errors.js';
import { broadcastsTo, describe, formatShape } from '../shape.js';
import type { AnyTensor } from '../types/tensor-types.js';

/** Options of attention(); the tensors are laid out as ONNX's inputs. */
export interface AttentionOptions {
  /** Query heads: required with 3-D inputs ([batch, seq, heads·size]). */
  qNumHeads?: number | undefined;
  /** Key/value heads: required with 3-D inputs; divides qNumHeads (grouped-query attention). */
  kvNumHeads?: number | undefined;
  /**
   * Added to the scores (f32) or choosing the keys attended (bool, true = attend);
   * broadcasts to [batch, qHeads, qSeq, kvTotal]; a shorter last axis is padded
   * with -inf (false).
   */
  mask?: AnyTensor | null | undefined;
  /** Query i (of the block after the cache) sees keys j <= i + past length (and its offset). */
  isCausal?: boolean | undefined;
  /** Score scale; default 1/sqrt(query head size). */
  scale?: number | undefined;
  /** When > 0 scores become softcap·tanh(scores/softcap) before the mask is added. */
  softcap?: number | undefined;
  /** Cached keys/values [batch, kvHeads, past, size] put before this block's. */
  pastKey?: AnyTensor | null | undefined;
  pastValue?: AnyTensor | null | undefined;
  /**
   * Valid keys per batch row (ONNX nonpad_kv_seqlen): later keys are masked and,
   * when causal without a cache, row b's query i sees keys j <= i + len[b] - qSeq.
   */
  nonpadKvSeqlen?: readonly number[] | null | undefined;
}

/** attention()'s results; the unused ones cost nothing (they are never computed). */
export interface AttentionResult {
  /** The output, in the inputs' layout (3-D or 4-D). */
  y: AnyTensor;
  /** Keys and values including the cache: [batch, kvHeads, past + kvSeq, size]. */
  presentKey: AnyTensor;
  presentValue: AnyTensor;
  /** Scaled (and softcapped) scores q·kᵀ: [batch, qHeads, qSeq, kvTotal]. */
  scores: AnyTensor;
  /** Scores with the mask added. */
  maskedScores: AnyTensor;
  /** Softmax of the masked scores; 0 in a row the mask hides entirely. */
  probs: AnyTensor;
}

function fail(what: string, shapes: readonly (readonly number[])[] = []): never {
  throw new ShapeError(`attention: ${what}`, { op: 'attention', shapes: [...shapes] });
}

/** A positive integer option, or a ShapeError naming it. */
function heads(name: string, value: unknown): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 1)
    fail(`${name} must be a positive integer (got ${describe(value)})`);
  return value;
}

/** [batch, seq, heads·size] as [batch, heads, seq, size]. */
function splitHeads(what: string, t: AnyTensor, n: number): AnyTensor {
  const [b, s, hidden] = t.shape as [number, number, number];
  if (hidden % n !== 0)
    fail(`${what} ${formatShape(t.shape)}: last axis not divisible by ${n} heads`, [t.shape]);
  return t.reshape([b, s, n, hidden / n]).transpose([0, 2, 1, 3]);
}

/**
 * The additive bias of mask, causality and padding (broadcasting to [batch,
 * 1|heads, qSeq, kv]), and whether a row may be all -inf: always with a mask
 * input; for the build-time causal and padding masks, only if one is.
 */
function buildBias(
  q: AnyTensor,
  kvLen: number,
  past: number,
  options: AttentionOptions,
): { bias: AnyTensor | undefined; maybeEmpty: boolean } {
  const g = q.graph;
  const [batch, , qLen] = q.shape as [number, number, number, number];
  let bias: AnyTensor | undefined;
  const mask = options.mask ?? null;
  if (mask !== null) {
    g.own('attention', mask);
    const last = mask.shape.at(-1) ?? 0;
    if (last > kvLen) fail(`mask ${formatShape(mask.shape)} has more keys than ${kvLen}`, [mask.shape]);
    let m: AnyTensor = mask;
    if (m.dtype === 'bool') m = g.where(m, 0, -Infinity);
    else if (m.dtype !== 'f32') fail(`mask must be bool or f32 (got ${m.dtype})`);
    if (last < kvLen)
      m = m.pad([...m.shape.slice(0, -1).map(() => [0, 0] as const), [0, kvLen - last]], -Infinity);
    if (!broadcastsTo(m.shape, [batch, q.shape[1] as number, qLen, kvLen]))
      fail(
        `mask ${formatShape(mask.shape)} does not broadcast to [${batch}, ${q.shape[1]}, ${qLen}, ${kvLen}]`,
      );
    bias = m;
  }
  const lens = options.nonpadKvSeqlen ?? null;
  if (
    lens !== null &&
    (lens.length !== batch || lens.some((l) => !Number.isInteger(l) || l < 0 || l > kvLen))
  )
    fail(`nonpadKvSeqlen must hold ${batch} integers in 0..${kvLen} (got ${describe(lens)})`);
  // which (b, i, j) the build-time masks allow, to find rows they hide entirely
  const seen = new Uint8Array(batch * qLen * kvLen).fill(1);
  const constBias = (rows: number, allowed: (b: number, i: number, j: number) => boolean): AnyTensor => {
    const data = new Float32Array(rows * qLen * kvLen);
    for (let b = 0; b < batch; b++)
      for (let i = 0; i < qLen; i++)
        for (let j = 0; j < kvLen; j++) {
          const ok = allowed(b, i, j);
          if (!ok) seen[(b * qLen + i) * kvLen + j] = 0;
          if (b < rows) data[(b * qLen + i) * kvLen + j] = ok ? 0 : -Infinity;
        }
    return g.constant(data, [rows, 1, qLen, kvLen]);
  };
  const add = (t: AnyTensor): void => {
    bias = bias === undefined ? t : bias.add(t);
  };
  if (options.isCausal === true) {
    if (lens !== null && (options.pastKey ?? null) === null) {
      const ls = lens;
      add(constBias(batch, (b, i, j) => j <= i + (ls[b] as number) - qLen));
    } else {
      add(constBias(1, (_, i, j) => j <= i + past));
    }
  }
  if (lens !== null) {
    const ls = lens;
    add(constBias(batch, (b, _, j) => j < (ls[b] as number)));
  }
  let emptyRow = false;
  for (let row = 0; row < batch * qLen && !emptyRow; row++)
    emptyRow = seen.subarray(row * kvLen, (row + 1) * kvLen).every((a) => a === 0);
  return { bias, maybeEmpty: mask !== null || emptyRow };
}

/**
 * ONNX Attention: softmax(softcap(q·kᵀ·scale) + bias)·v over 3-D
 * ([batch, seq, heads·size], heads from the options) or 4-D ([batch, heads,
 * seq, size]) q, k, v; kv heads repeat over q heads in groups (kv head h serves
 * q heads h·r … h·r + r - 1).
 */
export function attention(
  q: AnyTensor,
  k: AnyTensor,
  v: AnyTensor,
  options: AttentionOptions = {},
): AttentionResult {
  const g = q.graph;
  for (const [what, t] of [
    ['q', q],
    ['k', k],
    ['v', v],
  ] as const) {
    g.own('attention', t);
    if (t.dtype !== 'f32') fail(`${what} must be f32 (got ${t.dtype})`);
    if (t.rank !== q.rank || (t.rank !== 3 && t.rank !== 4))
      fail(
        `q, k and v must all be 3-D or all 4-D (got ${formatShape(q.shape)}, ${formatShape(k.shape)}, ${formatShape(v.shape)})`,
      );
  }
  const threeD = q.rank === 3;
  let [q4, k4, v4] = [q, k, v];
  if (threeD) {
    const qh = heads('qNumHeads', options.qNumHeads);
    const kvh = heads('kvNumHeads', options.kvNumHeads);
    [q4, k4, v4] = [splitHeads('q', q, qh), splitHeads('k', k, kvh), splitHeads('v', v, kvh)];
  }
  const [batch, qHeads, , size] = q4.shape as [number, number, number, number];
  const kvHeads = k4.shape[1] as number;
  if (options.qNumHeads !== undefined && heads('qNumHeads', options.qNumHeads) !== qHeads)
    fail(`qNumHeads ${options.qNumHeads} does not match q ${formatShape(q.shape)}`);
  if (options.kvNumHeads !== undefined && heads('kvNumHeads', options.kvNumHeads) !== kvHeads)
    fail(`kvNumHeads ${options.kvNumHeads} does not match k ${formatShape(k.shape)}`);
  if (
    k4.shape[0] !== batch ||
    v4.shape[0] !== batch ||
    v4.shape[1] !== kvHeads ||
    k4.shape[3] !== size ||
    k4.shape[2] !== v4.shape[2] ||
    qHeads % kvHeads !== 0
  )
    fail(`q ${formatShape(q.shape)}, k ${formatShape(k.shape)}, v ${formatShape(v.shape)} do not fit`, [
      q.shape,
      k.shape,
      v.shape,
    ]);
  const cache = (what: string, past: AnyTensor | null | undefined, t: AnyTensor): AnyTensor => {
    if (past === undefined || past === null) return t;
    g.own('attention', past);
    const s = past.shape;
    if (past.rank !== 4 || s[0] !== batch || s[1] !== kvHeads || s[3] !== t.shape[3])
      fail(`${what} ${formatShape(s)} does not fit ${formatShape(t.shape)}`, [s, t.shape]);
    return g.concat([past, t], 2);
  };
  if (((options.pastKey ?? null) === null) !== ((options.pastValue ?? null) === null))
    fail('pastKey and pastValue go together');
  const presentKey = cache('pastKey', options.pastKey, k4);
  const presentValue = cache('pastValue', options.pastValue, v4);
  const past = options.pastKey?.shape[2] ?? 0;
  const kvLen = presentKey.shape[2] as number;

  const scale = options.scale ?? 1 / Math.sqrt(size);
  if (typeof scale !== 'number' || !Number.isFinite(scale))
    fail(`scale must be a finite number (got ${describe(scale)})`);
  const softcap = options.softcap ?? 0;
  // grouped-query: each kv head repeated for its group of consecutive q heads
  const group = (t: AnyTensor): AnyTensor => {
    if (kvHeads === qHeads) return t;
    const [, , n, d] = t.shape as [number, number, number, number];
    return t
      .unsqueeze(2)
      .expand([batch, kvHeads, qHeads / kvHeads, n, d])
      .reshape([batch, qHeads, n, d]);
  };
  // ONNX's reference scales q and k each by sqrt(scale); scaling the product instead differs by
  // rounding only and fuses into the matmul like a hand-written attention block
  let scores = q4.matmul(group(presentKey).transpose([0, 1, 3, 2])).mul(scale);
  if (softcap > 0) scores = scores.div(softcap).tanh().mul(softcap);
  const { bias, maybeEmpty } = buildBias(q4, kvLen, past, options);
  const maskedScores = bias === undefined ? scores : scores.add(bias);
  let probs = maskedScores.softmax(-1);
  // ONNX: a row the mask hides entirely attends to nothing (zeros, where softmax gives NaN)
  if (maybeEmpty) probs = g.where(maskedScores.max(-1, true).eq(-Infinity), 0, probs);
  let y = probs.matmul(group(presentValue));
  if (threeD) {
    const [, , qLen, vSize] = y.shape as [number, number, number, number];
    y = y.transpose([0, 2, 1, 3]).reshape([batch, qLen, qHeads * vSize]);
  }
  return { y, presentKey, presentValue, scores, maskedScores, probs };
}
