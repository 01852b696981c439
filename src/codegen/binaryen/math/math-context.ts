/**
 * The contract between a kernel being built and the inline math emitters: the
 * module to build expressions in, a way to add locals to the current function,
 * and the shape of an emitter. Emitters never add functions or imports.
 */
import type binaryen from 'binaryen';

/** Lane width of an emitted value: one f32, or four f32 lanes in a v128. */
export type Lanes = 'scalar' | 'simd';

/** What an emitter needs from the function being built. */
export interface MathContext {
  readonly m: binaryen.Module;
  /** Adds a local of `type` to the function being built; returns its index. */
  addLocal(type: binaryen.Type): number;
  /** A v128 constant of the function being built (a read of a local set at its entry). */
  v128Const(bytes: Uint8Array): binaryen.ExpressionRef;
  /**
   * a·b + c on f32x4 lanes with `f32x4.relaxed_madd` (fused where the CPU has
   * FMA); present only when the module may use relaxed SIMD.
   */
  readonly fusedMaddF32x4?: (
    a: binaryen.ExpressionRef,
    b: binaryen.ExpressionRef,
    c: binaryen.ExpressionRef,
  ) => binaryen.ExpressionRef;
}

/**
 * Emits f(x); `x` is used exactly once; the result has type f32 (scalar) or
 * v128 (simd, four f32 lanes).
 */
export type UnaryMathEmitter = (
  ctx: MathContext,
  x: binaryen.ExpressionRef,
  lanes: Lanes,
) => binaryen.ExpressionRef;

/** Emits f(x, y); `x` and `y` are each used exactly once (x is evaluated first). */
export type BinaryMathEmitter = (
  ctx: MathContext,
  x: binaryen.ExpressionRef,
  y: binaryen.ExpressionRef,
  lanes: Lanes,
) => binaryen.ExpressionRef;
