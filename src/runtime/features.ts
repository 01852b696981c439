/**
 * Wasm features a compiled module may need, and probes that tell whether this
 * engine has them (each probe validates a tiny module using the feature).
 */

/** A module that uses one f32x4 instruction: it validates only where SIMD is supported. */
const SIMD_PROBE = new Uint8Array([
  0, 97, 115, 109, 1, 0, 0, 0, 1, 5, 1, 96, 0, 1, 123, 3, 2, 1, 0, 10, 10, 1, 8, 0, 65, 0, 253, 15, 253, 98,
  11,
]);

/** The module header and a type and function section for one `() -> v128` function. */
const V128_FUNCTION = [0, 97, 115, 109, 1, 0, 0, 0, 1, 5, 1, 96, 0, 1, 123, 3, 2, 1, 0];
/** v128.const 0 (the opcode, then 16 zero bytes). */
const V128_ZERO = [0xfd, 0x0c, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0];
/** Code section (61 bytes) of one body (59 bytes, no locals): relaxed_madd of three zeros. */
const MADD_BODY = [10, 61, 1, 59, 0, ...V128_ZERO, ...V128_ZERO, ...V128_ZERO, 0xfd, 0x85, 0x02, 11];
/** `f32x4.relaxed_madd`: validates only where relaxed SIMD is supported. */
const RELAXED_SIMD_PROBE = new Uint8Array([...V128_FUNCTION, ...MADD_BODY]);

/** A module importing a shared memory and storing with one atomic: it validates only where Wasm has threads. */
const THREADS_PROBE = new Uint8Array([
  0, 97, 115, 109, 1, 0, 0, 0, 1, 4, 1, 96, 0, 0, 2, 16, 1, 3, 101, 110, 118, 6, 109, 101, 109, 111, 114, 121,
  2, 3, 1, 1, 3, 2, 1, 0, 10, 12, 1, 10, 0, 65, 0, 65, 42, 254, 23, 2, 0, 11,
]);

/**
 * A module with one table indexed by i64 (memory64's table64): it validates
 * from V8 13.3 (Chrome 133, Node 24); Node 22's V8 12.4 takes 64-bit
 * memories but not tables.
 */
const TABLE64_PROBE = new Uint8Array([0, 97, 115, 109, 1, 0, 0, 0, 4, 4, 1, 0x70, 4, 1]);

/** Each Wasm feature a manifest may require, and whether this engine has it. */
export const FEATURE_PROBES: Readonly<Record<string, () => boolean>> = {
  simd128: () => WebAssembly.validate(SIMD_PROBE),
  'relaxed-simd': () => WebAssembly.validate(RELAXED_SIMD_PROBE),
  /** Shared memory and atomics (a threaded build; running it needs SharedArrayBuffer too). */
  threads: () => WebAssembly.validate(THREADS_PROBE),
};

/**
 * Whether this engine runs relaxed SIMD (`compile(g, { relaxedSimd: true })`).
 * Node 20 needs `--experimental-wasm-relaxed-simd`; Chrome 114+ has it.
 */
export function supportsRelaxedSimd(): boolean {
  return FEATURE_PROBES['relaxed-simd']?.() ?? false;
}

/**
 * Whether V8 compiles Wasm with Turboshaft (V8 13.3+: Node 24+, current
 * Chrome). No probe tells the compilers apart; table64, on by default from
 * V8 13.3 (after Turboshaft took over Wasm), stands in for it, so V8
 * 12.5-13.2 counts as TurboFan.
 */
export function compilesWithTurboshaft(): boolean {
  return WebAssembly.validate(TABLE64_PROBE);
}

/**
 * Whether the relaxed build's matmuls should run their 6-row tiles
 * (TALL_TILES_EXPORT). V8's Turboshaft (Node 24+, current Chrome) keeps each
 * splat of A next to its multiply-adds, so 12 accumulators, 2 vectors of B
 * and one splat fit the 15 XMM registers (512³ 5.4 -> 5.0 ms on Node 24);
 * TurboFan (Node 22, Node 20 with the flag) loads all six splats first and
 * spills, twice as slow.
 */
export function prefersTallMatmulTiles(): boolean {
  return compilesWithTurboshaft();
}
