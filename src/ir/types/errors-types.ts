/**
 * Type-level errors: a shape rule returns either the result shape or a
 * message string, and a checked parameter becomes that message, so the editor
 * shows the mistake as a sentence ("Argument of type … is not assignable to
 * parameter of type 'matmul: inner dimensions differ (3 vs 4) …'").
 */

type JoinDims<S extends readonly number[]> = S extends readonly [
  infer H extends number,
  ...infer R extends readonly number[],
]
  ? R extends readonly []
    ? `${H}`
    : `${H},${JoinDims<R>}`
  : '';

/** A shape as the run-time messages print it: `[2,3]`; `number[]` when only the rank-free type is known. */
export type FormatShape<S extends readonly number[]> = number extends S['length']
  ? 'number[]'
  : `[${JoinDims<S>}]`;

/** True when a rule's result is an error message. */
export type IsError<R> = [R] extends [string] ? true : false;

/**
 * The type a checked parameter takes: the argument itself (`Arg`) when the rule
 * result `R` is fine, else the rule's message, which no argument matches.
 */
export type Checked<Arg, R> = [R] extends [string] ? R : Arg;

/** The shape a rule computed, or `number[]` after an error (the call is already flagged). */
export type ShapeOf<R> = R extends readonly number[] ? R : number[];

/** Makes a (possibly readonly) tuple mutable: `readonly [2, 3]` -> `[2, 3]`, `readonly number[]` -> `number[]`. */
export type Writable<S extends readonly number[]> = { -readonly [K in keyof S]: S[K] };
