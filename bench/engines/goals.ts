/**
 * The goals of issue #22 checked against one `bench:engines` run: a table of
 * goals by engine whose every cell gives the measured value, met or not met,
 * and for a missed goal why — its processes straddling the goal, the cell's
 * own spread (noisy) or a measured explanation from KNOWN_REASONS — and a
 * table of tensorwasm's median per workload on Node 24 over Node 20. With
 * several processes per engine (bench/engines/processes.ts) the values are
 * medians over the processes, ratios taken within each process first.
 */
import type { CellResult, EngineInfo, EngineRun, WorkloadResult } from '../report.js';
import { formatGoalRatio, formatMs, median, table } from '../report.js';
import { isNoisyCell, NOISY_MEDIAN_OVER_MIN } from './noisy-cell.js';
import {
  isCombinedRun,
  isProcessCell,
  ratioOver,
  spreadOf,
  straddles,
  type ProcessCell,
} from './processes.js';

/** Ratios over tfjs-wasm on the same engine, on every engine. */
const RATIO_GOALS: readonly { readonly workload: string; readonly min: number }[] = [
  { workload: 'W2', min: 1.6 },
  { workload: 'W3', min: 1.2 },
  { workload: 'W4', min: 4 },
  { workload: 'W6', min: 5 },
  { workload: 'W7', min: 50 },
];
/** With relaxed SIMD: W1 N=512's GFLOP/s and its and W5's ratio over tfjs-wasm. */
const RELAXED_GF_GOAL = { workload: 'W1 N=512', min: 45 } as const;
const RELAXED_RATIO_GOALS: readonly { readonly workload: string; readonly min: number }[] = [
  { workload: 'W1 N=512', min: 1.7 },
  { workload: 'W5', min: 1.7 },
];
/** The first run after setup over the steady median, at most. */
const FIRST_RUN_GOALS: readonly { readonly workload: string; readonly max: number }[] = [
  { workload: 'W2', max: 2 },
  { workload: 'W5', max: 2 },
];
/** tensorwasm's median on Node 24 over its median on Node 20, per workload, at most. */
export const NODE24_OVER_NODE20_MAX = 1.1;

/** What a reason is told about the goal it explains. */
export interface GoalContext {
  /** The goal's key: 'W5 >= 1.7x', 'W1 N=512 >= 45 GF/s', 'W2 Node 24 / Node 20'. */
  readonly goal: string;
  readonly engine: EngineInfo;
  readonly workload: WorkloadResult;
  /** The measured value the goal compares. */
  readonly value: number;
  /** Fresh processes the value was taken over (1: a single process per engine). */
  readonly processes: number;
}

/** A measured explanation of a missed goal (where it was measured: docs/kernels.md). */
export interface KnownReason {
  /** The goal keys it explains. */
  readonly goals: readonly string[];
  /** Whether it explains this cell (always when absent): the engine, or this run's figures. */
  readonly holds?: (context: GoalContext) => boolean;
  /** The explanation, the same for every cell it explains (a note under the table). */
  readonly text: string;
  /** This cell's figures that bear on it, shown in the cell. */
  readonly detail?: (context: GoalContext) => string;
}

/** This core's 128-bit FMA peak, GFLOP/s (docs/kernels.md: the 12-chain FMA loop with no loads). */
const FMA_PEAK_GFLOPS_LOW = 52;
const FMA_PEAK_GFLOPS = `${FMA_PEAK_GFLOPS_LOW}-55`;
/** The 4×8 relaxed tile's bound: 8 FMA chains, GFLOP/s with no loads (docs/kernels.md). */
const FOUR_ROW_TILE_GFLOPS_LOW = 46;

/** 1.7x tfjs-wasm's GFLOP/s on the workload (NaN where its FLOPs are not known). */
function neededGflops({ workload }: GoalContext): number {
  const tfjs = workload.cells.find((c) => c.competitor === 'tfjs');
  if (workload.flops === undefined || tfjs === undefined) return NaN;
  return (1.7 * workload.flops) / tfjs.medianMs / 1e6;
}

/**
 * How much slower the slow processes of an engine ran a memory-bound workload
 * than its fast ones, on the very same saved .wasm: fresh Node 20 and Node 24
 * processes alternating (bench/probes/engine-steady.ts, 6 + 6, load 1.3-1.5;
 * docs/kernels.md "Session 10"), each process either fast or slow throughout
 * (W4 0.59 / 0.75-0.79 ms, W6 1.8-2.0 / 2.3-2.6 ms, W8 4.6-4.9 / 5.2-6.3 ms) on
 * both engines. The engines bench runs one process per engine.
 */
export const PROCESS_SPREAD: Readonly<Record<string, number>> = { W4: 1.33, W6: 1.36, W8: 1.28 };

/**
 * Whether the goal would be met with tensorwasm's cell moved by its
 * workload's process spread: only for a single process per engine (with
 * several, a goal their draws straddle says so itself).
 */
function withinProcessSpread({ goal, workload, value, processes }: GoalContext): boolean {
  const spread = PROCESS_SPREAD[workload.id];
  if (spread === undefined || processes > 1) return false;
  if (goal.endsWith('Node 24 / Node 20')) return value / spread <= NODE24_OVER_NODE20_MAX;
  const min = /^.* >= ([\d.]+)x$/.exec(goal);
  return min !== null && value * spread >= Number(min[1]);
}

/** V8's major version (13 for '13.6.233.17-node.63'). */
function v8Major(engine: EngineInfo): number {
  return Number(engine.v8.split('.')[0]);
}

/**
 * The measured explanations of goals this machine or engine cannot meet. A
 * reason only applies to a missed goal that its own spread does not already
 * explain; a missed goal with neither says "no known reason".
 */
export const KNOWN_REASONS: readonly KnownReason[] = [
  {
    goals: ['W1 N=512 >= 1.7x', 'W5 >= 1.7x'],
    holds: (context) => neededGflops(context) >= 0.9 * FMA_PEAK_GFLOPS_LOW,
    text:
      "1.7x tfjs-wasm (30-38 GF/s on these matmuls here) needs 90% or more of this core's 128-bit FMA " +
      `peak of ~${FMA_PEAK_GFLOPS} GF/s (2 FMA/cycle, 4-cycle latency): at or past what the 6-row tile ` +
      'reaches in quiet runs (49.5-53.5 GF/s, 92-98%). Wasm has no wider vectors: only threads get past it ' +
      '(docs/kernels.md).',
    detail: (context) => `needs ${neededGflops(context).toFixed(1)} GF/s`,
  },
  {
    goals: ['W1 N=512 >= 45 GF/s', 'W1 N=512 >= 1.7x', 'W5 >= 1.7x'],
    holds: (context) =>
      v8Major(context.engine) === 12 &&
      (context.goal.endsWith('GF/s') || neededGflops(context) >= FOUR_ROW_TILE_GFLOPS_LOW),
    text:
      "V8 12.x (Node 22) runs the 4-row tile: its TurboFan spills the 6-row tile's accumulators " +
      `(2.1x slower), and 4 rows give 8 FMA chains, bound at ${FOUR_ROW_TILE_GFLOPS_LOW}-50 GF/s with no loads ` +
      '(docs/kernels.md).',
    detail: (context) =>
      context.goal.endsWith('GF/s') ? '' : `needs ${neededGflops(context).toFixed(1)} GF/s`,
  },
  {
    goals: Object.keys(PROCESS_SPREAD).flatMap((w) => [
      ...RATIO_GOALS.filter((g) => g.workload === w).map((g) => `${w} >= ${g.min}x`),
      `${w} Node 24 / Node 20`,
    ]),
    holds: withinProcessSpread,
    text:
      'Within the process-to-process spread of this memory-bound workload on this VM: fresh processes of one ' +
      'engine running the same saved .wasm are either fast or slow throughout, by up to ' +
      `${Object.entries(PROCESS_SPREAD)
        .map(([w, x]) => `${w} ${x}x`)
        .join(', ')} (Node 20 and Node 24 alike; alternating processes, docs/kernels.md). ` +
      'With one process per engine (--processes 1) such a cell can compare a fast process with a slow one.',
    detail: ({ workload }) => `process spread ${PROCESS_SPREAD[workload.id] ?? NaN}x`,
  },
  {
    goals: ['W5 >= 1.7x', 'W5 Node 24 / Node 20'],
    holds: ({ processes, engine }) => processes === 1 && nodeMajor(engine) === 24,
    text:
      'W5\'s kernels are not slower on Node 24 (measured, docs/kernels.md "W5 on Node 24"): in CPU time, which ' +
      'preemption does not inflate, 6 + 6 alternating fresh Node 20 / Node 24 processes ran W5 at 0.94x Node 20 ' +
      '(median 9.39 against 9.95 ms; each of its two big matmuls 0.91x in bench/probes/engine-kernels.ts), at ' +
      '50.8 GF/s, with tfjs-wasm at 13.8-15.6 ms on both engines: 1.7x would need ~57 GF/s, past the FMA peak. ' +
      "A single process per engine measures that process's luck: session 10's quiet run had every competitor " +
      'slow in its Node 24 process (tfjs-wasm 18.3 ms against 14.2 on Node 20), which made ours 1.13x Node 20 ' +
      'and the rate 1.7x needs look reachable. Run several processes (--processes).',
  },
];
/** 'Node 24.22.3' -> 24; undefined for a browser. */
export function nodeMajor(engine: EngineInfo): number | undefined {
  const match = /^Node v?(\d+)\./.exec(engine.name);
  return match === null ? undefined : Number(match[1]);
}

/** A checked goal in one engine's cell. */
interface Verdict {
  readonly text: string;
  readonly met: boolean;
}

function cellOf(w: WorkloadResult, key: string): CellResult | undefined {
  const cell = w.cells.find((c) => c.competitor === key);
  return cell === undefined || cell.error !== undefined ? undefined : cell;
}

/** "tensorwasm's median 1.31x its fastest sample" for each noisy cell; empty when none is. */
function spreads(cells: readonly { readonly who: string; readonly cell: CellResult }[]): string[] {
  return cells
    .filter(({ cell }) => isNoisyCell(cell))
    .map(({ who, cell }) => `${who}'s median ${(cell.medianMs / cell.minMs).toFixed(2)}x its fastest sample`);
}

/** A goal's value in each process (several per engine) and how to show one. */
interface PerProcess {
  readonly values: readonly number[];
  readonly show: (value: number) => string;
  readonly meets: (value: number) => boolean;
}

/**
 * The reason a goal was missed: its processes on both sides of it, else the
 * spread of the cells it was measured on (with what their fastest samples
 * give), else a known reason, else none known.
 */
function reasonFor(
  context: GoalContext,
  noisy: readonly string[],
  fromMinima: string | undefined,
  notes: Notes,
  perProcess?: PerProcess,
): string {
  if (perProcess !== undefined && straddles(perProcess.values, perProcess.meets))
    return `(processes straddle the goal: ${perProcess.values.map(perProcess.show).join(', ')})`;
  if (noisy.length > 0)
    return `(noisy: ${noisy.join(', ')}${fromMinima === undefined ? '' : `; fastest samples: ${fromMinima}`})`;
  const known = notes.reasons.find(
    (r) => r.goals.includes(context.goal) && (r.holds === undefined || r.holds(context)),
  );
  if (known === undefined) return '(no known reason)';
  const detail = known.detail?.(context) ?? '';
  return `${detail === '' ? '' : `${detail} `}[${notes.use(known.text)}]`;
}

function verdict(
  shown: string,
  met: boolean,
  context: GoalContext,
  noisy: readonly string[],
  fromMinima: string | undefined,
  notes: Notes,
  perProcess?: PerProcess,
): Verdict {
  if (met) return { text: `${shown} met`, met };
  return { text: `${shown} **not met** ${reasonFor(context, noisy, fromMinima, notes, perProcess)}`, met };
}

/** How many processes a run's figures come from. */
function processCount(run: EngineRun): number {
  return isCombinedRun(run) ? run.processes.length : 1;
}

/** A cell's per-process values through `pick`, for a cell combined over processes (else undefined). */
function perProcessOf(
  cell: CellResult,
  pick: (cell: ProcessCell) => readonly number[] | undefined,
  show: (value: number) => string,
  meets: (value: number) => boolean,
): PerProcess | undefined {
  if (!isProcessCell(cell)) return undefined;
  const values = pick(cell);
  return values === undefined || values.length < 2 ? undefined : { values, show, meets };
}

/** One engine's cell for tensorwasm's ratio over tfjs-wasm on `workload`, at least `min`. */
function ratioCell(run: EngineRun, workload: string, min: number, notes: Notes): Verdict | undefined {
  const w = run.result?.workloads.find((x) => x.id === workload);
  const ours = w === undefined ? undefined : cellOf(w, 'tensorwasm');
  const theirs = w === undefined ? undefined : cellOf(w, 'tfjs');
  if (w === undefined || ours === undefined || theirs === undefined) return undefined;
  const value = ratioOver(w, 'tfjs');
  const noisy = spreads([
    { who: 'tensorwasm', cell: ours },
    { who: 'tfjs-wasm', cell: theirs },
  ]);
  const context = {
    goal: `${workload} >= ${min}x`,
    engine: run.engine,
    workload: w,
    value,
    processes: processCount(run),
  };
  const perProcess = perProcessOf(
    theirs,
    (c) => c.processRatios,
    (x) => formatGoalRatio(x, min),
    (x) => x >= min,
  );
  const fromMinima = formatGoalRatio(theirs.minMs / ours.minMs);
  return verdict(formatGoalRatio(value, min), value >= min, context, noisy, fromMinima, notes, perProcess);
}

function gflopsCell(run: EngineRun, notes: Notes): Verdict | undefined {
  const { workload, min } = RELAXED_GF_GOAL;
  const w = run.result?.workloads.find((x) => x.id === workload);
  const ours = w === undefined ? undefined : cellOf(w, 'tensorwasm');
  if (w?.flops === undefined || ours === undefined) return undefined;
  const value = w.flops / ours.medianMs / 1e6;
  const noisy = spreads([{ who: 'tensorwasm', cell: ours }]);
  const context = {
    goal: `${workload} >= ${min} GF/s`,
    engine: run.engine,
    workload: w,
    value,
    processes: processCount(run),
  };
  const flops = w.flops;
  const fromMinima = `${(flops / ours.minMs / 1e6).toFixed(1)} GF/s`;
  const shown = value < min && value.toFixed(1) === min.toFixed(1) ? value.toFixed(2) : value.toFixed(1);
  const perProcess = perProcessOf(
    ours,
    (c) => c.processMedians.map((ms) => flops / ms / 1e6),
    (x) => `${x.toFixed(1)} GF/s`,
    (x) => x >= min,
  );
  return verdict(`${shown} GF/s`, value >= min, context, noisy, fromMinima, notes, perProcess);
}

function firstRunCell(run: EngineRun, workload: string, max: number, notes: Notes): Verdict | undefined {
  const w = run.result?.workloads.find((x) => x.id === workload);
  const ours = w === undefined ? undefined : cellOf(w, 'tensorwasm');
  if (w === undefined || ours === undefined || !(ours.firstRunMs > 0)) return undefined;
  // several processes: each one's first run over its own steady median, then their median
  const value = isProcessCell(ours)
    ? median(ours.processFirstRatios.filter((x) => Number.isFinite(x)))
    : ours.firstRunMs / ours.medianMs;
  const noisy = spreads([{ who: 'tensorwasm', cell: ours }]);
  const context = {
    goal: `${workload} first run <= ${max}x`,
    engine: run.engine,
    workload: w,
    value,
    processes: processCount(run),
  };
  const perProcess = perProcessOf(
    ours,
    (c) => c.processFirstRatios,
    (x) => formatGoalRatio(x, max),
    (x) => x <= max,
  );
  // one first run: no fastest sample to compare; a noisy steady median makes the ratio unreliable
  return verdict(formatGoalRatio(value, max), value <= max, context, noisy, undefined, notes, perProcess);
}

/** A row of the goals table: its label and, per engine, its cell (undefined where the goal does not apply). */
interface GoalRow {
  readonly label: string;
  readonly cell: (run: EngineRun) => Verdict | undefined | 'n/a';
}

function goalRows(notes: Notes): GoalRow[] {
  const relaxedOnly =
    (check: (run: EngineRun) => Verdict | undefined) =>
    (run: EngineRun): Verdict | undefined | 'n/a' =>
      run.engine.relaxedSimd ? check(run) : 'n/a';
  return [
    ...RATIO_GOALS.map(({ workload, min }) => ({
      label: `${workload} >= ${min}x tfjs-wasm`,
      cell: (run: EngineRun) => ratioCell(run, workload, min, notes),
    })),
    {
      label: `${RELAXED_GF_GOAL.workload} >= ${RELAXED_GF_GOAL.min} GF/s (relaxed SIMD)`,
      cell: relaxedOnly((run) => gflopsCell(run, notes)),
    },
    ...RELAXED_RATIO_GOALS.map(({ workload, min }) => ({
      label: `${workload} >= ${min}x tfjs-wasm (relaxed SIMD)`,
      cell: relaxedOnly((run) => ratioCell(run, workload, min, notes)),
    })),
    ...FIRST_RUN_GOALS.map(({ workload, max }) => ({
      label: `${workload} first run <= ${max}x steady`,
      cell: (run: EngineRun) => firstRunCell(run, workload, max, notes),
    })),
  ];
}

function cellText(cell: Verdict | undefined | 'n/a'): string {
  if (cell === 'n/a') return 'n/a (no relaxed SIMD)';
  return cell?.text ?? 'not measured';
}

/** The known reasons in use, numbered in order of first use (the notes under the tables). */
class Notes {
  private readonly used: string[] = [];
  constructor(readonly reasons: readonly KnownReason[]) {}

  /** The note number of `text`, given one on its first use. */
  use(text: string): number {
    const at = this.used.indexOf(text);
    if (at >= 0) return at + 1;
    this.used.push(text);
    return this.used.length;
  }

  /** "[1] ...", one line each. */
  render(): string[] {
    return this.used.map((text, i) => `[${i + 1}] ${text}`);
  }
}

/** The goals by engine: one row per goal, one column per engine that ran. */
function goalsTable(runs: readonly EngineRun[], notes: Notes): string {
  const ran = runs.filter((r) => r.result !== undefined);
  const rows = goalRows(notes).map((row) => [row.label, ...ran.map((run) => cellText(row.cell(run)))]);
  return table(['goal', ...ran.map((r) => r.engine.name)], rows);
}

/** Per workload: tensorwasm's median on Node 24 and on Node 20 and their ratio, at most NODE24_OVER_NODE20_MAX. */
function node24Table(runs: readonly EngineRun[], notes: Notes): string {
  const node20 = runs.find((r) => nodeMajor(r.engine) === 20 && r.result !== undefined);
  const node24 = runs.find((r) => nodeMajor(r.engine) === 24 && r.result !== undefined);
  if (node20?.result === undefined || node24?.result === undefined)
    return 'Node 24 / Node 20: not measured (both engines must run).';
  const rows = node24.result.workloads.flatMap((w24) => {
    const w20 = node20.result?.workloads.find((w) => w.id === w24.id);
    const a = w20 === undefined ? undefined : cellOf(w20, 'tensorwasm');
    const b = cellOf(w24, 'tensorwasm');
    if (a === undefined || b === undefined) return [];
    const value = b.medianMs / a.medianMs;
    const noisy = spreads([
      { who: 'Node 20', cell: a },
      { who: 'Node 24', cell: b },
    ]);
    const context = {
      goal: `${w24.id} Node 24 / Node 20`,
      engine: node24.engine,
      workload: w24,
      value,
      processes: Math.min(processCount(node20), processCount(node24)),
    };
    const met = value <= NODE24_OVER_NODE20_MAX;
    // per round: Node 24's process over the Node 20 process of the same round (they ran minutes apart)
    const rounds =
      isProcessCell(a) && isProcessCell(b)
        ? b.processMedians.map((ms, i) => ms / (a.processMedians[i] ?? NaN))
        : [];
    const perProcess =
      rounds.length < 2
        ? undefined
        : {
            values: rounds,
            show: (x: number) => formatGoalRatio(x, NODE24_OVER_NODE20_MAX),
            meets: (x: number) => x <= NODE24_OVER_NODE20_MAX,
          };
    const check = verdict(
      formatGoalRatio(value, NODE24_OVER_NODE20_MAX),
      met,
      context,
      noisy,
      formatGoalRatio(b.minMs / a.minMs),
      notes,
      perProcess,
    );
    // over processes, the slowest process's median over the fastest's beside each
    const time = (cell: CellResult): string =>
      `${formatMs(cell.medianMs)}${isProcessCell(cell) ? ` ~${spreadOf(cell.processMedians).toFixed(2)}x` : ''}`;
    return [[w24.id, time(a), time(b), check.text]];
  });
  return table(
    [
      'workload',
      `tensorwasm ${node20.engine.name}`,
      `tensorwasm ${node24.engine.name}`,
      `Node 24 / Node 20 <= ${NODE24_OVER_NODE20_MAX}x`,
    ],
    rows,
  );
}

/**
 * The goals section that ends the engines report: the goals by engine,
 * Node 24 over Node 20 per workload, and the known reasons they cite.
 */
export function renderGoals(
  runs: readonly EngineRun[],
  reasons: readonly KnownReason[] = KNOWN_REASONS,
): string {
  const notes = new Notes(reasons);
  const counts = runs.filter((r) => r.result !== undefined).map(processCount);
  const processes = Math.max(1, ...counts);
  const how =
    processes > 1
      ? `over ${processes} fresh processes per engine: per process tfjs-wasm median / tensorwasm median on the ` +
        "same engine, then the median of those; times and GF/s from the median of the processes' medians; " +
        'processes straddle the goal: some of them meet it and some do not'
      : 'ratios: tfjs-wasm median / tensorwasm median on the same engine, in this run';
  const parts = [
    `**Goals of issue #22** (${how}; ` +
      `noisy: a median over ${NOISY_MEDIAN_OVER_MIN}x its cell's fastest sample, with what the fastest samples give)`,
    '',
    goalsTable(runs, notes),
    '',
    node24Table(runs, notes),
  ];
  const lines = notes.render();
  return [...parts, ...(lines.length === 0 ? [] : ['', lines.join('\n\n')])].join('\n');
}
