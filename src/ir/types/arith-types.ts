/**
 * Type-level arithmetic on dimension literals: decimal digit-wise addition,
 * subtraction, multiplication and exact division (so products like 128·784
 * stay cheap for the checker), and small comparisons. Any non-literal operand
 * (`number`) gives `number`: the run-time checks take over.
 */

type Digit = 0 | 1 | 2 | 3 | 4 | 5 | 6 | 7 | 8 | 9;

/** A non-negative integer as its decimal digits, least significant first; zero is `[]`. */
type Digits = Digit[];

/** `MUL[a][b] = a·b` for single digits. */
type MUL = [
  [0, 0, 0, 0, 0, 0, 0, 0, 0, 0],
  [0, 1, 2, 3, 4, 5, 6, 7, 8, 9],
  [0, 2, 4, 6, 8, 10, 12, 14, 16, 18],
  [0, 3, 6, 9, 12, 15, 18, 21, 24, 27],
  [0, 4, 8, 12, 16, 20, 24, 28, 32, 36],
  [0, 5, 10, 15, 20, 25, 30, 35, 40, 45],
  [0, 6, 12, 18, 24, 30, 36, 42, 48, 54],
  [0, 7, 14, 21, 28, 35, 42, 49, 56, 63],
  [0, 8, 16, 24, 32, 40, 48, 56, 64, 72],
  [0, 9, 18, 27, 36, 45, 54, 63, 72, 81],
];

/** A tuple of length N (N small: digits and carries, ranks). */
export type Tuple<N extends number, T extends unknown[] = []> = T['length'] extends N
  ? T
  : Tuple<N, [...T, 0]>;

type SmallSum<A extends number, B extends number, C extends number = 0> = [
  ...Tuple<A>,
  ...Tuple<B>,
  ...Tuple<C>,
]['length'] &
  number;

/** n in 0..99 as [carry, digit]. */
type Split<N extends number> = `${N}` extends `${infer H extends Digit}${infer L extends Digit}`
  ? [H, L]
  : [0, N];

type Head<A extends Digits> = A extends [infer H extends Digit, ...Digits] ? H : 0;
type Tail<A extends Digits> = A extends [Digit, ...infer T extends Digits] ? T : [];

/** Drops leading zeros (trailing, since digits are reversed). */
type Trim<A extends Digits> = A extends [...infer R extends Digits, 0] ? Trim<R> : A;

type Reverse<S extends string, Out extends Digits = []> = S extends `${infer C extends Digit}${infer R}`
  ? Reverse<R, [C, ...Out]>
  : S extends ''
    ? Out
    : never;

/** The digits of a non-negative integer literal; never for `number`, negatives, fractions, 1e21. */
type ToDigits<N extends number> = number extends N ? never : Trim<Reverse<`${N}`>>;

type Join<A extends Digits, Out extends string = ''> = A extends [
  infer H extends Digit,
  ...infer R extends Digits,
]
  ? Join<R, `${H}${Out}`>
  : Out;

/** Digits back to a number literal (0 for `[]`). */
type FromDigits<A extends Digits> = A extends []
  ? 0
  : Join<A> extends `${infer N extends number}`
    ? N
    : number;

type AddDigits<A extends Digits, B extends Digits, C extends number = 0, Out extends Digits = []> = [
  A,
  B,
  C,
] extends [[], [], 0]
  ? Out
  : Split<SmallSum<Head<A>, Head<B>, C>> extends [infer C2 extends number, infer D extends Digit]
    ? AddDigits<Tail<A>, Tail<B>, C2, [...Out, D]>
    : never;

/** a - b - borrow for one digit, as [borrow, digit]. */
type SubDigit<A extends Digit, B extends number> =
  Tuple<A> extends [...Tuple<B>, ...infer R] ? [0, R['length'] & Digit] : [1, SubTen<A, B>];
type SubTen<A extends Digit, B extends number> =
  Tuple<SmallSum<A, 10>> extends [...Tuple<B>, ...infer R] ? R['length'] & Digit : never;

/** A - B for A >= B. */
type SubDigits<
  A extends Digits,
  B extends Digits,
  Borrow extends number = 0,
  Out extends Digits = [],
> = A extends []
  ? Trim<Out>
  : SubDigit<Head<A>, SmallSum<Head<B>, Borrow>> extends [infer B2 extends number, infer D extends Digit]
    ? SubDigits<Tail<A>, Tail<B>, B2, [...Out, D]>
    : never;

type ScaleDigits<
  A extends Digits,
  D extends Digit,
  C extends number = 0,
  Out extends Digits = [],
> = A extends []
  ? Trim<C extends 0 ? Out : [...Out, C & Digit]>
  : Split<SmallSum<MUL[Head<A>][D], C>> extends [infer C2 extends number, infer R extends Digit]
    ? ScaleDigits<Tail<A>, D, C2, [...Out, R]>
    : never;

type Shift<A extends Digits> = A extends [] ? [] : [0, ...A];

/** Horner over B's digits, most significant first: acc = acc·10 + A·b. */
type MulDigits<A extends Digits, B extends Digits, Acc extends Digits = []> = B extends [
  ...infer R extends Digits,
  infer D extends Digit,
]
  ? MulDigits<A, R, AddDigits<Shift<Acc>, ScaleDigits<A, D>>>
  : Acc;

type SmallGte<A extends number, B extends number> =
  Tuple<A> extends [...Tuple<B>, ...unknown[]] ? true : false;

/** A >= B: longer wins, else compare from the most significant digit. */
type GteDigits<A extends Digits, B extends Digits> = A['length'] extends B['length']
  ? GteSameLength<A, B>
  : SmallGte<A['length'], B['length']>;
type GteSameLength<A extends Digits, B extends Digits> = [A, B] extends [
  [...infer RA extends Digits, infer DA extends Digit],
  [...infer RB extends Digits, infer DB extends Digit],
]
  ? DA extends DB
    ? GteSameLength<RA, RB>
    : SmallGte<DA, DB>
  : true;

/** The largest q in 9..0 with K·q <= R. */
type QuotientDigit<
  R extends Digits,
  K extends Digits,
  Q extends Digit[] = [9, 8, 7, 6, 5, 4, 3, 2, 1],
> = Q extends [infer D extends Digit, ...infer Rest extends Digit[]]
  ? GteDigits<R, ScaleDigits<K, D>> extends true
    ? D
    : QuotientDigit<R, K, Rest>
  : 0;

/** Long division of N (digits, consumed most significant first) by K: [quotient, remainder]. */
type DivDigits<N extends Digits, K extends Digits, R extends Digits = [], Q extends Digits = []> = N extends [
  ...infer Rest extends Digits,
  infer D extends Digit,
]
  ? Trim<[D, ...R]> extends infer R2 extends Digits
    ? QuotientDigit<R2, K> extends infer QD extends Digit
      ? DivDigits<Rest, K, SubDigits<R2, ScaleDigits<K, QD>>, [QD, ...Q]>
      : never
    : never
  : [Trim<Q>, R];

/** A literal, not `number` (and not a union). */
export type IsLiteral<N extends number> = number extends N ? false : [N] extends [never] ? false : true;

/** A non-negative integer literal the digit arithmetic can take. */
type IsNatural<N extends number> = [ToDigits<N>] extends [never] ? false : true;

/** Both operands are non-negative integer literals. */
type Both<A extends number, B extends number> = [IsNatural<A>, IsNatural<B>] extends [true, true]
  ? true
  : false;

/** A + B for non-negative integer literals; `number` otherwise. */
export type Add<A extends number, B extends number> =
  Both<A, B> extends true ? FromDigits<AddDigits<ToDigits<A>, ToDigits<B>>> : number;

/** A - B when A >= B (both literals); `never` when A < B; `number` otherwise. */
export type Sub<A extends number, B extends number> =
  Both<A, B> extends true
    ? GteDigits<ToDigits<A>, ToDigits<B>> extends true
      ? FromDigits<SubDigits<ToDigits<A>, ToDigits<B>>>
      : never
    : number;

/** A >= B for literals; `boolean` otherwise. */
export type Gte<A extends number, B extends number> =
  Both<A, B> extends true ? GteDigits<ToDigits<A>, ToDigits<B>> : boolean;

/** A · B for non-negative integer literals; `number` otherwise. */
export type Mul<A extends number, B extends number> =
  Both<A, B> extends true ? FromDigits<MulDigits<ToDigits<A>, ToDigits<B>>> : number;

/** A / B when B divides A exactly; `never` when it does not or B is 0; `number` for non-literals. */
export type DivExact<A extends number, B extends number> =
  Both<A, B> extends true
    ? B extends 0
      ? never
      : DivDigits<ToDigits<A>, ToDigits<B>> extends [infer Q extends Digits, []]
        ? FromDigits<Q>
        : never
    : number;

/** The product of the dimensions of a shape (1 for `[]`); `number` if any is unknown. */
export type Product<S extends readonly number[], Acc extends number = 1> = S extends readonly [
  infer H extends number,
  ...infer R extends readonly number[],
]
  ? Product<R, Mul<Acc, H>>
  : number extends S['length']
    ? number
    : Acc;

/** The sum of a list of dimensions; `number` if any is unknown. */
export type Sum<S extends readonly number[], Acc extends number = 0> = S extends readonly [
  infer H extends number,
  ...infer R extends readonly number[],
]
  ? Sum<R, Add<Acc, H>>
  : number extends S['length']
    ? number
    : Acc;
