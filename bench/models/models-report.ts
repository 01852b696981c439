/**
 * The whole-model results as markdown: one row per model (medians, ratio,
 * output difference, import/compile times, code and memory sizes, first run),
 * refused and failed models listed with their error, and the machine's load.
 * The block sits between markers in bench/results.md and the README, so a
 * later run replaces it without touching the rest of either file.
 */
import type { WorkloadResult } from '../report.js';
import { formatBytes, formatMs, formatRatio } from '../report.js';
import { renderColdCompact, renderColdFull } from './cold-start-report.js';
import type { ColdStartRun } from './cold-start-types.js';
import type { ModelDetails } from './model-competitors.js';

/** Every models block starts with this; its engine key follows. */
const MARKER_PREFIX = '<!-- bench:models:';

/** The engine a models block belongs to ('node20', 'node26'): one block per engine, each replaced by a run on that engine. */
export function modelsEngineKey(nodeVersion: string): string {
  return `node${nodeVersion.split('.')[0] ?? nodeVersion}`;
}

/** The begin and end markers of the block of engine `key`. */
export function modelsMarkers(key: string): { readonly begin: string; readonly end: string } {
  return {
    begin: `${MARKER_PREFIX}${key}:begin (written by \`npm run bench -- --models\` on that engine) -->`,
    end: `${MARKER_PREFIX}${key}:end -->`,
  };
}

/** One model's measurements. */
export interface ModelResult {
  readonly result: WorkloadResult;
  readonly details: Readonly<Record<string, ModelDetails>>;
}

/** A whole-model run. */
export interface ModelsRun {
  readonly date: string;
  readonly mode: 'quick' | 'full';
  readonly machine: string;
  readonly cores: number;
  readonly node: string;
  readonly ortVersion: string;
  readonly commit: string;
  /** 1/5/15-minute load averages at the start and end of the run. */
  readonly loadStart: readonly number[];
  readonly loadEnd: readonly number[];
  readonly models: readonly ModelResult[];
  /** Fresh-process start-up per model (absent with --no-cold and in runs before it existed). */
  readonly cold?: ColdStartRun;
  readonly totalSeconds: number;
}

const loads = (values: readonly number[]): string => values.map((v) => v.toFixed(2)).join(' ');
const escape = (text: string): string => text.replace(/\|/g, '\\|').replace(/\n/g, ' ');

function cell(m: ModelResult, key: string): WorkloadResult['cells'][number] | undefined {
  return m.result.cells.find((c) => c.competitor === key);
}

/** ORT median / tensorwasm median: > 1 means tensorwasm is faster. */
export function modelRatio(m: ModelResult): number {
  return (cell(m, 'ort')?.medianMs ?? NaN) / (cell(m, 'tensorwasm')?.medianMs ?? NaN);
}

function diffText(m: ModelResult): string {
  const ort = cell(m, 'ort');
  if (ort?.maxAbsDiff === undefined) return '-';
  return `${ort.maxAbsDiff.toExponential(1)}${ort.flagged === true ? ' ⚠ DISAGREE' : ''}`;
}

function timeText(c: WorkloadResult['cells'][number] | undefined): string {
  if (c === undefined) return '-';
  if (c.error !== undefined) return 'failed';
  return `${formatMs(c.medianMs)} (${c.samples.length})`;
}

/** The heading lines: when, where, how loaded, which versions. */
export function modelsHeading(run: ModelsRun): string {
  return [
    `Measured ${run.date} (${run.mode} run, ${run.totalSeconds.toFixed(0)} s) on ${run.machine}, ${run.cores} cores,`,
    `Node ${run.node}, onnxruntime-web ${run.ortVersion}, tensorwasm at ${run.commit}.`,
    `**A loaded machine** (shared by other agents): load averages (1/5/15 min) ${loads(run.loadStart)} at the start,`,
    `${loads(run.loadEnd)} at the end; read the ratios, not the absolute times.`,
  ].join('\n');
}

/** The compact table (the README's): time per run, ratio, agreement. */
export function renderModelsCompact(run: ModelsRun): string {
  const rows = run.models.map((m) => {
    const tw = cell(m, 'tensorwasm');
    if (tw?.error !== undefined)
      return `| ${m.result.id} | ${escape(tw.error)} | ${timeText(cell(m, 'ort'))} | - | - |`;
    return `| ${m.result.id} | ${timeText(tw)} | ${timeText(cell(m, 'ort'))} | ${formatRatio(modelRatio(m))} | ${diffText(m)} |`;
  });
  return [
    modelsHeading(run),
    '',
    '| model | tensorwasm (samples) | ORT-web (samples) | ORT / tensorwasm | max diff |',
    '|---|---:|---:|---:|---:|',
    ...rows,
    '',
    'Median ms per inference, batch 1, one thread each; a ratio > 1x means tensorwasm is faster.',
    ...(run.cold === undefined ? [] : ['', renderColdCompact(run.cold)]),
  ].join('\n');
}

/** The full table (bench/results.md): everything measured per model. */
export function renderModelsFull(run: ModelsRun): string {
  const rows = run.models.map((m) => {
    const tw = cell(m, 'tensorwasm');
    const ort = cell(m, 'ort');
    const d = m.details.tensorwasm ?? {};
    const o = m.details.ort ?? {};
    const twFailed = tw?.error !== undefined;
    return [
      m.result.id,
      twFailed ? `**${escape(tw?.error ?? '')}**` : timeText(tw),
      ort?.error !== undefined ? `**${escape(ort.error)}**` : timeText(ort),
      twFailed ? '-' : formatRatio(modelRatio(m)),
      diffText(m),
      formatMs(d.importMs ?? NaN),
      formatMs(d.compileMs ?? NaN),
      formatMs(o.compileMs ?? NaN),
      formatBytes(d.codeBytes),
      d.kernels === undefined ? '-' : String(d.kernels),
      formatBytes(d.weightBytes),
      d.memoryBytes === undefined ? '-' : `${formatBytes(d.memoryBytes)} (${formatBytes(d.arenaBytes)})`,
      formatBytes(o.memoryBytes),
      formatMs(tw?.firstRunMs ?? NaN),
      formatMs(ort?.firstRunMs ?? NaN),
      formatMs((d.loadMs ?? NaN) + (tw?.firstRunMs ?? NaN)),
      formatMs((o.compileMs ?? NaN) + (ort?.firstRunMs ?? NaN)),
    ].join(' | ');
  });
  return [
    '## Whole models',
    '',
    modelsHeading(run),
    '',
    "ONNX's `light/` CNNs with random, non-uniform weights (every `ConstantOfShape` weight made an",
    'initializer of He-scaled normal values, BatchNormalization variances positive; seeded) and an',
    'audio Conv1d stack built in code; input [1, 3, 224, 224] (audio [1, 1, 16000]), seeded uniform',
    'in [-1, 1). Each is imported with `fromOnnx` and compiled by tensorwasm, and run by ORT-web',
    "(WASM EP, 1 thread, graphOptimizationLevel 'all'), interleaved per sample in one process.",
    '',
    '| model | tensorwasm median (samples) | ORT-web median (samples) | ORT / tw | max diff | tw import | tw compile | ORT session | tw code | kernels | tw weights | tw memory (arena) | ORT heap* | tw first run | ORT first run | tw load + first run | ORT session + first run |',
    '|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|',
    ...rows.map((r) => `| ${r} |`),
    '',
    '- Ratio: ORT median / tensorwasm median from the same run; > 1x means tensorwasm is faster.',
    '- max diff: largest |ORT - tensorwasm| over the output; ⚠ DISAGREE when it exceeds 1e-3 x max(1, max |tensorwasm output|).',
    '- tw compile: `compile()` wall time with Binaryen already loaded; tw import: `fromOnnx()`. ORT session: `InferenceSession.create`.',
    "- tw code: the module's code section (no weights); tw weights: its data segments (constants). tw memory: the",
    '  Wasm memory the plan needs (weights, inputs, outputs and the temp arena, in brackets).',
    "- *ORT heap: the size of ORT's Wasm memory after the model ran. It never shrinks, so it is the",
    '  high-water mark of this process so far (every model before it included), not this model alone.',
    '- first run: the first inference after setup (tensorwasm: after `load()` of the saved module; ORT: after',
    '  session creation). tw load + first run: `load()` and that run. Both in this long-lived process, where',
    "  ORT-web's heap has grown and its kernels were compiled by earlier models: the fresh-process table",
    '  (below, when measured) is the start-up comparison.',
    '- A model whose tensorwasm cell is an error was refused by the importer or failed to compile; the',
    '  error names the op or the stage.',
    ...(run.cold === undefined ? [] : ['', renderColdFull(run.cold)]),
  ].join('\n');
}

/** `text` with engine `key`'s models block replaced (or appended when `text` has none). */
export function replaceModelsBlock(text: string, block: string, key: string): string {
  const { begin: beginMarker, end: endMarker } = modelsMarkers(key);
  const begin = text.indexOf(beginMarker);
  const end = text.indexOf(endMarker);
  const wrapped = `${beginMarker}\n${block}\n${endMarker}`;
  if (begin < 0 || end < begin) return `${text.trimEnd()}\n\n${wrapped}\n`;
  return `${text.slice(0, begin)}${wrapped}${text.slice(end + endMarker.length)}`;
}

/** Every engine's models block of `text` (first begin marker to last end marker), or '' when it has none. */
export function modelsSectionOf(text: string): string {
  const begin = text.indexOf(MARKER_PREFIX);
  const end = text.lastIndexOf(MARKER_PREFIX);
  if (begin < 0) return '';
  const close = text.indexOf('-->', end);
  return text.slice(begin, close + '-->'.length);
}
