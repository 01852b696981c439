/**
 * Building one Wasm function: its locals, and the loop shape every kernel uses.
 * Binaryen expressions may be used once, so helpers here always build fresh
 * nodes and route values that are needed twice through locals.
 */
import type Binaryen from 'binaryen';
import type { BinaryenApi } from './load-binaryen.js';
import { relaxedMadd } from './vector-ops.js';

type Expr = Binaryen.ExpressionRef;

/** Loops that run once around a hot inner loop (see nestForUnrolling); 6 measured as good as 10. */
const UNROLL_NESTING = 6;
/** Fewer iterations than this: a loop is not nested for unrolling. */
const MIN_TRIPS_TO_NEST = 16;

/** Locals of the function being built (after its parameters, if any). Also the math emitters' context. */
export class FunctionBuilder {
  readonly locals: Binaryen.Type[] = [];
  private labels = 0;
  /** v128 constants of this function by their bytes (hex), each held in one local. */
  private readonly constants = new Map<string, { readonly local: number; readonly bytes: Uint8Array }>();

  /** a·b + c on f32x4 lanes, fused where the CPU has FMA; set only when the module may use relaxed SIMD. */
  readonly fusedMaddF32x4?: (a: Expr, b: Expr, c: Expr) => Expr;
  /** Whether nestForUnrolling nests: in the baseline build only (see there). */
  private readonly nests: boolean;

  constructor(
    readonly b: BinaryenApi,
    readonly m: Binaryen.Module,
    relaxedSimd = false,
    /** Types of the function's parameters: locals 0 .. params.length - 1. */
    readonly params: readonly Binaryen.Type[] = [],
    /**
     * Address arithmetic keeps its + 0 and · 1 (address-ops.ts): a kernel
     * whose buffer sits at address 0, or whose stride is 1, then has the
     * structure of its siblings, and shares their code (emit-module.ts).
     */
    readonly uniformAddresses = false,
  ) {
    if (relaxedSimd) this.fusedMaddF32x4 = (x, y, z) => relaxedMadd(this, x, y, z);
    this.nests = !relaxedSimd;
  }

  /** Adds a local of `type`; returns its index. */
  addLocal(type: Binaryen.Type): number {
    this.locals.push(type);
    return this.params.length + this.locals.length - 1;
  }

  /**
   * A v128 constant, read from a local set once at function entry (see
   * `withConstants`). V8's Turboshaft (Node 22+, Chromium) rebuilds every
   * `v128.const` at each use inside a loop, about five instructions each, where
   * the older TurboFan hoisted them; a local.get is a register (or one spill
   * reload). Equal constants share one local.
   */
  v128Const(bytes: Uint8Array): Expr {
    const key = Array.from(bytes, (x) => x.toString(16).padStart(2, '0')).join('');
    let entry = this.constants.get(key);
    if (!entry) {
      entry = { local: this.addLocal(this.b.v128), bytes: bytes.slice() };
      this.constants.set(key, entry);
    }
    return this.m.local.get(entry.local, this.b.v128);
  }

  /** `body` preceded by the sets of the v128 constant locals it reads. */
  withConstants(body: Expr): Expr {
    if (this.constants.size === 0) return body;
    const m = this.m;
    const sets = [...this.constants.values()].map(({ local, bytes }) =>
      m.local.set(local, m.v128.const(bytes)),
    );
    return m.block(null, [...sets, body], this.b.none);
  }

  /** A fresh label name. */
  label(prefix: string): string {
    return `${prefix}${this.labels++}`;
  }

  /**
   * `use(get)` with `value` evaluated once into a new local first; `get()`
   * reads it (call it once per use). Wasm evaluates select's condition last,
   * so a tee inside an operand is unsafe: this helper sets the local up front.
   */
  bind(value: Expr, type: Binaryen.Type, use: (get: () => Expr) => Expr, resultType: Binaryen.Type): Expr {
    const local = this.addLocal(type);
    const get = (): Expr => this.m.local.get(local, type);
    return this.m.block(null, [this.m.local.set(local, value), use(get)], resultType);
  }

  /**
   * `loop` (a loop over the i32 local `v`, which it leaves >= 0) nested in
   * UNROLL_NESTING loops that run once, so that V8 unrolls it further.
   * TurboFan unrolls an innermost loop min(5, 50·(depth + 1) / size) times,
   * depth being how many loops enclose it and size its graph nodes; each copy
   * after the first runs without its own stack check. A matmul k-step of
   * ~100 nodes under three tile loops got 2 copies; nested deeper, 5 (a
   * 128×128 matmul 35 → 40 GF/s, docs/kernels.md). Each wrapper costs one
   * compare and branch per run of `loop` and is harmless to other engines.
   * Loops of fewer than MIN_TRIPS_TO_NEST iterations (`trips`) are returned
   * as they are: there is little to unroll. `never`: the wrappers' branch
   * condition for a loop that leaves no such `v` (false after the loop, but
   * not provably so to the engine).
   *
   * The relaxed build's loops are not nested: its engines compile with
   * Turboshaft (Node 24+, Chromium), which unrolls the nested copies too (the
   * machine code of SqueezeNet's big conv functions 1.5-2x larger) for no
   * speed (W1 N=128-512 and W5 within 0.5%, Node 26), and whose compile then
   * takes 25% longer (SqueezeNet's relaxed code 71-84 -> 51-57 ms of CPU).
   * Node 22 runs the relaxed build with TurboFan: W1 N=128 1-2.5% slower
   * there without the nesting, N >= 256 and W5 within 1% (docs/kernels.md).
   */
  nestForUnrolling(loop: Expr, v: number, trips: number, never?: () => Expr): Expr {
    const m = this.m;
    if (!this.nests || trips < MIN_TRIPS_TO_NEST) return loop;
    let out = loop;
    for (let i = 0; i < UNROLL_NESTING; i++) {
      const again = this.label('once');
      // v >= 0 after the loop: never taken, but not provably so (a loop without a back edge is not a loop)
      const cond = never?.() ?? m.i32.lt_s(m.local.get(v, this.b.i32), m.i32.const(0));
      out = m.loop(again, m.block(null, [out, m.br(again, cond)]));
    }
    return out;
  }

  /**
   * Like forLoop, with a run-time start (an expression, or null to continue
   * from v) and a run-time end (read from the i32 local `end`).
   */
  forRange(v: number, start: Expr | null, end: number, step: number, whole: boolean, body: Expr[]): Expr {
    const m = this.m;
    const i32 = this.b.i32;
    const get = (l: number): Expr => m.local.get(l, i32);
    // v <= end - step (whole) or v <= end - 1
    const limit = (): Expr => m.i32.sub(get(end), m.i32.const(whole ? step : 1));
    const brk = this.label('done');
    const cont = this.label('loop');
    const init = start === null ? [] : [m.local.set(v, start)];
    const enter = m.br(brk, m.i32.gt_s(get(v), limit()));
    const next = m.local.set(v, m.i32.add(get(v), m.i32.const(step)));
    const again = m.br(cont, m.i32.le_s(get(v), limit()));
    return m.block(brk, [...init, enter, m.loop(cont, m.block(null, [...body, next, again]))]);
  }

  /**
   * `body(step)` over [0, end) in whole steps of `step`, then `body(1)` one at a
   * time for the rest; `end` is known, so only the loops that run are emitted.
   */
  stepsThenSingles(v: number, end: number, step: number, body: (width: number) => Expr[]): Expr[] {
    const out: Expr[] = [];
    if (end >= step) out.push(this.forLoop(v, 0, end, step, true, body(step)));
    if (end % step !== 0) out.push(this.forLoop(v, end >= step ? null : 0, end, 1, false, body(1)));
    return out;
  }

  /**
   * `for (v = start; v < end; v += step) body` where `end` is a compile-time
   * count; the loop runs while `v + step <= end` when `whole` (a vector loop),
   * else while `v < end`. `v` keeps its final value (the tail starts there).
   */
  forLoop(v: number, start: number | null, end: number, step: number, whole: boolean, body: Expr[]): Expr {
    const m = this.m;
    const i32 = this.b.i32;
    const get = (): Expr => m.local.get(v, i32);
    const limit = whole ? end - step : end - 1;
    const brk = this.label('done');
    const cont = this.label('loop');
    const init = start === null ? [] : [m.local.set(v, m.i32.const(start))];
    // v <= limit  (limit may be negative: then the loop never runs)
    const enter = m.br(brk, m.i32.gt_s(get(), m.i32.const(limit)));
    const next = m.local.set(v, m.i32.add(get(), m.i32.const(step)));
    const again = m.br(cont, m.i32.le_s(get(), m.i32.const(limit)));
    return m.block(brk, [...init, enter, m.loop(cont, m.block(null, [...body, next, again]))]);
  }
}
