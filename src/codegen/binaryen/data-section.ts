/**
 * The module's constants as a WebAssembly data section written here, not by
 * Binaryen: handing a model's weights (100-500 MB for the big CNNs) to
 * Binaryen copies them into its heap and emitBinary writes them out again
 * byte by byte (70-90% of emit time). Each constant is one active segment of
 * memory 0 at its planned address; the section goes right after the code
 * section, where the binary format puts it.
 */
import { InternalError } from '../../common/errors.js';
import { encodeU32, readSections } from '../../common/wasm-sections.js';

/** Section ids of the binary format. */
const CODE_SECTION = 10;
const DATA_SECTION = 11;
const DATA_COUNT_SECTION = 12;
/** Opcodes of an active segment's offset expression: `i32.const <offset> end`. */
const I32_CONST = 0x41;
const END = 0x0b;
/** Segment flag: active, memory 0, offset expression follows. */
const ACTIVE_MEMORY_0 = 0;

/** One constant's bytes at its absolute address. */
export interface DataSegment {
  readonly offset: number;
  readonly bytes: Uint8Array;
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
