/**
 * A saved module's manifest as text for `tensorwasm inspect model.wasm`: the
 * format and compiler, the Wasm features it needs, its memory, and every
 * input, param and output with dtype, shape and address.
 */
import type { Manifest, TensorSlot } from '../common/manifest.js';
import { formatBytes } from './format-units.js';

function slotLines(title: string, slots: readonly TensorSlot[]): string[] {
  if (slots.length === 0) return [`${title}: none`];
  const width = Math.max(...slots.map((s) => s.name.length));
  return [
    `${title}:`,
    ...slots.map(
      (s) =>
        `  ${s.name.padEnd(width)}  ${s.dtype}[${s.shape.join(',')}]  @${s.offset}  ${formatBytes(s.bytes)}`,
    ),
  ];
}

/**
 * The manifest's facts, one per line.
 *
 * @example
 * formatManifest(decodeArtifact(bytes).manifest)
 * // format 1, compiled by tensorwasm 0.1.0; features: simd128; memory 192 B
 */
export function formatManifest(manifest: Manifest): string {
  const features = manifest.features.length > 0 ? manifest.features.join(', ') : 'none';
  return (
    [
      `format ${manifest.format}, compiled by tensorwasm ${manifest.compiler}; features: ${features}; memory ${formatBytes(manifest.memoryBytes)}`,
      ...slotLines('inputs', manifest.inputs),
      ...slotLines('params', manifest.params),
      ...slotLines('outputs', manifest.outputs),
      `run-time checks: ${manifest.checkSites.length}`,
    ].join('\n') + '\n'
  );
}
