/**
 * CRC-32 (IEEE 802.3, the polynomial zlib and PNG use) over a sequence of byte
 * chunks; it detects every single-byte change and every burst of up to 32 bits.
 * The bytes are folded by a tiny Wasm module (crc32-fold-module.ts), copied into
 * its one-page memory 56 KB at a time.
 */
import {
  CRC32_FOLD_MODULE,
  CRC_FOLD_EXPORT,
  CRC_INPUT_BYTES,
  CRC_INPUT_OFFSET,
  CRC_TABLES_EXPORT,
} from './crc32-fold-module.js';

/** The module's memory and its fold export, made at the first checksum. */
interface Folder {
  readonly memory: Uint8Array;
  readonly fold: (crc: number, length: number) => number;
}

let folder: Folder | undefined;

function makeFolder(): Folder {
  // one page, compiled synchronously (a browser's main thread allows that for modules under 4 KB)
  const memory = new WebAssembly.Memory({ initial: 1, maximum: 1 });
  const module = new WebAssembly.Module(new Uint8Array(CRC32_FOLD_MODULE));
  const instance = new WebAssembly.Instance(module, { env: { memory } });
  (instance.exports[CRC_TABLES_EXPORT] as () => void)();
  const fold = instance.exports[CRC_FOLD_EXPORT] as (crc: number, length: number) => number;
  return { memory: new Uint8Array(memory.buffer), fold };
}

/**
 * The CRC-32 of the chunks' bytes taken in order, as an unsigned 32-bit number.
 *
 * @example
 * crc32([new TextEncoder().encode('123456789')]) === 0xcbf43926
 */
export function crc32(chunks: readonly Uint8Array[]): number {
  folder ??= makeFolder();
  const { memory, fold } = folder;
  let crc = 0xffffffff | 0;
  for (const chunk of chunks) {
    for (let at = 0; at < chunk.length; at += CRC_INPUT_BYTES) {
      const part = chunk.subarray(at, at + CRC_INPUT_BYTES);
      memory.set(part, CRC_INPUT_OFFSET);
      crc = fold(crc, part.length);
    }
  }
  return (crc ^ 0xffffffff) >>> 0;
}

/** A CRC-32 as the manifest header writes it: `crc32:` and 8 lowercase hex digits. */
export function formatChecksum(crc: number): string {
  return `crc32:${crc.toString(16).padStart(8, '0')}`;
}
