/**
 * Binaryen's basic value-type ids, hard-coded so the emitters need no value
 * import of binaryen (the compiler loads it lazily; see load-binaryen.ts).
 * These are Binaryen's `Type::BasicType` ids (none, unreachable, i32, i64,
 * f32, f64, v128), stable across its C API; tests/codegen/math.test.ts checks
 * them against `binaryen.i32` etc. so an upgrade that changes them is caught.
 */
import type binaryen from 'binaryen';

/** Value types used by the math emitters. */
export const WASM_TYPE = {
  i32: 2,
  i64: 3,
  f32: 4,
  f64: 5,
  v128: 6,
} as const satisfies Record<string, binaryen.Type>;
