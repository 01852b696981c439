/**
 * The i32 byte-address arithmetic the matmul emitters build their pointers
 * with: reading an i32 local, adding constant bytes and multiplying by a
 * constant, where adding 0 and multiplying by 1 build no instruction (unless
 * the function keeps them to share code: FunctionBuilder.uniformAddresses).
 */
import type Binaryen from 'binaryen';
import type { FunctionBuilder } from './function-builder.js';

type Expr = Binaryen.ExpressionRef;

/** Builders of i32 address expressions in one function; each call builds fresh nodes. */
export interface AddressOps {
  /** The i32 local `local`. */
  readonly get: (local: number) => Expr;
  /** a + bytes (a itself when bytes = 0, unless uniformAddresses). */
  readonly add: (a: Expr, bytes: number) => Expr;
  /** a · c (a itself when c = 1, unless uniformAddresses). */
  readonly mulc: (a: Expr, c: number) => Expr;
}

/** The address builders of `fb`'s function. */
export function addressOps(fb: FunctionBuilder): AddressOps {
  const m = fb.m;
  const keep = fb.uniformAddresses;
  return {
    get: (local) => m.local.get(local, fb.b.i32),
    add: (a, bytes) => (bytes === 0 && !keep ? a : m.i32.add(a, m.i32.const(bytes))),
    mulc: (a, c) => (c === 1 && !keep ? a : m.i32.mul(a, m.i32.const(c))),
  };
}
