/**
 * Recurrent layers with ONNX semantics (RNN, GRU, LSTM) unrolled over a static
 * sequence length into ordinary matmul and elementwise nodes, so they add no op
 * code and the interpreter computes them exactly as the compiled model does.
 */
import { ShapeError } from '../../common/errors.js';
import { describe, formatShape, isArray } from '../shape.js';
import type { AnyTensor } from '../types/tensor-types.js';
import { applyActivation, checkActivation, type RecurrentActivation } from './recurrent-activations.js';

/** The cell a recurrent layer steps: ONNX RNN, GRU or LSTM. */
export type RecurrentCell = 'rnn' | 'gru' | 'lstm';

/** Options of rnn/gru/lstm; every tensor is optional and laid out as in ONNX. */
export interface RecurrentOptions {
  /** 'forward' (default), 'reverse' (the sequence read from its end) or 'bidirectional'. */
  direction?: 'forward' | 'reverse' | 'bidirectional';
  /**
   * Activations, per direction in order (rnn: f; gru: f, g; lstm: f, g, h), the
   * forward direction's first. Default: rnn tanh; gru sigmoid, tanh; lstm sigmoid, tanh, tanh.
   */
  activations?: readonly RecurrentActivation[] | undefined;
  /** B: [dirs, 2·gates·hidden], the input biases then the recurrence biases (default 0). */
  bias?: AnyTensor | null;
  /** initial_h: [dirs, batch, hidden] (layout 1: [batch, dirs, hidden]); default 0. */
  initialH?: AnyTensor | null;
  /** initial_c (lstm): like initialH; default 0. */
  initialC?: AnyTensor | null;
  /** P (lstm peepholes): [dirs, 3·hidden] in order i, o, f; default 0. */
  peepholes?: AnyTensor | null;
  /** GRU: apply the reset gate after the recurrence matmul (ONNX linear_before_reset=1). */
  linearBeforeReset?: boolean;
  /**
   * Valid steps per batch row (ONNX sequence_lens); later steps keep the state
   * and output 0, and 'reverse' starts at each row's last valid step. Numbers, or
   * an i32 [batch] tensor read at run time. Default: all.
   */
  sequenceLens?: readonly number[] | AnyTensor | null | undefined;
  /** 0 (default): x [seq, batch, input], y [seq, dirs, batch, hidden]; 1: batch first. */
  layout?: 0 | 1;
  /**
   * ONNX clip: every gate's input to the activations f and g is clamped to
   * [-clip, clip] (LSTM's h(C) is not, as ONNX Runtime computes it). Default: none.
   */
  clip?: number | undefined;
  /** LSTM (ONNX input_forget=1): the forget gate is 1 - the input gate. */
  inputForget?: boolean;
}

/** Outputs: y (every step's hidden state), yH (the last), yC (lstm: the last cell state). */
export interface RecurrentResult {
  y: AnyTensor;
  yH: AnyTensor;
  yC: AnyTensor | undefined;
}

const GATES: Record<RecurrentCell, number> = { rnn: 1, gru: 3, lstm: 4 };
const DEFAULT_ACTIVATIONS: Record<RecurrentCell, readonly RecurrentActivation[]> = {
  rnn: ['tanh'],
  gru: ['sigmoid', 'tanh'],
  lstm: ['sigmoid', 'tanh', 'tanh'],
};

function fail(op: string, what: string, shapes: readonly (readonly number[])[] = []): never {
  throw new ShapeError(`${op}: ${what}`, { op, shapes: [...shapes] });
}

/** Checks an optional tensor's shape; returns it or undefined. */
function optional(
  op: string,
  what: string,
  t: AnyTensor | null | undefined,
  shape: readonly number[],
  x: AnyTensor,
): AnyTensor | undefined {
  if (t === undefined || t === null) return undefined;
  x.graph.own(op, t);
  if (t.dtype !== 'f32') fail(op, `${what} must be f32 (got ${t.dtype})`);
  if (t.shape.length !== shape.length || t.shape.some((d, i) => d !== shape[i])) {
    fail(op, `${what} ${formatShape(t.shape)} must be ${formatShape(shape)}`, [x.shape, t.shape]);
  }
  return t;
}

/** One direction's weights and state, the direction axis taken out. */
interface Direction {
  /** x·Wᵀ + Wb (+ Rb where the cell adds it outside the gates) per step: [batch, gates·hidden]. */
  inputs: AnyTensor[];
  /** Rᵀ: [hidden, gates·hidden]. */
  rT: AnyTensor;
  /** Recurrence biases (GRU linear_before_reset: the h gate's, added before the reset). */
  rb: AnyTensor | undefined;
  h: AnyTensor;
  c: AnyTensor | undefined;
  /** Peepholes i, o, f: [hidden] each. */
  p: AnyTensor[] | undefined;
  act: readonly RecurrentActivation[];
  /** ONNX clip: gate inputs clamped to [-clip, clip] before f and g. */
  clip: number | undefined;
  /** LSTM input_forget: f = 1 - i. */
  inputForget: boolean;
}

/** Runs one cell step; returns the new hidden (and cell) state. */
function step(
  cell: RecurrentCell,
  d: Direction,
  xw: AnyTensor,
  hidden: number,
  lbr: boolean,
): [AnyTensor, AnyTensor?] {
  const [fAct = 'sigmoid', gAct = 'tanh', hAct = 'tanh'] = d.act;
  // clip bounds the inputs of f and g (ONNX Runtime leaves h(C)'s input alone)
  const clipped = (t: AnyTensor): AnyTensor =>
    d.clip === undefined ? t : t.maximum(-d.clip).minimum(d.clip);
  const f = (t: AnyTensor): AnyTensor => applyActivation(fAct, clipped(t));
  const g = (t: AnyTensor): AnyTensor => applyActivation(gAct, clipped(t));
  if (cell === 'rnn') return [applyActivation(d.act[0] ?? 'tanh', clipped(xw.add(d.h.matmul(d.rT))))];
  const part = (t: AnyTensor, k: number): AnyTensor => t.slice([null, [k * hidden, (k + 1) * hidden]]);
  if (cell === 'gru') {
    // linear_before_reset=0 multiplies the reset gate in before H meets Rh: only z and r come from H·Rᵀ here
    const hr = d.h.matmul(lbr ? d.rT : d.rT.slice([null, [0, 2 * hidden]]));
    const z = f(part(xw, 0).add(part(hr, 0)));
    const r = f(part(xw, 1).add(part(hr, 1)));
    let pre: AnyTensor;
    if (lbr) {
      const rh = d.rb === undefined ? part(hr, 2) : part(hr, 2).add(d.rb);
      pre = part(xw, 2).add(r.mul(rh));
    } else {
      pre = part(xw, 2).add(r.mul(d.h).matmul(part(d.rT, 2)));
    }
    const h = g(pre);
    // (1 - z)·h + z·H as ONNX writes it (not h + z·(H - h), which rounds differently)
    return [z.neg().add(1).mul(h).add(z.mul(d.h))];
  }
  const gates = xw.add(d.h.matmul(d.rT));
  const c = d.c as AnyTensor;
  const [pi, po, pf] = d.p ?? [];
  const peep = (t: AnyTensor, p: AnyTensor | undefined, s: AnyTensor): AnyTensor =>
    p === undefined ? t : t.add(p.mul(s));
  const i = f(peep(part(gates, 0), pi, c));
  // input_forget couples the gates: the forget gate is 1 - i (its own weights unused)
  const fg = d.inputForget ? i.neg().add(1) : f(peep(part(gates, 2), pf, c));
  const cc = g(part(gates, 3));
  const cNew = fg.mul(c).add(i.mul(cc));
  const o = f(peep(part(gates, 1), po, cNew));
  return [o.mul(applyActivation(hAct, cNew)), cNew];
}

/**
 * An ONNX RNN/GRU/LSTM layer over x ([seq, batch, input], layout 1 [batch, seq,
 * input]) with W [dirs, gates·hidden, input] and R [dirs, gates·hidden, hidden]
 * (gate order: GRU z r h, LSTM i o f c), unrolled step by step.
 */
export function recurrent(
  cell: RecurrentCell,
  x: AnyTensor,
  w: AnyTensor,
  r: AnyTensor,
  options: RecurrentOptions = {},
): RecurrentResult {
  const op = cell;
  const g = x.graph;
  g.own(op, w);
  g.own(op, r);
  const layout = options.layout ?? 0;
  if (layout !== 0 && layout !== 1) fail(op, `layout must be 0 or 1 (got ${describe(layout)})`);
  const direction = options.direction ?? 'forward';
  if (!['forward', 'reverse', 'bidirectional'].includes(direction))
    fail(op, `direction must be forward, reverse or bidirectional (got ${describe(direction)})`);
  const dirs = direction === 'bidirectional' ? 2 : 1;
  for (const [what, t] of [
    ['x', x],
    ['W', w],
    ['R', r],
  ] as const) {
    if (t.dtype !== 'f32') fail(op, `${what} must be f32 (got ${t.dtype})`);
    if (t.rank !== 3) fail(op, `${what} must have rank 3 (got ${formatShape(t.shape)})`, [t.shape]);
  }
  const xs = layout === 0 ? x : x.transpose([1, 0, 2]);
  const [seq, batch, input] = xs.shape as [number, number, number];
  const gates = GATES[cell];
  const hidden = r.shape[2] as number;
  const rows = gates * hidden;
  if (w.shape[0] !== dirs || w.shape[1] !== rows || w.shape[2] !== input)
    fail(op, `W ${formatShape(w.shape)} must be [${dirs}, ${rows}, ${input}]`, [x.shape, w.shape]);
  if (r.shape[0] !== dirs || r.shape[1] !== rows)
    fail(op, `R ${formatShape(r.shape)} must be [${dirs}, ${rows}, ${hidden}]`, [w.shape, r.shape]);
  const stateShape = layout === 0 ? [dirs, batch, hidden] : [batch, dirs, hidden];
  const toDirFirst = (t: AnyTensor | undefined): AnyTensor | undefined =>
    t === undefined || layout === 0 ? t : t.transpose([1, 0, 2]);
  const bias = optional(op, 'bias', options.bias, [dirs, 2 * rows], x);
  const h0 = toDirFirst(optional(op, 'initialH', options.initialH, stateShape, x));
  const c0 =
    cell === 'lstm' ? toDirFirst(optional(op, 'initialC', options.initialC, stateShape, x)) : undefined;
  const peep =
    cell === 'lstm' ? optional(op, 'peepholes', options.peepholes, [dirs, 3 * hidden], x) : undefined;
  if (cell !== 'lstm' && (options.initialC ?? options.peepholes ?? null) !== null)
    fail(op, 'initialC and peepholes are LSTM inputs');
  const clip = options.clip;
  if (clip !== undefined && (typeof clip !== 'number' || !(clip >= 0)))
    fail(op, `clip must be a non-negative number (got ${describe(clip)})`);
  if (options.inputForget === true && cell !== 'lstm') fail(op, 'inputForget is an LSTM option');
  const act = options.activations?.map((a) => checkActivation(op, a)) ?? [
    ...DEFAULT_ACTIVATIONS[cell],
    ...(dirs === 2 ? DEFAULT_ACTIVATIONS[cell] : []),
  ];
  const per = DEFAULT_ACTIVATIONS[cell].length;
  if (act.length !== per * dirs) fail(op, `expected ${per * dirs} activations (got ${act.length})`);
  const lbr = cell === 'gru' && options.linearBeforeReset === true;
  const given = options.sequenceLens ?? null;
  let live: (t: number) => AnyTensor;
  let masked = false;
  if (given !== null && !isArray(given)) {
    g.own(op, given);
    if (given.dtype !== 'i32' || given.rank !== 1 || given.shape[0] !== batch)
      fail(op, `sequenceLens must be i32 [${batch}] (got ${given.dtype} ${formatShape(given.shape)})`);
    const column = given.reshape([batch, 1]);
    // the reference's mask: step t is live in row b when t < lens[b]
    live = (t) => column.gt(t);
    masked = true;
  } else {
    const lens = given;
    if (
      lens !== null &&
      (lens.length !== batch || lens.some((l) => !Number.isInteger(l) || l < 0 || l > seq))
    )
      fail(op, `sequenceLens must hold ${batch} integers in 0..${seq} (got ${describe(lens)})`);
    masked = lens !== null && lens.some((l) => l !== seq);
    live = (t) => g.constant(Uint8Array.from((lens ?? []).map((l) => (t < l ? 1 : 0))), [batch, 1], 'bool');
  }
  const zeros = g.constant(new Float32Array(batch * hidden), [batch, hidden]);
  // 2-D matmul over every step at once: the input projection does not depend on the state
  const flatX = xs.reshape([seq * batch, input]);

  const ys: AnyTensor[] = [];
  const hs: AnyTensor[] = [];
  const cs: AnyTensor[] = [];
  for (let k = 0; k < dirs; k++) {
    const reverse = direction === 'reverse' || k === 1;
    let proj = flatX.matmul(w.slice([k]).transpose());
    let rb: AnyTensor | undefined;
    if (bias !== undefined) {
      const wb = bias.slice([k, [0, rows]]);
      const rbAll = bias.slice([k, [rows, 2 * rows]]);
      if (lbr) {
        // the h gate's recurrence bias is added to H·Rhᵀ before the reset gate multiplies it
        const rzr = rbAll.slice([[0, 2 * hidden]]);
        rb = rbAll.slice([[2 * hidden, 3 * hidden]]);
        proj = proj.add(wb).add(g.concat([rzr, g.constant(new Float32Array(hidden), [hidden])], 0));
      } else {
        proj = proj.add(wb.add(rbAll));
      }
    }
    const steps = proj.reshape([seq, batch, rows]);
    const d: Direction = {
      inputs: Array.from({ length: seq }, (_, t) => steps.slice([t])),
      rT: r.slice([k]).transpose(),
      rb,
      h: h0 === undefined ? zeros : h0.slice([k]),
      c: cell !== 'lstm' ? undefined : c0 === undefined ? zeros : c0.slice([k]),
      p:
        peep === undefined
          ? undefined
          : [0, 1, 2].map((j) => peep.slice([k, [j * hidden, (j + 1) * hidden]])),
      act: act.slice(k * per, (k + 1) * per),
      clip,
      inputForget: options.inputForget === true,
    };
    const out: AnyTensor[] = new Array<AnyTensor>(seq);
    for (let s = 0; s < seq; s++) {
      const t = reverse ? seq - 1 - s : s;
      let [h, c] = step(cell, d, d.inputs[t] as AnyTensor, hidden, lbr);
      if (masked) {
        // the reference's mask, flipped with the sequence in reverse: a row's padded steps keep its state
        // (in reverse, flipped step s reads position t = seq-1-s, live when t < the row's length)
        const on = live(t);
        h = g.where(on, h, d.h);
        if (c !== undefined) c = g.where(on, c, d.c as AnyTensor);
        out[t] = g.where(on, h, 0);
      } else {
        out[t] = h;
      }
      d.h = h;
      d.c = c;
    }
    ys.push(g.stack(out, 0));
    hs.push(d.h);
    if (d.c !== undefined) cs.push(d.c);
  }
  let y = g.stack(ys, 1);
  let yH = g.stack(hs, 0);
  let yC = cs.length === 0 ? undefined : g.stack(cs, 0);
  if (layout === 1) {
    y = y.transpose([2, 0, 1, 3]);
    yH = yH.transpose([1, 0, 2]);
    yC = yC?.transpose([1, 0, 2]);
  }
  return { y, yH, yC };
}

/** ONNX LSTM (gates i, o, f, c): see recurrent(). */
export function lstm(x: AnyTensor, w: AnyTensor, r: AnyTensor, options?: RecurrentOptions): RecurrentResult {
  return recurrent('lstm', x, w, r, options);
}

/** ONNX GRU (gates z, r, h): see recurrent(). */
export function gru(x: AnyTensor, w: AnyTensor, r: AnyTensor, options?: RecurrentOptions): RecurrentResult {
  return recurrent('gru', x, w, r, options);
}

/** ONNX RNN (one gate): see recurrent(). */
export function rnn(x: AnyTensor, w: AnyTensor, r: AnyTensor, options?: RecurrentOptions): RecurrentResult {
  return recurrent('rnn', x, w, r, options);
}
