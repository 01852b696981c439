/**
 * Long elementwise chains are latency-bound: each op waits ~3 cycles for the
 * one before, and one vector's chain fills the CPU's reorder window, so
 * vectors barely overlap — W7's 100 alternating adds and multiplies, and
 * every inline transcendental (exp is ~30 dependent instructions). Emitting
 * several vectors interleaved op by op (every op for vectors 0..k-1, then the
 * next op) gives the CPU k independent chains in one window and shares each
 * constant and broadcast operand among them (one splat per op, not one per
 * vector). Each value lives in a local (V8 sees through them); a bound value
 * (`let`) is one local per vector, read wherever the body uses it.
 * Measured per 1M f32 with 4 vectors: exp 1.18 -> 0.97 ms, sigmoid 1.95 ->
 * 1.36, gelu 4.6 -> 2.8; W2 2.27 -> 1.47 ms (6 and 8 vectors spill: slower).
 * W7 with 8 vectors: 12 -> 3 us (4 vectors: 5 us).
 *
 * An inline transcendental is itself a block of statements; its vectors'
 * statements are interleaved too (statement k of every vector, then k + 1):
 * V8's TurboFan (Node 20) reorders independent chains by itself, Turboshaft
 * (Node 22+, Chromium) keeps the order as written, so one vector's ~30
 * dependent instructions after another left the CPU one or two chains in
 * flight. W2 on Node 24: 1.08 -> 0.92 ms; Node 20 unchanged (docs/kernels.md).
 */
import type Binaryen from 'binaryen';
import * as ix from '../../passes/index-expr.js';
import type { LoopVar } from '../../passes/index-expr.js';
import type { KExpr } from '../../passes/kernel.js';
import { InternalError } from '../../common/errors.js';
import { emitVector, emitVectorOpOf, opOperands, type ExprEnv } from './emit-expr.js';
import { LANES } from './loop-vars.js';
import type { FunctionBuilder } from './function-builder.js';
import { emitVectorCast } from './vector-ops.js';

type Expr = Binaryen.ExpressionRef;

/** Vectors interleaved per iteration: chains with a transcendental (more would spill), cheap chains. */
const HEAVY_VECTORS = 4;
/**
 * Chains whose transcendentals are all exp or sigmoid take one vector more
 * (softmax 1.30 -> 1.23 ms, sigmoid 1.26 -> 1.16, exp 0.95 -> 0.92; W2 within
 * noise); with log, tanh, sin or pow five measured slower than four.
 */
const EXP_VECTORS = 5;
const EXP_FAMILY = new Set(['exp', 'sigmoid']);
const CHEAP_VECTORS = 8;
/** Chains of cheap ops at least this long take CHEAP_VECTORS (they are latency-bound). */
const MIN_OPS = 8;
/**
 * Shorter chains (one op or more) take SHORT_VECTORS: not for latency but for
 * fewer instructions per vector, since the vectors share one index and take
 * constant offsets (V8's own unrolling recomputes the addresses in each copy).
 * Measured (A/B in one process, 1024x1024): x*2 0.29 -> 0.26 ms, layerNorm
 * 0.72 -> 0.63, softmax 1.22 -> 1.17 (its scale pass); 2, 6 and 8 vectors
 * gained less or nothing; plain copies (no op) are memory-bound and unchanged.
 */
const SHORT_VECTORS = 4;
/** Ops with long inline expansions: one alone is a long chain (exp 1.18 -> 0.97 ms per 1M, log 3.1 -> 2.0). */
const HEAVY = new Set(['exp', 'log', 'sin', 'cos', 'tanh', 'sigmoid', 'erf', 'pow', 'gelu']);

/** Whether `e` contains a transcendental (an op of HEAVY). */
function hasHeavy(e: KExpr): boolean {
  switch (e.k) {
    case 'op':
      return HEAVY.has(e.op) || e.args.some(hasHeavy);
    case 'let':
      return hasHeavy(e.value) || hasHeavy(e.body);
    case 'cast':
      return hasHeavy(e.arg);
    default:
      return false;
  }
}

/**
 * How many vectors to interleave for `e` (loads, constants, refs and vector
 * ops): HEAVY_VECTORS with a transcendental (EXP_VECTORS when all are exp or
 * sigmoid), CHEAP_VECTORS for a chain of at least MIN_OPS cheap ops,
 * SHORT_VECTORS for a shorter one, 0 for a plain copy.
 */
export function interleaveFactor(e: KExpr): number {
  let ops = 0;
  let heavy = false;
  let expFamily = true;
  const cheap = (x: KExpr): boolean => {
    switch (x.k) {
      case 'const':
      case 'ref':
      case 'load':
      case 'get':
        return true;
      case 'let':
        return cheap(x.value) && cheap(x.body);
      case 'op':
        ops++;
        heavy ||= HEAVY.has(x.op);
        expFamily &&= !HEAVY.has(x.op) || EXP_FAMILY.has(x.op);
        return x.args.every(cheap);
      case 'cast':
        return cheap(x.arg);
      case 'guard':
      case 'bind':
        return false;
    }
  };
  if (!cheap(e)) return 0;
  if (heavy) return expFamily ? EXP_VECTORS : HEAVY_VECTORS;
  return ops >= MIN_OPS ? CHEAP_VECTORS : ops > 0 ? SHORT_VECTORS : 0;
}

/**
 * Statements computing `e` at `vectors` consecutive vectors along `v`
 * (vector u reads LANES·u elements further on), op by op, and the locals that
 * hold the results.
 */
export function emitInterleaved(
  fb: FunctionBuilder,
  e: KExpr,
  v: LoopVar,
  env: ExprEnv,
  vectors: number,
): { stmts: Expr[]; results: number[] } {
  const m = fb.m;
  const v128 = fb.b.v128;
  const stmts: Expr[] = [];
  const set = (value: Expr): number => {
    const local = fb.addLocal(v128);
    stmts.push(m.local.set(local, value));
    return local;
  };
  const lanes = Array.from({ length: vectors }, (_, u) => u);
  /** Binding id -> its value's local in each vector. */
  const bound = new Map<number, number[]>();
  /** A value that is the same in every vector (a constant, a ref, a load broadcast along v): one local. */
  const shared = (x: KExpr): number[] => {
    const local = set(emitVector(fb, x, v, env));
    return lanes.map(() => local);
  };
  const go = (x: KExpr): number[] => {
    switch (x.k) {
      case 'const':
      case 'ref':
        return shared(x);
      case 'load':
        if (ix.affineCoef(ix.ravel(x.index, x.node.shape), v) === 0) return shared(x);
        return lanes.map((u) => {
          env.shift = { varId: v.id, elements: LANES * u };
          const local = set(emitVector(fb, x, v, env));
          delete env.shift;
          return local;
        });
      case 'op': {
        // Arguments with a transcendental first: the cheap ones' results then live only
        // from just before this op (Turboshaft keeps them in registers instead of spilling them).
        const args: number[][] = [];
        const operands = opOperands(x, env);
        const order = operands
          .map((a, i) => i)
          .sort((i, j) => heavyFirst(operands, i) - heavyFirst(operands, j));
        for (const i of order) args[i] = go(operands[i] as KExpr);
        const exprs = lanes.map((u) =>
          emitVectorOpOf(
            fb,
            x,
            args.map((a) => m.local.get(a[u] as number, v128)),
            env,
          ),
        );
        const blocks = sameShapeBlocks(fb, exprs);
        if (blocks === undefined) return exprs.map(set);
        // statement k of every vector, then statement k + 1; each vector's result last
        const last = (blocks[0]?.length ?? 0) - 1;
        for (let k = 0; k < last; k++) for (const children of blocks) stmts.push(children[k] as Expr);
        return blocks.map((children) => set(children[last] as Expr));
      }
      case 'let':
        bound.set(x.id, go(x.value));
        return go(x.body);
      case 'get': {
        const locals = bound.get(x.id);
        if (locals === undefined) throw new InternalError('codegen', `binding t${x.id} read outside its let`);
        return locals;
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

/** 0 for an argument with a transcendental, 1 for one without, then argument order. */
function heavyFirst(args: readonly KExpr[], i: number): number {
  return (hasHeavy(args[i] as KExpr) ? 0 : args.length) + i;
}

/**
 * The statements of each expression when every one is an unnamed block of
 * the same length (one inline transcendental per vector: the same statements
 * on each vector's own locals), else undefined.
 */
function sameShapeBlocks(fb: FunctionBuilder, exprs: readonly Expr[]): Expr[][] | undefined {
  const blocks: Expr[][] = [];
  for (const e of exprs) {
    const info = fb.b.getExpressionInfo(e);
    if (info.id !== fb.b.BlockId) return undefined;
    const block = info as Binaryen.BlockInfo;
    if (block.name !== null && block.name !== '') return undefined;
    blocks.push(block.children);
  }
  const length = blocks[0]?.length ?? 0;
  return length > 1 && blocks.every((b) => b.length === length) ? blocks : undefined;
}
