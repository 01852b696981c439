/**
 * The builds one compile ships in one file: the baseline module, and, when
 * asked, a relaxed-SIMD build of the same plan carried in a custom section of
 * it (no data segments: the baseline's instance fills the shared memory). The
 * file's bytes and the manifest's `variants` say where each build is.
 */
import { RELAXED_SECTION, type ModuleVariant } from '../../common/manifest.js';
import { concatBytes, encodeCustomSection } from '../../common/wasm-sections.js';
import type { Schedule } from '../../passes/kernel.js';
import { emitModule, type EmitLayout, type EmittedModule } from './emit-module.js';

/** The baseline module, the relaxed build if any, and the bytes that carry both. */
export interface EmittedBuilds {
  readonly baseline: EmittedModule;
  /** The relaxed-SIMD build's module bytes. */
  readonly relaxed: Uint8Array<ArrayBuffer> | undefined;
  /** The baseline with the relaxed build in its custom section (no manifest yet). */
  readonly bytes: Uint8Array<ArrayBuffer>;
  /** The manifest's `variants`: where the relaxed build is and what it needs. */
  readonly variants: readonly ModuleVariant[];
  /** Wasm features of the baseline. */
  readonly features: readonly string[];
}

/** Emits the baseline and, with `relaxed`, the relaxed-SIMD build of `schedule`. */
export async function emitBuilds(
  schedule: Schedule,
  layout: EmitLayout,
  options: { readonly simd: boolean; readonly relaxed: boolean; readonly optimizeLevel: number },
): Promise<EmittedBuilds> {
  const { simd, optimizeLevel } = options;
  const baseline = await emitModule(schedule, layout, { simd, relaxedSimd: false, optimizeLevel });
  const features = simd ? ['simd128'] : [];
  if (!options.relaxed) return { baseline, relaxed: undefined, bytes: baseline.wasm, variants: [], features };
  const relaxed = (
    await emitModule(schedule, layout, { simd, relaxedSimd: true, optimizeLevel, dataSegments: false })
  ).wasm;
  return {
    baseline,
    relaxed,
    bytes: concatBytes([baseline.wasm, encodeCustomSection(RELAXED_SECTION, relaxed)]),
    variants: [{ section: RELAXED_SECTION, features: [...features, 'relaxed-simd'] }],
    features,
  };
}
