/**
 * The WebAssembly binary's outer layer: the 8-byte header, the section list
 * (id, LEB128 size, payload) and custom sections (a name, then bytes). Reading
 * never goes past the end of the bytes; anything malformed is an ArtifactError.
 */
import { ArtifactError } from './errors.js';

/** `\0asm` followed by binary format version 1. */
export const WASM_HEADER = new Uint8Array([0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00]);

/** Section ids 0 (custom) to 13 (tag) are defined by the core spec and its extensions. */
const MAX_SECTION_ID = 13;
/** The code section's id: the functions' bodies. */
export const CODE_SECTION = 10;

/** One section of a module, by byte positions in the module. */
export interface WasmSection {
  readonly id: number;
  /** Position of the id byte. */
  readonly start: number;
  /** Position just past the payload. */
  readonly end: number;
  /** Custom sections only: the name. */
  readonly name?: string;
  /** Custom sections only: where the bytes after the name start. */
  readonly dataStart?: number;
}

/** Unsigned LEB128 encoding of `value` (0 <= value < 2^32). */
export function encodeU32(value: number): Uint8Array {
  const out: number[] = [];
  let v = value >>> 0;
  do {
    const byte = v & 0x7f;
    v >>>= 7;
    out.push(v === 0 ? byte : byte | 0x80);
  } while (v !== 0);
  return new Uint8Array(out);
}

/**
 * Reads a LEB128 number of at most 5 bytes at `pos` (signed: an i32.const's
 * operand) without reading at or past `limit`; returns the value and the next
 * position, or undefined when it does not end in time.
 */
export function readLeb(
  bytes: Uint8Array,
  pos: number,
  limit: number,
  signed: boolean,
): [number, number] | undefined {
  let value = 0;
  for (let i = 0; i < 5 && pos + i < limit; i++) {
    const byte = bytes[pos + i] ?? 0;
    value += (byte & 0x7f) * 2 ** (7 * i);
    if ((byte & 0x80) === 0) {
      const bits = 7 * (i + 1);
      if (signed && bits < 32 && (byte & 0x40) !== 0) value -= 2 ** bits;
      return [signed ? value | 0 : value, pos + i + 1];
    }
  }
  return undefined;
}

/** Reads a section header's unsigned LEB128 u32 at `pos` within `limit`; malformed is an ArtifactError. */
function readU32(bytes: Uint8Array, pos: number, limit: number): [number, number] {
  const read = readLeb(bytes, pos, limit, false);
  if (read === undefined) {
    throw new ArtifactError(
      pos + 5 > limit
        ? 'load: the file is truncated inside a section header'
        : 'load: a section size is not a valid LEB128 number',
    );
  }
  if (read[0] > 0xffffffff) throw new ArtifactError('load: a section size is out of range');
  return read;
}

/** Concatenates byte arrays. */
export function concatBytes(parts: readonly Uint8Array[]): Uint8Array<ArrayBuffer> {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

/** A custom section: id 0, payload size, name length, name, then `data`. */
export function encodeCustomSection(name: string, data: Uint8Array): Uint8Array<ArrayBuffer> {
  const nameBytes = new TextEncoder().encode(name);
  const payload = concatBytes([encodeU32(nameBytes.length), nameBytes, data]);
  return concatBytes([new Uint8Array([0]), encodeU32(payload.length), payload]);
}

/** Throws ArtifactError unless `bytes` start with the Wasm magic number and version 1. */
export function checkWasmHeader(bytes: Uint8Array): void {
  if (bytes.length < WASM_HEADER.length) {
    throw new ArtifactError(`load: the file is too short to be a WebAssembly module (${bytes.length} bytes)`);
  }
  for (let i = 0; i < 4; i++) {
    if (bytes[i] !== WASM_HEADER[i])
      throw new ArtifactError('load: not a WebAssembly module (bad magic number)');
  }
  for (let i = 4; i < 8; i++) {
    if (bytes[i] !== WASM_HEADER[i]) {
      throw new ArtifactError('load: unsupported WebAssembly binary version (expected 1)');
    }
  }
}

/** Walks every section of a module after its header; throws ArtifactError on any overrun. */
export function readSections(bytes: Uint8Array): WasmSection[] {
  checkWasmHeader(bytes);
  const sections: WasmSection[] = [];
  let pos = WASM_HEADER.length;
  while (pos < bytes.length) {
    const start = pos;
    const id = bytes[pos] ?? 0;
    if (id > MAX_SECTION_ID) throw new ArtifactError(`load: unknown section id ${id} at byte ${pos}`);
    const [size, payloadStart] = readU32(bytes, pos + 1, bytes.length);
    const end = payloadStart + size;
    if (end > bytes.length) {
      throw new ArtifactError(
        `load: the file is truncated (a section at byte ${start} needs ${end} bytes; the file has ${bytes.length})`,
      );
    }
    if (id === 0) {
      const [nameLength, nameStart] = readU32(bytes, payloadStart, end);
      if (nameStart + nameLength > end)
        throw new ArtifactError(`load: a custom section name at byte ${start} overruns its section`);
      const name = new TextDecoder().decode(bytes.subarray(nameStart, nameStart + nameLength));
      sections.push({ id, start, end, name, dataStart: nameStart + nameLength });
    } else {
      sections.push({ id, start, end });
    }
    pos = end;
  }
  return sections;
}
