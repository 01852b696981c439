/**
 * ONNX's recurrent ops (RNN, GRU, LSTM) imported as the builder's unrolled
 * recurrent composite: gate layouts, defaults, directions, layouts and
 * sequence_lens (known at import or read at run time) as ONNX's reference
 * computes them; clip, input_forget and activations with alpha/beta are refused.
 */
import { recurrent, type RecurrentActivation, type RecurrentCell } from '../../ir/build/recurrent.js';
import type { Tensor } from '../../ir/tensor.js';
import { ElemType as E } from '../elem-types.js';
import type { NodeContext, OpResult } from '../node-context.js';
import type { OpTable } from '../op-entry.js';

/** ONNX activation names the recurrent composite computes (no alpha/beta). */
const ACTIVATIONS: Readonly<Record<string, RecurrentActivation>> = {
  Sigmoid: 'sigmoid',
  Tanh: 'tanh',
  Relu: 'relu',
  Softsign: 'softsign',
  Softplus: 'softplus',
};

const DIRECTIONS = ['forward', 'reverse', 'bidirectional'] as const;

/** The activations attribute (a STRINGS list), or undefined for the defaults. */
function activations(n: NodeContext): RecurrentActivation[] | undefined {
  const a = n.node.attributes.find((x) => x.name === 'activations');
  n.ignore('activations');
  if (a === undefined) return undefined;
  return a.strings.map((name) => {
    const act = ACTIVATIONS[name];
    if (act === undefined)
      n.refuse(`activation ${name} is not supported (supported: ${Object.keys(ACTIVATIONS).join(', ')})`);
    return act;
  });
}

function importRecurrent(cell: RecurrentCell, n: NodeContext): OpResult[] {
  n.checkTypes(
    [E.float],
    [0, 1, 2, 3, 5, 6, 7].filter((i) => i < n.inputCount),
  );
  if (n.hasAttr('clip')) n.refuse('attribute clip is not supported');
  if (n.floats('activation_alpha') !== undefined || n.floats('activation_beta') !== undefined)
    n.refuse('activation_alpha and activation_beta are not supported');
  if (cell === 'lstm') n.requireInt('input_forget', 0, 'coupled input and forget gates');
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
  });
  return [y, yH, ...(yC === undefined ? [] : [yC])].map((t) => n.out(t, E.float));
}

export const recurrentOps: OpTable = {
  RNN: { since: 7, run: (n) => importRecurrent('rnn', n) },
  GRU: { since: 7, run: (n) => importRecurrent('gru', n) },
  LSTM: { since: 7, run: (n) => importRecurrent('lstm', n) },
};
