/**
 * CRC-32 (IEEE 802.3, the polynomial zlib and PNG use) over a sequence of byte
 * chunks; it detects every single-byte change and every burst of up to 32 bits.
 */

const CRC32_POLYNOMIAL = 0xedb88320;

let table: Uint32Array | undefined;

function crcTable(): Uint32Array {
  if (table !== undefined) return table;
  table = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? CRC32_POLYNOMIAL ^ (c >>> 1) : c >>> 1;
    table[n] = c >>> 0;
  }
  return table;
}

/**
 * The CRC-32 of the chunks' bytes taken in order, as an unsigned 32-bit number.
 *
 * @example
 * crc32([new TextEncoder().encode('123456789')]) === 0xcbf43926
 */
export function crc32(chunks: readonly Uint8Array[]): number {
  const t = crcTable();
  let crc = 0xffffffff;
  for (const chunk of chunks) {
    for (let i = 0; i < chunk.length; i++) crc = (t[(crc ^ (chunk[i] ?? 0)) & 0xff] ?? 0) ^ (crc >>> 8);
  }
  return (crc ^ 0xffffffff) >>> 0;
}

/** A CRC-32 as the manifest header writes it: `crc32:` and 8 lowercase hex digits. */
export function formatChecksum(crc: number): string {
  return `crc32:${crc.toString(16).padStart(8, '0')}`;
}
