/**
 * The HTML report as one self-contained page (inline CSS and SVG, no script,
 * no external assets) from what is known about a model: a summary, the
 * memory-plan chart and table, the kernel table, compile timings, the IR per
 * stage, the graph's DOT, the manifest and the WAT. Every piece of text is
 * escaped; missing pieces are left out.
 */
import type { CompileStats, IrStage, KernelInfo } from '../compiled-model.js';
import type { Manifest } from '../common/manifest.js';
import type { MemoryPlan } from '../common/plan.js';
import { escapeXml as esc } from './escape-xml.js';
import { formatBytes, formatCount, formatMs, formatRatio } from './format-units.js';
import { IR_STAGES } from './inspectable.js';
import { buffersByAddress } from './plan-table.js';
import { KIND_COLORS, planSvg } from './plan-svg.js';
import type { Profile } from './profile-kernels.js';
import { REPORT_CSS } from './report-style.js';

/** Width of the plan charts: the page's content column. */
const CHART_WIDTH_PX = 1040;

/** Beyond this many characters the WAT is cut (data segments can be megabytes). */
export const MAX_REPORT_WAT_CHARS = 1_000_000;

/** Everything a report can show; only `title`, `plan` and `wat` are required. */
export interface ReportContent {
  readonly title: string;
  readonly plan: MemoryPlan;
  readonly wat: string;
  readonly kernels?: readonly KernelInfo[];
  readonly profile?: Profile;
  readonly stats?: CompileStats;
  readonly ir?: Partial<Record<IrStage, string>>;
  readonly dot?: string;
  readonly manifest?: Manifest;
}

function block(summary: string, text: string, open = false): string {
  return `<details${open ? ' open' : ''}><summary>${esc(summary)}</summary><pre>${esc(text)}</pre></details>`;
}

function bar(value: number, max: number): string {
  const pct = max > 0 ? Math.max(1, Math.round((value / max) * 100)) : 0;
  return `<span class="bar" style="width:${pct}px"></span>`;
}

function facts(content: ReportContent): string {
  const { plan } = content;
  const items: [string, string][] = [];
  if (content.kernels) items.push([String(content.kernels.length), 'kernels']);
  items.push([formatBytes(plan.memoryBytes), 'memory']);
  items.push([
    formatBytes(plan.arenaBytes),
    `temp arena (${formatRatio(plan.arenaBytes, plan.lowerBoundBytes)} the lower bound)`,
  ]);
  items.push([formatBytes(plan.lowerBoundBytes), 'lower bound']);
  items.push([formatBytes(plan.naiveBytes), 'never reusing']);
  if (content.stats)
    items.push([formatMs(Object.values(content.stats).reduce((a, b) => a + b, 0)), 'compile']);
  if (content.profile) items.push([formatMs(content.profile.totalMs), 'kernels, per run']);
  return `<ul class="facts">${items.map(([v, l]) => `<li><b>${esc(v)}</b><span>${esc(l)}</span></li>`).join('')}</ul>`;
}

function planSection(plan: MemoryPlan): string {
  const rows = buffersByAddress(plan).map((b) => {
    const c = KIND_COLORS[b.kind];
    return (
      `<tr><td><span class="swatch" style="background:${c.fill};border-color:${c.stroke}"></span>${esc(b.name)}</td>` +
      `<td>${b.kind}</td><td class="num">${b.offset}</td><td class="num">${formatBytes(b.bytes)}</td>` +
      `<td class="num">${b.firstUse}..${b.lastUse}</td></tr>`
    );
  });
  const zoom =
    plan.arenaBytes > 0 && plan.arenaBytes < plan.memoryBytes * 0.6
      ? `<h3>Temp arena only</h3><div class="chart">${planSvg(plan, { arenaOnly: true, width: CHART_WIDTH_PX, height: 300 })}</div>`
      : '';
  return (
    `<section id="plan"><h2>Memory plan</h2>` +
    `<p class="note">x: schedule step; y: byte address. One rectangle per buffer over its lifetime; the dashed line is the lower bound of the temp arena.</p>` +
    `<div class="chart">${planSvg(plan, { width: CHART_WIDTH_PX })}</div>${zoom}` +
    `<h3>Buffers</h3><table><thead><tr><th>buffer</th><th>kind</th><th class="num">offset</th><th class="num">bytes</th><th class="num">steps</th></tr></thead>` +
    `<tbody>${rows.join('')}</tbody></table></section>`
  );
}

function kernelSection(kernels: readonly KernelInfo[], profile: Profile | undefined): string {
  const ms = new Map(profile?.kernels.map((k) => [k.name, k.ms]));
  const maxMs = Math.max(0, ...ms.values());
  const timed = profile !== undefined;
  const head =
    '<tr><th>#</th><th>kernel</th><th>kind</th><th>vector</th><th class="num">read</th><th class="num">written</th>' +
    `<th class="num">FLOPs</th><th class="num">FLOPs/byte</th>${timed ? '<th class="num">time</th><th></th>' : ''}<th>covers</th></tr>`;
  const rows = kernels.map((k, i) => {
    const t = ms.get(k.name) ?? 0;
    const intensity =
      k.bytesRead + k.bytesWritten > 0 ? (k.flops / (k.bytesRead + k.bytesWritten)).toFixed(2) : '-';
    return (
      `<tr><td class="num">${i}</td><td><code>${esc(k.name)}</code></td><td>${k.kind}</td><td class="nowrap">${esc(k.vectorMode)}</td>` +
      `<td class="num">${formatBytes(k.bytesRead)}</td><td class="num">${formatBytes(k.bytesWritten)}</td>` +
      `<td class="num">${formatCount(k.flops)}</td><td class="num">${intensity}</td>` +
      (timed ? `<td class="num">${formatMs(t)}</td><td>${bar(t, maxMs)}</td>` : '') +
      `<td class="covers">${esc(k.nodes.join('; '))}</td></tr>`
    );
  });
  const note = timed
    ? `<p class="note">time: median of ${profile.repeats} timed passes over the schedule.</p>`
    : '';
  return `<section id="kernels"><h2>Kernels</h2><table><thead>${head}</thead><tbody>${rows.join('')}</tbody></table>${note}</section>`;
}

function statsSection(stats: CompileStats): string {
  const entries = Object.entries(stats);
  const max = Math.max(0, ...entries.map(([, v]) => v));
  const rows = entries.map(
    ([stage, v]) =>
      `<tr><td>${esc(stage)}</td><td class="num">${formatMs(v)}</td><td>${bar(v, max)}</td></tr>`,
  );
  return `<section id="timings"><h2>Compile timings</h2><table style="width:auto"><thead><tr><th>stage</th><th class="num">time</th><th></th></tr></thead><tbody>${rows.join('')}</tbody></table></section>`;
}

/**
 * A complete HTML document for `content`.
 *
 * @example
 * writeFileSync('report.html', renderReport({ title: 'model.wasm', plan, wat }));
 */
export function renderReport(content: ReportContent): string {
  const parts: string[] = [];
  const links: [string, string][] = [['plan', 'Memory plan']];
  parts.push(planSection(content.plan));
  if (content.kernels) {
    parts.push(kernelSection(content.kernels, content.profile));
    links.push(['kernels', 'Kernels']);
  }
  if (content.stats) {
    parts.push(statsSection(content.stats));
    links.push(['timings', 'Timings']);
  }
  const ir = content.ir;
  if (ir) {
    const stages = IR_STAGES.flatMap((s) =>
      ir[s] === undefined ? [] : [block(`ir('${s}')`, ir[s], s === 'fused')],
    );
    const dot =
      content.dot === undefined ? '' : block('graph (Graphviz DOT; render with dot -Tsvg)', content.dot);
    parts.push(`<section id="ir"><h2>IR per stage</h2>${stages.join('')}${dot}</section>`);
    links.push(['ir', 'IR']);
  }
  if (content.manifest) {
    parts.push(
      `<section id="manifest"><h2>Manifest</h2>${block('manifest (JSON)', JSON.stringify(content.manifest, null, 2), true)}</section>`,
    );
    links.push(['manifest', 'Manifest']);
  }
  const wat =
    content.wat.length > MAX_REPORT_WAT_CHARS
      ? `${content.wat.slice(0, MAX_REPORT_WAT_CHARS)}\n;; … cut at ${MAX_REPORT_WAT_CHARS} characters (tensorwasm inspect --wat prints it all)`
      : content.wat;
  parts.push(
    `<section id="wat"><h2>WebAssembly text</h2>${block(`module (${formatCount(content.wat.length)} characters)`, wat)}</section>`,
  );
  links.push(['wat', 'WAT']);
  return [
    '<!doctype html>',
    '<html lang="en"><head><meta charset="utf-8">',
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    `<title>tensorwasm report: ${esc(content.title)}</title>`,
    `<style>${REPORT_CSS}</style></head><body>`,
    `<nav>${links.map(([id, label]) => `<a href="#${id}">${label}</a>`).join('')}</nav>`,
    `<main><header><h1>tensorwasm report: ${esc(content.title)}</h1><p>What the compiler made of the graph: kernels, memory plan, code.</p>${facts(content)}</header>`,
    ...parts,
    '</main></body></html>',
    '',
  ].join('\n');
}
