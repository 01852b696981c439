/**
 * Damaged artifacts never load: truncations at every length, single-byte
 * flips at every position (so in every section), a newer or unknown format
 * version, a plain Wasm module, an edited manifest, a manifest that does not
 * fit its module — each is an ArtifactError, and nothing is run.
 */
import { beforeAll, describe, expect, test } from 'vitest';
import {
  checksumOf,
  encodeArtifact,
  MANIFEST_SECTION,
  stripArtifactSections,
} from '../../src/common/artifact.js';
import { FORMAT_VERSION, type Manifest } from '../../src/common/manifest.js';
import { concatBytes, encodeCustomSection, readSections } from '../../src/common/wasm-sections.js';
import { ArtifactError, compile, ErrorCode } from '../../src/index.js';
import { load } from '../../src/runtime/index.js';
import { testModels } from './models.js';

let saved: Uint8Array; // the gather model, params embedded (~2.4 KB: every byte is tried)
let manifest: Manifest;
let code: Uint8Array;

beforeAll(async () => {
  const spec = testModels().find((m) => m.name === 'gather-bool-i32')!;
  const model = await compile(spec.graph);
  model.setParams(spec.params);
  saved = model.save({ params: true });
  code = stripArtifactSections(saved);
  const section = readSections(saved).find((s) => s.name === MANIFEST_SECTION)!;
  const payload = new TextDecoder().decode(saved.subarray(section.dataStart, section.end));
  manifest = JSON.parse(payload.slice(payload.indexOf('\n') + 1)) as Manifest;
});

/** The error load() rejects with, or undefined when it loads. */
async function loadError(bytes: Uint8Array | ArrayBuffer): Promise<unknown> {
  try {
    (await load(bytes)).dispose();
    return undefined;
  } catch (error) {
    return error;
  }
}

async function expectArtifactError(bytes: Uint8Array, message?: RegExp): Promise<void> {
  const error = await loadError(bytes);
  expect(error).toBeInstanceOf(ArtifactError);
  expect((error as ArtifactError).code).toBe(ErrorCode.artifact);
  if (message) expect((error as Error).message).toMatch(message);
}

/** A manifest section with any header and manifest text, with the checksum computed for `outside`. */
function withHeader(
  outside: Uint8Array,
  header: (checksum: string) => string,
  manifestText: string,
): Uint8Array {
  const json = new TextEncoder().encode(manifestText);
  const text = `${header(checksumOf([outside], json))}\n`;
  return concatBytes([
    outside,
    encodeCustomSection(MANIFEST_SECTION, concatBytes([new TextEncoder().encode(text), json])),
  ]);
}

test('the intact file loads', async () => {
  expect(await loadError(saved)).toBeUndefined();
});

test('every truncation is an ArtifactError', async () => {
  for (let length = 0; length < saved.length; length++) {
    const error = await loadError(saved.subarray(0, length));
    if (!(error instanceof ArtifactError)) throw new Error(`truncated to ${length} bytes: ${String(error)}`);
  }
});

describe('single-byte flips', () => {
  test.each([0x01, 0x80, 0xff])('xor %i at every position is an ArtifactError', async (mask) => {
    const sections = readSections(saved);
    const hit = new Set<string>();
    for (let pos = 0; pos < saved.length; pos++) {
      const bytes = saved.slice();
      bytes[pos]! ^= mask;
      const error = await loadError(bytes);
      if (!(error instanceof ArtifactError))
        throw new Error(`flip 0x${mask.toString(16)} at ${pos}: ${String(error)}`);
      const section = sections.find((s) => s.start <= pos && pos < s.end);
      hit.add(section === undefined ? 'header' : (section.name ?? `id ${section.id}`));
    }
    // the positions covered every section: header, code, data, params, manifest
    expect([...hit]).toEqual(
      expect.arrayContaining(['header', 'id 10', 'id 11', 'tensorwasm.params', 'tensorwasm']),
    );
  });
});

test('a future format version asks for a newer runtime', async () => {
  const next = FORMAT_VERSION + 1;
  const text = JSON.stringify({ ...manifest, format: next });
  const bytes = withHeader(code, (c) => `{"format":${next},"checksum":"${c}"}`, text);
  await expectArtifactError(
    bytes,
    new RegExp(`format version ${next} is newer than this runtime reads \\(${FORMAT_VERSION}\\)`),
  );
});

test('a format 1 module (before modules could export pack) still loads', async () => {
  const text = JSON.stringify({ ...manifest, format: 1 });
  const bytes = withHeader(code, (c) => `{"format":1,"checksum":"${c}"}`, text);
  expect(await loadError(bytes)).toBeUndefined();
});

test('a wrong format version (0, not a number, missing, differing from the manifest) is refused', async () => {
  const text = JSON.stringify(manifest);
  const format1 = JSON.stringify({ ...manifest, format: 1 });
  await expectArtifactError(
    withHeader(code, (c) => `{"format":${FORMAT_VERSION},"checksum":"${c}"}`, format1),
    /manifest's format \(1\) differs/,
  );
  await expectArtifactError(
    withHeader(code, (c) => `{"format":0,"checksum":"${c}"}`, text),
    /no valid format version/,
  );
  await expectArtifactError(
    withHeader(code, (c) => `{"format":"1","checksum":"${c}"}`, text),
    /no valid format/,
  );
  await expectArtifactError(
    withHeader(code, (c) => `{"checksum":"${c}"}`, text),
    /no valid format/,
  );
  await expectArtifactError(
    withHeader(code, () => `{"format":${FORMAT_VERSION}}`, text),
    /no checksum/,
  );
  await expectArtifactError(
    withHeader(code, (c) => `{"format":${FORMAT_VERSION},"checksum":"${c.toUpperCase()}"}`, text),
    /checksum/,
  );
});

test('a plain Wasm module (no manifest) is not a tensorwasm module', async () => {
  await expectArtifactError(code, /not a tensorwasm module/);
  await expectArtifactError(new Uint8Array([0, 0x61, 0x73, 0x6d, 1, 0, 0, 0]), /not a tensorwasm module/);
  await expectArtifactError(new TextEncoder().encode('not wasm at all'), /not a WebAssembly module/);
  await expectArtifactError(new Uint8Array(0), /too short/);
});

test('a manifest edited without fixing the checksum is a checksum mismatch', async () => {
  const text = new TextDecoder().decode(saved);
  const edited = text.replace(
    `"memoryBytes":${manifest.memoryBytes},`,
    `"memoryBytes":${manifest.memoryBytes + 16},`,
  );
  expect(edited).not.toBe(text);
  const bytes = new Uint8Array(saved);
  const at = text.indexOf(`"memoryBytes":${manifest.memoryBytes},`);
  // same length edit (one digit changed), so section sizes still hold
  const digitAt = at + '"memoryBytes":'.length;
  bytes[digitAt] = bytes[digitAt] === 0x31 ? 0x32 : 0x31;
  await expectArtifactError(bytes, /checksum mismatch/);
});

test('a manifest that does not match its format or its module is refused even with a valid checksum', async () => {
  const input = manifest.inputs[0]!;
  const cases: [Manifest, RegExp][] = [
    [
      { ...manifest, inputs: [{ ...input, offset: manifest.memoryBytes }] },
      /inputs\[0\]\.offset must be inside memoryBytes/,
    ],
    [{ ...manifest, inputs: [{ ...input, bytes: input.bytes + 4 }] }, /inputs\[0\]\.bytes must be the size/],
    [{ ...manifest, outputs: 'y' as unknown as Manifest['outputs'] }, /outputs must be an array/],
    [{ ...manifest, features: ['simd128', 'memory64'] }, /feature "memory64", unknown to this runtime/],
    [{ ...manifest, params: [] }, /embedded params have 240 bytes \(the manifest's params need 0\)/],
  ];
  for (const [edited, message] of cases) {
    const stripped = stripArtifactSections(saved);
    const params = manifest.params.length === edited.params.length ? undefined : [saved.subarray(0, 0)];
    const bytes =
      params === undefined ? encodeArtifact(stripped, edited) : withParamsSection(stripped, edited);
    await expectArtifactError(bytes, message);
  }
});

/** An artifact whose params section keeps the original param bytes while the manifest changes. */
function withParamsSection(stripped: Uint8Array, edited: Manifest): Uint8Array {
  const original = readSections(saved).find((s) => s.name === 'tensorwasm.params')!;
  return encodeArtifact(stripped, edited, [saved.subarray(original.dataStart, original.end)]);
}

test('a module whose imports or exports do not fit the manifest is refused', async () => {
  // a valid module exporting nothing, with a valid manifest and checksum
  const empty = new Uint8Array([0, 0x61, 0x73, 0x6d, 1, 0, 0, 0]);
  await expectArtifactError(encodeArtifact(empty, manifest), /does not have the interface/);
});

test('a module that does not compile is refused even with a valid checksum', async () => {
  // the header, then a code section whose body count says one function and ends there
  const broken = new Uint8Array([0, 0x61, 0x73, 0x6d, 1, 0, 0, 0, 0x0a, 0x01, 0x01]);
  await expectArtifactError(encodeArtifact(broken, manifest), /does not compile/);
});

test('two manifest sections, or bytes that are not bytes, are refused', async () => {
  const section = readSections(saved).find((s) => s.name === MANIFEST_SECTION)!;
  await expectArtifactError(
    concatBytes([saved, saved.subarray(section.start, section.end)]),
    /2 "tensorwasm" sections/,
  );
  await expect(load('model.wasm' as unknown as Uint8Array)).rejects.toThrow(ArtifactError);
});

test('ArrayBuffer and offset views load; the caller may change its bytes afterwards', async () => {
  const padded = new Uint8Array(saved.length + 3);
  padded.set(saved, 3);
  const model = await load(new Uint8Array(padded.buffer, 3, saved.length));
  padded.fill(0);
  expect(model.outputs.map((o) => o.name)).toEqual(['rows', 'positive', 'best', 'count']);
  expect(await loadError(saved.slice().buffer)).toBeUndefined();
});

describe('data segments load() writes itself', () => {
  /** `code` with its data section replaced by `section`, under a manifest with a valid checksum. */
  function withData(section: Uint8Array): Uint8Array {
    const sections = readSections(code);
    const at = sections.findIndex((s) => s.id === 11);
    const parts = sections.map((s) => code.subarray(s.start, s.end));
    parts.splice(at, 1, section);
    const outside = concatBytes([code.subarray(0, 8), ...parts]);
    return withHeader(
      outside,
      (c) => `{"format":${manifest.format},"checksum":"${c}"}`,
      JSON.stringify(manifest),
    );
  }

  test('the file rebuilt with its own data section loads (the control case)', async () => {
    const data = readSections(code).find((s) => s.id === 11)!;
    expect(await loadError(withData(code.subarray(data.start, data.end)))).toBeUndefined();
  });

  test('a segment past the end of the memory is an ArtifactError', async () => {
    // id 11, size 9: one active segment of memory 0 at i32.const memoryBytes - 2 (LEB), 4 bytes
    const offset = Array.from(encodeSigned(manifest.memoryBytes - 2));
    const payload = [1, 0, 0x41, ...offset, 0x0b, 4, 1, 2, 3, 4];
    await expectArtifactError(withData(Uint8Array.from([11, payload.length, ...payload])), /outside/);
  });

  test('a passive segment (not one tensorwasm writes) is an ArtifactError', async () => {
    const payload = [1, 1, 2, 7, 7];
    await expectArtifactError(withData(Uint8Array.from([11, payload.length, ...payload])), /segment/);
  });
});

/** Signed LEB128 of a non-negative i32 (the operand of i32.const). */
function encodeSigned(value: number): Uint8Array {
  const out: number[] = [];
  let v = value;
  for (;;) {
    const byte = v & 0x7f;
    v >>= 7;
    if (v === 0 && (byte & 0x40) === 0) return Uint8Array.from([...out, byte]);
    out.push(byte | 0x80);
  }
}
