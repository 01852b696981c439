/**
 * Renders the cross-engine benchmark (`npm run bench -- --engines`): one
 * compact table per engine (Node versions, Chromium) with the engine's
 * version, relaxed-SIMD support and the machine's load while it ran, for
 * bench/results.md and the README's marked block. An engine run over several
 * processes (bench/engines/processes.ts) shows medians over the processes,
 * each cell's spread between them and the ratios taken within each process.
 */
import type { EngineRun, WorkloadResult } from './report.js';
import { formatMs, median, table } from './report.js';
import { renderGoals } from './engines/goals.js';
import { isNoisyCell, NOISY_MEDIAN_OVER_MIN } from './engines/noisy-cell.js';
import { isCombinedRun, isProcessCell } from './engines/processes.js';
import { ratioText, spreadText } from './process-cells.js';

export { NOISY_MEDIAN_OVER_MIN } from './engines/noisy-cell.js';

/** The competitors every engine runs, in column order. */
export const ENGINE_COLUMNS: readonly string[] = ['tensorwasm', 'tfjs', 'ort'];

/** The README block the engine tables replace (kept between these lines). */
export const README_BEGIN = '<!-- bench:engines:begin (written by `npm run bench -- --engines`) -->';
export const README_END = '<!-- bench:engines:end -->';

function loads(values: readonly number[]): string {
  return values.map((v) => v.toFixed(2)).join(' ');
}

/** The line above an engine's table: version, relaxed SIMD, load, date. */
export function engineHeading(run: EngineRun): string {
  const { engine, result } = run;
  const parts = [
    `V8 ${engine.v8}`,
    `relaxed SIMD ${engine.relaxedSimd ? 'yes' : 'no'}${engine.relaxedSimdUsed === true ? ', used by tensorwasm' : ''}`,
    `load average ${loads(engine.loadStart)} at the start, ${loads(engine.loadEnd)} at the end`,
  ];
  if (isCombinedRun(run)) {
    // the 1-minute load as each process started and ended
    const each = run.processes.map(
      (p) => `${(p.engine.loadStart[0] ?? NaN).toFixed(2)}-${(p.engine.loadEnd[0] ?? NaN).toFixed(2)}`,
    );
    const failed = run.processes.filter((p) => p.result === undefined).length;
    parts.push(
      `${run.processes.length} processes${failed > 0 ? ` (${failed} failed)` : ''}, 1-minute load ${each.join(', ')}`,
    );
  }
  if (result !== undefined)
    parts.push(`${result.meta.date}, ${result.meta.mode}, ${result.meta.totalSeconds.toFixed(0)} s`);
  return `**${engine.name}** (${parts.join('; ')})`;
}

const NOISY_MARK = ' †';
const PROCESS_NOTE =
  "Over several processes: each time is the median of the processes' medians, ~ the slowest process's median " +
  "over the fastest's; in parentheses each process's competitor time / tensorwasm time, the median of those " +
  'and their range.';

const NOISY_NOTE =
  `† median over ${NOISY_MEDIAN_OVER_MIN}x the fastest sample: other work competed for the cores ` +
  'during it (the competitors are sampled in turn, so the ratios in its row still compare).';

function noisy(w: WorkloadResult, key: string): boolean {
  const cell = w.cells.find((c) => c.competitor === key);
  return cell !== undefined && isNoisyCell(cell);
}

function cellText(w: WorkloadResult, key: string): string {
  const cell = w.cells.find((c) => c.competitor === key);
  if (cell === undefined) return 'n/a';
  if (cell.error !== undefined) return 'failed';
  const mark = noisy(w, key) ? NOISY_MARK : '';
  const time = `${formatMs(cell.medianMs)}${spreadText(cell)}`;
  if (key === 'tensorwasm') return `${time}${mark}`;
  const flag = cell.flagged === true ? ' ⚠' : '';
  return `${time} (${ratioText(w, cell)})${flag}${mark}`;
}

/** One engine's table: medians, and competitor time / tensorwasm time in parentheses. */
export function engineTable(run: EngineRun, columns: readonly string[] = ENGINE_COLUMNS): string {
  const result = run.result;
  if (result === undefined) return `could not run: ${run.error ?? 'unknown error'}`;
  const present = columns.filter((key) => result.competitors.some((c) => c.competitor === key));
  const labels = present.map((key) => result.competitors.find((c) => c.competitor === key)?.label ?? key);
  const failed = result.competitors.filter((c) => c.error !== undefined && present.includes(c.competitor));
  const rows = result.workloads.map((w) => [w.id, ...present.map((key) => cellText(w, key))]);
  const notes = failed.map((c) => `\n\n${c.label} could not load: ${c.error ?? ''}`).join('');
  const anyNoisy = result.workloads.some((w) => present.some((key) => noisy(w, key)));
  const combined = isCombinedRun(run) ? `\n\n${PROCESS_NOTE}` : '';
  return `${table(['workload', ...labels], rows)}${notes}${combined}${anyNoisy ? `\n\n${NOISY_NOTE}` : ''}`;
}

/**
 * tensorwasm's first run after its setup (compile() in Node, load() of the
 * saved module in a page) over its steady median, per workload: the issue's
 * goal is at most 2x.
 */
export function firstRunLine(run: EngineRun): string {
  const result = run.result;
  if (result === undefined) return '';
  const parts = result.workloads.flatMap((w) => {
    const cell = w.cells.find((c) => c.competitor === 'tensorwasm');
    if (cell === undefined || cell.error !== undefined || !(cell.firstRunMs > 0)) return [];
    // over processes: each one's first run over its own steady median, then their median
    const ratio = isProcessCell(cell)
      ? median(cell.processFirstRatios.filter((x) => Number.isFinite(x)))
      : cell.firstRunMs / cell.medianMs;
    return [`${w.id} ${ratio.toFixed(1)}x`];
  });
  return parts.length === 0 ? '' : `\n\ntensorwasm first run / steady median: ${parts.join(', ')}.`;
}

/** Every engine: a heading line and a table each, then the goals of issue #22 checked across them. */
export function renderEngines(
  runs: readonly EngineRun[],
  columns: readonly string[] = ENGINE_COLUMNS,
): string {
  const tables = runs.map(
    (run) => `${engineHeading(run)}\n\n${engineTable(run, columns)}${firstRunLine(run)}`,
  );
  return [...tables, renderGoals(runs)].join('\n\n');
}

/** bench/results.md's section for the engines. */
export function renderEnginesSection(runs: readonly EngineRun[]): string {
  return [
    '## Every engine',
    '',
    'The same workloads with tensorwasm, tfjs-wasm and ORT-web on each engine (`npm run bench -- --engines`).',
    'In Chromium tensorwasm runs modules compiled and saved in Node, loaded by the runtime bundle',
    "(what a web page ships); tfjs-wasm and ORT-web load from their packages' dist/. In parentheses:",
    'competitor time / tensorwasm time (> 1x: tensorwasm is faster). The load average is the',
    "machine's (2 cores): above ~1 other work competed for the cores, so compare ratios, not times.",
    '',
    renderEngines(runs),
    '',
  ].join('\n');
}

/** `text` with the block between README_BEGIN and README_END replaced by `block` (unchanged if the markers are missing). */
export function replaceReadmeBlock(text: string, block: string): string {
  const begin = text.indexOf(README_BEGIN);
  const end = text.indexOf(README_END);
  if (begin < 0 || end < begin) return text;
  return `${text.slice(0, begin + README_BEGIN.length)}\n${block}\n${text.slice(end)}`;
}
