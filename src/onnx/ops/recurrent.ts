/**
 * ONNX's recurrent ops (RNN, GRU, LSTM) imported as the builder's unrolled
 * recurrent composite: gate layouts, defaults, directions, layouts and
 * sequence_lens (known at import or read at run time) as ONNX's reference
 * computes them, with clip, LSTM's input_forget and the activation list with
 * its alpha/beta values as ONNX Runtime reads them.
 */
import {
  ACTIVATION_PARAMETERS,
  type RecurrentActivation,
  type RecurrentActivationName,
} from '../../ir/build/recurrent-activations.js';
import { recurrent, type RecurrentCell } from '../../ir/build/recurrent.js';
import type { Tensor } from '../../ir/tensor.js';
import { ElemType as E } from '../elem-types.js';
import type { NodeContext, OpResult } from '../node-context.js';
import type { OpTable } from '../op-entry.js';

/** ONNX activation names (compared case-insensitively, as ONNX Runtime does) and the builder's. */
const ACTIVATIONS: Readonly<Record<string, RecurrentActivationName>> = {
  sigmoid: 'sigmoid',
  tanh: 'tanh',
  relu: 'relu',
  softsign: 'softsign',
  softplus: 'softplus',
  affine: 'affine',
  leakyrelu: 'leakyRelu',
  thresholdedrelu: 'thresholdedRelu',
  scaledtanh: 'scaledTanh',
  hardsigmoid: 'hardSigmoid',
  elu: 'elu',
};

const DIRECTIONS = ['forward', 'reverse', 'bidirectional'] as const;

/** Activations whose alpha and beta ONNX gives no default for (ScaledTanh and Affine were experimental ops). */
const NEEDS_PARAMETERS: ReadonlySet<RecurrentActivationName> = new Set(['scaledTanh', 'affine']);

/**
 * The activations attribute (a STRINGS list), or undefined for the defaults.
 * activation_alpha and activation_beta are consumed in order by the
 * activations that take an alpha (a beta), as ONNX Runtime reads them; once a
 * list runs out the default of the ONNX op of that name applies (LeakyRelu
 * 0.01, ThresholdedRelu 1, HardSigmoid 0.2/0.5, Elu 1), and values left over
 * are unused. ScaledTanh and Affine have no ONNX default: without values they
 * are refused (ONNX Runtime takes 0 there).
 */
function activations(n: NodeContext): RecurrentActivation[] | undefined {
  const a = n.node.attributes.find((x) => x.name === 'activations');
  n.ignore('activations');
  const alphas = [...(n.floats('activation_alpha') ?? [])];
  const betas = [...(n.floats('activation_beta') ?? [])];
  if (a === undefined) return undefined;
  return a.strings.map((name): RecurrentActivation => {
    const act = ACTIVATIONS[name.toLowerCase()];
    if (act === undefined)
      n.refuse(`activation ${name} is not supported (supported: ${Object.keys(ACTIVATIONS).join(', ')})`);
    const [takesAlpha, takesBeta] = ACTIVATION_PARAMETERS[act];
    const alpha = takesAlpha !== undefined ? alphas.shift() : undefined;
    const beta = takesBeta !== undefined ? betas.shift() : undefined;
    if (NEEDS_PARAMETERS.has(act) && (alpha === undefined || beta === undefined))
      n.refuse(`activation ${name} without its alpha and beta (ONNX gives no default)`);
    return { name: act, ...(alpha === undefined ? {} : { alpha }), ...(beta === undefined ? {} : { beta }) };
  });
}

function importRecurrent(cell: RecurrentCell, n: NodeContext): OpResult[] {
  n.checkTypes(
    [E.float],
    [0, 1, 2, 3, 5, 6, 7].filter((i) => i < n.inputCount),
  );
  const clip = n.hasAttr('clip') ? n.float('clip', 0) : undefined;
  if (clip !== undefined && !(clip >= 0)) n.invalid(`clip ${clip} is negative`);
  const inputForget = cell === 'lstm' && n.int('input_forget', 0) !== 0;
  const direction = n.string('direction', 'forward');
  if (!(DIRECTIONS as readonly string[]).includes(direction))
    n.invalid(`direction ${direction} is not one of ${DIRECTIONS.join(', ')}`);
  const layout = n.opset >= 14 ? n.int('layout', 0) : 0;
  if (layout !== 0 && layout !== 1) n.invalid(`layout ${layout} is not 0 or 1`);
  const r = n.tensor(2);
  const hiddenSize = n.int('hidden_size', r.shape[2] as number);
  if (hiddenSize !== r.shape[2])
    n.invalid(`hidden_size ${hiddenSize} does not match R ${JSON.stringify(r.shape)}`);
  let sequenceLens: number[] | Tensor | null = null;
  if (n.has(4)) {
    n.checkTypes([E.int32], [4]);
    // known lengths drop the masks when every row is full; otherwise they are read at run time
    sequenceLens = n.known(4) === undefined ? n.tensor(4) : n.numbers(4, 'sequence_lens');
  }
  const linearBeforeReset = cell === 'gru' ? n.int('linear_before_reset', 0) !== 0 : false;
  const opt = (i: number) => (n.has(i) ? n.tensor(i) : null);
  const { y, yH, yC } = recurrent(cell, n.tensor(0), n.tensor(1), r, {
    direction: direction as (typeof DIRECTIONS)[number],
    activations: activations(n),
    bias: opt(3),
    sequenceLens,
    initialH: opt(5),
    initialC: cell === 'lstm' ? opt(6) : null,
    peepholes: cell === 'lstm' ? opt(7) : null,
    linearBeforeReset,
    layout,
    clip,
    inputForget,
  });
  return [y, yH, ...(yC === undefined ? [] : [yC])].map((t) => n.out(t, E.float));
}

export const recurrentOps: OpTable = {
  RNN: { since: 7, run: (n) => importRecurrent('rnn', n) },
  GRU: { since: 7, run: (n) => importRecurrent('gru', n) },
  LSTM: { since: 7, run: (n) => importRecurrent('lstm', n) },
};
