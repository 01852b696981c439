/**
 * The builds one compile ships in one file: the baseline module, and, when
 * asked, a relaxed-SIMD build of the same plan and threaded builds (shared
 * memory, run_thread) carried in custom sections of it (no data segments:
 * the baseline's constants fill the memory). The file's bytes and the
 * manifest's `variants` and `threads` say where each build is.
 */
import {
  RELAXED_SECTION,
  THREADS_RELAXED_SECTION,
  THREADS_SECTION,
  type ModuleVariant,
  type ThreadBuilds,
} from '../../common/manifest.js';
import { concatBytes, encodeCustomSection } from '../../common/wasm-sections.js';
import type { Schedule } from '../../passes/kernel.js';
import type { ThreadPlan } from '../../passes/thread-split.js';
import { emitModule, type EmitLayout, type EmittedModule } from './emit-module.js';

/** The baseline module, the relaxed build if any, and the bytes that carry every build. */
export interface EmittedBuilds {
  readonly baseline: EmittedModule;
  /** The relaxed-SIMD build's module bytes. */
  readonly relaxed: Uint8Array<ArrayBuffer> | undefined;
  /** The threaded builds' module bytes, in the order of `threads.variants`. */
  readonly threaded: readonly Uint8Array<ArrayBuffer>[];
  /**
   * The baseline's code with the other builds in its custom sections (no
   * manifest, no data section yet: `withDataSection(bytes, baseline.segments)`
   * is the file's module).
   */
  readonly bytes: Uint8Array<ArrayBuffer>;
  /** The manifest's `variants`: where the relaxed build is and what it needs. */
  readonly variants: readonly ModuleVariant[];
  /** The manifest's `threads`, when threaded builds were made. */
  readonly threads: ThreadBuilds | undefined;
  /** Wasm features of the baseline. */
  readonly features: readonly string[];
}

/** Options of emitBuilds. */
export interface BuildOptions {
  readonly simd: boolean;
  readonly relaxed: boolean;
  readonly optimizeLevel: number;
  /** Threaded builds for this plan, with the control block at `control` (when maxThreads > 1). */
  readonly threads?: { readonly plan: ThreadPlan; readonly control: number };
}

/** Emits the baseline and, as asked, the relaxed-SIMD and threaded builds of `schedule`. */
export async function emitBuilds(
  schedule: Schedule,
  layout: EmitLayout,
  options: BuildOptions,
): Promise<EmittedBuilds> {
  const { simd, optimizeLevel } = options;
  const baseline = await emitModule(schedule, layout, { simd, relaxedSimd: false, optimizeLevel });
  const features = simd ? ['simd128'] : [];
  const sections: Uint8Array[] = [baseline.wasm];
  const variants: ModuleVariant[] = [];
  let relaxed: Uint8Array<ArrayBuffer> | undefined;
  if (options.relaxed) {
    relaxed = (
      await emitModule(schedule, layout, { simd, relaxedSimd: true, optimizeLevel, dataSegments: false })
    ).wasm;
    sections.push(encodeCustomSection(RELAXED_SECTION, relaxed));
    variants.push({ section: RELAXED_SECTION, features: [...features, 'relaxed-simd'] });
  }
  const threaded: Uint8Array<ArrayBuffer>[] = [];
  let threads: ThreadBuilds | undefined;
  if (options.threads !== undefined && options.threads.plan.maxThreads > 1) {
    const threadVariants: ModuleVariant[] = [];
    // the relaxed threaded build first: preferred where the engine has both
    for (const relaxedSimd of options.relaxed ? [true, false] : [false]) {
      const wasm = (
        await emitModule(schedule, layout, {
          simd,
          relaxedSimd,
          optimizeLevel,
          dataSegments: false,
          threads: options.threads,
        })
      ).wasm;
      const section = relaxedSimd ? THREADS_RELAXED_SECTION : THREADS_SECTION;
      threaded.push(wasm);
      sections.push(encodeCustomSection(section, wasm));
      threadVariants.push({
        section,
        features: [...features, ...(relaxedSimd ? ['relaxed-simd'] : []), 'threads'],
      });
    }
    threads = {
      maxThreads: options.threads.plan.maxThreads,
      splitKernels: options.threads.plan.split.filter((s) => s).length,
      control: options.threads.control,
      variants: threadVariants,
    };
  }
  return {
    baseline,
    relaxed,
    threaded,
    bytes: sections.length === 1 ? baseline.wasm : concatBytes(sections),
    variants,
    threads,
    features,
  };
}
