/**
 * The memory plan as an SVG chart: x is the schedule step, y the byte address
 * (0 at the bottom); each buffer is one rectangle spanning its lifetime and
 * its bytes, coloured by kind and labelled where it fits; the temp arena's
 * lower bound is a dashed line. Self-contained markup, deterministic output.
 */
import type { BufferKind, MemoryPlan, PlannedBuffer } from '../common/plan.js';
import { escapeXml } from './escape-xml.js';
import { formatBytes } from './format-units.js';
import { buffersByAddress, stepCount } from './plan-table.js';

/** Options of planSvg(). */
export interface PlanSvgOptions {
  /** Total width in pixels (default 760). */
  readonly width?: number;
  /** Total height in pixels (default 360). */
  readonly height?: number;
  /** Draw only the temp arena, its address range filling the chart (default false). */
  readonly arenaOnly?: boolean;
}

/** Fill and stroke colours per buffer kind. */
export const KIND_COLORS: Readonly<Record<BufferKind, { fill: string; stroke: string }>> = {
  input: { fill: '#9ec5fe', stroke: '#3d6fb4' },
  param: { fill: '#ffc98f', stroke: '#b86a12' },
  const: { fill: '#d6d6d6', stroke: '#7a7a7a' },
  output: { fill: '#a6dba8', stroke: '#3c8c40' },
  temp: { fill: '#cdb9f5', stroke: '#6a4bb0' },
};

const MARGIN = { left: 78, right: 16, top: 34, bottom: 38 } as const;
const FONT = 'font-family="system-ui, sans-serif"';
const CHAR_PX = 6;
const MIN_RECT_PX = 1.5;

function fmt(x: number): string {
  return String(Math.round(x * 10) / 10);
}

/** Every `stride`-th step gets a tick so labels never crowd. */
function tickStride(count: number, maxTicks: number): number {
  return Math.max(1, Math.ceil(count / maxTicks));
}

/**
 * An SVG memory-plan chart (a string of markup, embeddable in HTML).
 *
 * @example
 * writeFileSync('plan.svg', planSvg(model.plan));
 */
export function planSvg(plan: MemoryPlan, options: PlanSvgOptions = {}): string {
  const width = options.width ?? 760;
  const height = options.height ?? 360;
  const arenaOnly = options.arenaOnly ?? false;
  const arenaStart = plan.memoryBytes - plan.arenaBytes;
  const low = arenaOnly ? arenaStart : 0;
  const high = Math.max(plan.memoryBytes, low + 1);
  const steps = Math.max(1, stepCount(plan));
  const plotW = width - MARGIN.left - MARGIN.right;
  const plotH = height - MARGIN.top - MARGIN.bottom;
  const colW = plotW / steps;
  const yOf = (address: number): number => MARGIN.top + plotH - ((address - low) / (high - low)) * plotH;
  const buffers = buffersByAddress(plan).filter((b) => !arenaOnly || b.kind === 'temp');

  const out: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" class="tensorwasm-plan" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" role="img">`,
    `<title>${arenaOnly ? 'Temp arena' : 'Memory plan'}: ${escapeXml(formatBytes(plan.memoryBytes))} of memory, arena ${escapeXml(formatBytes(plan.arenaBytes))}</title>`,
    `<rect x="${MARGIN.left}" y="${MARGIN.top}" width="${fmt(plotW)}" height="${fmt(plotH)}" fill="#fafbfc" stroke="#c8ccd2"/>`,
  ];
  // x axis: one column per schedule step
  const xStride = tickStride(steps, 24);
  for (let s = 0; s < steps; s += xStride) {
    const x = MARGIN.left + (s + 0.5) * colW;
    out.push(
      `<text x="${fmt(x)}" y="${height - MARGIN.bottom + 14}" ${FONT} font-size="10" text-anchor="middle" fill="#444">${s}</text>`,
    );
  }
  out.push(
    `<text x="${fmt(MARGIN.left + plotW / 2)}" y="${height - 6}" ${FONT} font-size="11" text-anchor="middle" fill="#222">schedule step</text>`,
  );
  // y axis: five address ticks
  for (let i = 0; i <= 4; i++) {
    const address = Math.round(low + ((high - low) * i) / 4);
    const y = yOf(address);
    out.push(
      `<line x1="${MARGIN.left - 4}" x2="${MARGIN.left + plotW}" y1="${fmt(y)}" y2="${fmt(y)}" stroke="#e3e6ea"/>`,
      `<text x="${MARGIN.left - 6}" y="${fmt(y + 3)}" ${FONT} font-size="10" text-anchor="end" fill="#444">${escapeXml(formatBytes(address))}</text>`,
    );
  }
  out.push(
    `<text transform="translate(12 ${fmt(MARGIN.top + plotH / 2)}) rotate(-90)" ${FONT} font-size="11" text-anchor="middle" fill="#222">address</text>`,
  );
  for (const b of buffers) out.push(...bufferRect(b, colW, yOf));
  if (buffers.length === 0) {
    out.push(
      `<text x="${fmt(MARGIN.left + plotW / 2)}" y="${fmt(MARGIN.top + plotH / 2)}" ${FONT} font-size="12" text-anchor="middle" fill="#777">no ${arenaOnly ? 'temps' : 'buffers'}</text>`,
    );
  }
  if (plan.arenaBytes > 0) out.push(...boundLine(yOf(arenaStart + plan.lowerBoundBytes), plotW, plan));
  out.push(...legend(buffers), '</svg>');
  return out.join('\n') + '\n';
}

function bufferRect(b: PlannedBuffer, colW: number, yOf: (address: number) => number): string[] {
  const color = KIND_COLORS[b.kind];
  const x = MARGIN.left + b.firstUse * colW;
  const w = (b.lastUse - b.firstUse + 1) * colW;
  const top = yOf(b.offset + b.bytes);
  const h = Math.max(MIN_RECT_PX, yOf(b.offset) - top);
  const tip = `${b.name} (${b.kind}): ${b.bytes} bytes at ${b.offset}, steps ${b.firstUse}..${b.lastUse}`;
  const lines = [
    `<g class="buffer buffer-${b.kind}">`,
    `<title>${escapeXml(tip)}</title>`,
    `<rect x="${fmt(x + 1)}" y="${fmt(top)}" width="${fmt(Math.max(1, w - 2))}" height="${fmt(h)}" fill="${color.fill}" stroke="${color.stroke}" stroke-width="1" rx="2"/>`,
  ];
  const fits = Math.floor((w - 6) / CHAR_PX);
  if (h >= 12 && fits >= 3) {
    const label = b.name.length <= fits ? b.name : `${b.name.slice(0, fits - 1)}…`;
    lines.push(
      `<text x="${fmt(x + 4)}" y="${fmt(top + Math.min(h / 2 + 4, 13))}" ${FONT} font-size="10" fill="#1d1d1f">${escapeXml(label)}</text>`,
    );
  }
  lines.push('</g>');
  return lines;
}

function boundLine(y: number, plotW: number, plan: MemoryPlan): string[] {
  const x2 = MARGIN.left + plotW;
  const label = `lower bound ${formatBytes(plan.lowerBoundBytes)} (arena ${formatBytes(plan.arenaBytes)})`;
  return [
    `<line class="lower-bound" x1="${MARGIN.left}" x2="${fmt(x2)}" y1="${fmt(y)}" y2="${fmt(y)}" stroke="#d62728" stroke-width="1.5" stroke-dasharray="6 4"/>`,
    `<text x="${fmt(x2 - 4)}" y="${fmt(y - 4)}" ${FONT} font-size="10" text-anchor="end" fill="#d62728">${escapeXml(label)}</text>`,
  ];
}

function legend(buffers: readonly PlannedBuffer[]): string[] {
  const kinds = (Object.keys(KIND_COLORS) as BufferKind[]).filter((k) => buffers.some((b) => b.kind === k));
  const out: string[] = [];
  let x = MARGIN.left;
  for (const kind of kinds) {
    const color = KIND_COLORS[kind];
    out.push(
      `<rect x="${x}" y="12" width="12" height="12" rx="2" fill="${color.fill}" stroke="${color.stroke}"/>`,
      `<text x="${x + 16}" y="22" ${FONT} font-size="11" fill="#222">${kind}</text>`,
    );
    x += 24 + kind.length * 7;
  }
  return out;
}
