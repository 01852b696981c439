/**
 * Damaged and edited variants of a saved module, each labelled with what load()
 * must do with it: refuse it (ArtifactError), behave identically (edits the
 * checksum cannot see: the header line, LEB128 padding, unused plan fields), or
 * at least never crash (manifests forged with a recomputed checksum).
 */
import { checksumOf, MANIFEST_SECTION } from '../../src/common/artifact.js';
import { FORMAT_VERSION } from '../../src/common/manifest.js';
import { concatBytes, encodeCustomSection, readSections } from '../../src/common/wasm-sections.js';
import { rng } from '../support/differential.js';

/** refuse: an ArtifactError. same: loads and behaves identically, or an ArtifactError where noted. any: typed errors only. */
export type Verdict = 'refuse' | 'same' | 'same-or-refuse' | 'any';

/** One variant of the saved bytes. */
export interface Mutant {
  readonly kind: string;
  /** The section the damage is in (for coverage), or the edit made. */
  readonly where: string;
  readonly bytes: Uint8Array;
  readonly verdict: Verdict;
}

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

const encoder = new TextEncoder();

/** The pieces of a saved module around its manifest section. */
interface Parts {
  readonly saved: Uint8Array;
  /** Every byte before the manifest section (the checksum covers these). */
  readonly outside: Uint8Array;
  readonly header: string;
  readonly manifest: { [key: string]: Json };
  /** [label, start, end) of the Wasm header and of every section. */
  readonly regions: readonly (readonly [string, number, number])[];
}

function partsOf(saved: Uint8Array): Parts {
  const sections = readSections(saved);
  const section = sections.find((s) => s.name === MANIFEST_SECTION)!;
  const payload = new TextDecoder().decode(saved.subarray(section.dataStart, section.end));
  const split = payload.indexOf('\n');
  return {
    saved,
    outside: saved.subarray(0, section.start),
    header: payload.slice(0, split),
    manifest: JSON.parse(payload.slice(split + 1)) as { [key: string]: Json },
    regions: [['header', 0, 8], ...sections.map((s) => [s.name ?? `id ${s.id}`, s.start, s.end] as const)],
  };
}

/** The module with a manifest section made of `header` and `json` (text as given). */
function withManifest(p: Parts, header: string, json: string): Uint8Array {
  const payload = concatBytes([encoder.encode(`${header}\n`), encoder.encode(json)]);
  return concatBytes([p.outside, encodeCustomSection(MANIFEST_SECTION, payload)]);
}

/** The header line with a checksum recomputed for `json`, keeping the manifest's own format (2 or 3). */
function headerFor(p: Parts, json: string): string {
  let format: unknown = FORMAT_VERSION;
  try {
    format = (JSON.parse(json) as { format?: unknown }).format ?? FORMAT_VERSION;
  } catch {
    // text that is not JSON: any format will do, the manifest is refused anyway
  }
  return JSON.stringify({ format, checksum: checksumOf([p.outside], encoder.encode(json)) });
}

/** Every leaf path of a JSON value, as key lists. */
function leafPaths(value: Json, path: (string | number)[] = []): (string | number)[][] {
  if (Array.isArray(value)) return value.flatMap((v, i) => leafPaths(v, [...path, i]));
  if (value !== null && typeof value === 'object') {
    return Object.entries(value).flatMap(([k, v]) => leafPaths(v, [...path, k]));
  }
  return [path];
}

/** A deep copy of `value` with the leaf at `path` replaced (or deleted when `next` is undefined). */
function edit(value: Json, path: readonly (string | number)[], next: Json | undefined): Json {
  const copy = JSON.parse(JSON.stringify(value)) as Json;
  let at = copy as Record<string | number, Json>;
  for (const key of path.slice(0, -1)) at = at[key] as Record<string | number, Json>;
  const last = path[path.length - 1]!;
  if (next === undefined) {
    if (Array.isArray(at)) at.splice(Number(last), 1);
    else delete at[last];
  } else {
    at[last] = next;
  }
  return copy;
}

/** Replacement values for a leaf: wrong types, out-of-range numbers, plausible nearby values. */
function replacementsFor(old: Json): Json[] {
  const wrong: Json[] = [null, -1, 1.5, 'x', [], {}, 2 ** 53, true, 1e308];
  if (typeof old === 'number') {
    const plausible = [old + 16, old - 16, old * 2, 0, old + 4, old + 65536];
    return [...wrong, ...plausible];
  }
  if (typeof old === 'string') return [...wrong, `${old}_`, '', 'f32', 'i32', 'bool', '__proto__'];
  return wrong;
}

/** Whether a path lies only in fields the runtime keeps as metadata (the plan, the compiler version). */
function metadataOnly(path: readonly (string | number)[]): boolean {
  return path[0] === 'plan' || path[0] === 'compiler';
}

/** `count` random positions in each region, as [region, position]. */
function positionsPerRegion(p: Parts, count: number, r: () => number): [string, number][] {
  return p.regions.flatMap(([label, start, end]) =>
    Array.from({ length: count }, () => [label, start + Math.floor(r() * (end - start))] as [string, number]),
  );
}

/**
 * About 1,100 variants of `saved` from `seed`: truncations, single-bit flips
 * and bursts in every section, inserted and deleted bytes, manifest edits with
 * and without a recomputed checksum, header-line rewrites and LEB128 padding.
 */
export function mutantsOf(saved: Uint8Array, seed: number): Mutant[] {
  const p = partsOf(saved);
  const r = rng(seed);
  const out: Mutant[] = [];
  const copy = (): Uint8Array => saved.slice();
  const regionAt = (pos: number): string =>
    p.regions.find(([, s, e]) => s <= pos && pos < e)?.[0] ?? 'after the end';

  // truncations: at every section boundary (and one byte either side), then random lengths
  const cuts = new Set<number>();
  for (const [, s, e] of p.regions) for (const at of [s - 1, s, s + 1, e - 1]) if (at >= 0) cuts.add(at);
  while (cuts.size < 150) cuts.add(Math.floor(r() * saved.length));
  for (const at of cuts) {
    out.push({ kind: 'truncate', where: regionAt(at), bytes: saved.slice(0, at), verdict: 'refuse' });
  }
  // single-bit flips: 30 per region
  for (const [label, pos] of positionsPerRegion(p, 30, r)) {
    const bytes = copy();
    bytes[pos]! ^= 1 << Math.floor(r() * 8);
    out.push({ kind: 'bit flip', where: label, bytes, verdict: 'refuse' });
  }
  // bursts: 2-8 random bytes overwritten, 8 per region (skipped if the burst changed nothing)
  for (const [label, pos] of positionsPerRegion(p, 8, r)) {
    const bytes = copy();
    const length = 2 + Math.floor(r() * 7);
    for (let i = pos; i < Math.min(saved.length, pos + length); i++) bytes[i] = Math.floor(r() * 256);
    if (bytes.every((b, i) => b === saved[i])) continue;
    out.push({ kind: 'burst', where: label, bytes, verdict: 'refuse' });
  }
  // one byte inserted or deleted, 5 + 5 per region
  for (const [label, pos] of positionsPerRegion(p, 5, r)) {
    const inserted = concatBytes([
      saved.subarray(0, pos),
      new Uint8Array([Math.floor(r() * 256)]),
      saved.subarray(pos),
    ]);
    out.push({ kind: 'insert', where: label, bytes: inserted, verdict: 'refuse' });
    const deleted = concatBytes([saved.subarray(0, pos), saved.subarray(pos + 1)]);
    out.push({ kind: 'delete', where: label, bytes: deleted, verdict: 'refuse' });
  }
  out.push({
    kind: 'append',
    where: 'after the end',
    bytes: concatBytes([saved, new Uint8Array([0, 1, 0])]),
    verdict: 'refuse',
  });

  // manifest edits: each leaf replaced or deleted, with the old checksum and with a recomputed one
  const paths = leafPaths(p.manifest);
  for (let n = 0; n < 260; n++) {
    const path = paths[Math.floor(r() * paths.length)]!;
    const old = path.reduce<Json>((v, k) => (v as Record<string | number, Json>)[k]!, p.manifest);
    const choices = replacementsFor(old);
    const next = r() < 0.1 ? undefined : choices[Math.floor(r() * choices.length)];
    const json = JSON.stringify(edit(p.manifest, path, next));
    if (json === JSON.stringify(p.manifest)) continue;
    const where = `${path.join('.')} = ${next === undefined ? '(deleted)' : JSON.stringify(next)}`;
    out.push({
      kind: 'manifest edit, old checksum',
      where,
      bytes: withManifest(p, p.header, json),
      verdict: 'refuse',
    });
    const verdict: Verdict = metadataOnly(path) ? 'same-or-refuse' : 'any';
    out.push({
      kind: 'manifest forged, new checksum',
      where,
      bytes: withManifest(p, headerFor(p, json), json),
      verdict,
    });
  }

  // edits the checksum cannot see: the header line's spelling, JSON whitespace, LEB128 padding
  const json = JSON.stringify(p.manifest);
  // the module's own format (2, or 3 with int64 slots), which its manifest repeats
  const { checksum, format } = JSON.parse(p.header) as { checksum: string; format: number };
  const headers = [
    `{"checksum":"${checksum}","format":${format}}`,
    `{ "format": ${format}, "checksum": "${checksum}" }`,
    `{"format":${format}.0,"checksum":"${checksum}"}`,
    `{"format":${format},"checksum":"${checksum}","note":"x"}`,
    `\t{"format":${format},"checksum":"${checksum}"}  `,
  ];
  for (const header of headers) {
    out.push({
      kind: 'header rewritten',
      where: header,
      bytes: withManifest(p, header, json),
      verdict: 'same',
    });
  }
  for (let n = 0; n < 60; n++) {
    const chars = [...p.header];
    const at = Math.floor(r() * chars.length);
    chars[at] = String.fromCharCode(32 + Math.floor(r() * 95));
    const header = chars.join('');
    if (header === p.header) continue;
    out.push({
      kind: 'header char',
      where: header,
      bytes: withManifest(p, header, json),
      verdict: 'same-or-refuse',
    });
  }
  const spaced = JSON.stringify(p.manifest, null, 1);
  out.push({
    kind: 'manifest reformatted',
    where: 'indented JSON, new checksum',
    bytes: withManifest(p, headerFor(p, spaced), spaced),
    verdict: 'same',
  });
  out.push({ kind: 'leb128 padding', where: 'manifest section size', bytes: paddedSize(p), verdict: 'same' });
  return out;
}

/** The module with its manifest section's size written as a 5-byte LEB128 (the same number). */
function paddedSize(p: Parts): Uint8Array {
  const section = p.saved.subarray(p.outside.length);
  let pos = 1;
  let value = 0;
  for (let i = 0; ; i++) {
    const byte = section[pos++]!;
    value += (byte & 0x7f) * 2 ** (7 * i);
    if ((byte & 0x80) === 0) break;
  }
  const padded = [0, 1, 2, 3].map((i) => ((value >>> (7 * i)) & 0x7f) | 0x80);
  padded.push((value >>> 28) & 0x7f);
  return concatBytes([p.outside, new Uint8Array([0]), new Uint8Array(padded), section.subarray(pos)]);
}
