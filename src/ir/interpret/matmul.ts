/**
 * matmul with NumPy semantics: a 1-D left operand is a row [1,K] and a 1-D
 * right operand a column [K,1] (the added axes are absent from the result);
 * leading batch axes broadcast. f32 dot products accumulate in float64 and
 * round once; i32 wraps at every multiply and add.
 */
import type { TypedArray } from '../../common/dtype.js';
import { InternalError } from '../../common/errors.js';
import type { NodeOf } from '../node.js';
import { broadcastShapes, sizeOf } from '../shape.js';
import { broadcastIndexMap } from './indexing.js';
import { argAt, at, convert, makeResult, type Operand } from './operands.js';

/** The shape an operand has once a 1-D operand gets its missing matrix axis. */
export function asMatrix(shape: readonly number[], side: 'left' | 'right'): readonly number[] {
  if (shape.length !== 1) return shape;
  const k = shape[0] ?? 0;
  return side === 'left' ? [1, k] : [k, 1];
}

/**
 * `out[batch, i, j] = sum_k a[batchA, i, k] * b[batchB, k, j]`, with `batchA`
 * and `batchB` the broadcast batch index read in each operand. Both operands
 * are converted to the result dtype first. The result's flat layout is
 * `(batch * M + i) * N + j` whether or not the 1-D axes were dropped, since
 * dropping a size-1 axis does not change flat indices.
 */
export function evaluateMatmul(node: NodeOf<'matmul'>, args: readonly Operand[]): TypedArray {
  const a = argAt(node, args, 0);
  const b = argAt(node, args, 1);
  const aShape = asMatrix(a.shape, 'left');
  const bShape = asMatrix(b.shape, 'right');
  const m = aShape[aShape.length - 2] ?? 0;
  const k = aShape[aShape.length - 1] ?? 0;
  const n = bShape[bShape.length - 1] ?? 0;
  const aBatch = aShape.slice(0, -2);
  const bBatch = bShape.slice(0, -2);
  const batch = broadcastShapes('matmul', aBatch, bBatch);
  const aMap = broadcastIndexMap(aBatch, batch);
  const bMap = broadcastIndexMap(bBatch, batch);
  const av = convert(a, node.dtype);
  const bv = convert(b, node.dtype);
  const isFloat = node.dtype === 'f32';
  const out = makeResult(node);
  if (out.length !== sizeOf(batch) * m * n) {
    throw new InternalError('interpret', `matmul (node ${node.id}) result size differs from its shape`);
  }
  for (let t = 0; t < sizeOf(batch); t++) {
    const aBase = at(aMap, t) * m * k;
    const bBase = at(bMap, t) * k * n;
    for (let i = 0; i < m; i++) {
      for (let j = 0; j < n; j++) {
        let acc = 0;
        for (let p = 0; p < k; p++) {
          const x = at(av, aBase + i * k + p);
          const y = at(bv, bBase + p * n + j);
          // f32: x*y is exact in float64 (24+24 bits); i32: wrap like i32.mul and i32.add
          acc = isFloat ? acc + x * y : (acc + Math.imul(x, y)) | 0;
        }
        out[(t * m + i) * n + j] = acc;
      }
    }
  }
  return out;
}
