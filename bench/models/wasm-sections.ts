/**
 * Sizes of a WebAssembly binary's sections, read from its section headers:
 * the code section (the kernels) and the data section (constants, i.e. a
 * model's weights), so a module's code can be reported without its weights.
 */

/** Section ids of the WebAssembly binary format. */
const CODE_SECTION = 10;
const DATA_SECTION = 11;
const HEADER_BYTES = 8;

/** Bytes of the code and data sections (payloads, without their headers), and the whole binary. */
export function wasmSectionBytes(wasm: Uint8Array): { code: number; data: number; total: number } {
  let at = HEADER_BYTES;
  const sizes = { code: 0, data: 0, total: wasm.byteLength };
  const leb = (): number => {
    let value = 0;
    let shift = 0;
    for (;;) {
      const byte = wasm[at++] ?? 0;
      value += (byte & 0x7f) * 2 ** shift;
      shift += 7;
      if ((byte & 0x80) === 0 || at >= wasm.byteLength) return value;
    }
  };
  while (at < wasm.byteLength) {
    const id = wasm[at++] ?? 0;
    const size = leb();
    if (id === CODE_SECTION) sizes.code += size;
    if (id === DATA_SECTION) sizes.data += size;
    at += size;
  }
  return sizes;
}
