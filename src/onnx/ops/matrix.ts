/**
 * Matrix-pattern ONNX ops built from constant masks: Trilu (the triangle
 * above or below diagonal k kept, the rest zero) and EyeLike (ones on diagonal k).
 */
import { ElemType as E } from '../elem-types.js';
import type { NodeContext } from '../node-context.js';
import type { OpTable } from '../op-entry.js';

/** A [rows, cols] bool mask with `keep(i, j)` true. */
function mask(rows: number, cols: number, keep: (i: number, j: number) => boolean): Uint8Array {
  const out = new Uint8Array(rows * cols);
  for (let i = 0; i < rows; i++) for (let j = 0; j < cols; j++) out[i * cols + j] = keep(i, j) ? 1 : 0;
  return out;
}

function trilu(n: NodeContext) {
  n.checkTypes([E.float, E.int32, E.int64, E.bool], [0]);
  const x = n.tensor(0);
  if (x.rank < 2) n.invalid('the input must have rank >= 2');
  const k = n.has(1) ? n.scalar(1, 'k') : 0;
  const upper = n.int('upper', 1) !== 0;
  const rows = x.shape[x.rank - 2] as number;
  const cols = x.shape[x.rank - 1] as number;
  const keep = mask(rows, cols, (i, j) => (upper ? j - i >= k : j - i <= k));
  const zero = x.dtype === 'bool' ? n.graph.constant(new Uint8Array(1), [], 'bool') : 0;
  return n.out(n.graph.where(n.graph.constant(keep, [rows, cols], 'bool'), x, zero), n.elemType(0));
}

function eyeLike(n: NodeContext) {
  n.checkTypes([E.float, E.int32, E.int64, E.bool], [0]);
  const shape = n.shape(0);
  if (shape.length !== 2) n.invalid('the input must be 2-D');
  const elemType = n.hasAttr('dtype') ? n.int('dtype', 0) : n.elemType(0);
  if (![E.float, E.int32, E.int64, E.bool].includes(elemType as 1))
    n.refuse(`dtype ${elemType} is not supported`);
  const k = n.int('k', 0);
  const [rows, cols] = shape as [number, number];
  const ones = mask(rows, cols, (i, j) => j - i === k);
  const data =
    elemType === E.bool
      ? ones
      : elemType === E.float
        ? Float32Array.from(ones)
        : elemType === E.int32
          ? Int32Array.from(ones)
          : Float64Array.from(ones);
  return n.constant(data, [rows, cols], elemType);
}

export const matrixOps: OpTable = {
  Trilu: { since: 14, run: trilu },
  EyeLike: { since: 9, run: eyeLike },
};
