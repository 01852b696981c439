/**
 * Rotary position embedding with ONNX RotaryEmbedding's semantics (opset 23):
 * pairs of features (halves, or interleaved neighbours) rotated by cached
 * cos/sin angles, picked per position; built from slices, gathers and
 * elementwise nodes, so it adds no op code.
 */
import { ShapeError } from '../../common/errors.js';
import { describe, formatShape } from '../shape.js';
import type { AnyTensor } from '../types/tensor-types.js';

/** Options of rotaryEmbedding(). */
export interface RotaryOptions {
  /** i32 [batch, seq] rows of the caches to use; without it the caches are [batch, seq, dim/2]. */
  positionIds?: AnyTensor | null | undefined;
  /** Rotate neighbours (x0, x1), (x2, x3)… instead of the two halves. */
  interleaved?: boolean | undefined;
  /** How many leading features of each head rotate (even); default all. */
  rotaryDim?: number | undefined;
  /** Heads of a 3-D input [batch, seq, heads·size]; required for 3-D. */
  numHeads?: number | undefined;
}

function fail(what: string, shapes: readonly (readonly number[])[] = []): never {
  throw new ShapeError(`rotaryEmbedding: ${what}`, { op: 'rotaryEmbedding', shapes: [...shapes] });
}

/**
 * ONNX RotaryEmbedding of x ([batch, heads, seq, size] or 3-D [batch, seq,
 * heads·size]) with cos/sin caches [maxPos, dim/2] (with positionIds) or
 * [batch, seq, dim/2]: (x1, x2) becomes (cos·x1 − sin·x2, sin·x1 + cos·x2).
 */
export function rotaryEmbedding(
  x: AnyTensor,
  cosCache: AnyTensor,
  sinCache: AnyTensor,
  options: RotaryOptions = {},
): AnyTensor {
  const g = x.graph;
  g.own('rotaryEmbedding', cosCache);
  g.own('rotaryEmbedding', sinCache);
  for (const t of [x, cosCache, sinCache])
    if (t.dtype !== 'f32') fail(`x and the caches must be f32 (got ${t.dtype})`);
  let t: AnyTensor;
  if (x.rank === 4) {
    t = x.transpose([0, 2, 1, 3]);
  } else if (x.rank === 3) {
    const heads = options.numHeads;
    const hidden = x.shape[2] as number;
    if (typeof heads !== 'number' || !Number.isInteger(heads) || heads < 1 || hidden % heads !== 0)
      fail(`a 3-D x ${formatShape(x.shape)} needs numHeads dividing ${hidden} (got ${describe(heads)})`);
    t = x.reshape([x.shape[0] as number, x.shape[1] as number, heads, hidden / heads]);
  } else {
    fail(`x must be 3-D or 4-D (got ${formatShape(x.shape)})`, [x.shape]);
  }
  const [batch, seq, , size] = t.shape as [number, number, number, number];
  const dim = options.rotaryDim === undefined || options.rotaryDim === 0 ? size : options.rotaryDim;
  if (!Number.isInteger(dim) || dim < 2 || dim > size || dim % 2 !== 0)
    fail(`rotaryDim must be an even number in 2..${size} (got ${describe(options.rotaryDim)})`);
  const half = dim / 2;
  const ids = options.positionIds ?? null;
  const pick = (cache: AnyTensor): AnyTensor => {
    let c = cache;
    if (ids !== null) {
      g.own('rotaryEmbedding', ids);
      if (ids.dtype !== 'i32' || ids.rank !== 2 || ids.shape[0] !== batch || ids.shape[1] !== seq)
        fail(`positionIds must be i32 [${batch}, ${seq}] (got ${ids.dtype} ${formatShape(ids.shape)})`);
      if (c.rank !== 2) fail(`with positionIds a cache must be 2-D (got ${formatShape(c.shape)})`);
      c = c.gather(ids, 0);
    }
    if (c.rank !== 3 || c.shape[0] !== batch || c.shape[1] !== seq || c.shape[2] !== half)
      fail(`cache ${formatShape(cache.shape)} does not give [${batch}, ${seq}, ${half}] angles`, [
        cache.shape,
      ]);
    return c.unsqueeze(2);
  };
  const cos = pick(cosCache);
  const sin = pick(sinCache);
  const axes = (r: readonly [number, number, number]) => [null, null, null, r] as const;
  const rot = dim === size ? t : t.slice(axes([0, dim, 1]));
  const x1 = options.interleaved === true ? rot.slice(axes([0, dim, 2])) : rot.slice(axes([0, half, 1]));
  const x2 = options.interleaved === true ? rot.slice(axes([1, dim, 2])) : rot.slice(axes([half, dim, 1]));
  const real = cos.mul(x1).sub(sin.mul(x2));
  const imag = sin.mul(x1).add(cos.mul(x2));
  const rotated =
    options.interleaved === true
      ? g.stack([real, imag], 4).reshape([...rot.shape])
      : g.concat([real, imag], 3);
  const out = dim === size ? rotated : g.concat([rotated, t.slice(axes([dim, size, 1]))], 3);
  return x.rank === 4 ? out.transpose([0, 2, 1, 3]) : out.reshape([...x.shape]);
}
