/**
 * The byte encodings of the WebAssembly binary format that the two
 * hand-assembled modules (the runtime's CRC-32 fold, the bench's plain
 * streams) are written with; neither may load Binaryen.
 * https://webassembly.github.io/spec/core/binary/
 */

/** The magic number and version 1 that open every module. */
export const WASM_HEADER: readonly number[] = [0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00];

/** `n` (unsigned, below 2^32) as unsigned LEB128. */
export function uleb(n: number): number[] {
  const out: number[] = [];
  do {
    const low = n & 0x7f;
    n >>>= 7;
    out.push(n === 0 ? low : low | 0x80);
  } while (n !== 0);
  return out;
}

/** `n` (an i32) as signed LEB128. */
export function sleb(n: number): number[] {
  const out: number[] = [];
  for (;;) {
    const low = n & 0x7f;
    n >>= 7;
    if ((n === 0 && (low & 0x40) === 0) || (n === -1 && (low & 0x40) !== 0)) return [...out, low];
    out.push(low | 0x80);
  }
}

/** A vector: its length, then its items. */
export const vec = (items: readonly (readonly number[])[]): number[] => [
  ...uleb(items.length),
  ...items.flat(),
];
/** A name: its byte length, then its (ASCII) bytes. */
export const name = (s: string): number[] => [...uleb(s.length), ...Array.from(s, (c) => c.charCodeAt(0))];
/** A section: its id, its byte length, then its body. */
export const section = (id: number, body: readonly number[]): number[] => [id, ...uleb(body.length), ...body];
