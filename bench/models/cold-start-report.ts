/**
 * The fresh-process start-up table of the models report: per model the
 * medians over its processes (tensorwasm load + first run against ORT-web's
 * session creation + first run), the first run over the steady state, and
 * issue #22's two start-up goals checked per row.
 */
import { formatBytes, formatMs, formatRatio, median, table } from '../report.js';
import type { ColdModelResult, ColdSample, ColdStartRun } from './cold-start-types.js';

/** The models the "first run at most 2x the steady state" goal names (issue #22). */
export const FIRST_RUN_GOAL_MODELS: readonly string[] = ['ResNet-50'];
/** That goal's bound: first run / steady-state run. */
export const FIRST_RUN_GOAL_RATIO = 2;

/** One model's medians over its processes (ms; NaN where nothing was measured). */
export interface ColdSummary {
  readonly id: string;
  readonly processes: number;
  readonly twLoadMs: number;
  readonly twFirstMs: number;
  readonly twTotalMs: number;
  readonly twSteadyMs: number;
  /** tensorwasm's first run / its steady-state run (per process, then the median). */
  readonly twFirstOverSteady: number;
  readonly ortCreateMs: number;
  readonly ortFirstMs: number;
  readonly ortTotalMs: number;
  readonly ortFirstOverSteady: number;
  /** ORT create + first / tensorwasm load + first: > 1 means tensorwasm starts faster. */
  readonly ratio: number;
  readonly twProcessStartMs: number;
  readonly ortProcessStartMs: number;
  readonly ortRuntimeInitMs: number;
  /** tensorwasm's Wasm memory (weights + arena + inputs/outputs) and ORT's heap in its fresh process. */
  readonly twMemoryBytes: number;
  readonly ortHeapBytes: number;
  readonly maxAbsDiff?: number;
  readonly flagged?: boolean;
  readonly error?: string;
}

const over = (samples: readonly ColdSample[], f: (s: ColdSample) => number): number => median(samples.map(f));
const steadyOf = (s: ColdSample): number => median(s.steadyMs);

/** Medians over a model's processes; a total is the median of each process's own sum. */
export function summarizeCold(m: ColdModelResult): ColdSummary {
  const tw = m.tensorwasm;
  const ort = m.ort;
  const twTotalMs = over(tw, (s) => s.loadMs + s.firstRunMs);
  const ortTotalMs = over(ort, (s) => s.loadMs + s.firstRunMs);
  return {
    id: m.id,
    processes: Math.min(tw.length, ort.length),
    twLoadMs: over(tw, (s) => s.loadMs),
    twFirstMs: over(tw, (s) => s.firstRunMs),
    twTotalMs,
    twSteadyMs: over(tw, steadyOf),
    twFirstOverSteady: over(tw, (s) => s.firstRunMs / steadyOf(s)),
    ortCreateMs: over(ort, (s) => s.loadMs),
    ortFirstMs: over(ort, (s) => s.firstRunMs),
    ortTotalMs,
    ortFirstOverSteady: over(ort, (s) => s.firstRunMs / steadyOf(s)),
    ratio: ortTotalMs / twTotalMs,
    twProcessStartMs: over(tw, (s) => s.processStartMs),
    ortProcessStartMs: over(ort, (s) => s.processStartMs),
    ortRuntimeInitMs: over(ort, (s) => s.runtimeInitMs ?? NaN),
    twMemoryBytes: over(tw, (s) => s.memoryBytes ?? NaN),
    ortHeapBytes: over(ort, (s) => s.memoryBytes ?? NaN),
    ...(m.maxAbsDiff === undefined ? {} : { maxAbsDiff: m.maxAbsDiff }),
    ...(m.flagged === undefined ? {} : { flagged: m.flagged }),
    ...(m.error === undefined ? {} : { error: m.error }),
  };
}

/** 'met' / 'not met' / '-' (not measured). */
function verdict(ok: boolean | undefined): string {
  return ok === undefined ? '-' : ok ? 'met' : '**not met**';
}

/** Goal: tensorwasm's load + first run under ORT-web's create + first run. */
export function startupGoal(s: ColdSummary): string {
  if (s.flagged === true) return '**not met** (outputs disagree)';
  return verdict(Number.isFinite(s.ratio) ? s.ratio > 1 : undefined);
}

/** Goal: the first run at most 2x the steady state, on the models the issue names ('-' elsewhere). */
export function firstRunGoal(s: ColdSummary): string {
  if (!FIRST_RUN_GOAL_MODELS.includes(s.id)) return '-';
  const r = s.twFirstOverSteady;
  return verdict(Number.isFinite(r) ? r <= FIRST_RUN_GOAL_RATIO : undefined);
}

/** Goal (issue #20): tensorwasm's whole Wasm memory no larger than ORT-web's heap for the same model. */
export function memoryGoal(s: ColdSummary): string {
  const known = Number.isFinite(s.twMemoryBytes) && Number.isFinite(s.ortHeapBytes);
  return verdict(known ? s.twMemoryBytes <= s.ortHeapBytes : undefined);
}

const times = (r: number): string => (Number.isFinite(r) ? `${r.toFixed(1)}x` : '-');
const diffText = (s: ColdSummary): string =>
  s.maxAbsDiff === undefined
    ? '-'
    : `${s.maxAbsDiff.toExponential(1)}${s.flagged === true ? ' ⚠ DISAGREE' : ''}`;
const escape = (text: string): string => text.replace(/\|/g, '\\|').replace(/\n/g, ' ');

/** A model whose processes failed: its error across the row. */
function errorRow(s: ColdSummary, columns: number): string[] {
  return [s.id, `**${escape(s.error ?? '')}**`, ...new Array<string>(columns - 2).fill('-')];
}

/** '1-10 runs, more while under 600 ms' or '1 run'. */
function steadyText({ minRuns, maxRuns, budgetMs }: ColdStartRun['steady']): string {
  if (budgetMs <= 0 || minRuns >= maxRuns) return `${minRuns} run${minRuns === 1 ? '' : 's'}`;
  return `${minRuns}-${maxRuns} runs, more while under ${budgetMs} ms`;
}

const FULL_HEADER = [
  'model',
  'tw load',
  'tw first run',
  'tw load + first',
  'ORT create',
  'ORT first run',
  'ORT create + first',
  'ORT / tw',
  'tw first / steady',
  'ORT first / steady',
  'process start tw / ORT',
  'ORT runtime init',
  'tw memory / ORT heap',
  'max diff',
  'goal: start-up faster than ORT',
  `goal: first run <= ${FIRST_RUN_GOAL_RATIO}x steady`,
  'goal: memory <= ORT heap',
];

/** The full table (bench/results.md), with its notes. */
export function renderColdFull(run: ColdStartRun): string {
  const summaries = run.models.map(summarizeCold);
  const rows = summaries.map((s) =>
    s.error !== undefined
      ? errorRow(s, FULL_HEADER.length)
      : [
          s.id,
          formatMs(s.twLoadMs),
          formatMs(s.twFirstMs),
          formatMs(s.twTotalMs),
          formatMs(s.ortCreateMs),
          formatMs(s.ortFirstMs),
          formatMs(s.ortTotalMs),
          formatRatio(s.ratio),
          times(s.twFirstOverSteady),
          times(s.ortFirstOverSteady),
          `${formatMs(s.twProcessStartMs)} / ${formatMs(s.ortProcessStartMs)}`,
          formatMs(s.ortRuntimeInitMs),
          `${formatBytes(s.twMemoryBytes)} / ${formatBytes(s.ortHeapBytes)}`,
          diffText(s),
          startupGoal(s),
          firstRunGoal(s),
          memoryGoal(s),
        ],
  );
  return [
    '### Fresh process start-up',
    '',
    `Each engine in its own fresh Node process (same binary and flags as the bench), ${run.processes} per engine`,
    `and model, interleaved; medians over the processes${run.seconds === undefined ? '' : ` (${run.seconds.toFixed(0)} s of the run)`}. What a page or a CLI`,
    'that runs a model once waits for.',
    '',
    table(FULL_HEADER, rows),
    '',
    '- tw load: `load()` of the saved .wasm (read from disk before the clock) through the runtime entry, no',
    '  compiler. ORT create: `InferenceSession.create` from the .onnx bytes (WASM EP, 1 thread, optimization',
    "  'all'), after its runtime was loaded (ORT runtime init: importing onnxruntime-web and a one-node",
    "  session, excluded from ORT's totals as in the issue's goal; tensorwasm's runtime needs no init).",
    "- first run: the first inference, input placement included. A total is the median of each process's",
    '  own sum. ORT / tw > 1x means tensorwasm starts faster.',
    `- first / steady: the first run over the median of the runs after it in the same process (${steadyText(run.steady)}).`,
    "- process start: from spawn() to the child script's first line (Node's start-up and the script's",
    '  evaluation, the tensorwasm runtime included); excluded from both totals.',
    "- tw memory: the Wasm memory tensorwasm's plan needs (weights, inputs, outputs, the arena); ORT heap: the",
    "  size of ORT-web's Wasm memory after its runs, in its own fresh process (so this model's high-water",
    "  mark, unlike the steady table's ORT heap). Goal of issue #20: tensorwasm's no larger.",
    "- max diff: every process's first output against the first tensorwasm process's (⚠ DISAGREE as above).",
    `- goal rows: issue #22: load + first run faster than ORT-web's create + first run on every model; the first`,
    `  run at most ${FIRST_RUN_GOAL_RATIO}x the steady state on ${FIRST_RUN_GOAL_MODELS.join(', ')}.`,
  ].join('\n');
}

const COMPACT_HEADER = [
  'model',
  'tw load + first run',
  'ORT create + first run',
  'ORT / tw',
  'tw first / steady',
  'goal: faster start-up',
  'tw memory / ORT heap',
];

/** The compact table (the README's). */
export function renderColdCompact(run: ColdStartRun): string {
  const rows = run.models
    .map(summarizeCold)
    .map((s) =>
      s.error !== undefined
        ? errorRow(s, COMPACT_HEADER.length)
        : [
            s.id,
            formatMs(s.twTotalMs),
            formatMs(s.ortTotalMs),
            formatRatio(s.ratio),
            `${times(s.twFirstOverSteady)}${FIRST_RUN_GOAL_MODELS.includes(s.id) ? ` (goal <= ${FIRST_RUN_GOAL_RATIO}x: ${firstRunGoal(s)})` : ''}`,
            startupGoal(s),
            `${formatBytes(s.twMemoryBytes)} / ${formatBytes(s.ortHeapBytes)} (${memoryGoal(s)})`,
          ],
    );
  return [
    "Fresh process start-up: `load()` of the saved .wasm + the first run against ORT-web's",
    '`InferenceSession.create` + its first run, each engine in its own new Node process (median of',
    `${run.processes}; process start and ORT's runtime load excluded; details in bench/results.md):`,
    '',
    table(COMPACT_HEADER, rows),
  ].join('\n');
}
