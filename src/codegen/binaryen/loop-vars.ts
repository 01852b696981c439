/** Loop-variable helpers shared by the kernel emitters. */
import type { LoopVar } from '../../passes/index-expr.js';

/** f32/i32 lanes in a v128. */
export const LANES = 4;

/** The innermost variable with more than one value (its stride is 1 in row-major order). */
export function innermost(vars: readonly LoopVar[]): LoopVar | undefined {
  for (let i = vars.length - 1; i >= 0; i--) {
    const v = vars[i] as LoopVar;
    if (v.extent !== 1) return v;
  }
  return undefined;
}

/** A vector loop needs at least one whole vector. */
export const wide = (v: LoopVar | undefined): v is LoopVar => v !== undefined && v.extent >= LANES;

/** `list` without `v`. */
export const without = (list: readonly LoopVar[], v: LoopVar): LoopVar[] => list.filter((u) => u.id !== v.id);
