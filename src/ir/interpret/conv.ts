/**
 * conv and convTranspose over [N, C, D...] straight from ONNX's definitions,
 * in float64 rounded to f32 once per output element. conv gathers (each output
 * sums its window); convTranspose scatters (each input element adds its kernel
 * into the outputs it reaches), the opposite direction from the compiled
 * gather form, so the two are independent.
 */
import type { TypedArray } from '../../common/dtype.js';
import type { NodeOf } from '../node.js';
import { stridesOf } from '../shape.js';
import { flatIndex, forEachIndex } from './indexing.js';
import { argAt, at, convert, makeResult, type Operand } from './operands.js';

/** The bias values (or zeros) per output channel. */
function biasOf(
  node: NodeOf<'conv'> | NodeOf<'convTranspose'>,
  args: readonly Operand[],
  m: number,
): ArrayLike<number> {
  return node.attrs.hasBias ? convert(argAt(node, args, 2), 'f32') : new Array<number>(m).fill(0);
}

/**
 * out[n, m, o...] = bias[m] + Σ_{c < C/g} Σ_k x[n, g·C/g + c, o·s - padBegin + k·d] · w[m, c, k...],
 * g = m div (M/groups), taps outside the input skipped (zero padding).
 */
export function evaluateConv(node: NodeOf<'conv'>, args: readonly Operand[]): TypedArray {
  const x = argAt(node, args, 0);
  const w = argAt(node, args, 1);
  const xv = convert(x, 'f32');
  const wv = convert(w, 'f32');
  const { strides, dilations, pads, groups } = node.attrs;
  const n = x.shape.length - 2;
  const m = node.shape[1] ?? 0;
  const cg = w.shape[1] ?? 0;
  const mg = m / groups;
  const bias = biasOf(node, args, m);
  const xStrides = stridesOf(x.shape);
  const wStrides = stridesOf(w.shape);
  const kernel = w.shape.slice(2);
  const out = makeResult(node);
  const xIdx = new Array<number>(n + 2).fill(0);
  forEachIndex(node.shape, (o, flat) => {
    const [batch = 0, oc = 0] = o;
    const g = Math.floor(oc / mg);
    let acc = at(bias, oc);
    for (let c = 0; c < cg; c++) {
      forEachIndex(kernel, (k) => {
        xIdx[0] = batch;
        xIdx[1] = g * cg + c;
        for (let i = 0; i < n; i++) {
          const pos =
            (o[i + 2] ?? 0) * (strides[i] ?? 1) - (pads[i] ?? 0) + (k[i] ?? 0) * (dilations[i] ?? 1);
          if (pos < 0 || pos >= (x.shape[i + 2] ?? 0)) return;
          xIdx[i + 2] = pos;
        }
        const wFlat = oc * (wStrides[0] ?? 0) + c * (wStrides[1] ?? 0) + flatIndex(k, wStrides.slice(2));
        acc += at(xv, flatIndex(xIdx, xStrides)) * at(wv, wFlat);
      });
    }
    out[flat] = acc;
  });
  return out;
}

/**
 * Each x[n, c, i...] adds x · w[c, mₗ, k...] to out[n, g·M/g + mₗ, i·s + k·d - padBegin]
 * (g = c div (C/groups)) when that position is inside the output; out starts at bias[m].
 */
export function evaluateConvTranspose(node: NodeOf<'convTranspose'>, args: readonly Operand[]): TypedArray {
  const x = argAt(node, args, 0);
  const w = argAt(node, args, 1);
  const xv = convert(x, 'f32');
  const wv = convert(w, 'f32');
  const { strides, dilations, pads, groups } = node.attrs;
  const n = x.shape.length - 2;
  const m = node.shape[1] ?? 0;
  const mg = w.shape[1] ?? 0;
  const cg = (x.shape[1] ?? 0) / groups;
  const oStrides = stridesOf(node.shape);
  const wStrides = stridesOf(w.shape);
  const kernel = w.shape.slice(2);
  const sums = new Array<number>(out0Size(node.shape)).fill(0);
  const bias = biasOf(node, args, m);
  forEachIndex(node.shape, (o, flat) => (sums[flat] = at(bias, o[1] ?? 0)));
  const oIdx = new Array<number>(n + 2).fill(0);
  forEachIndex(x.shape, (i, xFlat) => {
    const [batch = 0, c = 0] = i;
    const g = Math.floor(c / cg);
    const xValue = at(xv, xFlat);
    for (let ml = 0; ml < mg; ml++) {
      forEachIndex(kernel, (k) => {
        oIdx[0] = batch;
        oIdx[1] = g * mg + ml;
        for (let a = 0; a < n; a++) {
          const pos =
            (i[a + 2] ?? 0) * (strides[a] ?? 1) + (k[a] ?? 0) * (dilations[a] ?? 1) - (pads[a] ?? 0);
          if (pos < 0 || pos >= (node.shape[a + 2] ?? 0)) return;
          oIdx[a + 2] = pos;
        }
        const wFlat = c * (wStrides[0] ?? 0) + ml * (wStrides[1] ?? 0) + flatIndex(k, wStrides.slice(2));
        const t = flatIndex(oIdx, oStrides);
        sums[t] = at(sums, t) + xValue * at(wv, wFlat);
      });
    }
  });
  const out = makeResult(node);
  for (let t = 0; t < out.length; t++) out[t] = at(sums, t);
  return out;
}

function out0Size(shape: readonly number[]): number {
  return shape.reduce((a, b) => a * b, 1);
}
