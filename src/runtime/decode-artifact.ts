/**
 * Reads a saved module (see src/common/artifact.ts): finds the manifest
 * section, checks the format version, the checksum and the manifest's shape,
 * and returns the module's code without the tensorwasm sections. Any defect
 * is an ArtifactError; nothing here runs the module.
 */
import { checksumOf, HEADER_SEPARATOR, MANIFEST_SECTION, PARAMS_SECTION } from '../common/artifact.js';
import { dataSegmentsOf, isDataSection, type DataSegment } from '../common/data-segments.js';
import { ArtifactError } from '../common/errors.js';
import { FORMAT_VERSION, type Manifest } from '../common/manifest.js';
import { concatBytes, readSections, type WasmSection } from '../common/wasm-sections.js';
import { checkManifest } from './check-manifest.js';

/** A checked artifact. */
export interface DecodedArtifact {
  /** The module without its tensorwasm sections and without its constants (its data section). */
  readonly code: Uint8Array<ArrayBuffer>;
  /** The constants: the data section's segments, views of the bytes decoded (not copies). */
  readonly segments: readonly DataSegment[];
  readonly manifest: Manifest;
  /** Embedded param bytes, one array per manifest param, when the file has them. */
  readonly params: readonly Uint8Array[] | undefined;
}

function parseJson(bytes: Uint8Array, what: string): unknown {
  try {
    return JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes)) as unknown;
  } catch {
    throw new ArtifactError(`load: the ${what} is not valid JSON (the file is damaged)`);
  }
}

function only(sections: readonly WasmSection[], name: string): WasmSection | undefined {
  const found = sections.filter((s) => s.name === name);
  if (found.length > 1)
    throw new ArtifactError(`load: the file has ${found.length} "${name}" sections (expected one)`);
  return found[0];
}

function checkFormat(header: unknown): { format: number; checksum: string } {
  const h = typeof header === 'object' && header !== null ? (header as Record<string, unknown>) : {};
  const { format, checksum } = h;
  if (typeof format !== 'number' || !Number.isInteger(format) || format < 1) {
    throw new ArtifactError('load: the manifest header has no valid format version (the file is damaged)');
  }
  if (format > FORMAT_VERSION) {
    throw new ArtifactError(
      `load: format version ${format} is newer than this runtime reads (${FORMAT_VERSION})`,
      { format, supported: FORMAT_VERSION },
      'Load it with a newer tensorwasm runtime, or save it again with this version of the compiler',
    );
  }
  if (typeof checksum !== 'string') throw new ArtifactError('load: the manifest header has no checksum');
  return { format, checksum };
}

function splitParams(bytes: Uint8Array, manifest: Manifest): Uint8Array[] {
  const expected = manifest.params.reduce((n, p) => n + p.bytes, 0);
  if (bytes.length !== expected) {
    throw new ArtifactError(
      `load: the embedded params have ${bytes.length} bytes (the manifest's params need ${expected})`,
    );
  }
  let at = 0;
  return manifest.params.map((p) => bytes.slice(at, (at += p.bytes)));
}

/** Checks and splits a saved module; throws ArtifactError on any defect. */
export function decodeArtifact(bytes: Uint8Array): DecodedArtifact {
  const sections = readSections(bytes);
  const section = only(sections, MANIFEST_SECTION);
  if (section === undefined) {
    throw new ArtifactError(
      `load: not a tensorwasm module (no "${MANIFEST_SECTION}" section; a plain WebAssembly module?)`,
      {},
      'Save modules with model.save() or `tensorwasm build`',
    );
  }
  const payload = bytes.subarray(section.dataStart ?? section.end, section.end);
  const split = payload.indexOf(HEADER_SEPARATOR);
  if (split < 0)
    throw new ArtifactError('load: the manifest section has no header line (the file is damaged)');
  const { format, checksum } = checkFormat(parseJson(payload.subarray(0, split), 'manifest header'));
  const manifestJson = payload.subarray(split + 1);
  const actual = checksumOf([bytes.subarray(0, section.start), bytes.subarray(section.end)], manifestJson);
  if (actual !== checksum) {
    throw new ArtifactError(
      `load: checksum mismatch (the file says ${checksum}; its contents give ${actual}): the file is damaged or was edited`,
      { expected: checksum, actual },
    );
  }
  const manifest = checkManifest(parseJson(manifestJson, 'manifest'));
  if (manifest.format !== format) {
    throw new ArtifactError(
      `load: the manifest's format (${manifest.format}) differs from its header's (${format})`,
    );
  }
  const paramsSection = only(sections, PARAMS_SECTION);
  const params =
    paramsSection === undefined
      ? undefined
      : splitParams(
          bytes.subarray(paramsSection.dataStart ?? paramsSection.end, paramsSection.end),
          manifest,
        );
  // the module without the constants (a copy: small) and the constants as views of `bytes`
  const code = concatBytes([
    bytes.subarray(0, 8),
    ...sections
      .filter((s) => s !== section && s !== paramsSection && !isDataSection(s))
      .map((s) => bytes.subarray(s.start, s.end)),
  ]);
  return { code, segments: dataSegmentsOf(bytes, sections), manifest, params };
}
