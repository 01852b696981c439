/**
 * The saved-module format (an Artifact): the module's own sections, then an
 * optional `tensorwasm.params` custom section (param bytes in manifest order),
 * then the `tensorwasm` custom section: a header line `{"format":N,"checksum":
 * "crc32:…"}`, a newline, and the manifest JSON. The checksum covers every byte
 * of the file outside the `tensorwasm` section, then the manifest JSON bytes.
 * See docs/artifact.md.
 */
import { crc32, formatChecksum } from './checksum.js';
import type { Manifest } from './manifest.js';
import { concatBytes, encodeCustomSection, readSections } from './wasm-sections.js';

/** Name of the custom section holding the header line and the manifest. */
export const MANIFEST_SECTION = 'tensorwasm';

/** Name of the custom section holding embedded param values. */
export const PARAMS_SECTION = 'tensorwasm.params';

/** The first line of the manifest section; every format version keeps `format` there. */
export interface ArtifactHeader {
  readonly format: number;
  /** `crc32:` and 8 lowercase hex digits. */
  readonly checksum: string;
}

/** Byte 0x0a separates the header line from the manifest JSON. */
export const HEADER_SEPARATOR = 0x0a;

/** The checksum string of an artifact from the bytes outside its manifest section and the manifest JSON. */
export function checksumOf(outside: readonly Uint8Array[], manifestJson: Uint8Array): string {
  return formatChecksum(crc32([...outside, manifestJson]));
}

/** The module without any tensorwasm custom sections (what the compiler emitted). */
export function stripArtifactSections(bytes: Uint8Array): Uint8Array<ArrayBuffer> {
  const keep: Uint8Array[] = [bytes.subarray(0, 8)];
  for (const s of readSections(bytes)) {
    if (s.name !== MANIFEST_SECTION && s.name !== PARAMS_SECTION) keep.push(bytes.subarray(s.start, s.end));
  }
  return concatBytes(keep);
}

/**
 * One self-describing .wasm: `wasm` (a module without tensorwasm sections),
 * the params section when `params` is given (one byte array per manifest
 * param, in order), and the checksummed manifest section last.
 */
export function encodeArtifact(
  wasm: Uint8Array,
  manifest: Manifest,
  params?: readonly Uint8Array[],
): Uint8Array<ArrayBuffer> {
  const body =
    params === undefined
      ? wasm
      : concatBytes([wasm, encodeCustomSection(PARAMS_SECTION, concatBytes(params))]);
  const manifestJson = new TextEncoder().encode(JSON.stringify(manifest));
  const header: ArtifactHeader = { format: manifest.format, checksum: checksumOf([body], manifestJson) };
  const headerLine = new TextEncoder().encode(JSON.stringify(header));
  const section = encodeCustomSection(
    MANIFEST_SECTION,
    concatBytes([headerLine, new Uint8Array([HEADER_SEPARATOR]), manifestJson]),
  );
  return concatBytes([body, section]);
}
