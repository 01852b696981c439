/**
 * Type-level shape rules for views and data movement: squeeze, unsqueeze,
 * expand, flatten, slice, pad, gather, concat and stack. Like shape-types.ts,
 * each gives a tuple, an error message, or `number[]` when not known statically.
 */
import type { Add, Gte, IsLiteral, Product, Sub, Sum } from './arith-types.js';
import type { FormatShape } from './errors-types.js';
import type { Drop, IsTuple, NormalizeAxes, NormalizeAxis, Shape, Take } from './shape-types.js';

type AllLiteral<S extends Shape> = S extends readonly [infer H extends number, ...infer R extends Shape]
  ? IsLiteral<H> extends true
    ? AllLiteral<R>
    : false
  : IsTuple<S>;

type DropOnes<S extends Shape> = S extends readonly [infer H extends number, ...infer R extends Shape]
  ? [H] extends [1]
    ? DropOnes<R>
    : [H, ...DropOnes<R>]
  : [];

type DropAxes<S extends Shape, Axes extends number, I extends unknown[] = []> = S extends readonly [
  infer H extends number,
  ...infer R extends Shape,
]
  ? [...(I['length'] extends Axes ? [] : [H]), ...DropAxes<R, Axes, [...I, 0]>]
  : [];

/** The first named axis whose size is certainly not 1, as a message; never when all may be 1. */
type NotOne<S extends Shape, NA extends Shape> = NA extends readonly [
  infer A extends number,
  ...infer R extends Shape,
]
  ? IsLiteral<S[A]> extends true
    ? [S[A]] extends [1]
      ? NotOne<S, R>
      : `squeeze: axis ${A} of ${FormatShape<S>} has size ${S[A]} (expected 1)`
    : NotOne<S, R>
  : never;

/** Removes size-1 axes: the given ones (each must have size 1), or all of them. */
export type SqueezeShape<S extends Shape, A> =
  IsTuple<S> extends false
    ? number[]
    : A extends undefined
      ? AllLiteral<S> extends true
        ? DropOnes<S>
        : number[]
      : (A extends number ? [A] : A) extends infer As extends Shape
        ? IsTuple<As> extends false
          ? number[]
          : NormalizeAxes<'squeeze', As, S['length']> extends infer NA
            ? NA extends Shape
              ? AllLiteral<NA> extends false
                ? number[]
                : [NotOne<S, NA>] extends [never]
                  ? DropAxes<S, NA[number]>
                  : NotOne<S, NA>
              : NA
            : never
        : number[];

/** Inserts a size-1 axis at `A` in [-(rank+1), rank]. */
export type UnsqueezeShape<S extends Shape, A extends number> =
  IsTuple<S> extends false
    ? number[]
    : NormalizeAxis<'unsqueeze', A, Add<S['length'], 1>> extends infer N
      ? N extends number
        ? IsLiteral<N> extends true
          ? [...Take<S, N>, 1, ...Drop<S, N>]
          : number[]
        : N
      : never;

/** Merges the axes from `A` on into one (rank 0 gives `[1]`). */
export type FlattenShape<S extends Shape, A extends number> =
  IsTuple<S> extends false
    ? number[]
    : S extends readonly []
      ? [1]
      : NormalizeAxis<'flatten', A, S['length']> extends infer N
        ? N extends number
          ? IsLiteral<N> extends true
            ? [...Take<S, N>, Product<Drop<S, N>>]
            : number[]
          : N
        : never;

type ExpandGo<
  S0 extends Shape,
  T0 extends Shape,
  S extends Shape,
  T extends Shape,
  Out extends number[] = [],
> = T extends readonly [...infer RT extends Shape, infer DT extends number]
  ? S extends readonly [...infer RS extends Shape, infer DS extends number]
    ? [DT] extends [-1]
      ? ExpandGo<S0, T0, RS, RT, [DS, ...Out]>
      : [DS] extends [1]
        ? ExpandGo<S0, T0, RS, RT, [DT, ...Out]>
        : [IsLiteral<DS>, IsLiteral<DT>] extends [true, true]
          ? [DS] extends [DT]
            ? ExpandGo<S0, T0, RS, RT, [DT, ...Out]>
            : ExpandError<S0, T0>
          : ExpandGo<S0, T0, RS, RT, [DT, ...Out]>
    : [DT] extends [-1]
      ? ExpandError<S0, T0>
      : ExpandGo<S0, T0, S, RT, [DT, ...Out]>
  : S extends readonly []
    ? Out
    : ExpandError<S0, T0>;
type ExpandError<
  S extends Shape,
  T extends Shape,
> = `expand: ${FormatShape<S>} cannot be broadcast to ${FormatShape<T>}`;

/** Broadcasts to `T` (-1 keeps a dimension); each dimension must equal the target or be 1. */
export type ExpandShape<S extends Shape, T extends Shape> =
  IsTuple<T> extends false
    ? number[]
    : IsTuple<S> extends false
      ? { -readonly [K in keyof T]: [T[K]] extends [-1] ? number : T[K] }
      : ExpandGo<S, T, S, T>;

/** A bound of a range on an axis of size D: negatives count from the end, then clamped to [0, D]. */
type Clamp<V, D extends number, Default extends number> = V extends null | undefined
  ? Default
  : V extends number
    ? IsLiteral<V> extends false
      ? number
      : `${V}` extends `-${infer P extends number}`
        ? [Sub<D, P>] extends [never]
          ? 0
          : Sub<D, P>
        : Gte<V, D> extends true
          ? D
          : V
    : number;

/** The size of `[start, stop]` (step 1) on an axis of size D; `number` for other steps or unknowns. */
type RangeSize<R, D extends number> = R extends readonly [infer A, infer B, ...infer Step]
  ? Step extends [] | [1] | [null] | [undefined]
    ? IsLiteral<D> extends true
      ? [Clamp<A, D, 0>, Clamp<B, D, D>] extends [infer S extends number, infer E extends number]
        ? [Sub<E, S>] extends [never]
          ? 0
          : Sub<E, S>
        : number
      : number
    : number
  : number;

type SliceGo<S extends Shape, R extends readonly unknown[]> = S extends readonly [
  infer D extends number,
  ...infer RS extends Shape,
]
  ? R extends readonly [infer H, ...infer RR]
    ? [...(H extends number ? [] : H extends null | undefined ? [D] : [RangeSize<H, D>]), ...SliceGo<RS, RR>]
    : [D, ...SliceGo<RS, []>]
  : [];

/**
 * Python slicing: a number drops the axis, `null` keeps it, `[start, stop]`
 * gives its clamped size (other steps give `number`); axes not named are kept.
 */
export type SliceShape<S extends Shape, R extends readonly unknown[]> = [IsTuple<S>, IsTuple<R>] extends [
  true,
  true,
]
  ? Gte<S['length'], R['length']> extends true
    ? SliceGo<S, R>
    : `slice: expected at most ${S['length']} ranges for ${FormatShape<S>} (got ${R['length']})`
  : number[];

type PadGo<S extends Shape, W extends readonly (readonly [number, number])[]> = S extends readonly [
  infer D extends number,
  ...infer RS extends Shape,
]
  ? W extends readonly [
      readonly [infer B extends number, infer A extends number],
      ...infer RW extends readonly (readonly [number, number])[],
    ]
    ? [Add<Add<D, B>, A>, ...PadGo<RS, RW>]
    : []
  : [];

/** Pads each axis by `[before, after]`: one pair per axis. */
export type PadShape<S extends Shape, W extends readonly (readonly [number, number])[]> = [
  IsTuple<S>,
  IsTuple<W>,
] extends [true, true]
  ? W['length'] extends S['length']
    ? PadGo<S, W>
    : `pad: ${W['length']} widths for rank ${S['length']} (${FormatShape<S>})`
  : number[];

/** Gather along `A`: the axis is replaced by the indices' shape `I`. */
export type GatherShape<S extends Shape, I extends Shape, A extends number> =
  IsTuple<S> extends false
    ? number[]
    : NormalizeAxis<'gather', A, S['length']> extends infer N
      ? N extends number
        ? [IsLiteral<N>, IsTuple<I>] extends [true, true]
          ? [...Take<S, N>, ...I, ...Drop<S, Add<N, 1>>]
          : number[]
        : N
      : never;

type SameOffAxis<
  A extends Shape,
  B extends Shape,
  Ax extends number,
  I extends unknown[] = [],
> = A extends readonly [infer DA extends number, ...infer RA extends Shape]
  ? B extends readonly [infer DB extends number, ...infer RB extends Shape]
    ? I['length'] extends Ax
      ? SameOffAxis<RA, RB, Ax, [...I, 0]>
      : [IsLiteral<DA>, IsLiteral<DB>] extends [true, true]
        ? [DA] extends [DB]
          ? SameOffAxis<RA, RB, Ax, [...I, 0]>
          : false
        : SameOffAxis<RA, RB, Ax, [...I, 0]>
    : false
  : B extends readonly []
    ? true
    : false;

type ConcatCheck<
  First extends Shape,
  Rest extends readonly Shape[],
  Ax extends number,
> = Rest extends readonly [infer H extends Shape, ...infer R extends readonly Shape[]]
  ? IsTuple<H> extends false
    ? ConcatCheck<First, R, Ax>
    : SameOffAxis<First, H, Ax> extends true
      ? ConcatCheck<First, R, Ax>
      : `concat: shapes differ off axis ${Ax}: ${FormatShape<First>} and ${FormatShape<H>}`
  : true;

type AxisDims<L extends readonly Shape[], Ax extends number> = { [K in keyof L]: L[K][Ax] & number };
type ReplaceAt<S extends Shape, Ax extends number, V extends number> = [
  ...Take<S, Ax>,
  V,
  ...Drop<S, Add<Ax, 1>>,
];

/** Joins shapes along an existing axis: the same rank and the same dimensions off the axis. */
export type ConcatShape<L extends readonly Shape[], A extends number> = L extends readonly [
  infer First extends Shape,
  ...infer Rest extends readonly Shape[],
]
  ? IsTuple<First> extends false
    ? number[]
    : NormalizeAxis<'concat', A, First['length']> extends infer N
      ? N extends number
        ? IsLiteral<N> extends false
          ? number[]
          : ConcatCheck<First, Rest, N> extends infer C
            ? C extends true
              ? ReplaceAt<First, N, Sum<AxisDims<L, N>>>
              : C
            : never
        : N
      : never
  : L extends readonly []
    ? 'concat: needs a non-empty array of tensors'
    : number[];

type StackCheck<First extends Shape, Rest extends readonly Shape[]> = Rest extends readonly [
  infer H extends Shape,
  ...infer R extends readonly Shape[],
]
  ? [First, H] extends [H, First]
    ? StackCheck<First, R>
    : `stack: shapes differ: ${FormatShape<First>} and ${FormatShape<H>}`
  : true;

/** Joins equal shapes along a new axis at `A` in [-(rank+1), rank]. */
export type StackShape<L extends readonly Shape[], A extends number> = L extends readonly [
  infer First extends Shape,
  ...infer Rest extends readonly Shape[],
]
  ? IsTuple<First> extends false
    ? number[]
    : StackCheck<First, Rest> extends infer C
      ? C extends true
        ? NormalizeAxis<'stack', A, Add<First['length'], 1>> extends infer N
          ? N extends number
            ? IsLiteral<N> extends true
              ? [...Take<First, N>, L['length'], ...Drop<First, N>]
              : number[]
            : N
          : never
        : C
      : never
  : L extends readonly []
    ? 'stack: needs a non-empty array of tensors'
    : number[];
