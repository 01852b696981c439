/** Random graphs from random op sequences, for property tests: steps a rule refuses are skipped. */
import fc from 'fast-check';
import { Graph, TensorWasmError, type DType, type Tensor } from '../../src/index.js';

/** One random builder call: an op index and raw choices that the op interprets. */
export interface Step {
  readonly op: number;
  /** Picks the op within its family (which unary, which binary, …). */
  readonly n: number;
  readonly a: number;
  readonly b: number;
  readonly k: number;
  readonly m: number;
  readonly flag: boolean;
  readonly value: number;
}

/** A random program: leaves, then steps; the last tensors become outputs. */
export interface Program {
  readonly leaves: readonly {
    readonly shape: readonly number[];
    readonly dtype: DType;
    readonly param: boolean;
  }[];
  readonly steps: readonly Step[];
  readonly outputs: number;
}

const DTYPES: readonly DType[] = ['f32', 'i32', 'bool'];
const NUMBERS = [0, 1, -1, 2, 0.5, -0, NaN, Infinity, -Infinity, 1e-7, 3.25, 1e21];
const UNARY = [
  'neg',
  'abs',
  'sqrt',
  'rsqrt',
  'exp',
  'log',
  'sin',
  'cos',
  'tanh',
  'sigmoid',
  'relu',
  'gelu',
] as const;
const UNARY2 = ['erf', 'square', 'reciprocal', 'floor', 'ceil', 'round', 'sign', 'not'] as const;
const BINARY = [
  'add',
  'sub',
  'mul',
  'div',
  'pow',
  'maximum',
  'minimum',
  'eq',
  'ne',
  'lt',
  'le',
  'gt',
  'ge',
  'and',
  'or',
] as const;
const REDUCE = ['sum', 'mean', 'max', 'min', 'prod'] as const;

const pick = <T>(list: readonly T[], i: number): T => list[Math.abs(i) % list.length] as T;

/** The permutation that swaps the last two axes (a batched matrix transpose). */
function swapLastTwo(rank: number): number[] {
  return Array.from({ length: rank }, (_, i) => (i < rank - 2 ? i : 2 * rank - 3 - i));
}

/** The data of a constant: small ones from NUMBERS, 70 elements ones (printed as base64) by formula. */
function constantData(s: Step, dtype: DType): { data: number[]; shape: number[] } {
  if (s.flag) {
    const data = Array.from({ length: 70 }, (_, n) => (dtype === 'bool' ? (n + s.k) % 2 : (n * s.m) / 4));
    return { data, shape: [7, 10] };
  }
  const n = Math.abs(s.k) % 4;
  const data = Array.from({ length: n }, (_, j) => pick(NUMBERS, s.m + j));
  return { data, shape: [n] };
}

/** Applies one step to the pool of tensors built so far. */
function apply(g: Graph, pool: readonly Tensor[], s: Step): Tensor {
  const x = pick(pool, s.a);
  const y = pick(pool, s.b);
  const dtype = pick(DTYPES, s.n);
  switch (s.op % 18) {
    case 0:
      return x[pick(UNARY, s.n)]();
    case 1:
      return x[pick(UNARY2, s.n)]();
    case 2:
      return x[pick(BINARY, s.n)](y);
    case 3:
      return x[pick(BINARY, s.n)](s.value);
    case 4:
      return x[pick(REDUCE, s.n)](s.flag ? undefined : s.k, s.value > 0);
    case 5:
      return s.flag ? x.argmax(s.k, s.value > 0) : x.argmin(s.k);
    case 6:
      return s.flag ? x.reshape([-1]) : x.reshape([1, -1, ...x.shape.slice(-1)]);
    case 7:
      return s.flag ? x.transpose() : x.transpose(x.shape.map((_, i) => (i + s.k + x.rank) % x.rank));
    case 8:
      return x.slice(x.shape.map((_, i) => (i === 0 && s.flag ? s.k : [s.k + i, s.m, s.value > 0 ? 1 : -1])));
    case 9:
      return x.pad(
        x.shape.map((_, i) => [Math.abs(s.k + i) % 3, Math.abs(s.m) % 2] as const),
        s.value,
      );
    case 10:
      return x.cast(dtype);
    case 11:
      return g.where(x.dtype === 'bool' ? x : x.gt(0), y, s.value);
    case 12:
      return x.matmul(s.flag ? y : x.rank >= 2 ? x.transpose(swapLastTwo(x.rank)) : x);
    case 13:
      return s.flag ? g.concat([x, y, x], s.k) : g.stack([x, y], s.k);
    case 14:
      return x.gather(s.flag ? [0, -1] : g.input(`idx${pool.length}`, [Math.abs(s.m) % 3], 'i32'), s.k);
    case 15:
      if (s.flag) return s.value > 0 ? x.softmax(s.k) : x.logSoftmax(s.k);
      return x.layerNorm(
        s.value > 0 ? g.constant(new Float32Array(x.shape.at(-1) ?? 1).fill(2)) : null,
        s.m > 0 ? y : null,
      );
    case 16: {
      const { data, shape } = constantData(s, dtype);
      return g.constant(data, shape, dtype);
    }
    default:
      if (s.flag) return x.unsqueeze(0).expand([2, ...x.shape]);
      return s.value > 0 ? x.squeeze() : x.flatten(s.k);
  }
}

/** Builds the program's graph; steps whose op rule refuses them (a typed error) are skipped. */
export function buildProgram(p: Program): Graph {
  const g = new Graph();
  const pool: Tensor[] = p.leaves.map((l, n) =>
    l.param ? g.param(`p${n}`, l.shape, l.dtype) : g.input(`x${n}`, l.shape, l.dtype),
  );
  for (const s of p.steps) {
    try {
      pool.push(apply(g, pool, s));
    } catch (e) {
      if (!(e instanceof TensorWasmError) || e.code === 'E_INTERNAL') throw e;
    }
  }
  pool.slice(-p.outputs).forEach((t, n) => g.output(`out${n}`, t));
  return g;
}

const step: fc.Arbitrary<Step> = fc.record({
  op: fc.nat(17),
  n: fc.nat(1000),
  a: fc.nat(),
  b: fc.nat(),
  k: fc.integer({ min: -4, max: 4 }),
  m: fc.integer({ min: -4, max: 4 }),
  flag: fc.boolean(),
  value: fc.constantFrom(...NUMBERS),
});

/** Random programs of up to 30 steps over 1–3 leaves of rank 0–3 (axes of 0–4). */
export const programArbitrary: fc.Arbitrary<Program> = programsWith(fc.integer({ min: 0, max: 4 }));

/**
 * The same with some axes of 8–33, so the code paths for wider data run too:
 * interleaved vector loops (16+ elements), packed matmul tiles (8+ rows and
 * columns), several matmul strips, 4-row tiles with row tails.
 */
export const wideProgramArbitrary: fc.Arbitrary<Program> = programsWith(
  fc.oneof(
    { arbitrary: fc.integer({ min: 0, max: 4 }), weight: 1 },
    { arbitrary: fc.constantFrom(8, 9, 16, 17, 33), weight: 2 },
  ),
);

function programsWith(axis: fc.Arbitrary<number>): fc.Arbitrary<Program> {
  return fc.record({
    leaves: fc.array(
      fc.record({
        shape: fc.array(axis, { maxLength: 3 }),
        dtype: fc.constantFrom<DType>('f32', 'f32', 'i32', 'bool'),
        param: fc.boolean(),
      }),
      { minLength: 1, maxLength: 3 },
    ),
    steps: fc.array(step, { minLength: 1, maxLength: 30, size: '+1' }),
    outputs: fc.integer({ min: 1, max: 3 }),
  });
}
