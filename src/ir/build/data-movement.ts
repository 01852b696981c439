/**
 * Shape and data-movement ops with ONNX semantics built from views and
 * existing primitives: split (slices), tile (reshape + expand), pad modes
 * reflect/edge/wrap (concatenated slices, read through by consumers),
 * depthToSpace/spaceToDepth (reshape + transpose), trilu (a mask from index
 * vectors), cumsum (a log-step scan of shifted views) and integer mod.
 */
import { DTypeError, ShapeError } from '../../common/errors.js';
import { describe, formatShape, isArray, normalizeAxis } from '../shape.js';
import type { SliceRange } from '../tensor-args.js';
import type { AnyTensor } from '../types/tensor-types.js';

/** A whole-tensor range list with `range` on `axis`. */
function rangesOn(x: AnyTensor, axis: number, range: SliceRange): SliceRange[] {
  return x.shape.map((_, i) => (i === axis ? range : null));
}

/** A non-negative integer, or a ShapeError naming `op` and `what`. */
function checkCount(op: string, what: string, v: unknown): number {
  if (typeof v !== 'number' || !Number.isInteger(v) || v < 0) {
    throw new ShapeError(`${op}: ${what} must be a non-negative integer (got ${describe(v)})`, { op });
  }
  return v;
}

/**
 * ONNX Split: sizes along `axis` (summing to its length), or a count of parts
 * (ONNX num_outputs: parts of ceil(n/count), the last smaller). Each part is a
 * slice (a view).
 */
export function split(x: AnyTensor, parts: number | readonly number[], axis = 0): AnyTensor[] {
  const op = 'split';
  const a = normalizeAxis(op, axis, x.rank);
  const n = x.shape[a] ?? 0;
  let sizes: number[];
  if (typeof parts === 'number') {
    if (!Number.isInteger(parts) || parts < 1) {
      throw new ShapeError(`split: the part count must be a positive integer (got ${describe(parts)})`, {
        op,
      });
    }
    const chunk = Math.ceil(n / parts);
    sizes = Array.from({ length: parts }, (_, i) => Math.max(0, Math.min(chunk, n - i * chunk)));
  } else {
    if (!isArray(parts))
      throw new ShapeError(`split: sizes must be a number or an array (got ${describe(parts)})`);
    sizes = parts.map((s) => checkCount(op, 'each size', s));
    const total = sizes.reduce((p, s) => p + s, 0);
    if (total !== n) {
      throw new ShapeError(
        `split: sizes ${JSON.stringify(sizes)} sum to ${total}, not to axis ${a} of ${formatShape(x.shape)} (${n})`,
        { op, sizes, shape: x.shape },
      );
    }
  }
  let start = 0;
  return sizes.map((s) => {
    const part = x.slice(rangesOn(x, a, [start, start + s]));
    start += s;
    return part;
  });
}

/**
 * ONNX GatherElements: the result has the indices' shape and reads
 * `x[c with c[axis] = indices[c]]`; an index outside [-size, size) is an
 * InputError from run() (the kernel checks it, as for gather).
 */
export function gatherElements(x: AnyTensor, indices: AnyTensor, axis: number): AnyTensor {
  const op = 'gatherElements';
  x.graph.own(op, indices);
  const g = x.graph;
  return g.wrap(g.addNode(op, [x.node, indices.node], { axis: normalizeAxis(op, axis, x.rank) }));
}

/** ONNX Tile: `repeats[i]` copies along each axis, as reshape + expand + reshape views. */
export function tile(x: AnyTensor, repeats: readonly number[]): AnyTensor {
  const op = 'tile';
  if (!isArray(repeats) || repeats.length !== x.rank) {
    throw new ShapeError(
      `tile: expected ${x.rank} repeats for ${formatShape(x.shape)} (got ${describe(repeats)})`,
      {
        op,
      },
    );
  }
  const r = repeats.map((v) => checkCount(op, 'each repeat', v));
  const interleaved = x.shape.flatMap((d) => [1, d]);
  const expanded = x.shape.flatMap((d, i) => [r[i] as number, d]);
  return x
    .reshape(interleaved)
    .expand(expanded)
    .reshape(x.shape.map((d, i) => d * (r[i] as number)));
}

/** The padding modes besides 'constant' (ONNX Pad mode). */
export type PadMode = 'constant' | 'reflect' | 'edge' | 'wrap';

/** The input position read by padded position `j` (j = out - before, may be outside [0, n)). */
function sourceIndex(mode: Exclude<PadMode, 'constant'>, j: number, n: number): number {
  if (mode === 'edge') return Math.min(Math.max(j, 0), n - 1);
  if (mode === 'wrap') return ((j % n) + n) % n;
  if (n === 1) return 0;
  const period = 2 * (n - 1);
  const m = ((j % period) + period) % period;
  return m < n ? m : period - m;
}

/** One axis padded by concatenating runs of the input (slices, or an expanded element for edge). */
function padAxis(
  x: AnyTensor,
  axis: number,
  before: number,
  after: number,
  mode: Exclude<PadMode, 'constant'>,
): AnyTensor {
  if (before === 0 && after === 0) return x;
  const n = x.shape[axis] ?? 0;
  const src = Array.from({ length: before + n + after }, (_, i) => sourceIndex(mode, i - before, n));
  const pieces: AnyTensor[] = [];
  for (let i = 0; i < src.length;) {
    const start = src[i] as number;
    const step = i + 1 < src.length ? (src[i + 1] as number) - start : 1;
    let len = 1;
    if (step === 1 || step === -1 || step === 0) {
      while (i + len < src.length && src[i + len] === start + len * step) len++;
    }
    if (step === 0) {
      const one = x.slice(rangesOn(x, axis, [start, start + 1]));
      pieces.push(one.expand(x.shape.map((d, k) => (k === axis ? len : d))));
    } else if (step === -1 && len > 1) {
      const stop = start - len;
      pieces.push(x.slice(rangesOn(x, axis, [start, stop < 0 ? null : stop, -1])));
    } else {
      if (step !== 1) len = 1;
      pieces.push(x.slice(rangesOn(x, axis, [start, start + len])));
    }
    i += len;
  }
  return pieces.length === 1 ? (pieces[0] as AnyTensor) : x.graph.concat(pieces, axis);
}

/**
 * ONNX Pad with mode reflect (mirror without repeating the edge, repeated for
 * widths past the axis), edge (repeat the edge element) or wrap (periodic): per
 * axis a concatenation of slices of x, so a consumer reads x through guarded
 * index maps and nothing is copied.
 */
export function padWithMode(
  x: AnyTensor,
  widths: readonly (readonly [number, number])[],
  mode: Exclude<PadMode, 'constant'>,
): AnyTensor {
  const op = 'pad';
  if (mode !== 'reflect' && mode !== 'edge' && mode !== 'wrap') {
    throw new ShapeError(
      `pad: mode must be 'constant', 'reflect', 'edge' or 'wrap' (got ${describe(mode)})`,
      { op },
    );
  }
  if (!isArray(widths) || widths.length !== x.rank || widths.some((w) => !isArray(w) || w.length !== 2)) {
    throw new ShapeError(`pad: expected ${x.rank} [before, after] pairs for ${formatShape(x.shape)}`, {
      op,
      shape: x.shape,
    });
  }
  let y = x;
  widths.forEach(([b, a], axis) => {
    checkCount(op, 'each width', b);
    checkCount(op, 'each width', a);
    if (b + a > 0 && (x.shape[axis] ?? 0) === 0) {
      throw new ShapeError(
        `pad: mode '${mode}' cannot pad axis ${axis} of size 0 in ${formatShape(x.shape)}`,
        {
          op,
          shape: x.shape,
        },
      );
    }
    y = padAxis(y, axis, b, a, mode);
  });
  return y;
}

/** Checks a rank-4 [N, C, H, W] operand and a positive block size. */
function checkBlocks(op: string, x: AnyTensor, blocksize: number): void {
  if (x.rank !== 4)
    throw new ShapeError(`${op}: x must be [N, C, H, W] (got ${formatShape(x.shape)})`, { op });
  if (!Number.isInteger(blocksize) || blocksize < 1) {
    throw new ShapeError(`${op}: blocksize must be a positive integer (got ${describe(blocksize)})`, { op });
  }
}

/**
 * ONNX DepthToSpace: [N, C, H, W] -> [N, C/b², H·b, W·b]. DCR reads channel
 * `(i·b + j)·C/b² + c` for block offset (i, j); CRD reads `(c·b + i)·b + j`.
 */
export function depthToSpace(x: AnyTensor, blocksize: number, mode: 'DCR' | 'CRD' = 'DCR'): AnyTensor {
  const op = 'depthToSpace';
  checkBlocks(op, x, blocksize);
  const [n, c, h, w] = x.shape as [number, number, number, number];
  const b = blocksize;
  if (c % (b * b) !== 0) {
    throw new ShapeError(
      `depthToSpace: channels ${c} of ${formatShape(x.shape)} are not divisible by ${b * b}`,
      {
        op,
      },
    );
  }
  if (mode !== 'DCR' && mode !== 'CRD') {
    throw new ShapeError(`depthToSpace: mode must be 'DCR' or 'CRD' (got ${describe(mode)})`, { op });
  }
  const c2 = c / (b * b);
  const moved =
    mode === 'DCR'
      ? x.reshape([n, b, b, c2, h, w]).transpose([0, 3, 4, 1, 5, 2])
      : x.reshape([n, c2, b, b, h, w]).transpose([0, 1, 4, 2, 5, 3]);
  return moved.reshape([n, c2, h * b, w * b]);
}

/** ONNX SpaceToDepth: [N, C, H, W] -> [N, C·b², H/b, W/b], channel `(i·b + j)·C + c` (DCR). */
export function spaceToDepth(x: AnyTensor, blocksize: number): AnyTensor {
  const op = 'spaceToDepth';
  checkBlocks(op, x, blocksize);
  const [n, c, h, w] = x.shape as [number, number, number, number];
  const b = blocksize;
  if (h % b !== 0 || w % b !== 0) {
    throw new ShapeError(`spaceToDepth: H and W of ${formatShape(x.shape)} are not divisible by ${b}`, {
      op,
    });
  }
  return x
    .reshape([n, c, h / b, b, w / b, b])
    .transpose([0, 3, 5, 1, 2, 4])
    .reshape([n, c * b * b, h / b, w / b]);
}

/** 0, 1, …, n-1 as an i32 constant of shape `shape` (n elements). */
function iota(x: AnyTensor, n: number, shape: readonly number[]): AnyTensor {
  return x.graph.constant(
    Int32Array.from({ length: n }, (_, i) => i),
    shape,
  );
}

/**
 * ONNX Trilu over the last two axes [M, N]: upper keeps `col - row >= k`,
 * lower keeps `col - row <= k`; everything else becomes 0.
 */
export function trilu(x: AnyTensor, upper = true, k = 0): AnyTensor {
  const op = 'trilu';
  if (x.rank < 2) throw new ShapeError(`trilu: x must have rank >= 2 (got ${formatShape(x.shape)})`, { op });
  if (!Number.isInteger(k)) throw new ShapeError(`trilu: k must be an integer (got ${describe(k)})`, { op });
  const m = x.shape[x.rank - 2] ?? 0;
  const n = x.shape[x.rank - 1] ?? 0;
  const offset = iota(x, n, [n]).sub(iota(x, m, [m, 1]));
  const keep = upper ? offset.ge(k) : offset.le(k);
  return x.graph.where(keep, x, x.graph.constant(0, [], x.dtype));
}

/** x shifted by `d` along `axis`: element i reads x[i - d], or 0 before the start (a view). */
function shift(x: AnyTensor, axis: number, d: number): AnyTensor {
  const n = x.shape[axis] ?? 0;
  const padded = x.pad(x.shape.map((_, i) => (i === axis ? ([d, 0] as const) : ([0, 0] as const))));
  return padded.slice(rangesOn(padded, axis, [0, n]));
}

/**
 * ONNX CumSum along `axis`: inclusive or exclusive (sum of the elements
 * before), forward or reverse. A Hillis–Steele scan: ⌈log₂ n⌉ steps of
 * `y + shift(y, 2^s)`, each shift a view, so memory stays O(size).
 */
export function cumsum(x: AnyTensor, axis: number, exclusive = false, reverse = false): AnyTensor {
  const op = 'cumsum';
  if (x.dtype === 'bool') throw new DTypeError('cumsum: operand is bool (expected f32 or i32)', { op });
  const a = normalizeAxis(op, axis, x.rank);
  const n = x.shape[a] ?? 0;
  const flip = (t: AnyTensor): AnyTensor =>
    reverse && n > 0 ? t.slice(rangesOn(t, a, [null, null, -1])) : t;
  let y = flip(x);
  if (exclusive && n > 0) y = shift(y, a, 1);
  for (let d = 1; d < n; d *= 2) y = y.add(shift(y, a, d));
  return flip(y);
}

/**
 * ONNX Mod. fmod = true: C's fmod, the remainder of truncated division with
 * the dividend's sign, exact for f32 (one `fmod` node); fmod = false (i32
 * only, as ONNX requires fmod = 1 for floats): the remainder moved to the
 * divisor's sign (Python's %). An i32 zero divisor gives 0 (NumPy's result),
 * an f32 one NaN (C's).
 */
export function mod(a: AnyTensor, b: AnyTensor | number, fmod = false): AnyTensor {
  const op = 'mod';
  if (typeof b === 'number' && a.dtype === 'i32' && !Number.isInteger(b)) {
    throw new DTypeError(`mod: divisor ${b} is not an integer for an i32 dividend`, { op, divisor: b });
  }
  const bt = typeof b === 'number' ? a.graph.constant(b, [], a.dtype === 'f32' ? 'f32' : 'i32') : b;
  a.graph.own(op, bt);
  if (a.dtype !== bt.dtype || (a.dtype !== 'i32' && a.dtype !== 'f32')) {
    throw new DTypeError(
      `mod: operands must both be i32 or both f32 (got ${a.dtype} and ${bt.dtype})`,
      { op, dtypes: [a.dtype, bt.dtype] },
      'Cast one operand so both have the same dtype',
    );
  }
  if (a.dtype === 'f32' && !fmod) {
    throw new DTypeError(
      'mod: f32 operands need fmod = true (ONNX Mod requires fmod=1 for floating-point types)',
      { op, dtypes: [a.dtype, bt.dtype] },
      'Pass fmod = true for C fmod semantics',
    );
  }
  const g = a.graph;
  const c = g.wrap(g.addNode('fmod', [a.node, bt.node], {}));
  if (fmod) return c;
  // Python's %: a nonzero remainder whose sign differs from the divisor's moves by one divisor
  return g.where(c.ne(0).and(c.lt(0).ne(bt.lt(0))), c.add(bt), c);
}
