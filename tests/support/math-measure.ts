/**
 * Accuracy and speed harness for the inline math emitters (tests and docs
 * only; nothing in the compiler imports it). It builds one Wasm module with a
 * scalar and a SIMD loop per function, runs f32 input sweeps through them and
 * measures the distance in ULPs to a float64 reference rounded to f32.
 */
import binaryen from 'binaryen';
import { MATH_EMITTERS, emitPow, type MathOp } from '../../src/codegen/binaryen/math/index.js';
import type { Lanes, MathContext, UnaryMathEmitter } from '../../src/codegen/binaryen/math/math-context.js';
import { erfReference } from './reference-erf.js';

type Expr = binaryen.ExpressionRef;

/** Every function the harness measures. */
export type MeasuredOp = MathOp | 'pow';

export const MEASURED_OPS: readonly MeasuredOp[] = [
  'exp',
  'log',
  'sin',
  'cos',
  'tanh',
  'sigmoid',
  'erf',
  'pow',
];

/** Elements per call into a kernel (a multiple of 4). */
const CHUNK = 1 << 16;
const F32_BYTES = 4;
const WASM_PAGE_BYTES = 65536;

/** The float64 reference of each function (C99 special cases for pow). */
export const REFERENCES: Readonly<Record<MeasuredOp, (x: number, y: number) => number>> = {
  exp: (x) => Math.exp(x),
  log: (x) => Math.log(x),
  sin: (x) => Math.sin(x),
  cos: (x) => Math.cos(x),
  tanh: (x) => Math.tanh(x),
  sigmoid: (x) => 1 / (1 + Math.exp(-x)),
  erf: (x) => erfReference(x),
  pow: powReference,
};

/** Math.pow with C99's answers where JavaScript differs: pow(x, ±0) = pow(1, y) = pow(-1, ±inf) = 1. */
export function powReference(x: number, y: number): number {
  if (y === 0 || x === 1) return 1;
  if (Math.abs(x) === 1 && Math.abs(y) === Infinity) return 1;
  return Math.pow(x, y);
}

/**
 * The contract: max distance in ULPs from the correctly rounded result
 * (docs/math.md). exp/sigmoid/tanh may use up to 2/3/3 ULP; what they measure
 * (1/2/1) is asserted, so a change that loses accuracy shows here.
 */
export const ULP_BOUND: Readonly<Record<MeasuredOp, number>> = {
  exp: 1,
  log: 1,
  sin: 2,
  cos: 2,
  tanh: 1,
  sigmoid: 2,
  erf: 1,
  pow: 1,
};

/** Runs compiled kernels over arrays of any length. */
export interface MathKernels {
  run(op: MeasuredOp, lanes: Lanes, xs: Float32Array, ys?: Float32Array): Float32Array;
}

/** Validates `m`, capturing what Binaryen's validator writes to stderr into the thrown error. */
export function checkValid(m: binaryen.Module): void {
  let captured = '';
  const write = process.stderr.write.bind(process.stderr);
  process.stderr.write = (chunk: string | Uint8Array) => {
    captured += typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString();
    return true;
  };
  let ok: number | boolean;
  try {
    ok = m.validate();
  } finally {
    process.stderr.write = write;
  }
  if (!ok) throw new Error(`math harness: invalid module\n${captured}`);
}

/** A function-local context: locals after the parameters, in order. */
function makeContext(
  m: binaryen.Module,
  params: number,
  relaxed = false,
): MathContext & { vars: binaryen.Type[] } {
  const vars: binaryen.Type[] = [];
  return {
    ...(relaxed ? { fusedMaddF32x4: (a: Expr, b: Expr, c: Expr) => relaxedMadd(m, a, b, c) } : {}),
    m,
    vars,
    addLocal(type) {
      vars.push(type);
      return params + vars.length - 1;
    },
    v128Const: (bytes) => m.v128.const(bytes),
  };
}

/**
 * Adds `name(n)`: out[i] = f(x[i], y[i]) for i < n over the fixed buffers at
 * `xAt`, `yAt`, `outAt` (bytes); SIMD kernels need n % 4 == 0.
 */
function addKernel(
  m: binaryen.Module,
  name: string,
  op: MeasuredOp | UnaryMathEmitter,
  lanes: Lanes,
  at: Layout,
  relaxed = false,
): void {
  const ctx = makeContext(m, 1, relaxed);
  const p = ctx.addLocal(binaryen.i32);
  const ptr = (): Expr => m.local.get(p, binaryen.i32);
  const simd = lanes === 'simd';
  const load = (offset: number): Expr =>
    simd ? m.v128.load(offset, 16, ptr()) : m.f32.load(offset, 4, ptr());
  const emit = typeof op === 'function' ? op : op === 'pow' ? undefined : MATH_EMITTERS[op];
  const value =
    emit === undefined ? emitPow(ctx, load(at.x), load(at.y), lanes) : emit(ctx, load(at.x), lanes);
  const store = simd ? m.v128.store(at.out, 16, ptr(), value) : m.f32.store(at.out, 4, ptr(), value);
  const step = simd ? 16 : 4;
  const end = m.i32.shl(m.local.get(0, binaryen.i32), m.i32.const(2));
  const body = m.block('done', [
    m.local.set(p, m.i32.const(0)),
    m.loop(
      'next',
      m.block(null, [
        m.br('done', m.i32.ge_u(ptr(), end)),
        store,
        m.local.set(p, m.i32.add(ptr(), m.i32.const(step))),
        m.br('next'),
      ]),
    ),
  ]);
  m.addFunction(name, binaryen.createType([binaryen.i32]), binaryen.none, ctx.vars, body);
  m.addFunctionExport(name, name);
}

interface Layout {
  readonly x: number;
  readonly y: number;
  readonly out: number;
}

/** Emits, validates and instantiates a module; `optimizeLevel` > 0 runs Binaryen's optimizer. */
function instantiate(m: binaryen.Module, optimizeLevel: number): WebAssembly.Instance {
  checkValid(m);
  if (optimizeLevel > 0) {
    binaryen.setOptimizeLevel(optimizeLevel);
    binaryen.setShrinkLevel(0);
    binaryen.setFastMath(false);
    m.optimize();
    checkValid(m);
  }
  const bytes = m.emitBinary() as Uint8Array<ArrayBuffer>;
  m.dispose();
  return new WebAssembly.Instance(new WebAssembly.Module(bytes), {});
}

/** `f32x4.relaxed_madd` through the C API (binaryen.js has no helper for it). */
function relaxedMadd(m: binaryen.Module, a: Expr, b: Expr, c: Expr): Expr {
  const api = binaryen as unknown as {
    _BinaryenSIMDTernary: (module: number, op: number, a: Expr, b: Expr, c: Expr) => Expr;
    RelaxedMaddVecF32x4: number;
  };
  return api._BinaryenSIMDTernary((m as unknown as { ptr: number }).ptr, api.RelaxedMaddVecF32x4, a, b, c);
}

function newModule(bytes: number, relaxed = false): binaryen.Module {
  const m = new binaryen.Module();
  m.setFeatures(binaryen.Features.SIMD128 | (relaxed ? binaryen.Features.RelaxedSIMD : 0));
  const pages = Math.ceil(bytes / WASM_PAGE_BYTES);
  m.setMemory(pages, pages, 'memory');
  return m;
}

type Kernel = (n: number) => void;

function exportedKernel(instance: WebAssembly.Instance, name: string): Kernel {
  const f = instance.exports[name];
  if (typeof f !== 'function') throw new Error(`math harness: no export ${name}`);
  return f as Kernel;
}

/**
 * Builds every measured function as a scalar and a SIMD kernel in one module;
 * `relaxed`: the SIMD kernels use `relaxed_madd` (needs an engine with relaxed SIMD).
 */
export function buildMathKernels(optimizeLevel = 0, relaxed = false): MathKernels {
  const at: Layout = { x: 0, y: CHUNK * F32_BYTES, out: 2 * CHUNK * F32_BYTES };
  const m = newModule(3 * CHUNK * F32_BYTES, relaxed);
  for (const op of MEASURED_OPS)
    for (const lanes of ['scalar', 'simd'] as const) addKernel(m, `${op}_${lanes}`, op, lanes, at, relaxed);
  const instance = instantiate(m, optimizeLevel);
  const memory = instance.exports['memory'];
  if (!(memory instanceof WebAssembly.Memory)) throw new Error('math harness: no memory export');
  const heap = new Float32Array(memory.buffer);
  return {
    run(op, lanes, xs, ys) {
      const kernel = exportedKernel(instance, `${op}_${lanes}`);
      const out = new Float32Array(xs.length);
      for (let start = 0; start < xs.length; start += CHUNK) {
        const n = Math.min(CHUNK, xs.length - start);
        heap.fill(0, 0, 2 * CHUNK);
        heap.set(xs.subarray(start, start + n), at.x / F32_BYTES);
        if (ys) heap.set(ys.subarray(start, start + n), at.y / F32_BYTES);
        // SIMD kernels run over whole vectors; the padding lanes are ignored
        kernel(lanes === 'simd' ? Math.ceil(n / 4) * 4 : n);
        out.set(heap.subarray(at.out / F32_BYTES, at.out / F32_BYTES + n), start);
      }
      return out;
    },
  };
}

/**
 * One emitter (not in MATH_EMITTERS: e.g. softmax's exp·2^25) as a scalar and
 * a SIMD kernel; `run(lanes, xs)` as in MathKernels.
 */
export function buildEmitterKernels(
  emit: UnaryMathEmitter,
  relaxed = false,
): { run(lanes: Lanes, xs: Float32Array): Float32Array } {
  const at: Layout = { x: 0, y: CHUNK * F32_BYTES, out: 2 * CHUNK * F32_BYTES };
  const m = newModule(3 * CHUNK * F32_BYTES, relaxed);
  for (const lanes of ['scalar', 'simd'] as const) addKernel(m, `f_${lanes}`, emit, lanes, at, relaxed);
  const instance = instantiate(m, 0);
  const memory = instance.exports['memory'];
  if (!(memory instanceof WebAssembly.Memory)) throw new Error('math harness: no memory export');
  const heap = new Float32Array(memory.buffer);
  return {
    run(lanes, xs) {
      const kernel = exportedKernel(instance, `f_${lanes}`);
      const out = new Float32Array(xs.length);
      for (let start = 0; start < xs.length; start += CHUNK) {
        const n = Math.min(CHUNK, xs.length - start);
        heap.fill(0, 0, CHUNK);
        heap.set(xs.subarray(start, start + n), at.x / F32_BYTES);
        kernel(lanes === 'simd' ? Math.ceil(n / 4) * 4 : n);
        out.set(heap.subarray(at.out / F32_BYTES, at.out / F32_BYTES + n), start);
      }
      return out;
    },
  };
}

/** The text of a module holding one kernel of `op` (for checks on the code's shape). */
export function emitMathWat(op: MeasuredOp, lanes: Lanes): string {
  const m = newModule(WASM_PAGE_BYTES);
  addKernel(m, `${op}_${lanes}`, op, lanes, { x: 0, y: 16, out: 32 });
  checkValid(m);
  const text = m.emitText();
  m.dispose();
  return text;
}

// ---- error measurement ------------------------------------------------------------

const f32 = new Float32Array(1);
const i32 = new Int32Array(f32.buffer);

/** The f32 bit pattern as an integer ordered like the floats (±0 both map to 0). */
function orderedBits(x: number): number {
  f32[0] = x;
  const b = i32[0] ?? 0;
  return b < 0 ? -(b & 0x7fffffff) : b;
}

/**
 * Distance in f32 ULPs (representable values) between two f32 values; 0 when
 * equal or both NaN, Infinity when exactly one is NaN.
 */
export function ulpDistance(a: number, b: number): number {
  const an = Number.isNaN(a);
  const bn = Number.isNaN(b);
  if (an || bn) return an && bn ? 0 : Infinity;
  return Math.abs(orderedBits(a) - orderedBits(b));
}

/** The worst case of one measurement. */
export interface ErrorStats {
  /** Inputs measured. */
  readonly count: number;
  /** Max distance in ULPs from the correctly rounded (f32-rounded float64) reference. */
  readonly maxUlp: number;
  /** Max |got - reference| over the same inputs (for results near zeros of the function). */
  readonly maxAbs: number;
  /** An input where maxUlp is reached (x, and y for pow), with what was computed and wanted. */
  readonly worst: { readonly x: number; readonly y: number; readonly got: number; readonly want: number };
}

/** Which inputs count: `include(x, y, reference)` (default: all). */
export type InputFilter = (x: number, y: number, reference: number) => boolean;

/** Compares `got` with the reference over the inputs that pass `include`. */
export function measureErrors(
  op: MeasuredOp,
  xs: Float32Array,
  ys: Float32Array | undefined,
  got: Float32Array,
  include: InputFilter = () => true,
): ErrorStats {
  const ref = REFERENCES[op];
  let count = 0;
  let maxUlp = 0;
  let maxAbs = 0;
  let worst = { x: NaN, y: NaN, got: NaN, want: NaN };
  for (let i = 0; i < xs.length; i++) {
    const x = xs[i] ?? NaN;
    const y = ys?.[i] ?? NaN;
    const exact = ref(x, y);
    if (!include(x, y, exact)) continue;
    count++;
    const want = Math.fround(exact);
    const g = got[i] ?? NaN;
    const ulp = ulpDistance(g, want);
    const abs = Number.isNaN(g) && Number.isNaN(want) ? 0 : g === want ? 0 : Math.abs(g - exact);
    if (abs > maxAbs) maxAbs = abs;
    if (ulp > maxUlp || count === 1) {
      maxUlp = Math.max(maxUlp, ulp);
      worst = { x, y, got: g, want };
    }
  }
  return { count, maxUlp, maxAbs, worst };
}

/** Number of lanes where two results differ in bits (all NaNs count as equal). */
export function countBitDifferences(a: Float32Array, b: Float32Array): number {
  const ai = new Int32Array(a.buffer, a.byteOffset, a.length);
  const bi = new Int32Array(b.buffer, b.byteOffset, b.length);
  let n = 0;
  for (let i = 0; i < a.length; i++) {
    if (ai[i] === bi[i]) continue;
    if (Number.isNaN(a[i]) && Number.isNaN(b[i])) continue;
    n++;
  }
  return n;
}

// ---- input sweeps -------------------------------------------------------------------

/** Every `step`-th f32 bit pattern from 0 to 2^32 - 1 (both signs, NaNs and infinities included). */
export function bitPatternSweep(step: number): Float32Array {
  const n = Math.floor(0x100000000 / step) + 1;
  const bits = new Uint32Array(n);
  for (let k = 0; k < n; k++) bits[k] = (k * step) >>> 0;
  return new Float32Array(bits.buffer);
}

/** `n` evenly spaced values over [a, b], rounded to f32. */
export function linearSweep(a: number, b: number, n: number): Float32Array {
  const out = new Float32Array(n);
  for (let k = 0; k < n; k++) out[k] = a + ((b - a) * k) / Math.max(1, n - 1);
  return out;
}

/** Every f32 between a and b (a < b, same sign, finite), stepping the bit pattern by `step`. */
export function denseSweep(a: number, b: number, step = 1): Float32Array {
  f32[0] = a;
  const lo = i32[0] ?? 0;
  f32[0] = b;
  const hi = i32[0] ?? 0;
  const [from, to] = lo <= hi ? [lo, hi] : [hi, lo];
  const n = Math.floor((to - from) / step) + 1;
  const bits = new Int32Array(n);
  for (let k = 0; k < n; k++) bits[k] = from + k * step;
  return new Float32Array(bits.buffer);
}

/** Special inputs every unary function is checked on. */
export const SPECIAL_INPUTS: readonly number[] = [
  0,
  -0,
  Infinity,
  -Infinity,
  NaN,
  1,
  -1,
  0.5,
  -0.5,
  2,
  -2,
  1e-45,
  -1e-45,
  1.1754942e-38,
  1.1754944e-38,
  3.4028235e38,
  -3.4028235e38,
  88.72283,
  88.72284,
  -87.33654,
  -103.97208,
  -103.97209,
  -104,
  1e-30,
  -1e-30,
  1e4,
  -1e4,
];

/** Concatenates f32 arrays. */
export function concat(...parts: readonly (Float32Array | readonly number[])[]): Float32Array {
  const out = new Float32Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

/** The dense sweep of each unary function's interesting range. */
export const DENSE_RANGES: Readonly<Record<MathOp, readonly [number, number]>> = {
  exp: [-104, 89],
  log: [1e-3, 1e3],
  sin: [-20, 20],
  cos: [-20, 20],
  tanh: [-10, 10],
  sigmoid: [-110, 20],
  erf: [-4.5, 4.5],
};

/**
 * The inputs of a unary function's sweep: every `bitStep`-th f32 bit pattern,
 * `dense` values over its interesting range, and the special inputs.
 */
export function unarySweep(op: MathOp, bitStep: number, dense: number): Float32Array {
  const [a, b] = DENSE_RANGES[op];
  return concat(bitPatternSweep(bitStep), linearSweep(a, b, dense), SPECIAL_INPUTS);
}

/** A seeded generator (mulberry32) so sweeps are reproducible. */
export function makeRandom(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Special operands for pow: every pair of these is checked. */
export const POW_SPECIALS: readonly number[] = [
  0,
  -0,
  1,
  -1,
  2,
  -2,
  0.5,
  -0.5,
  3,
  -3,
  2.5,
  -2.5,
  Infinity,
  -Infinity,
  NaN,
  1e-45,
  3.4028235e38,
  -3.4028235e38,
  16777216,
  16777217,
  8388609,
  -8388609,
];

/**
 * Pairs for pow: |x| log-uniform over [2^-40, 2^40] with y so that
 * |y log2|x|| <= 160 (results across the whole f32 range, subnormals too),
 * negative x with integer y, x near 1 with large y, and all special pairs.
 */
export function powSweep(n: number, seed = 1): { xs: Float32Array; ys: Float32Array } {
  const rand = makeRandom(seed);
  const xs: number[] = [];
  const ys: number[] = [];
  for (let k = 0; k < n; k++) {
    const lx = (rand() * 2 - 1) * 40;
    const x = Math.fround(2 ** lx);
    const kind = k % 4;
    if (kind === 0 || kind === 1) {
      xs.push(x);
      ys.push(Math.fround(((rand() * 2 - 1) * 160) / Math.max(Math.abs(lx), 1e-3)));
    } else if (kind === 2) {
      xs.push(-x);
      ys.push(Math.round(((rand() * 2 - 1) * 160) / Math.max(Math.abs(lx), 0.05)));
    } else {
      xs.push(Math.fround(1 + (rand() * 2 - 1) * 2 ** (-rand() * 23)));
      ys.push(Math.fround((rand() * 2 - 1) * 2 ** (rand() * 30)));
    }
  }
  for (const a of POW_SPECIALS) {
    for (const b of POW_SPECIALS) {
      xs.push(a);
      ys.push(b);
    }
  }
  return { xs: new Float32Array(xs), ys: new Float32Array(ys) };
}

// ---- speed ---------------------------------------------------------------------------

/**
 * Nanoseconds per element of a SIMD (or scalar) loop of `op` over `n` elements,
 * the best of `reps` calls after `warmup` calls (V8 tiers the function up).
 */
export function measureSpeed(
  op: MeasuredOp,
  lanes: Lanes,
  n: number,
  reps = 20,
  warmup = 5,
  optimizeLevel = 0,
): number {
  const at: Layout = { x: 0, y: n * F32_BYTES, out: 2 * n * F32_BYTES };
  const m = newModule(3 * n * F32_BYTES);
  addKernel(m, 'kernel', op, lanes, at);
  const instance = instantiate(m, optimizeLevel);
  const memory = instance.exports['memory'];
  if (!(memory instanceof WebAssembly.Memory)) throw new Error('math harness: no memory export');
  const heap = new Float32Array(memory.buffer);
  const rand = makeRandom(7);
  for (let i = 0; i < 2 * n; i++) heap[i] = (rand() * 2 - 1) * 10;
  const kernel = exportedKernel(instance, 'kernel');
  for (let i = 0; i < warmup; i++) kernel(n);
  let best = Infinity;
  for (let i = 0; i < reps; i++) {
    const t0 = performance.now();
    kernel(n);
    best = Math.min(best, performance.now() - t0);
  }
  return (best * 1e6) / n;
}
