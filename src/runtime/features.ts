/**
 * Wasm features a compiled module may need, and probes that tell whether this
 * engine has them (each probe validates a tiny module using the feature).
 */

/** A module that uses one f32x4 instruction: it validates only where SIMD is supported. */
const SIMD_PROBE = new Uint8Array([
  0, 97, 115, 109, 1, 0, 0, 0, 1, 5, 1, 96, 0, 1, 123, 3, 2, 1, 0, 10, 10, 1, 8, 0, 65, 0, 253, 15, 253, 98,
  11,
]);

const V128_ZERO = [0xfd, 0x0c, ...new Array<number>(16).fill(0)];
/** `f32x4.relaxed_madd` of three zero vectors: validates only where relaxed SIMD is supported. */
const RELAXED_SIMD_PROBE = new Uint8Array([
  0,
  97,
  115,
  109,
  1,
  0,
  0,
  0,
  1,
  5,
  1,
  96,
  0,
  1,
  123,
  3,
  2,
  1,
  0,
  10,
  61,
  1,
  59,
  0,
  ...V128_ZERO,
  ...V128_ZERO,
  ...V128_ZERO,
  0xfd,
  0x85,
  0x02,
  11,
]);

/** Each Wasm feature a manifest may require, and whether this engine has it. */
export const FEATURE_PROBES: Readonly<Record<string, () => boolean>> = {
  simd128: () => WebAssembly.validate(SIMD_PROBE),
  'relaxed-simd': () => WebAssembly.validate(RELAXED_SIMD_PROBE),
};

/**
 * Whether this engine runs relaxed SIMD (`compile(g, { relaxedSimd: true })`).
 * Node 20 needs `--experimental-wasm-relaxed-simd`; Chrome 114+ has it.
 */
export function supportsRelaxedSimd(): boolean {
  return FEATURE_PROBES['relaxed-simd']?.() ?? false;
}
