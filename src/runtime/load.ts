/**
 * load(): a saved module back to a runnable Model, without the compiler. The
 * bytes are copied, checked (format, checksum, manifest, features, the
 * module's imports and exports) and only then compiled and instantiated.
 */
import { ArtifactError } from '../common/errors.js';
import type { Manifest } from '../common/manifest.js';
import { readSections } from '../common/wasm-sections.js';
import { decodeArtifact } from './decode-artifact.js';
import { FEATURE_PROBES } from './features.js';
import { Model } from './model.js';

function copyBytes(source: unknown): Uint8Array<ArrayBuffer> {
  if (source instanceof ArrayBuffer) return new Uint8Array(source.slice(0));
  if (ArrayBuffer.isView(source)) {
    return new Uint8Array(source.buffer, source.byteOffset, source.byteLength).slice();
  }
  throw new ArtifactError('load: expected the bytes of a saved module (a Uint8Array or an ArrayBuffer)');
}

/** Whether this engine has every one of `features` (an unknown feature counts as missing). */
function hasFeatures(features: readonly string[]): boolean {
  return features.every((f) => Object.hasOwn(FEATURE_PROBES, f) && FEATURE_PROBES[f]?.() === true);
}

/**
 * The module to run and the features it uses: the first variant (see
 * ModuleVariant) whose features this engine has, else the file's own module,
 * whose features it must have.
 */
function chooseModule(
  code: Uint8Array<ArrayBuffer>,
  manifest: Manifest,
): { bytes: Uint8Array<ArrayBuffer>; features: readonly string[]; variant: boolean } {
  for (const variant of manifest.variants ?? []) {
    if (!hasFeatures(variant.features)) continue;
    const section = readSections(code).find((s) => s.name === variant.section);
    if (section === undefined) {
      throw new ArtifactError(
        `load: the manifest names a "${variant.section}" section the file does not have`,
        {
          section: variant.section,
        },
      );
    }
    return {
      bytes: code.slice(section.dataStart ?? section.end, section.end),
      features: variant.features,
      variant: true,
    };
  }
  checkFeatures(manifest);
  return { bytes: code, features: manifest.features, variant: false };
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

/** Throws unless the module imports exactly env.memory and exports run, err_site and err_value. */
function checkInterface(module: WebAssembly.Module): void {
  const imports = WebAssembly.Module.imports(module).map((i) => `${i.module}.${i.name}:${i.kind}`);
  const exports = new Set(WebAssembly.Module.exports(module).map((e) => `${e.name}:${e.kind}`));
  const ok =
    imports.length === 1 &&
    imports[0] === 'env.memory:memory' &&
    exports.has('run:function') &&
    exports.has('err_site:global') &&
    exports.has('err_value:global');
  if (!ok) throw new ArtifactError('load: the module does not have the interface its manifest describes');
}

/**
 * Loads a module saved by `model.save()` or `tensorwasm build`. Throws
 * ArtifactError for anything but an intact tensorwasm module of a supported
 * format version: truncated or damaged bytes, a plain Wasm module, a newer
 * format, a manifest that does not match. Embedded params are set.
 *
 * @example
 * import { load } from 'tensorwasm/runtime';
 * const model = await load(await (await fetch('model.wasm')).arrayBuffer());
 * const { y } = model.run({ x: new Float32Array(6) });
 */
export async function load(bytes: ArrayBuffer | ArrayBufferView): Promise<Model> {
  const { code, manifest, params } = decodeArtifact(copyBytes(bytes));
  const chosen = chooseModule(code, manifest);
  let module: WebAssembly.Module;
  // a variant runs on a memory the file's own module filled with the constants
  let dataModule: WebAssembly.Module | undefined;
  try {
    module = await WebAssembly.compile(chosen.bytes);
    if (chosen.variant) dataModule = await WebAssembly.compile(code);
  } catch (error) {
    throw new ArtifactError(`load: the module does not compile: ${String(error)}`);
  }
  checkInterface(module);
  let model: Model;
  try {
    model = new Model(module, manifest, code, chosen.features, dataModule);
  } catch (error) {
    throw new ArtifactError(`load: the module does not instantiate: ${String(error)}`);
  }
  if (params !== undefined) model.restoreParams(params);
  model.warmUp(true);
  await model.readyCode();
  return model;
}
