/**
 * The bytes of a tiny WebAssembly module that folds bytes into a CRC-32 by
 * slicing-by-8 (eight table lookups per eight bytes); checksum.ts feeds it.
 * Why Wasm: load() checks a whole saved module once, in a fresh process,
 * where JavaScript's loop starts interpreted (SqueezeNet's 5 MB: ~22 ms on
 * Node 20) while V8 runs Wasm compiled from the first call (docs/kernels.md).
 */

import { CRC_FOLD_EXPORT, CRC_INPUT_OFFSET, CRC_TABLES_EXPORT, TABLE_BYTES } from './crc32-fold-module.js';
import { name, section, sleb, uleb, vec, WASM_HEADER } from './wasm-encode.js';

/** The CRC-32 polynomial, bit-reversed (IEEE 802.3, zlib, PNG). */
const CRC32_POLYNOMIAL = 0xedb88320;

/** Wasm opcodes used (https://webassembly.github.io/spec/core/binary/instructions.html). */
const OP = {
  block: 0x02,
  loop: 0x03,
  br: 0x0c,
  brIf: 0x0d,
  end: 0x0b,
  localGet: 0x20,
  localSet: 0x21,
  i32Load: 0x28,
  i32Load8U: 0x2d,
  i32Store: 0x36,
  select: 0x1b,
  i32Const: 0x41,
  i32GeU: 0x4f,
  i32Add: 0x6a,
  i32Sub: 0x6b,
  i32And: 0x71,
  i32Xor: 0x73,
  i32Shl: 0x74,
  i32ShrU: 0x76,
} as const;
const I32 = 0x7f;
const VOID_BLOCK = 0x40;

// the function's locals: params crc, length; then at, end8 (end of the 8-byte steps), end, lo, hi
const CRC = 0;
const LENGTH = 1;
const AT = 2;
const END8 = 3;
const END = 4;
const LO = 5;
const HI = 6;

const get = (local: number): number[] => [OP.localGet, local];
const set = (local: number): number[] => [OP.localSet, local];
const i32 = (n: number): number[] => [OP.i32Const, ...sleb(n)];
const load = (offset: number): number[] => [OP.i32Load, 2, ...uleb(offset)];

/** tables[table][(word >>> shift) & 0xff] */
function lookup(table: number, word: number, shift: number): number[] {
  const byte = shift === 24 ? [] : [...i32(0xff), OP.i32And];
  const shifted = shift === 0 ? [] : [...i32(shift), OP.i32ShrU];
  return [...get(word), ...shifted, ...byte, ...i32(2), OP.i32Shl, ...load(table * TABLE_BYTES)];
}

/** A loop that ends when local `v` reaches `limit`: block { loop { br_if v >= limit; body; br } }. */
function loopUntil(v: number, limit: readonly number[], body: readonly number[]): number[] {
  const exit = [...get(v), ...limit, OP.i32GeU, OP.brIf, 1];
  return [OP.block, VOID_BLOCK, OP.loop, VOID_BLOCK, ...exit, ...body, OP.br, 0, OP.end, OP.end];
}

function foldBody(): number[] {
  // lo = crc ^ the next 4 bytes, hi = the 4 after: crc = T7[lo0] ^ T6[lo1] ^ T5[lo2] ^ T4[lo3] ^ T3[hi0] ^ ... ^ T0[hi3]
  const eightBytes = [
    ...get(CRC),
    ...get(AT),
    ...load(0),
    OP.i32Xor,
    ...set(LO),
    ...get(AT),
    ...load(4),
    ...set(HI),
    ...lookup(7, LO, 0),
    ...lookup(6, LO, 8),
    OP.i32Xor,
    ...lookup(5, LO, 16),
    OP.i32Xor,
    ...lookup(4, LO, 24),
    OP.i32Xor,
    ...lookup(3, HI, 0),
    OP.i32Xor,
    ...lookup(2, HI, 8),
    OP.i32Xor,
    ...lookup(1, HI, 16),
    OP.i32Xor,
    ...lookup(0, HI, 24),
    OP.i32Xor,
    ...set(CRC),
    ...get(AT),
    ...i32(8),
    OP.i32Add,
    ...set(AT),
  ];
  // crc = T0[(crc ^ byte) & 0xff] ^ (crc >>> 8)
  const oneByte = [
    ...get(CRC),
    ...get(AT),
    OP.i32Load8U,
    0,
    0,
    OP.i32Xor,
    ...i32(0xff),
    OP.i32And,
    ...i32(2),
    OP.i32Shl,
    ...load(0),
    ...get(CRC),
    ...i32(8),
    OP.i32ShrU,
    OP.i32Xor,
    ...set(CRC),
    ...get(AT),
    ...i32(1),
    OP.i32Add,
    ...set(AT),
  ];
  return [
    ...vec([[5, I32]]),
    ...i32(CRC_INPUT_OFFSET),
    ...set(AT),
    ...i32(CRC_INPUT_OFFSET),
    ...get(LENGTH),
    OP.i32Add,
    ...set(END),
    ...i32(CRC_INPUT_OFFSET),
    ...get(LENGTH),
    ...i32(-8),
    OP.i32And,
    OP.i32Add,
    ...set(END8),
    ...loopUntil(AT, get(END8), eightBytes),
    ...loopUntil(AT, get(END), oneByte),
    ...get(CRC),
    OP.end,
  ];
}

// the tables function's locals: n (the entry), c (its value), k (bits left)
const N = 0;
const C = 1;
const K = 2;

/**
 * Slicing-by-8 tables: table k (words [256k, 256k + 256)) maps byte b to the
 * CRC of b followed by k zero bytes, so eight bytes fold with eight
 * independent lookups. Table 0 bit by bit, each next one from the one before.
 */
function tablesBody(): number[] {
  const storeAtN = (value: readonly number[]): number[] => [
    ...get(N),
    ...i32(2),
    OP.i32Shl,
    ...value,
    OP.i32Store,
    2,
    0,
  ];
  // c = c & 1 ? POLY ^ (c >>> 1) : c >>> 1, eight times
  const bit = [
    ...i32(CRC32_POLYNOMIAL | 0),
    ...get(C),
    ...i32(1),
    OP.i32ShrU,
    OP.i32Xor,
    ...get(C),
    ...i32(1),
    OP.i32ShrU,
    ...get(C),
    ...i32(1),
    OP.i32And,
    OP.select,
    ...set(C),
    ...get(K),
    ...i32(1),
    OP.i32Sub,
    ...set(K),
    ...get(K),
    OP.brIf,
    0,
  ];
  const next = [...get(N), ...i32(1), OP.i32Add, ...set(N)];
  const until = (limit: number, body: readonly number[]): number[] =>
    loopUntil(N, i32(limit), [...body, ...next]);
  // c = T[n - 256]; T[n] = T0[c & 0xff] ^ (c >>> 8)
  const fromBefore = [
    ...get(N),
    ...i32(256),
    OP.i32Sub,
    ...i32(2),
    OP.i32Shl,
    ...load(0),
    ...set(C),
    ...storeAtN([
      ...get(C),
      ...i32(0xff),
      OP.i32And,
      ...i32(2),
      OP.i32Shl,
      ...load(0),
      ...get(C),
      ...i32(8),
      OP.i32ShrU,
      OP.i32Xor,
    ]),
  ];
  return [
    ...vec([[3, I32]]),
    ...until(256, [
      ...get(N),
      ...set(C),
      ...i32(8),
      ...set(K),
      OP.loop,
      VOID_BLOCK,
      ...bit,
      OP.end,
      ...storeAtN(get(C)),
    ]),
    ...until(8 * 256, fromBefore),
    OP.end,
  ];
}

/**
 * The module: imports env.memory (one page), exports fold(crc: i32, length: i32) -> i32 and
 * tables(). The runtime takes its bytes from crc32-fold-bytes.ts (made by this function, checked
 * equal by a test): building them in JavaScript at load took ~1 ms, interpreted.
 */
export function crc32ModuleBytes(): Uint8Array<ArrayBuffer> {
  const fold = foldBody();
  const tables = tablesBody();
  const memoryImport = [...name('env'), ...name('memory'), 0x02, 0x00, ...uleb(1)];
  return new Uint8Array([
    ...WASM_HEADER,
    ...section(
      1,
      vec([
        [0x60, ...vec([[I32], [I32]]), ...vec([[I32]])],
        [0x60, ...vec([]), ...vec([])],
      ]),
    ),
    ...section(2, vec([memoryImport])),
    ...section(3, vec([[0], [1]])),
    ...section(
      7,
      vec([
        [...name(CRC_FOLD_EXPORT), 0x00, 0],
        [...name(CRC_TABLES_EXPORT), 0x00, 1],
      ]),
    ),
    ...section(
      10,
      vec([
        [...uleb(fold.length), ...fold],
        [...uleb(tables.length), ...tables],
      ]),
    ),
  ]);
}
