/**
 * The Node threads benchmark's report (`npm run bench -- --threads 2`): per
 * workload our 1- and N-thread medians, the speed-up, ORT-web's N-thread
 * median and its ratio to ours, the load seen, and on 2 threads the goals of
 * issue #21. A run over several fresh processes (bench/threads-processes.ts)
 * shows medians over the processes with their spread, speed-ups and ratios
 * taken within each process (their median and range), and a line per
 * process with its load and plain streams.
 */
import { loadLine } from './browser/threads-report.js';
import { measuredCell, ratioText, spreadText } from './process-cells.js';
import type { WorkloadResult } from './report.js';
import { formatMs, formatRatio, table } from './report.js';
import type { StreamBound } from './stream-bandwidth.js';
import { NEAR_ROUND_TRIP_NS, tripsText } from './core-latency.js';
import {
  conditionsText,
  describeBound,
  QUIET_OTHERS,
  quietVerdict,
  renderThreadGoals,
  type ThreadRow,
} from './threads-goals.js';

/** What the threads run measured (in one process, or combined over several). */
export interface ThreadsResult {
  readonly threads: number;
  readonly date: string;
  readonly commit: string;
  readonly machine: string;
  readonly cores: number;
  readonly node: string;
  /** 1-minute load averages sampled while measuring (every progress report; over processes, all of theirs in order). */
  readonly load: readonly number[];
  readonly workloads: readonly WorkloadResult[];
  /** Whole ONNX models (--models), measured after the workloads. */
  readonly models?: readonly WorkloadResult[];
  /** Plain copies/sums on 1 and N threads in the same process: the streaming rows' bound. */
  readonly bounds?: readonly StreamBound[];
}

/** One fresh process of a run over several: its own result, or why it failed. */
export interface ThreadsProcess {
  readonly result?: ThreadsResult;
  readonly error?: string;
  /** The 1-minute load it saw: its result's samples, or the parent's as it started and ended. */
  readonly load: readonly number[];
}

/**
 * A run over several fresh processes: every cell a ProcessCell
 * (bench/process-cells.ts) whose ratios are over our N-thread cell
 * (`tensorwasm-t<N>`), so our 1-thread cell's ratios are the speed-ups; no
 * `bounds` of its own (each process has its plain streams).
 */
export interface CombinedThreads extends ThreadsResult {
  readonly processes: readonly ThreadsProcess[];
}

/** Whether `r` combines several processes. */
export function isCombinedThreads(r: ThreadsResult): r is CombinedThreads {
  return 'processes' in r;
}

/** Our N-thread cell's key, the reference of a combined run's ratios. */
export function manyKey(threads: number): string {
  return `tensorwasm-t${threads}`;
}

function medianOf(w: WorkloadResult | undefined, key: string): number {
  return measuredCell(w, key)?.medianMs ?? NaN;
}

/** `w`'s speed-up in one process: its 1-thread median over its N-thread median. */
export function speedUpIn(w: WorkloadResult | undefined, threads: number): number {
  return medianOf(w, 'tensorwasm') / medianOf(w, manyKey(threads));
}

/** The goals' rows: per workload and model, the medians and, over processes, each one's speed-up and streams. */
export function threadRows(r: ThreadsResult): ThreadRow[] {
  const n = r.threads;
  return [...r.workloads, ...(r.models ?? [])].map((w): ThreadRow => {
    const row = {
      id: w.id,
      oneMs: medianOf(w, 'tensorwasm'),
      manyMs: medianOf(w, manyKey(n)),
      ...(w.othersCores === undefined ? {} : { others: w.othersCores }),
      ...(w.coreRoundTripNs === undefined ? {} : { roundTripNs: w.coreRoundTripNs }),
      ...(w.coresApart === undefined ? {} : { apart: w.coresApart }),
    };
    if (!isCombinedThreads(r)) return row;
    const processes = r.processes.map(({ result }) => {
      const same = [...(result?.workloads ?? []), ...(result?.models ?? [])].find((x) => x.id === w.id);
      const others = same?.othersCores;
      const trip = same?.coreRoundTripNs;
      const apart = same?.coresApart;
      return {
        speedUp: speedUpIn(same, n),
        manyMs: medianOf(same, manyKey(n)),
        bounds: result?.bounds ?? [],
        ...(others === undefined ? {} : { others }),
        ...(trip === undefined ? {} : { roundTripNs: trip }),
        ...(apart === undefined ? {} : { apart }),
      };
    });
    return { ...row, processes };
  });
}

/** A median with, over processes, its spread ('5.57 ms ~1.10x'); '-' when it did not run. */
function timeText(w: WorkloadResult, key: string): string {
  const cell = measuredCell(w, key);
  return cell === undefined ? '-' : `${formatMs(cell.medianMs)}${spreadText(cell)}`;
}

/** A ratio of `key` over our N-thread run: within each process over processes (with the range). */
function overMany(w: WorkloadResult, key: string, threads: number, combined: boolean): string {
  const cell = measuredCell(w, key);
  if (cell === undefined || measuredCell(w, manyKey(threads)) === undefined) return '-';
  return combined
    ? ratioText(w, cell, manyKey(threads))
    : formatRatio(cell.medianMs / medianOf(w, manyKey(threads)));
}

/**
 * What else ran on the machine: the CPU other work took while each row was
 * measured (bench/cpu-others.ts), judged against QUIET_OTHERS; the load
 * average where that is not known (it counts our own threads).
 */
function othersLine(rows: readonly WorkloadResult[], r: ThreadsResult): string {
  const others = rows.flatMap((w) => (w.othersCores === undefined ? [] : [w.othersCores]));
  if (others.length < rows.length) return loadLine(r.load, r.cores);
  const busy = rows.filter((w) => (w.othersCores ?? 0) > QUIET_OTHERS).map((w) => w.id);
  const most = Math.max(...others);
  const over = isCombinedThreads(r) ? ' (over processes, the most any saw)' : '';
  return (
    `Other work on the machine while each row was measured: the machine's busy CPU (/proc/stat) less ours` +
    `${over}, up to ${most.toFixed(2)} cores of ${r.cores}; ` +
    quietVerdict(busy, busy.join(', '), 'every row measured on a quiet machine', r.load)
  );
}

const ROUND_TRIP_NOTE =
  "Cores' round trip: a cache line passed from our calling thread to a worker and back (bench/core-latency.ts), " +
  'read between rounds: the median, with the share of readings apart (over processes, the most). The host ' +
  `places the VM's vCPUs on cores that share a cache (up to ${NEAR_ROUND_TRIP_NS} ns; ~100-190 ns measured) or ` +
  'not (~500 ns and more), and moves them every few tens of seconds; apart, a core reads what the other wrote ' +
  'at a quarter of the speed, which a split kernel does with the activations the kernel before it wrote ' +
  '(docs/threads.md "Session 16").';

const PROCESS_NOTE =
  "Over several processes: each time is the median of the processes' medians, ~ the slowest process's median " +
  "over the fastest's; the speed-up and ORT-web / ours are taken within each process, then their median and " +
  'their range.';

/** A line per process: its load and the plain streams it measured, or why it failed. */
function processLines(r: CombinedThreads): string[] {
  const lines = r.processes.map((p, i) => {
    const load = `load ${Math.min(...p.load).toFixed(2)}-${Math.max(...p.load).toFixed(2)}`;
    if (p.result === undefined) return `- ${i + 1}: failed (${p.error ?? 'no result'}); ${load}`;
    const speedUps = [...p.result.workloads, ...(p.result.models ?? [])]
      .map(
        (w) =>
          `${w.id} ${formatRatio(speedUpIn(w, r.threads))}${conditionsText(w.othersCores, w.coreRoundTripNs, w.coresApart)}`,
      )
      .join(', ');
    const streams = (p.result.bounds ?? []).map(describeBound).join('; ');
    return `- ${i + 1}: ${load}; speed-ups ${speedUps}${streams === '' ? '' : `; plain ${streams}`}`;
  });
  return [
    `Processes (each a fresh Node running the whole pass above, one after another; the 1-minute load it saw, ` +
      `its speed-ups, and the plain streams it measured: bench/stream-bandwidth.ts, the calling thread and ` +
      `workers on one shared memory, interleaved):`,
    '',
    ...lines,
  ];
}

/** The report: per workload, our 1- and N-thread medians, the speed-up, and ORT-web's N-thread median. */
export function renderThreads(r: ThreadsResult): string {
  const n = r.threads;
  const combined = isCombinedThreads(r);
  const all = [...r.workloads, ...(r.models ?? [])];
  // the round trip's column where it was measured (results before session 16 have none)
  const trips = all.some((w) => w.coreRoundTripNs !== undefined);
  const rows = all.map((w) => [
    w.id,
    timeText(w, 'tensorwasm'),
    timeText(w, manyKey(n)),
    overMany(w, 'tensorwasm', n, combined),
    w.othersCores === undefined ? '-' : w.othersCores.toFixed(2),
    ...(trips ? [w.coreRoundTripNs === undefined ? '-' : tripsText(w.coreRoundTripNs, w.coresApart)] : []),
    timeText(w, `ort-t${n}`),
    overMany(w, `ort-t${n}`, n, combined),
  ]);
  const over = combined ? `, ${r.processes.length} fresh processes` : '';
  return [
    `Threads: ${n} (tensorwasm ${r.commit}, ${r.date}, ${r.node}, ${r.machine}, ${r.cores} cores${over}).`,
    othersLine(all, r),
    ...(trips ? [ROUND_TRIP_NOTE] : []),
    '',
    table(
      [
        'workload',
        'tensorwasm 1 thread',
        `tensorwasm ${n} threads`,
        'speed-up',
        'other work (cores)',
        ...(trips ? ["cores' round trip"] : []),
        `ORT-web ${n} threads`,
        `ORT-web / ours (${n} threads)`,
      ],
      rows,
    ),
    ...(combined ? ['', PROCESS_NOTE] : []),
    ...(n === 2 ? ['', renderThreadGoals(threadRows(r), r.bounds ?? [], r.load, r.cores)] : []),
    ...(combined ? ['', ...processLines(r)] : []),
  ].join('\n');
}
