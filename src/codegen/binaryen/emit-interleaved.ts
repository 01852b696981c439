/**
 * Long chains of cheap elementwise ops (W7: 100 alternating adds and
 * multiplies) are latency-bound: each op waits ~3 cycles for the one before,
 * and one iteration of the chain fills the CPU's reorder window, so vectors
 * barely overlap. Emitting several vectors interleaved op by op (every op for
 * vectors 0..K-1, then the next op) gives the CPU K independent chains in a
 * window and shares each constant among them. Each value lives in a local;
 * V8 keeps them in registers (K + 1 live values).
 */
import type Binaryen from 'binaryen';
import type { LoopVar } from '../../passes/index-expr.js';
import type { KExpr } from '../../passes/kernel.js';
import { InternalError } from '../../common/errors.js';
import { argType, emitVector, type ExprEnv } from './emit-expr.js';
import type { FunctionBuilder } from './function-builder.js';
import { emitVectorCast, emitVectorOp } from './vector-ops.js';

type Expr = Binaryen.ExpressionRef;

/** Vectors interleaved per iteration. */
export const INTERLEAVE = 4;
/** Chains shorter than this are not latency-bound enough to pay for it. */
const MIN_OPS = 8;
/** Ops whose inline expansions need many registers: interleaved copies would spill. */
const HEAVY = new Set(['exp', 'log', 'sin', 'cos', 'tanh', 'sigmoid', 'erf', 'pow', 'gelu']);

/** Whether `e` is a chain of at least MIN_OPS cheap ops over loads, constants and refs. */
export function worthInterleaving(e: KExpr): boolean {
  let ops = 0;
  const cheap = (x: KExpr): boolean => {
    switch (x.k) {
      case 'const':
      case 'ref':
      case 'load':
        return true;
      case 'op':
        ops++;
        return !HEAVY.has(x.op) && x.args.every(cheap);
      case 'cast':
        return cheap(x.arg);
      case 'guard':
      case 'bind':
        return false;
    }
  };
  return cheap(e) && ops >= MIN_OPS;
}

/**
 * Statements computing `e` at INTERLEAVE consecutive vectors along `v`
 * (vector u reads 4·u elements further on), op by op, and the locals that
 * hold the results.
 */
export function emitInterleaved(
  fb: FunctionBuilder,
  e: KExpr,
  v: LoopVar,
  env: ExprEnv,
): { stmts: Expr[]; results: number[] } {
  const m = fb.m;
  const v128 = fb.b.v128;
  const stmts: Expr[] = [];
  const set = (value: Expr): number => {
    const local = fb.addLocal(v128);
    stmts.push(m.local.set(local, value));
    return local;
  };
  const lanes = Array.from({ length: INTERLEAVE }, (_, u) => u);
  const go = (x: KExpr): number[] => {
    switch (x.k) {
      case 'const':
      case 'ref': {
        // the same in every vector: one local
        const local = set(emitVector(fb, x, v, env));
        return lanes.map(() => local);
      }
      case 'load':
        return lanes.map((u) => {
          env.shift = { varId: v.id, elements: 4 * u };
          const local = set(emitVector(fb, x, v, env));
          delete env.shift;
          return local;
        });
      case 'op': {
        const args = x.args.map(go);
        const dtype = argType(x);
        return lanes.map((u) =>
          set(
            emitVectorOp(
              fb,
              x.op,
              args.map((a) => m.local.get(a[u] as number, v128)),
              dtype,
            ),
          ),
        );
      }
      case 'cast': {
        const arg = go(x.arg);
        return lanes.map((u) =>
          set(emitVectorCast(fb, m.local.get(arg[u] as number, v128), x.arg.dtype, x.dtype)),
        );
      }
      case 'guard':
      case 'bind':
        throw new InternalError('codegen', `${x.k} in an interleaved chain`);
    }
  };
  return { stmts, results: go(e) };
}
