/**
 * The module's constants as a WebAssembly data section, written and read here
 * (not by Binaryen, not by the engine): compile() hands Binaryen no weights and
 * fills the memory from their arrays; save() writes one active segment per
 * constant at its planned address, right after the code section; load() reads
 * the segments back and writes them into the memory itself instead of
 * compiling a module that holds them (for a CNN, 100-500 MB that the engine
 * would copy into its own storage and then again into the memory).
 */
import { ArtifactError, InternalError } from './errors.js';
import { CODE_SECTION, encodeU32, readLeb, readSections, type WasmSection } from './wasm-sections.js';

/** One constant's bytes at its absolute address. */
export interface DataSegment {
  readonly offset: number;
  readonly bytes: Uint8Array;
}

/** Section ids of the binary format (CODE_SECTION in wasm-sections.ts). */
const DATA_SECTION = 11;
const DATA_COUNT_SECTION = 12;
/** An active segment of memory 0 whose offset is `i32.const <offset> end`: all tensorwasm writes. */
const ACTIVE_MEMORY_0 = 0;
const I32_CONST = 0x41;
const END = 0x0b;

/** The segments of a data section's payload [start, end), or undefined when one is not of the simple active form. */
function readSegments(bytes: Uint8Array, start: number, end: number): DataSegment[] | undefined {
  const count = readLeb(bytes, start, end, false);
  if (count === undefined) return undefined;
  let pos = count[1];
  const segments: DataSegment[] = [];
  for (let i = 0; i < count[0]; i++) {
    if (bytes[pos] !== ACTIVE_MEMORY_0 || bytes[pos + 1] !== I32_CONST) return undefined;
    const offset = readLeb(bytes, pos + 2, end, true);
    if (offset === undefined || bytes[offset[1]] !== END || offset[0] < 0) return undefined;
    const size = readLeb(bytes, offset[1] + 1, end, false);
    if (size === undefined || size[1] + size[0] > end) return undefined;
    segments.push({ offset: offset[0], bytes: bytes.subarray(size[1], size[1] + size[0]) });
    pos = size[1] + size[0];
  }
  return pos === end ? segments : undefined;
}

/** Writes each segment's bytes into `memory` at its offset. */
export function writeSegments(memory: WebAssembly.Memory, segments: readonly DataSegment[]): void {
  const bytes = new Uint8Array(memory.buffer);
  for (const s of segments) bytes.set(s.bytes, s.offset);
}

/** The data section and the data count section: load() writes the segments itself, so the module it compiles has neither. */
export function isDataSection(section: WasmSection): boolean {
  return section.id === DATA_SECTION || section.id === DATA_COUNT_SECTION;
}

/**
 * The segments of `module`'s data section as views into `module` (none without
 * one). Throws ArtifactError unless each is an active segment of memory 0 at
 * a constant offset, the only kind tensorwasm writes: the code never uses
 * memory.init or data.drop, so a module compiled without the section is valid.
 */
export function dataSegmentsOf(module: Uint8Array, sections: readonly WasmSection[]): DataSegment[] {
  const data = sections.find((s) => s.id === DATA_SECTION);
  if (data === undefined) return [];
  // the payload starts after the id byte and the size's LEB128
  const size = readLeb(module, data.start + 1, data.end, false);
  const segments = size === undefined ? undefined : readSegments(module, size[1], data.end);
  if (segments === undefined)
    throw new ArtifactError(
      'load: the data section holds a segment tensorwasm does not write (the file is damaged)',
    );
  return segments;
}

/** Signed LEB128 of an i32 (the operand of i32.const). */
function encodeS32(value: number): Uint8Array {
  const out: number[] = [];
  let v = value | 0;
  for (;;) {
    const byte = v & 0x7f;
    v >>= 7;
    const done = (v === 0 && (byte & 0x40) === 0) || (v === -1 && (byte & 0x40) !== 0);
    out.push(done ? byte : byte | 0x80);
    if (done) return new Uint8Array(out);
  }
}

/** A data section's parts before the bytes: its id and size, the segment count, each segment's header. */
interface SectionLayout {
  readonly head: Uint8Array;
  readonly headers: readonly Uint8Array[];
  /** Bytes of the whole section. */
  readonly bytes: number;
}

function layoutOf(segments: readonly DataSegment[]): SectionLayout {
  // each segment: flag, `i32.const offset end`, byte count, bytes
  const headers = segments.map((s) =>
    Uint8Array.from([
      ACTIVE_MEMORY_0,
      I32_CONST,
      ...encodeS32(s.offset),
      END,
      ...encodeU32(s.bytes.byteLength),
    ]),
  );
  const count = encodeU32(segments.length);
  const payload = headers.reduce(
    (n, h, i) => n + h.length + (segments[i]?.bytes.byteLength ?? 0),
    count.length,
  );
  const head = Uint8Array.from([DATA_SECTION, ...encodeU32(payload), ...count]);
  return { head, headers, bytes: head.length - count.length + payload };
}

/** Writes the section laid out by `layout` into `out` at `at`. */
function writeSection(
  out: Uint8Array,
  at: number,
  layout: SectionLayout,
  segments: readonly DataSegment[],
): void {
  out.set(layout.head, at);
  let pos = at + layout.head.length;
  segments.forEach((s, i) => {
    const header = layout.headers[i] as Uint8Array;
    out.set(header, pos);
    pos += header.length;
    out.set(s.bytes, pos);
    pos += s.bytes.byteLength;
  });
}

/** The data section holding `segments` (id, size, count, then each segment's header and bytes). */
export function encodeDataSection(segments: readonly DataSegment[]): Uint8Array<ArrayBuffer> {
  const layout = layoutOf(segments);
  const out = new Uint8Array(layout.bytes);
  writeSection(out, 0, layout, segments);
  return out;
}

/**
 * `wasm` (a module without data segments) with `segments` as its data section,
 * placed right after the code section; every constant's bytes are copied once,
 * straight into the result. The module must have no data or data count
 * section of its own.
 */
export function withDataSection(
  wasm: Uint8Array<ArrayBuffer>,
  segments: readonly DataSegment[],
): Uint8Array<ArrayBuffer> {
  if (segments.length === 0) return wasm;
  const sections = readSections(wasm);
  if (sections.some((s) => s.id === DATA_SECTION || s.id === DATA_COUNT_SECTION)) {
    throw new InternalError('codegen', 'the emitted module already has a data section');
  }
  const code = sections.find((s) => s.id === CODE_SECTION);
  if (code === undefined) throw new InternalError('codegen', 'the emitted module has no code section');
  const layout = layoutOf(segments);
  const out = new Uint8Array(wasm.byteLength + layout.bytes);
  out.set(wasm.subarray(0, code.end), 0);
  writeSection(out, code.end, layout, segments);
  out.set(wasm.subarray(code.end), code.end + layout.bytes);
  return out;
}
