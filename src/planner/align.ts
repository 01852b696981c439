/**
 * Alignment arithmetic for the arena: every offset and every planned size is a
 * multiple of the alignment.
 */
import { InputError } from '../common/errors.js';

/** Default alignment of arena offsets: one SIMD vector (v128). */
export const ARENA_ALIGN_BYTES = 16;

/** Rounds `bytes` up to a multiple of `align` (align >= 1). */
export function alignUp(bytes: number, align: number): number {
  const rest = bytes % align;
  return rest === 0 ? bytes : bytes + (align - rest);
}

/** Throws InputError unless `align` is a positive safe integer. */
export function checkAlign(align: number): void {
  if (!Number.isSafeInteger(align) || align < 1) {
    throw new InputError(`planArena: align must be a positive integer (got ${String(align)})`, { align });
  }
}
