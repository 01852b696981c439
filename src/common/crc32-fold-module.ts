/**
 * The runtime's CRC-32 module: its memory layout, its exports and its bytes,
 * made by crc32-module.ts (the assembler, which a test checks them against:
 * building them at load took ~1 ms of interpreted JavaScript).
 */

/** The module's one memory page: the eight 256-entry tables, then the bytes to fold. */
export const CRC_PAGE_BYTES = 65536;
/** Where the eight tables of 256 u32 lie: table k at k * 1024. */
export const TABLE_BYTES = 1024;
/** Where the bytes to fold start (after the tables). */
export const CRC_INPUT_OFFSET = 8 * TABLE_BYTES;
/** At most this many bytes per call. */
export const CRC_INPUT_BYTES = CRC_PAGE_BYTES - CRC_INPUT_OFFSET;
/** The export: `fold(crc, length)` folds bytes [CRC_INPUT_OFFSET, + length) into the (inverted) crc. */
export const CRC_FOLD_EXPORT = 'fold';
/** The export: `tables()` writes the eight tables (compiled code: JavaScript's loop would start interpreted). */
export const CRC_TABLES_EXPORT = 'tables';

/** The module's bytes: crc32ModuleBytes()'s output. */
// prettier-ignore
export const CRC32_FOLD_MODULE: readonly number[] = [
  0, 97, 115, 109, 1, 0, 0, 0, 1, 10, 2, 96, 2, 127, 127, 1, 127, 96, 0, 0, 2, 15, 1, 3,
  101, 110, 118, 6, 109, 101, 109, 111, 114, 121, 2, 0, 1, 3, 3, 2, 0, 1, 7, 17, 2, 4, 102, 111,
  108, 100, 0, 0, 6, 116, 97, 98, 108, 101, 115, 0, 1, 10, 138, 3, 2, 242, 1, 1, 5, 127, 65, 128,
  192, 0, 33, 2, 65, 128, 192, 0, 32, 1, 106, 33, 4, 65, 128, 192, 0, 32, 1, 65, 120, 113, 106, 33,
  3, 2, 64, 3, 64, 32, 2, 32, 3, 79, 13, 1, 32, 0, 32, 2, 40, 2, 0, 115, 33, 5, 32, 2,
  40, 2, 4, 33, 6, 32, 5, 65, 255, 1, 113, 65, 2, 116, 40, 2, 128, 56, 32, 5, 65, 8, 118, 65,
  255, 1, 113, 65, 2, 116, 40, 2, 128, 48, 115, 32, 5, 65, 16, 118, 65, 255, 1, 113, 65, 2, 116, 40,
  2, 128, 40, 115, 32, 5, 65, 24, 118, 65, 2, 116, 40, 2, 128, 32, 115, 32, 6, 65, 255, 1, 113, 65,
  2, 116, 40, 2, 128, 24, 115, 32, 6, 65, 8, 118, 65, 255, 1, 113, 65, 2, 116, 40, 2, 128, 16, 115,
  32, 6, 65, 16, 118, 65, 255, 1, 113, 65, 2, 116, 40, 2, 128, 8, 115, 32, 6, 65, 24, 118, 65, 2,
  116, 40, 2, 0, 115, 33, 0, 32, 2, 65, 8, 106, 33, 2, 12, 0, 11, 11, 2, 64, 3, 64, 32, 2,
  32, 4, 79, 13, 1, 32, 0, 32, 2, 45, 0, 0, 115, 65, 255, 1, 113, 65, 2, 116, 40, 2, 0, 32,
  0, 65, 8, 118, 115, 33, 0, 32, 2, 65, 1, 106, 33, 2, 12, 0, 11, 11, 32, 0, 11, 147, 1, 1,
  3, 127, 2, 64, 3, 64, 32, 0, 65, 128, 2, 79, 13, 1, 32, 0, 33, 1, 65, 8, 33, 2, 3, 64,
  65, 160, 134, 226, 237, 126, 32, 1, 65, 1, 118, 115, 32, 1, 65, 1, 118, 32, 1, 65, 1, 113, 27, 33,
  1, 32, 2, 65, 1, 107, 33, 2, 32, 2, 13, 0, 11, 32, 0, 65, 2, 116, 32, 1, 54, 2, 0, 32,
  0, 65, 1, 106, 33, 0, 12, 0, 11, 11, 2, 64, 3, 64, 32, 0, 65, 128, 16, 79, 13, 1, 32, 0,
  65, 128, 2, 107, 65, 2, 116, 40, 2, 0, 33, 1, 32, 0, 65, 2, 116, 32, 1, 65, 255, 1, 113, 65,
  2, 116, 40, 2, 0, 32, 1, 65, 8, 118, 115, 54, 2, 0, 32, 0, 65, 1, 106, 33, 0, 12, 0, 11,
  11, 11,
];
