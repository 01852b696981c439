/**
 * unfold (im2col) from its definition: out[n, c, k..., o...] is the input at
 * the window tap o·s - padBegin + k·d along every spatial axis, 0 where the
 * tap falls in the padding.
 */
import type { TypedArray } from '../../common/dtype.js';
import type { NodeOf } from '../node.js';
import { stridesOf } from '../shape.js';
import { flatIndex, forEachIndex } from './indexing.js';
import { argAt, at, convert, makeResult, type Operand } from './operands.js';

/** Every window tap of x, in [N, C, K..., O...] order. */
export function evaluateUnfold(node: NodeOf<'unfold'>, args: readonly Operand[]): TypedArray {
  const x = argAt(node, args, 0);
  const xv = convert(x, 'f32');
  const { strides, dilations, pads, kernelShape } = node.attrs;
  const n = kernelShape.length;
  const xStrides = stridesOf(x.shape);
  const xIdx = new Array<number>(n + 2).fill(0);
  const out = makeResult(node);
  forEachIndex(node.shape, (idx, flat) => {
    xIdx[0] = idx[0] ?? 0;
    xIdx[1] = idx[1] ?? 0;
    let inside = true;
    for (let i = 0; i < n; i++) {
      const k = idx[i + 2] ?? 0;
      const o = idx[i + 2 + n] ?? 0;
      const pos = o * (strides[i] ?? 1) - (pads[i] ?? 0) + k * (dilations[i] ?? 1);
      if (pos < 0 || pos >= (x.shape[i + 2] ?? 0)) inside = false;
      xIdx[i + 2] = pos;
    }
    out[flat] = inside ? at(xv, flatIndex(xIdx, xStrides)) : 0;
  });
  return out;
}
