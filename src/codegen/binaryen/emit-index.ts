/**
 * Index expressions to i32 Wasm: Σ coef·atom + c, with loop variables read
 * from locals, div/mod as unsigned ops (indices are non-negative) and gather
 * indices from their checked locals.
 */
import type Binaryen from 'binaryen';
import { InternalError } from '../../common/errors.js';
import type { Atom, IndexExpr } from '../../passes/index-expr.js';
import type { FunctionBuilder } from './function-builder.js';

/** Where loop variables and run-time index slots live while emitting a kernel. */
export interface IndexEnv {
  /** Loop variable id -> i32 local. */
  readonly vars: ReadonlyMap<number, number>;
  /** Gather slot -> i32 local holding the checked index. */
  readonly slots: ReadonlyMap<number, number>;
  /**
   * Buffer addresses as `i32.const` operands added to the pointer (memarg
   * offset 0) rather than memarg offsets, and an index's constant term added
   * even when it is 0 (a buffer at address 0): kernels equal but for their
   * buffers then differ only in constants, which merge-similar-functions shares.
   */
  readonly addressOperands?: boolean;
}

function emitAtom(fb: FunctionBuilder, a: Atom, env: IndexEnv): Binaryen.ExpressionRef {
  const m = fb.m;
  switch (a.kind) {
    case 'var': {
      const local = env.vars.get(a.v.id);
      if (local === undefined) throw new InternalError('codegen', `loop variable i${a.v.id} has no local`);
      return m.local.get(local, fb.b.i32);
    }
    case 'dyn': {
      const local = env.slots.get(a.slot);
      if (local === undefined) throw new InternalError('codegen', `index slot ${a.slot} is not bound`);
      return m.local.get(local, fb.b.i32);
    }
    case 'within':
      return emitIndex(fb, a.e, env);
    case 'div':
      return m.i32.div_u(emitIndex(fb, a.e, env), m.i32.const(a.d));
    case 'mod':
      return m.i32.rem_u(emitIndex(fb, a.e, env), m.i32.const(a.d));
  }
}

/** The i32 value of `e`. */
export function emitIndex(fb: FunctionBuilder, e: IndexExpr, env: IndexEnv): Binaryen.ExpressionRef {
  const m = fb.m;
  let out: Binaryen.ExpressionRef | undefined;
  for (const t of e.terms) {
    const atom = emitAtom(fb, t.atom, env);
    const term = t.coef === 1 ? atom : m.i32.mul(atom, m.i32.const(t.coef));
    out = out === undefined ? term : m.i32.add(out, term);
  }
  if (out === undefined) return m.i32.const(e.c);
  return e.c === 0 && env.addressOperands !== true ? out : m.i32.add(out, m.i32.const(e.c));
}
