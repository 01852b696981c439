/**
 * Type-level shape rules for broadcasting, matmul, reshape, transpose and
 * reductions, mirroring infer.ts and tensor.ts. Each rule gives the result
 * shape as a tuple, an error message (see errors-types.ts), or `number[]`
 * when a shape or an argument is only known at run time.
 */
import type { DivExact, Gte, IsLiteral, Product, Sub } from './arith-types.js';
import type { FormatShape } from './errors-types.js';

/** A shape type: a tuple of dimension literals, or `number[]` when unknown. */
export type Shape = readonly number[];

/** True when the rank is known (a tuple, not `number[]`). */
export type IsTuple<S extends readonly unknown[]> = number extends S['length'] ? false : true;

/** 0..N-1 as a tuple. */
type Range<N extends number, Acc extends number[] = []> = Acc['length'] extends N
  ? Acc
  : Range<N, [...Acc, Acc['length']]>;
/** 0 | 1 | … | N-1. */
type Indices<N extends number> = Range<N> extends infer T extends number[] ? T[number] : never;

/** The first N dimensions. */
export type Take<S extends Shape, N extends number, Acc extends number[] = []> = Acc['length'] extends N
  ? Acc
  : S extends readonly [infer H extends number, ...infer R extends Shape]
    ? Take<R, N, [...Acc, H]>
    : Acc;

/** All but the first N dimensions. */
export type Drop<S extends Shape, N extends number, I extends unknown[] = []> = I['length'] extends N
  ? [...S]
  : S extends readonly [number, ...infer R extends Shape]
    ? Drop<R, N, [...I, 0]>
    : [];

/**
 * An axis in [-rank, rank) as its index in [0, rank), or the run-time message;
 * `number` for a non-literal axis.
 */
export type NormalizeAxis<Op extends string, A extends number, R extends number> =
  IsLiteral<A> extends false
    ? number
    : `${A}` extends `${string}.${string}`
      ? AxisError<Op, A, R>
      : `${A}` extends `-${infer P extends number}`
        ? [Sub<R, P>] extends [never]
          ? AxisError<Op, A, R>
          : Sub<R, P>
        : Gte<A, R> extends true
          ? AxisError<Op, A, R>
          : A;
type AxisError<
  Op extends string,
  A extends number,
  R extends number,
> = `${Op}: axis ${A} is out of range for rank ${R}`;

/** Normalizes every axis of a tuple; the first message if one fails. */
export type NormalizeAxes<
  Op extends string,
  As extends Shape,
  R extends number,
  Out extends number[] = [],
> = As extends readonly [infer H extends number, ...infer T extends Shape]
  ? NormalizeAxis<Op, H, R> extends infer N
    ? N extends number
      ? NormalizeAxes<Op, T, R, [...Out, N]>
      : N
    : never
  : Out;

/** True when a list of axes (all literals) names one axis twice. */
type HasRepeat<As extends readonly number[]> = As extends readonly [
  infer H,
  ...infer T extends readonly number[],
]
  ? H extends T[number]
    ? true
    : HasRepeat<T>
  : false;

/** Whether all dimensions are literals. */
type AllLiteral<S extends Shape> = S extends readonly [infer H extends number, ...infer R extends Shape]
  ? IsLiteral<H> extends true
    ? AllLiteral<R>
    : false
  : IsTuple<S>;

/** One dimension of a NumPy broadcast; never when they clash. An unknown dimension defers to the other. */
type BroadcastDim<A extends number, B extends number> = [A] extends [1]
  ? B
  : [B] extends [1]
    ? A
    : IsLiteral<A> extends false
      ? B
      : IsLiteral<B> extends false
        ? A
        : [A] extends [B]
          ? A
          : never;

type BroadcastGo<
  Op extends string,
  A0 extends Shape,
  B0 extends Shape,
  A extends Shape,
  B extends Shape,
  Out extends number[] = [],
> = A extends readonly [...infer RA extends Shape, infer DA extends number]
  ? B extends readonly [...infer RB extends Shape, infer DB extends number]
    ? [BroadcastDim<DA, DB>] extends [never]
      ? `${Op}: shapes cannot be broadcast: ${FormatShape<A0>} and ${FormatShape<B0>} (axis -${[...Out, 0]['length']}: ${DA} vs ${DB})`
      : BroadcastGo<Op, A0, B0, RA, RB, [BroadcastDim<DA, DB>, ...Out]>
    : [...A, ...Out]
  : [...B, ...Out];

/** NumPy broadcasting of two shapes (the run-time message on a clash). */
export type Broadcast<Op extends string, A extends Shape, B extends Shape> = [
  IsTuple<A>,
  IsTuple<B>,
] extends [true, true]
  ? BroadcastGo<Op, A, B, A, B>
  : number[];

/** Broadcasting of three shapes, as `where` does. */
export type Broadcast3<Op extends string, A extends Shape, B extends Shape, C extends Shape> =
  Broadcast<Op, A, B> extends infer AB ? (AB extends Shape ? Broadcast<Op, AB, C> : AB) : never;

type Differ<A extends number, B extends number> = [IsLiteral<A>, IsLiteral<B>] extends [true, true]
  ? [A] extends [B]
    ? false
    : true
  : false;

type MatmulGo<A extends Shape, B extends Shape, A2 extends Shape, B2 extends Shape> = A2 extends readonly [
  ...infer BA extends Shape,
  infer M extends number,
  infer K extends number,
]
  ? B2 extends readonly [...infer BB extends Shape, infer K2 extends number, infer N extends number]
    ? Differ<K, K2> extends true
      ? `matmul: inner dimensions differ (${K} vs ${K2}) in ${FormatShape<A>} @ ${FormatShape<B>}`
      : Broadcast<'matmul', BA, BB> extends infer Batch
        ? Batch extends Shape
          ? [...Batch, ...(A['length'] extends 1 ? [] : [M]), ...(B['length'] extends 1 ? [] : [N])]
          : Batch
        : never
    : never
  : never;

/** NumPy matmul: 1-D operands gain and lose a dimension, batch dimensions broadcast. */
export type MatmulShape<A extends Shape, B extends Shape> = [IsTuple<A>, IsTuple<B>] extends [true, true]
  ? A extends readonly []
    ? `matmul: operands must have rank >= 1 (got ${FormatShape<A>} @ ${FormatShape<B>})`
    : B extends readonly []
      ? `matmul: operands must have rank >= 1 (got ${FormatShape<A>} @ ${FormatShape<B>})`
      : MatmulGo<
          A,
          B,
          A extends readonly [infer K extends number] ? [1, K] : A,
          B extends readonly [infer K extends number] ? [K, 1] : B
        >
  : number[];

type CountMinusOne<T extends Shape, N extends unknown[] = []> = T extends readonly [
  infer H,
  ...infer R extends Shape,
]
  ? CountMinusOne<R, [H] extends [-1] ? [...N, 0] : N>
  : N['length'];
type WithoutMinusOne<T extends Shape> = T extends readonly [infer H extends number, ...infer R extends Shape]
  ? [H] extends [-1]
    ? WithoutMinusOne<R>
    : [H, ...WithoutMinusOne<R>]
  : [];
type ReplaceMinusOne<T extends Shape, V extends number> = {
  -readonly [K in keyof T]: [T[K]] extends [-1] ? V : T[K];
};

type ReshapeOne<S extends Shape, T extends Shape, Total extends number, Known extends number> = [
  IsLiteral<Total>,
  IsLiteral<Known>,
] extends [true, true]
  ? [DivExact<Total, Known>] extends [never]
    ? `reshape: cannot infer -1: ${FormatShape<S>} (${Total} elements) -> ${FormatShape<T>}`
    : ReplaceMinusOne<T, DivExact<Total, Known>>
  : ReplaceMinusOne<T, number>;

/** Reshape to `T` (at most one -1, inferred); element counts must agree. */
export type ReshapeShape<S extends Shape, T extends Shape> =
  IsTuple<T> extends false
    ? number[]
    : CountMinusOne<T> extends 0
      ? Differ<Product<S>, Product<T>> extends true
        ? `reshape: element count differs: ${FormatShape<S>} (${Product<S>}) -> ${FormatShape<T>} (${Product<T>})`
        : ReplaceMinusOne<T, never>
      : CountMinusOne<T> extends 1
        ? ReshapeOne<S, T, Product<S>, Product<WithoutMinusOne<T>>>
        : `reshape: at most one -1 allowed (got ${FormatShape<T>})`;

type Reverse<S extends Shape> = S extends readonly [infer H extends number, ...infer R extends Shape]
  ? [...Reverse<R>, H]
  : [];
type PickDims<S extends Shape, P extends Shape> = P extends readonly [
  infer H extends number,
  ...infer R extends Shape,
]
  ? [S[H], ...PickDims<S, R>]
  : [];

/** Transpose: reversed axes by default, else `P` must be a permutation of the axes (negatives allowed). */
export type TransposeShape<S extends Shape, P extends Shape | undefined> =
  IsTuple<S> extends false
    ? number[]
    : P extends Shape
      ? IsTuple<P> extends false
        ? number[]
        : P['length'] extends S['length']
          ? NormalizeAxes<'transpose', P, S['length']> extends infer NP
            ? NP extends Shape
              ? AllLiteral<NP> extends false
                ? number[]
                : [Exclude<Indices<S['length']>, NP[number]>] extends [never]
                  ? PickDims<S, NP>
                  : TransposeError<S, P>
              : NP
            : never
          : TransposeError<S, P>
      : Reverse<S>;
type TransposeError<
  S extends Shape,
  P extends Shape,
> = `transpose: perm ${FormatShape<P>} is not a permutation of the ${S['length']} axes of ${FormatShape<S>}`;

/** Reduction axes as a tuple: all axes for `undefined`, one for a number. */
type AxesTuple<S extends Shape, A> = A extends undefined ? Range<S['length']> : A extends number ? [A] : A;

type ReduceGo<
  S extends Shape,
  Axes extends number,
  Keep extends boolean,
  I extends unknown[] = [],
> = S extends readonly [infer H extends number, ...infer R extends Shape]
  ? [
      ...(I['length'] extends Axes ? (Keep extends true ? [1] : []) : [H]),
      ...ReduceGo<R, Axes, Keep, [...I, 0]>,
    ]
  : [];

/**
 * A reduction over `A` (undefined: all axes; a number; a list; negatives count
 * from the end), dropping the axes or keeping them as 1 with `Keep`.
 */
export type ReduceShape<Op extends string, S extends Shape, A, Keep extends boolean> =
  IsTuple<S> extends false
    ? number[]
    : boolean extends Keep
      ? number[]
      : AxesTuple<S, A> extends infer As extends Shape
        ? IsTuple<As> extends false
          ? number[]
          : NormalizeAxes<Op, As, S['length']> extends infer NA
            ? NA extends Shape
              ? AllLiteral<NA> extends false
                ? number[]
                : HasRepeat<NA> extends true
                  ? `${Op}: repeated axis in ${FormatShape<As>}`
                  : ReduceGo<S, NA[number], Keep>
              : NA
            : never
        : number[];
