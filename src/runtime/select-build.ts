/**
 * Which build of a saved file runs here, and on how many threads: a threaded
 * build (manifest.threads) when more than one thread is asked for and the
 * platform has shared memory, Wasm threads and workers; else the first
 * variant whose features this engine has; else the file's own module. An
 * explicit thread count that cannot be honoured is a ThreadError saying
 * why; 'auto' quietly takes what is possible (one thread at least). A
 * module none of whose kernels split runs on one thread.
 */
import { ArtifactError, ThreadError } from '../common/errors.js';
import type { Manifest, ModuleVariant } from '../common/manifest.js';
import { CODE_SECTION, readSections } from '../common/wasm-sections.js';
import { FEATURE_PROBES } from './features.js';
import { requestedThreads, threadsUnavailable, type ThreadsOption } from './thread-support.js';

/** The build chosen to run. */
export interface SelectedBuild {
  /** The module's bytes. */
  readonly bytes: Uint8Array<ArrayBuffer>;
  readonly features: readonly string[];
  /** A variant: it runs on memory the file's own module filled with the constants. */
  readonly variant: boolean;
  /** Threads it runs on (1: the file's own module or a single-thread variant). */
  readonly threads: number;
  /** The size of its code section: what the engine compiles (not the variants a custom section carries). */
  readonly codeBytes: number;
}

/** The size of a module's code section. */
function codeSectionBytes(module: Uint8Array<ArrayBuffer>): number {
  const code = readSections(module).find((s) => s.id === CODE_SECTION);
  return code === undefined ? 0 : code.end - code.start;
}

function build(
  bytes: Uint8Array<ArrayBuffer>,
  features: readonly string[],
  variant: boolean,
  threads: number,
): SelectedBuild {
  return { bytes, features, variant, threads, codeBytes: codeSectionBytes(bytes) };
}

/** Whether this engine has every one of `features` (an unknown feature counts as missing). */
function hasFeatures(features: readonly string[]): boolean {
  return features.every((f) => Object.hasOwn(FEATURE_PROBES, f) && FEATURE_PROBES[f]?.() === true);
}

function sectionBytes(code: Uint8Array<ArrayBuffer>, variant: ModuleVariant): Uint8Array<ArrayBuffer> {
  const section = readSections(code).find((s) => s.name === variant.section);
  if (section === undefined) {
    throw new ArtifactError(
      `load: the manifest names a "${variant.section}" section the file does not have`,
      {
        section: variant.section,
      },
    );
  }
  return code.slice(section.dataStart ?? section.end, section.end);
}

function checkFeatures(manifest: Manifest): void {
  for (const feature of manifest.features) {
    const probe = Object.hasOwn(FEATURE_PROBES, feature) ? FEATURE_PROBES[feature] : undefined;
    if (probe === undefined) {
      throw new ArtifactError(
        `load: the module needs the Wasm feature "${feature}", unknown to this runtime`,
        {
          feature,
        },
      );
    }
    if (!probe()) {
      throw new ArtifactError(`load: the module needs Wasm ${feature}, which this engine does not support`, {
        feature,
      });
    }
  }
}

/** Why `threads` threads cannot run `manifest` here, or undefined when they can. */
function threadsProblem(manifest: Manifest, threads: number): string | undefined {
  const builds = manifest.threads;
  if (builds === undefined) return 'the module was compiled without threads (compile it with { threads })';
  if (threads > builds.maxThreads) return `the module was compiled for at most ${builds.maxThreads} threads`;
  const platform = threadsUnavailable();
  if (platform !== undefined) return platform;
  if (!builds.variants.some((v) => hasFeatures(v.features)))
    return 'this engine lacks a Wasm feature every threaded build needs';
  return undefined;
}

/**
 * The build of `code` (the file's bytes, its custom sections included) to
 * run with the `threads` option (default 1), as the module header says.
 */
export function selectBuild(
  code: Uint8Array<ArrayBuffer>,
  manifest: Manifest,
  option: ThreadsOption | undefined,
  call = 'load',
): SelectedBuild {
  let threads = requestedThreads(option);
  if (option === 'auto') threads = Math.min(threads, manifest.threads?.maxThreads ?? 1);
  // no kernel splits: every thread but the first would only wait
  if (manifest.threads?.splitKernels === 0 && threads <= manifest.threads.maxThreads) threads = 1;
  if (threads > 1) {
    const problem = threadsProblem(manifest, threads);
    if (problem !== undefined && option !== 'auto') {
      throw new ThreadError(
        `${call}: cannot run on ${threads} threads: ${problem}`,
        { threads, reason: problem },
        "Use threads: 1 (or 'auto', which falls back to one thread)",
      );
    }
    const threaded =
      problem === undefined ? manifest.threads?.variants.find((v) => hasFeatures(v.features)) : undefined;
    if (threaded !== undefined) return build(sectionBytes(code, threaded), threaded.features, true, threads);
  }
  for (const variant of manifest.variants ?? []) {
    if (hasFeatures(variant.features)) return build(sectionBytes(code, variant), variant.features, true, 1);
  }
  checkFeatures(manifest);
  return build(code, manifest.features, false, 1);
}
