/**
 * The threads benchmark's Chromium report (`npm run bench -- --threads 2
 * --browser`): per workload our 1- and N-thread medians, the speed-up, and
 * tfjs-wasm's and ORT-web's N-thread medians with their ratio to ours; the
 * load line shared with the Node report; and the marked block of
 * bench/results-threads.md it lives in beside the Node table.
 */
import { NEAR_ROUND_TRIP_NS, placementOf, roundTripText } from '../core-latency.js';
import type { CellResult, StartupResult, WorkloadResult } from '../report.js';
import { QUIET_OTHERS, quietVerdict, THREAD_GOALS } from '../threads-goals.js';
import { formatGoalRatio, formatMs, formatRatio, table } from '../report.js';

/** What the Chromium threads run measured (bench/results-threads-chromium.json). */
export interface ChromiumThreadsResult {
  readonly threads: number;
  readonly date: string;
  readonly commit: string;
  readonly machine: string;
  readonly cores: number;
  /** Chromium's version ('156.0.8078.129'). */
  readonly chromium: string;
  readonly crossOriginIsolated: boolean;
  readonly hardwareConcurrency: number;
  /** The thread count tfjs-wasm's backend reported (getThreadsCount), when it loaded. */
  readonly tfjsThreads?: number;
  /** The .wasm file tfjs-wasm fetched (the threaded build is tfjs-backend-wasm-threaded-simd.wasm). */
  readonly tfjsBuild?: string;
  /**
   * The hardwareConcurrency tfjs-wasm's page was shown where the real one was
   * too low for it to take the threads asked for (it takes at most half).
   */
  readonly tfjsCoresShown?: number;
  /** Web workers each pass's page started (ours: one set per loaded N-thread model). */
  readonly workers: Readonly<Partial<Record<string, number>>>;
  /** Passes that failed as a whole ('tfjs', 'tfjs1', 'ort'), and why. */
  readonly passErrors?: Readonly<Partial<Record<string, string>>>;
  /** 1-minute load averages sampled while measuring (every progress line). */
  readonly load: readonly number[];
  /** Per pass, the cores' worth of CPU other work took while it ran (bench/cpu-others.ts; Linux). */
  readonly othersCores?: Partial<Record<string, number>>;
  /**
   * Per pass, the round trip between two of the harness's threads as it
   * started and ended, the slower (ns; bench/core-latency.ts): whether the
   * VM's vCPUs, which the page's threads run on too, shared a cache.
   */
  readonly coreRoundTripNs?: Partial<Record<string, number>>;
  /** Every pass's engines, in the order they loaded. */
  readonly startup: readonly StartupResult[];
  /**
   * Per workload the first pass's cells (`tensorwasm`, `tensorwasm-t<N>`),
   * then `tfjs-t<N>`, `tfjs` (1 thread) and `ort-t<N>` from their own passes,
   * and our 1-thread reference of those passes as `tensorwasm@tfjs`,
   * `tensorwasm@tfjs1` and `tensorwasm@ort`.
   */
  readonly workloads: readonly WorkloadResult[];
}

/** The marks around the Chromium block in bench/results-threads.md. */
export const CHROMIUM_BEGIN = '<!-- threads:chromium:begin -->';
export const CHROMIUM_END = '<!-- threads:chromium:end -->';

/** The load line (min-max of the samples) and whether the figures can be trusted on `cores` cores. */
export function loadLine(load: readonly number[], cores: number): string {
  const lo = Math.min(...load);
  const hi = Math.max(...load);
  const trust =
    hi >= cores * 0.75
      ? `**not trustworthy**: the load (${hi.toFixed(1)}) came near or above the ${cores} cores, so the threads competed with other work`
      : 'the machine was quiet enough for the figures to hold';
  return `Load average (1 min) while measuring: ${lo.toFixed(2)}-${hi.toFixed(2)}; ${trust}.`;
}

/** 'Goals (issue #21, ...): W1 N=1024 1.91x met, ..., ResNet-50 1.76x not met.' */
function goalsLine(r: ChromiumThreadsResult): string {
  const each = r.workloads.flatMap((w) => {
    const goal = THREAD_GOALS[w.id];
    const speedUp = medianOf(w, 'tensorwasm') / medianOf(w, `tensorwasm-t${r.threads}`);
    if (goal === undefined || !Number.isFinite(speedUp)) return [];
    return [`${w.id} ${formatGoalRatio(speedUp, goal)} ${speedUp >= goal ? 'met' : 'not met'}`];
  });
  const trip = r.coreRoundTripNs?.ours;
  const where =
    trip === undefined
      ? ''
      : ` (our pass on cores ${placementOf(trip) === 'near' ? 'sharing a cache' : 'apart'}: round trip ${roundTripText(trip)})`;
  return `Goals (issue #21: >= 1.8x on W1, W5, W6 and ResNet-50, >= 1.6x on W3 and W4): ${each.join(', ')}${where}.`;
}

/** "Cores' round trip during each pass: ours 150 ns, ..." (bench/core-latency.ts), or undefined. */
function passTripsLine(r: ChromiumThreadsResult): string | undefined {
  const passes = Object.entries(r.coreRoundTripNs ?? {}).filter(
    (e): e is [string, number] => typeof e[1] === 'number',
  );
  if (passes.length === 0) return undefined;
  return (
    `Cores' round trip during each pass (a cache line between two of the harness's threads, as the pass ` +
    `started and ended, the slower; up to ${NEAR_ROUND_TRIP_NS} ns the vCPUs share a cache): ` +
    `${passes.map(([pass, ns]) => `${pass} ${roundTripText(ns)}`).join(', ')}.`
  );
}

/**
 * The CPU other work took during each pass (the machine's busy time less the
 * harness's and Chromium's), judged against QUIET_OTHERS; the load average
 * line (which counts our own threads) where it was not measured.
 */
export function passOthersLine(r: ChromiumThreadsResult): string {
  const passes = Object.entries(r.othersCores ?? {}).filter(
    (e): e is [string, number] => typeof e[1] === 'number',
  );
  if (passes.length === 0) return loadLine(r.load, r.cores);
  const busy = passes.filter(([, cores]) => cores > QUIET_OTHERS).map(([pass]) => pass);
  const each = passes.map(([pass, cores]) => `${pass} ${cores.toFixed(2)}`).join(', ');
  return (
    `Other work on the machine during each pass (the machine's busy CPU, /proc/stat, less this harness's and ` +
    `Chromium's), in cores of ${r.cores}: ${each}; ` +
    quietVerdict(busy, `the ${busy.join(', ')} pass`, 'every pass ran on a quiet machine', r.load)
  );
}

function cellOf(w: WorkloadResult, key: string): CellResult | undefined {
  return w.cells.find((c) => c.competitor === key);
}

function medianOf(w: WorkloadResult, key: string): number {
  const cell = cellOf(w, key);
  return cell === undefined || cell.error !== undefined ? NaN : cell.medianMs;
}

/** A median, marked when the outputs differed from our 1-thread run's. */
function timeCell(w: WorkloadResult, key: string): string {
  const cell = cellOf(w, key);
  if (cell?.error !== undefined) return `failed: ${cell.error}`;
  const flag = cell?.flagged === true ? ` (outputs differ: ${cell.maxAbsDiff?.toExponential(1)})` : '';
  return `${formatMs(medianOf(w, key))}${flag}`;
}

/**
 * How far our 1-thread medians in the competitors' passes strayed from the
 * first pass's (the largest relative difference): the machine's drift
 * between passes, which the cross-pass ratios carry.
 */
function drift(r: ChromiumThreadsResult): number {
  const all = r.workloads.flatMap((w) => {
    const first = medianOf(w, 'tensorwasm');
    return ['tensorwasm@tfjs', 'tensorwasm@tfjs1', 'tensorwasm@ort']
      .map((k) => Math.abs(medianOf(w, k) / first - 1))
      .filter(Number.isFinite);
  });
  return all.length === 0 ? NaN : Math.max(...all);
}

/** The block's text (without its marks). */
export function renderChromiumThreads(r: ChromiumThreadsResult): string {
  const n = r.threads;
  const rows = r.workloads.map((w) => {
    const one = medianOf(w, 'tensorwasm');
    const many = medianOf(w, `tensorwasm-t${n}`);
    return [
      w.id,
      timeCell(w, 'tensorwasm'),
      timeCell(w, `tensorwasm-t${n}`),
      formatRatio(one / many),
      timeCell(w, `tfjs-t${n}`),
      formatRatio(medianOf(w, `tfjs-t${n}`) / many),
      timeCell(w, `ort-t${n}`),
      formatRatio(medianOf(w, `ort-t${n}`) / many),
    ];
  });
  const tfjs =
    r.tfjsThreads === undefined
      ? 'tfjs-wasm did not load'
      : `tfjs-wasm ran ${r.tfjsBuild ?? 'an unknown build'}, getThreadsCount() ${r.tfjsThreads}` +
        (r.tfjsCoresShown === undefined
          ? ''
          : `, its page shown hardwareConcurrency ${r.tfjsCoresShown} (it takes at most half)`);
  const failures = [
    ...Object.entries(r.passErrors ?? {}).map(([pass, e]) => `The ${pass} pass failed: ${e}.`),
    ...r.startup.filter((s) => s.error !== undefined).map((s) => `${s.label} could not run: ${s.error}.`),
  ];
  const workers = Object.entries(r.workers)
    .map(([pass, count]) => `${pass} ${count}`)
    .join(', ');
  const moved = drift(r);
  // tfjs-wasm's own 1 -> N speed-up: the timing side of "it really ran on threads"
  const own = r.workloads
    .filter((w) => Number.isFinite(medianOf(w, 'tfjs')) && Number.isFinite(medianOf(w, `tfjs-t${n}`)))
    .map((w) => `${w.id} ${formatRatio(medianOf(w, 'tfjs') / medianOf(w, `tfjs-t${n}`))}`);
  return [
    '## Headless Chromium',
    '',
    `Threads: ${n} in Chromium ${r.chromium} (tensorwasm ${r.commit}, ${r.date}, ${r.machine}, ${r.cores} cores; ` +
      `the page ${r.crossOriginIsolated ? 'cross-origin isolated' : '**not** cross-origin isolated'}, ` +
      `hardwareConcurrency ${r.hardwareConcurrency}; ${tfjs}).`,
    `Each pass in its own page: ours on 1 and ${n} threads interleaved, then tfjs-wasm (${n} threads, then 1) and ORT-web, ` +
      `each interleaved with our 1 thread (the outputs are checked against it).` +
      (Number.isFinite(moved)
        ? ` Our 1-thread medians in those passes differed from the first pass's by up to ${(moved * 100).toFixed(0)}% (the machine's drift between passes).`
        : '') +
      ` Workers the pages started: ${workers}.`,
    passOthersLine(r),
    ...[passTripsLine(r)].filter((line) => line !== undefined),
    ...(own.length === 0
      ? []
      : [
          `tfjs-wasm's own speed-up, 1 to ${n} threads (its threaded build on 1 thread, in a pass of its own): ${own.join(', ')}.`,
        ]),
    ...(r.workloads.some((w) => w.group === 'models')
      ? ['Whole models: tfjs-wasm has no ONNX import, so no tfjs-wasm figure.']
      : []),
    ...failures,
    ...(n === 2 ? [goalsLine(r)] : []),
    '',
    table(
      [
        'workload',
        'tensorwasm 1 thread',
        `tensorwasm ${n} threads`,
        'speed-up',
        `tfjs-wasm ${n} threads`,
        `tfjs-wasm / ours (${n} threads)`,
        `ORT-web ${n} threads`,
        `ORT-web / ours (${n} threads)`,
      ],
      rows,
    ),
  ].join('\n');
}

/** The marked Chromium block of a results-threads.md ('' when it has none). */
export function chromiumBlockOf(markdown: string): string {
  const begin = markdown.indexOf(CHROMIUM_BEGIN);
  const end = markdown.indexOf(CHROMIUM_END);
  return begin < 0 || end < begin ? '' : markdown.slice(begin, end + CHROMIUM_END.length);
}

/**
 * `markdown` (a results-threads.md, maybe empty) with its Chromium block
 * replaced by `block` (marks included; '' removes it), or the block appended
 * after the Node report.
 */
export function withChromiumBlock(markdown: string, block: string): string {
  const old = chromiumBlockOf(markdown);
  const rest = (old === '' ? markdown : markdown.replace(old, '')).trimEnd();
  const head = rest === '' ? '# Threads benchmark' : rest;
  return block === '' ? `${head}\n` : `${head}\n\n${block}\n`;
}

/** The block for `r`, marks included. */
export function chromiumBlock(r: ChromiumThreadsResult): string {
  return `${CHROMIUM_BEGIN}\n${renderChromiumThreads(r)}\n${CHROMIUM_END}`;
}
