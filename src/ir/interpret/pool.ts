/**
 * maxPool, sumPool and avgPool over [N, C, D...] from ONNX's definitions: each
 * output looks at the window taps o·s - padBegin + k·d along every spatial
 * axis; taps outside the input are padding, never values. float64, rounded to
 * f32 once per output.
 */
import type { TypedArray } from '../../common/dtype.js';
import type { NodeOf } from '../node.js';
import { stridesOf } from '../shape.js';
import { flatIndex, forEachIndex } from './indexing.js';
import { argAt, at, convert, makeResult, type Operand } from './operands.js';

type PoolNode = NodeOf<'maxPool'> | NodeOf<'sumPool'> | NodeOf<'avgPool'>;

/** Visits each output with the in-range input values of its window and the count of taps inside the padded input. */
function forEachWindow(
  node: PoolNode,
  args: readonly Operand[],
  visit: (flat: number, values: number[], padded: number) => void,
): void {
  const x = argAt(node, args, 0);
  const xv = convert(x, 'f32');
  const { strides, dilations, pads, kernelShape } = node.attrs;
  const n = x.shape.length - 2;
  const xStrides = stridesOf(x.shape);
  const xIdx = new Array<number>(n + 2).fill(0);
  forEachIndex(node.shape, (o, flat) => {
    const values: number[] = [];
    let padded = 0;
    forEachIndex(kernelShape, (k) => {
      xIdx[0] = o[0] ?? 0;
      xIdx[1] = o[1] ?? 0;
      let inside = true;
      let inPadded = true;
      for (let i = 0; i < n; i++) {
        const size = x.shape[i + 2] ?? 0;
        const pos = (o[i + 2] ?? 0) * (strides[i] ?? 1) - (pads[i] ?? 0) + (k[i] ?? 0) * (dilations[i] ?? 1);
        if (pos < 0 || pos >= size) inside = false;
        if (pos < -(pads[i] ?? 0) || pos >= size + (pads[i + n] ?? 0)) inPadded = false;
        xIdx[i + 2] = pos;
      }
      if (inPadded) padded++;
      if (inside) values.push(at(xv, flatIndex(xIdx, xStrides)));
    });
    visit(flat, values, padded);
  });
}

/** The largest in-range value of each window (NaN if any is NaN; -inf for a window of padding only). */
export function evaluateMaxPool(node: NodeOf<'maxPool'>, args: readonly Operand[]): TypedArray {
  const out = makeResult(node);
  forEachWindow(node, args, (flat, values) => {
    let m = -Infinity;
    for (const v of values) m = Number.isNaN(v) || Number.isNaN(m) ? NaN : Math.max(m, v);
    out[flat] = m;
  });
  return out;
}

/** The sum of each window's in-range values. */
export function evaluateSumPool(node: NodeOf<'sumPool'>, args: readonly Operand[]): TypedArray {
  const out = makeResult(node);
  forEachWindow(node, args, (flat, values) => (out[flat] = values.reduce((a, b) => a + b, 0)));
  return out;
}

/**
 * The sum of each window's in-range values divided by their count, or with
 * countIncludePad by the count of taps inside the padded input (taps past the
 * end padding, which ceil mode adds, never count).
 */
export function evaluateAvgPool(node: NodeOf<'avgPool'>, args: readonly Operand[]): TypedArray {
  const out = makeResult(node);
  forEachWindow(node, args, (flat, values, padded) => {
    const sum = values.reduce((a, b) => a + b, 0);
    out[flat] = sum / (node.attrs.countIncludePad ? padded : values.length);
  });
  return out;
}
