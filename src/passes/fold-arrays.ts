/**
 * Constant folds of the ops that whole model weights go through — reshape,
 * f32 add/sub/mul/div with broadcasting (the batchNorm scale folded into conv
 * weights), transpose (Gemm's transposed B) — as typed-array loops: no index
 * map per element, no copy of a reshaped array. Each gives the interpreter's
 * result bit for bit (the same f32 operation per element, rounded once on
 * store); simplify uses the interpreter for everything else.
 */
import type { TypedArray } from '../common/dtype.js';
import type { Node, NodeOf } from '../ir/node.js';
import { sizeOf, stridesOf, type Shape } from '../ir/shape.js';

/** Axes of an output walked together: sizes, and each array's step along every axis. */
interface JointAxes {
  readonly sizes: number[];
  /** steps[k][axis]: how far array k moves per step along `axis`. */
  readonly steps: number[][];
}

/**
 * The output's axes with size-1 axes dropped and an axis merged into the next
 * when it is a continuation of it for every array (`step[i] = step[i+1] * size[i+1]`),
 * so the innermost loop is as long as all arrays allow.
 */
function jointAxes(shape: Shape, strides: readonly (readonly number[])[]): JointAxes {
  const sizes: number[] = [];
  const steps: number[][] = strides.map(() => []);
  shape.forEach((size, axis) => {
    if (size === 1) return;
    const last = sizes.length - 1;
    const merges = last >= 0 && strides.every((s, k) => (steps[k]?.[last] ?? 0) === (s[axis] ?? 0) * size);
    if (merges) {
      sizes[last] = (sizes[last] ?? 1) * size;
      strides.forEach((s, k) => ((steps[k] as number[])[last] = s[axis] ?? 0));
    } else {
      sizes.push(size);
      strides.forEach((s, k) => (steps[k] as number[]).push(s[axis] ?? 0));
    }
  });
  if (sizes.length === 0) {
    sizes.push(1);
    for (const s of steps) s.push(0);
  }
  return { sizes, steps };
}

/**
 * Calls `row(o, starts)` for every run of the innermost joint axis: `o` is the
 * output's flat index of the run's first element, `starts[k]` array k's.
 * `starts` is one reused array.
 */
function forEachRow(axes: JointAxes, row: (o: number, starts: readonly number[]) => void): void {
  const { sizes, steps } = axes;
  const rank = sizes.length;
  const inner = sizes[rank - 1] ?? 1;
  const total = sizes.reduce((a, b) => a * b, 1);
  const coords = new Array<number>(rank).fill(0);
  const starts = steps.map(() => 0);
  for (let o = 0; o < total; o += inner) {
    row(o, starts);
    // odometer over the outer axes, keeping starts[k] = sum(coords * steps[k])
    for (let axis = rank - 2; axis >= 0; axis--) {
      const next = (coords[axis] ?? 0) + 1;
      if (next < (sizes[axis] ?? 0)) {
        coords[axis] = next;
        steps.forEach((s, k) => (starts[k] = (starts[k] ?? 0) + (s[axis] ?? 0)));
        break;
      }
      steps.forEach((s, k) => (starts[k] = (starts[k] ?? 0) - (coords[axis] ?? 0) * (s[axis] ?? 0)));
      coords[axis] = 0;
    }
  }
}

/** The strides of a value of shape `from` broadcast (NumPy, right-aligned) to `to`: 0 on repeated axes. */
function broadcastStrides(from: Shape, to: Shape): number[] {
  const offset = to.length - from.length;
  const own = stridesOf(from);
  return to.map((_, i) => {
    const j = i - offset;
    return j < 0 || from[j] === 1 ? 0 : (own[j] ?? 0);
  });
}

/** The f32 arithmetic ops folded here. */
type ArithmeticOp = 'add' | 'sub' | 'mul' | 'div';
const ARITHMETIC: ReadonlySet<string> = new Set<ArithmeticOp>(['add', 'sub', 'mul', 'div']);

/**
 * out[o + j] = a[ia + j·sa] op b[ib + j·sb] for j < n: one loop per op, so
 * each is monomorphic (JS computes in f64; the store rounds to f32 once,
 * exactly the interpreter's `f32` rule).
 */
function arithmeticRow(
  op: ArithmeticOp,
  out: Float32Array,
  o: number,
  n: number,
  a: Float32Array,
  ia: number,
  sa: number,
  b: Float32Array,
  ib: number,
  sb: number,
): void {
  switch (op) {
    case 'add':
      for (let j = 0; j < n; j++) out[o + j] = (a[ia + j * sa] as number) + (b[ib + j * sb] as number);
      return;
    case 'sub':
      for (let j = 0; j < n; j++) out[o + j] = (a[ia + j * sa] as number) - (b[ib + j * sb] as number);
      return;
    case 'mul':
      for (let j = 0; j < n; j++) out[o + j] = (a[ia + j * sa] as number) * (b[ib + j * sb] as number);
      return;
    case 'div':
      for (let j = 0; j < n; j++) out[o + j] = (a[ia + j * sa] as number) / (b[ib + j * sb] as number);
      return;
  }
}

function foldArithmetic(node: Node, a: NodeOf<'constant'>, b: NodeOf<'constant'>): Float32Array {
  const av = a.attrs.data as Float32Array;
  const bv = b.attrs.data as Float32Array;
  const out = new Float32Array(sizeOf(node.shape));
  const axes = jointAxes(node.shape, [
    broadcastStrides(a.shape, node.shape),
    broadcastStrides(b.shape, node.shape),
  ]);
  const n = axes.sizes[axes.sizes.length - 1] ?? 1;
  const sa = axes.steps[0]?.[axes.sizes.length - 1] ?? 0;
  const sb = axes.steps[1]?.[axes.sizes.length - 1] ?? 0;
  const op = node.op as ArithmeticOp;
  forEachRow(axes, (o, [ia = 0, ib = 0]) => arithmeticRow(op, out, o, n, av, ia, sa, bv, ib, sb));
  return out;
}

/** Square tiles of a blocked transpose: 64·64 f32 read and written per tile stay in L1. */
const TILE = 64;

/**
 * out[o + i·n + j] = x[s + i + j·stride] for i < m, j < n: an [m, n] block of
 * the output read down the columns of x, in tiles, so neither side walks
 * memory a row of x apart per element.
 */
function transposeBlock(
  out: TypedArray,
  o: number,
  m: number,
  n: number,
  x: TypedArray,
  s: number,
  stride: number,
): void {
  for (let i0 = 0; i0 < m; i0 += TILE) {
    const i1 = Math.min(m, i0 + TILE);
    for (let j0 = 0; j0 < n; j0 += TILE) {
      const j1 = Math.min(n, j0 + TILE);
      for (let i = i0; i < i1; i++) {
        const row = o + i * n;
        for (let j = j0; j < j1; j++) out[row + j] = x[s + i + j * stride] as number;
      }
    }
  }
}

function foldTranspose(node: NodeOf<'transpose'>, x: NodeOf<'constant'>): TypedArray {
  const data = x.attrs.data;
  const xStrides = stridesOf(x.shape);
  const out = new (data.constructor as new (n: number) => TypedArray)(sizeOf(node.shape));
  const axes = jointAxes(node.shape, [node.attrs.perm.map((p) => xStrides[p] ?? 0)]);
  const steps = axes.steps[0] as number[];
  const rank = axes.sizes.length;
  const n = axes.sizes[rank - 1] ?? 1;
  const stride = steps[rank - 1] ?? 0;
  if (rank >= 2 && steps[rank - 2] === 1 && stride !== 1) {
    // the last two axes swap: tiles of [m, n] over the outer axes
    const m = axes.sizes[rank - 2] ?? 1;
    const outer: JointAxes = {
      sizes: [...axes.sizes.slice(0, rank - 2), m * n],
      steps: [[...steps.slice(0, rank - 2), 0]],
    };
    forEachRow(outer, (o, [s = 0]) => transposeBlock(out, o, m, n, data, s, stride));
  } else {
    forEachRow(axes, (o, [s = 0]) => {
      for (let j = 0; j < n; j++) out[o + j] = data[s + j * stride] as number;
    });
  }
  return out;
}

const isConstant = (n: Node): n is NodeOf<'constant'> => n.op === 'constant';

/**
 * The folded value of `node` over its constant (rebuilt) `inputs` when it is
 * one of the ops folded here, else undefined (the interpreter folds it). A
 * reshape shares its input's array: constants are never written.
 */
export function foldArrays(node: Node, inputs: readonly Node[]): TypedArray | undefined {
  const [a, b] = inputs;
  if (a === undefined || !isConstant(a)) return undefined;
  switch (node.op) {
    case 'reshape':
      return a.attrs.data;
    case 'transpose':
      return foldTranspose(node, a);
    default:
      if (
        ARITHMETIC.has(node.op) &&
        node.dtype === 'f32' &&
        a.dtype === 'f32' &&
        b !== undefined &&
        isConstant(b) &&
        b.dtype === 'f32'
      ) {
        return foldArithmetic(node, a, b);
      }
      return undefined;
  }
}
