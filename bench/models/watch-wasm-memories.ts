/** ORT-web's heap size, which it does not expose: the memories of the Wasm modules it instantiates. */

/**
 * Catches the Wasm memories of modules instantiated from now on: ORT-web
 * exposes no heap size, but its Emscripten module exports its memory.
 */
export function watchWasmMemories(): { memories: WebAssembly.Memory[]; restore: () => void } {
  const memories: WebAssembly.Memory[] = [];
  const original = WebAssembly.instantiate.bind(WebAssembly);
  const collect = (instance: WebAssembly.Instance): void => {
    for (const value of Object.values(instance.exports))
      if (value instanceof WebAssembly.Memory) memories.push(value);
  };
  const patched = async (source: unknown, imports?: WebAssembly.Imports): Promise<unknown> => {
    const result = await (original as (s: unknown, i?: WebAssembly.Imports) => Promise<unknown>)(
      source,
      imports,
    );
    if (result instanceof WebAssembly.Instance) collect(result);
    else collect((result as WebAssembly.WebAssemblyInstantiatedSource).instance);
    for (const value of Object.values(imports ?? {}))
      for (const v of Object.values(value)) if (v instanceof WebAssembly.Memory) memories.push(v);
    return result;
  };
  (WebAssembly as { instantiate: unknown }).instantiate = patched;
  return {
    memories,
    restore: () => {
      (WebAssembly as { instantiate: unknown }).instantiate = original;
    },
  };
}
