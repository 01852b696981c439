/**
 * ONNX Einsum from views, matmul and reductions: repeated letters in one
 * operand take the diagonal (a strided slice), a two-operand contraction whose
 * letters are batch, row, column and summed axes becomes one batched matmul,
 * and anything else is a broadcast product summed over the contracted letters
 * (one fused reduction).
 */
import { DTypeError, ShapeError } from '../../common/errors.js';
import { describe, formatShape, sizeOf } from '../shape.js';
import type { AnyTensor } from '../types/tensor-types.js';

const op = 'einsum';

/** Letters free for the dimensions an ellipsis stands for (never in ONNX equations, which use [a-zA-Z]). */
const ELLIPSIS_LETTERS = '0123456789';

function fail(equation: string, why: string): never {
  throw new ShapeError(`einsum: ${why} in "${equation}"`, { op, equation });
}

/** The operand and output terms with each `...` replaced by one symbol per broadcast dimension. */
function parseEquation(equation: string, ranks: readonly number[]): { inputs: string[][]; output: string[] } {
  const eq = equation.replace(/\s+/g, '');
  const [lhs = '', rhs] = eq.split('->');
  if (eq.split('->').length > 2) fail(equation, 'more than one "->"');
  const terms = lhs.split(',');
  if (terms.length !== ranks.length) fail(equation, `${terms.length} terms for ${ranks.length} operands`);
  let ellipsisRank = 0;
  const inputs = terms.map((term, i) => {
    const parts = term.split('...');
    if (parts.length > 2) fail(equation, 'more than one "..." in a term');
    const letters = parts.join('');
    if (!/^[a-zA-Z]*$/.test(letters)) fail(equation, `term "${term}" has a character that is not a letter`);
    const rank = ranks[i] ?? 0;
    const broadcast = parts.length === 2 ? rank - letters.length : 0;
    if (broadcast < 0 || (parts.length === 1 && letters.length !== rank)) {
      fail(equation, `term "${term}" does not match operand ${i} of rank ${rank}`);
    }
    ellipsisRank = Math.max(ellipsisRank, broadcast);
    const dots = ELLIPSIS_LETTERS.slice(ELLIPSIS_LETTERS.length - broadcast).split('');
    return parts.length === 2 ? [...(parts[0] ?? ''), ...dots, ...(parts[1] ?? '')] : [...letters];
  });
  const dotsAll = ELLIPSIS_LETTERS.slice(ELLIPSIS_LETTERS.length - ellipsisRank).split('');
  let output: string[];
  if (rhs === undefined) {
    const counts = new Map<string, number>();
    for (const t of inputs)
      for (const l of t) if (!ELLIPSIS_LETTERS.includes(l)) counts.set(l, (counts.get(l) ?? 0) + 1);
    output = [
      ...dotsAll,
      ...[...counts]
        .filter(([, c]) => c === 1)
        .map(([l]) => l)
        .sort(),
    ];
  } else {
    const parts = rhs.split('...');
    if (parts.length > 2 || !/^[a-zA-Z]*$/.test(parts.join(''))) fail(equation, `bad output term "${rhs}"`);
    output = parts.length === 2 ? [...(parts[0] ?? ''), ...dotsAll, ...(parts[1] ?? '')] : [...rhs];
    if (new Set(output).size !== output.length) fail(equation, 'a letter repeats in the output');
    for (const l of output)
      if (!inputs.some((t) => t.includes(l))) fail(equation, `output letter ${l} is in no operand`);
  }
  return { inputs, output };
}

/** Takes the diagonal of every letter repeated within one operand, leaving each letter once. */
function takeDiagonals(x: AnyTensor, letters: string[], equation: string): [AnyTensor, string[]] {
  let t = x;
  let ls = [...letters];
  for (let i = 0; i < ls.length; i++) {
    const j = ls.indexOf(ls[i] as string, i + 1);
    if (j < 0) continue;
    const n = t.shape[i] ?? 0;
    if (t.shape[j] !== n) fail(equation, `letter ${ls[i]} has sizes ${n} and ${t.shape[j]} in one operand`);
    // move the pair last, merge it, and step n + 1 along the merged axis: x[..., k, k]
    const rest = ls.map((_, k) => k).filter((k) => k !== i && k !== j);
    const moved = t.transpose([...rest, i, j]);
    const merged = moved.reshape([...moved.shape.slice(0, -2), n * n]);
    t = merged.slice([...rest.map(() => null), [0, n * n, n + 1]]);
    ls = [...rest.map((k) => ls[k] as string), ls[i] as string];
    i = -1;
  }
  return [t, ls];
}

/** `x` (axes labelled `from`) transposed into the order of `to` (a superset) with size-1 axes for absent letters. */
function alignTo(x: AnyTensor, from: readonly string[], to: readonly string[]): AnyTensor {
  const present = to.filter((l) => from.includes(l));
  const moved = x.transpose(present.map((l) => from.indexOf(l)));
  return moved.reshape(to.map((l) => (from.includes(l) ? (x.shape[from.indexOf(l)] ?? 1) : 1)));
}

/** Size of each letter across operands (1 broadcasts, as in an ellipsis); a mismatch is a ShapeError. */
function letterSizes(
  xs: readonly AnyTensor[],
  terms: readonly string[][],
  equation: string,
): Map<string, number> {
  const sizes = new Map<string, number>();
  xs.forEach((x, i) => {
    (terms[i] ?? []).forEach((l, k) => {
      const d = x.shape[k] ?? 1;
      const seen = sizes.get(l);
      if (seen === undefined || seen === 1) sizes.set(l, d);
      else if (d !== 1 && d !== seen) {
        fail(
          equation,
          `letter ${l} has size ${d} in operand ${i} ${formatShape(x.shape)} but ${seen} elsewhere`,
        );
      }
    });
  });
  return sizes;
}

/** Two operands as one batched matmul, when every letter is batch, row, column or contracted; else undefined. */
function asMatmul(
  [a, b]: readonly [AnyTensor, AnyTensor],
  [ta, tb]: readonly [string[], string[]],
  output: readonly string[],
  sizes: ReadonlyMap<string, number>,
): AnyTensor | undefined {
  const batch = output.filter((l) => ta.includes(l) && tb.includes(l));
  const rows = output.filter((l) => ta.includes(l) && !tb.includes(l));
  const cols = output.filter((l) => tb.includes(l) && !ta.includes(l));
  const inner = ta.filter((l) => tb.includes(l) && !output.includes(l));
  const covered =
    batch.length + rows.length + inner.length === ta.length &&
    batch.length + cols.length + inner.length === tb.length;
  const sameBatch = [...batch, ...inner].every((l) => a.shape[ta.indexOf(l)] === b.shape[tb.indexOf(l)]);
  if (!covered || !sameBatch || inner.length === 0) return undefined;
  const size = (ls: readonly string[]): number => sizeOf(ls.map((l) => sizes.get(l) ?? 1));
  const am = a
    .transpose([...batch, ...rows, ...inner].map((l) => ta.indexOf(l)))
    .reshape([size(batch), size(rows), size(inner)]);
  const bm = b
    .transpose([...batch, ...inner, ...cols].map((l) => tb.indexOf(l)))
    .reshape([size(batch), size(inner), size(cols)]);
  const order = [...batch, ...rows, ...cols];
  const product = am.matmul(bm).reshape(order.map((l) => sizes.get(l) ?? 1));
  return product.transpose(output.map((l) => order.indexOf(l)));
}

/**
 * ONNX Einsum: `equation` in Einstein notation over `tensors` (letters a-z A-Z,
 * `...` for broadcast dimensions, `->` optional: without it the output is the
 * ellipsis then the letters used once, sorted). Operands are f32 or i32 and
 * are promoted together.
 */
export function einsum(equation: string, tensors: readonly AnyTensor[]): AnyTensor {
  if (typeof equation !== 'string')
    throw new ShapeError(`einsum: equation must be a string (got ${describe(equation)})`);
  if (tensors.length === 0) fail(equation, 'no operands');
  const g = (tensors[0] as AnyTensor).graph;
  for (const t of tensors) {
    g.own(op, t);
    if (t.dtype === 'bool') throw new DTypeError('einsum: operand is bool (expected f32 or i32)', { op });
  }
  const parsed = parseEquation(
    equation,
    tensors.map((t) => t.rank),
  );
  const pairs = tensors.map((t, i) => takeDiagonals(t, parsed.inputs[i] ?? [], equation));
  const xs = pairs.map(([t]) => t);
  const terms = pairs.map(([, ls]) => ls);
  const sizes = letterSizes(xs, terms, equation);
  const { output } = parsed;
  if (xs.length === 2) {
    const viaMatmul = asMatmul(
      [xs[0] as AnyTensor, xs[1] as AnyTensor],
      [terms[0] ?? [], terms[1] ?? []],
      output,
      sizes,
    );
    if (viaMatmul !== undefined) return viaMatmul;
  }
  const summed = [...new Set(terms.flat())].filter((l) => !output.includes(l));
  const all = [...output, ...summed];
  const product = xs
    .map((x, i) => alignTo(x, terms[i] ?? [], all))
    .reduce((p, x) => p.mul(x))
    .expand(all.map((l) => sizes.get(l) ?? 1));
  return summed.length === 0 ? product : product.sum(summed.map((_, k) => output.length + k));
}
