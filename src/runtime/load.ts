/**
 * load(): a saved module back to a runnable Model, without the compiler. The
 * bytes are checked (format, checksum, manifest, features, the module's
 * imports and exports) and copied in one step, and only then compiled and
 * instantiated.
 */
import { ArtifactError, TensorWasmError } from '../common/errors.js';
import { RUN_THREAD_EXPORT } from '../common/thread-control.js';
import { decodeArtifact } from './decode-artifact.js';
import { withDataSection, writeSegments, type DataSegment } from '../common/data-segments.js';
import { Model } from './model.js';
import { modelMemory } from './model-memory.js';
import { selectBuild } from './select-build.js';
import {
  checkThreadsOption,
  checkTimeoutOption,
  DEFAULT_THREAD_TIMEOUT_MS,
  type ThreadsOption,
} from './thread-support.js';

/** Options of load(). */
export interface LoadOptions {
  /**
   * Threads to run on (default 1): a count, or 'auto' (the cores reported,
   * at most 8, at most what the module was compiled for; one where shared
   * memory is unavailable). A count that cannot be honoured is a ThreadError
   * saying why (docs/threads.md).
   */
  readonly threads?: ThreadsOption;
  /** How long a thread waits at a barrier, or a worker to start, before a ThreadError (ms, default 10000). */
  readonly threadTimeoutMs?: number;
}

/**
 * The caller's bytes as a view, not a copy: decodeArtifact checks them and
 * copies what load keeps (the code, the params), and load writes the
 * constants into the memory, all before its first await, so nothing can
 * change them in between. No copy of a model's weights beyond the memory's
 * (100 MB for ResNet-50: fresh pages cost ~5 ms/MB on a sandboxed machine).
 * A SharedArrayBuffer, which another thread could write meanwhile, is copied first.
 */
function viewBytes(source: unknown): Uint8Array {
  if (source instanceof ArrayBuffer) return new Uint8Array(source);
  if (ArrayBuffer.isView(source)) {
    const view = new Uint8Array(source.buffer, source.byteOffset, source.byteLength);
    return source.buffer instanceof ArrayBuffer ? view : view.slice();
  }
  throw new ArtifactError('load: expected the bytes of a saved module (a Uint8Array or an ArrayBuffer)');
}

/** Throws unless the module imports exactly env.memory and exports run, err_site and err_value (and run_thread when threaded). */
function checkInterface(module: WebAssembly.Module, threaded: boolean): void {
  const imports = WebAssembly.Module.imports(module).map((i) => `${i.module}.${i.name}:${i.kind}`);
  const exports = new Set(WebAssembly.Module.exports(module).map((e) => `${e.name}:${e.kind}`));
  const ok =
    imports.length === 1 &&
    imports[0] === 'env.memory:memory' &&
    exports.has('run:function') &&
    exports.has('err_site:global') &&
    exports.has('err_value:global') &&
    (!threaded || exports.has(`${RUN_THREAD_EXPORT}:function`));
  if (!ok) throw new ArtifactError('load: the module does not have the interface its manifest describes');
}

/**
 * The module compiled synchronously, or undefined where the engine refuses
 * to (a browser's main thread past its size limit for synchronous compiles).
 */
function compileNow(bytes: Uint8Array<ArrayBuffer>): WebAssembly.Module | undefined {
  try {
    return new WebAssembly.Module(bytes);
  } catch (error) {
    if (error instanceof WebAssembly.CompileError) throw doesNotCompile(error);
    return undefined;
  }
}

async function compileLater(bytes: Uint8Array<ArrayBuffer>): Promise<WebAssembly.Module> {
  try {
    return await WebAssembly.compile(bytes);
  } catch (error) {
    throw doesNotCompile(error);
  }
}

function doesNotCompile(error: unknown): ArtifactError {
  return new ArtifactError(`load: the module does not compile: ${String(error)}`);
}

/** An engine refuses a segment outside the memory at instantiation; so does load() before writing it. */
function checkSegments(segments: readonly DataSegment[], memoryBytes: number): void {
  for (const s of segments) {
    if (s.offset + s.bytes.byteLength > memoryBytes)
      throw new ArtifactError(
        `load: the module does not instantiate: a data segment [${s.offset}, ${s.offset + s.bytes.byteLength}) lies outside its ${memoryBytes}-byte memory`,
      );
  }
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
export async function load(bytes: ArrayBuffer | ArrayBufferView, options: LoadOptions = {}): Promise<Model> {
  checkThreadsOption('load', options.threads);
  checkTimeoutOption('load', options.threadTimeoutMs);
  const { code, segments, manifest, params } = decodeArtifact(viewBytes(bytes));
  checkSegments(segments, manifest.memoryBytes);
  const chosen = selectBuild(code, manifest, options.threads);
  const threads = chosen.threads > 1 ? manifest.threads : undefined;
  // the constants are views of the caller's bytes, not copies: they go into the memory before the
  // first await, so nothing can change them between the checksum and the write (docs/artifact.md)
  const memory = modelMemory(manifest, threads);
  // compiled now where the engine allows (V8 compiles lazily: validation only, ~1 ms), the kernels'
  // optimized compile starts before the constants are written and runs while they are
  const early = compileNow(chosen.bytes);
  if (early === undefined) writeSegments(memory, segments);
  const module = early ?? (await compileLater(chosen.bytes));
  checkInterface(module, chosen.threads > 1);
  let model: Model;
  // the module's bytes for save() are made from the memory's copy of the constants (never written)
  const wasm = (): Uint8Array<ArrayBuffer> => withDataSection(code, model.constantsIn(segments));
  try {
    model = new Model(module, manifest, wasm, chosen.features, threads, memory);
  } catch (error) {
    throw new ArtifactError(`load: the module does not instantiate: ${String(error)}`);
  }
  model.startOptimizing(chosen.codeBytes);
  if (early !== undefined) writeSegments(memory, segments);
  if (params !== undefined) model.restoreParams(params);
  model.warmUp();
  await model.readyCode();
  if (chosen.threads > 1) {
    try {
      await model.startThreads(chosen.threads, options.threadTimeoutMs ?? DEFAULT_THREAD_TIMEOUT_MS);
    } catch (error) {
      model.dispose();
      if (error instanceof TensorWasmError) throw error;
      throw new ArtifactError(`load: the module does not start on threads: ${String(error)}`);
    }
  }
  return model;
}
