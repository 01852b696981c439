/**
 * The goals of issue #21 checked against one threads run: per row, the
 * speed-up over our own 1-thread run, met or not, and for a miss the measured
 * context — the load while measuring, and for the rows that stream memory the
 * machine's bound, from a probe the bench runs in the same process
 * (bench/stream-bandwidth.ts): what two threads gain on a plain copy or sum
 * of the same bytes. Over several processes (`--processes N`) the speed-up
 * is the median of each process's own, a goal the processes straddle says
 * so, and each process's speed-up is judged against its own plain stream.
 */
import { NEAR_ROUND_TRIP_NS, placementOf, tripsText } from './core-latency.js';
import { finiteValues, straddles } from './process-cells.js';
import { formatGoalRatio, median } from './report.js';
import { bytesMoved, type StreamBound, type StreamKind, type StreamSpec } from './stream-bandwidth.js';

/** The speed-up over one thread each row must reach on 2 threads (issue #21). */
export const THREAD_GOALS: Readonly<Record<string, number>> = {
  'W1 N=1024': 1.8,
  W3: 1.6,
  W4: 1.6,
  W5: 1.8,
  W6: 1.8,
  'ResNet-50': 1.8,
};

/** The plain stream of the same bytes as a workload's kernel: its bound. */
export const STREAM_OF: Readonly<Record<string, { readonly kind: StreamKind; readonly bytes: number }>> = {
  // softmax and layerNorm of 1024x1024: read 4 MB, write 4 MB
  W3: { kind: 'copy', bytes: 4 << 20 },
  W4: { kind: 'copy', bytes: 4 << 20 },
  // the sum of 16M values: read 64 MB
  W6: { kind: 'sum', bytes: 64 << 20 },
};

/** The streams the goals need measured, each once. */
export function streamsToMeasure(): StreamSpec[] {
  const seen = new Map(Object.values(STREAM_OF).map((s) => [`${s.kind} ${s.bytes}`, s]));
  return [...seen.values()];
}

/** A workload's row: its id and its 1- and N-thread medians. */
export interface ThreadRow {
  readonly id: string;
  readonly oneMs: number;
  readonly manyMs: number;
  /** Cores other work took while it was measured (over processes, the most any saw); undefined: not known. */
  readonly others?: number;
  /** The round trip between our threads' cores (ns; over processes, the farthest); undefined: not measured. */
  readonly roundTripNs?: number;
  /** The share of its round-trip readings with the cores apart (over processes, the most). */
  readonly apart?: number;
  /**
   * Over several processes, in the order they ran: each one's speed-up (its
   * 1-thread median over its N-thread median; NaN where it failed) and the
   * plain streams it measured. The row's speed-up is then their median.
   */
  readonly processes?: readonly ProcessSpeedUp[];
}

/** One process's speed-up on a row and the plain streams measured in that process. */
export interface ProcessSpeedUp {
  readonly speedUp: number;
  /** Its N-thread median (ms): what a streaming row's bytes moved at, against the plain stream's. */
  readonly manyMs?: number;
  readonly bounds: readonly StreamBound[];
  /** Cores other work took while the process measured the row. */
  readonly others?: number;
  /** The round trip between our threads' cores while the process measured the row (ns, the median reading). */
  readonly roundTripNs?: number;
  /** The share of those readings with the cores apart. */
  readonly apart?: number;
}

/**
 * Most cores other work may take while a row is measured for its figure to
 * count as taken on a quiet machine (the goals' condition): a tenth of a
 * core, ~5% of the 2 cores' time (/proc/stat counts 10 ms ticks: a few
 * seconds of samples resolve a hundredth).
 */
export const QUIET_OTHERS = 0.1;

/**
 * A quietness verdict and the load average beside it: `quiet` when nothing
 * is in `busy` (what took more than QUIET_OTHERS, as the caller words it),
 * else that list marked; the load average counts our own threads.
 */
export function quietVerdict(
  busy: readonly string[],
  busyText: string,
  quiet: string,
  load: readonly number[],
): string {
  const verdict =
    busy.length === 0
      ? `${quiet} (at most ${QUIET_OTHERS} cores)`
      : `**not on a quiet machine**: ${busyText} (over ${QUIET_OTHERS} cores)`;
  const lo = Math.min(...load).toFixed(2);
  const hi = Math.max(...load).toFixed(2);
  return `${verdict}. Load average (1 min, our threads included): ${lo}-${hi}.`;
}

/** '0.03 cores', or '' when not known. */
export function othersText(others: number | undefined): string {
  return others === undefined ? '' : `${others.toFixed(2)} cores`;
}

/** ' (others 0.03 cores, round trip 150 ns, 20% apart)' for what was known while a row was measured, or ''. */
export function conditionsText(
  others: number | undefined,
  roundTripNs: number | undefined,
  apart: number | undefined,
): string {
  const parts = [
    ...(others === undefined ? [] : [`others ${othersText(others)}`]),
    ...(roundTripNs === undefined ? [] : [`round trip ${tripsText(roundTripNs, apart)}`]),
  ];
  return parts.length === 0 ? '' : ` (${parts.join(', ')})`;
}

/**
 * Where processes ran with their threads' cores both near (sharing a cache)
 * and apart: the median speed-up of each kind ('near cores (round trip <=
 * 250 ns) 1.94x in 1 process, apart 1.65x in 2'); undefined when all ran alike.
 */
function placementText(processes: readonly ProcessSpeedUp[]): string | undefined {
  const of = (kind: 'near' | 'apart'): number[] =>
    finiteValues(
      processes
        .filter((p) => p.roundTripNs !== undefined && placementOf(p.roundTripNs) === kind)
        .map((p) => p.speedUp),
    );
  const near = of('near');
  const apart = of('apart');
  if (near.length === 0 || apart.length === 0) return undefined;
  const count = (xs: readonly number[]): string => `${xs.length} process${xs.length === 1 ? '' : 'es'}`;
  return (
    `on cores sharing a cache (round trip <= ${NEAR_ROUND_TRIP_NS} ns) ${median(near).toFixed(2)}x in ` +
    `${count(near)}, on cores apart ${median(apart).toFixed(2)}x in ${count(apart)}`
  );
}

/** A row's speed-up: the median of its processes' own, else its 1-thread median over its N-thread one. */
export function speedUpOf(row: ThreadRow): number {
  if (row.processes === undefined) return row.oneMs / row.manyMs;
  const xs = finiteValues(row.processes.map((p) => p.speedUp));
  return xs.length === 0 ? NaN : median(xs);
}

/** 'copy of 4 MB: 2 threads 131 GB/s, 1 thread 71 GB/s (1.84x)'. */
export function describeBound(b: StreamBound): string {
  const mb = b.bytes / (1 << 20);
  return (
    `${b.kind} of ${mb} MB: ${b.threads} threads ${b.manyGBs.toFixed(0)} GB/s, ` +
    `1 thread ${b.oneGBs.toFixed(0)} GB/s (${(b.oneMs / b.manyMs).toFixed(2)}x)`
  );
}

/** Within this fraction of the plain stream's speed-up, a row is at the machine's bound. */
const AT_BOUND = 0.9;

/**
 * How a missed speed-up compares with the plain stream's on the same threads:
 * at the bound when it gains as much, or when its N-thread run moves its
 * bytes as fast as the plain stream does on N threads (a kernel that streams
 * faster than the plain loop on one thread — W6's sum, its 64 partials each
 * a sequential stream, 18 GB/s against the plain sum's 13 in session 16 —
 * gains less from the same N-thread bandwidth).
 */
type BoundVerdict = 'no bound' | 'at the bound' | 'at the bandwidth' | 'under the bound';

function boundVerdict(speedUp: number, bound: StreamBound, manyMs: number | undefined): BoundVerdict {
  const plain = bound.oneMs / bound.manyMs;
  if (plain < 1) return 'no bound';
  if (speedUp >= AT_BOUND * plain) return 'at the bound';
  const gbs = manyMs === undefined ? NaN : rowGBs(bound, manyMs);
  return gbs >= AT_BOUND * bound.manyGBs ? 'at the bandwidth' : 'under the bound';
}

/** GB/s a row moving the plain stream's bytes in `ms` reaches. */
function rowGBs(bound: StreamBound, ms: number): number {
  return bytesMoved(bound.kind, bound.bytes) / ms / 1e6;
}

/** '2.74 ms: 24 GB/s on 2 threads, the plain sum 22 GB/s'. */
function bandwidthText(bound: StreamBound, manyMs: number): string {
  return `${rowGBs(bound, manyMs).toFixed(0)} GB/s on ${bound.threads} threads, the plain ${bound.kind} ${bound.manyGBs.toFixed(0)} GB/s`;
}

/** The plain stream of `id`'s bytes among `bounds`, if the row streams memory and it was measured. */
function boundFor(id: string, bounds: readonly StreamBound[]): StreamBound | undefined {
  const stream = STREAM_OF[id];
  return stream === undefined
    ? undefined
    : bounds.find((b) => b.kind === stream.kind && b.bytes === stream.bytes);
}

/**
 * Each process's speed-up judged against its own plain stream: 'per process
 * against a plain sum of 64 MB on 2 threads: 1.40x at the machine's bound
 * (plain 1.27x), 1.85x met, ...' (undefined when the row streams no memory
 * or no process measured the stream).
 */
function perProcessBounds(
  id: string,
  goal: number,
  processes: readonly ProcessSpeedUp[],
): string | undefined {
  const stream = STREAM_OF[id];
  if (stream === undefined || processes.every((p) => boundFor(id, p.bounds) === undefined)) return undefined;
  const each = processes.map(({ speedUp, bounds, manyMs }) => {
    if (!Number.isFinite(speedUp)) return 'failed';
    const shown = `${speedUp.toFixed(2)}x`;
    if (speedUp >= goal) return `${shown} met`;
    const bound = boundFor(id, bounds);
    if (bound === undefined) return `${shown} (no plain stream measured)`;
    const plain = `plain ${(bound.oneMs / bound.manyMs).toFixed(2)}x`;
    const verdict = boundVerdict(speedUp, bound, manyMs);
    return verdict === 'no bound'
      ? `${shown}, no bound measured (${plain}: a thread lacked a core)`
      : verdict === 'at the bound'
        ? `${shown} at the machine's bound (${plain})`
        : verdict === 'at the bandwidth'
          ? `${shown} at the machine's bandwidth (${bandwidthText(bound, manyMs!)}; ${plain})`
          : `${shown} not the memory bound (${plain})`;
  });
  const threads = processes.flatMap((p) => p.bounds)[0]?.threads ?? 2;
  return `per process against a plain ${stream.kind} of ${stream.bytes / (1 << 20)} MB on ${threads} threads: ${each.join(', ')}`;
}

/** One goal line: 'W4 >= 1.6x: 1.1x, not met — ...'. */
export function goalLine(
  row: ThreadRow,
  bounds: readonly StreamBound[],
  load: readonly number[],
  cores: number,
): string | undefined {
  const goal = THREAD_GOALS[row.id];
  if (goal === undefined) return undefined;
  const speedUp = speedUpOf(row);
  const head = `${row.id} >= ${goal}x: ${formatGoalRatio(speedUp, goal)}`;
  if (!Number.isFinite(speedUp)) return `${head}, not measured`;
  const each = row.processes?.map((p) => p.speedUp) ?? [];
  const shown = (p: ProcessSpeedUp): string =>
    !Number.isFinite(p.speedUp)
      ? 'failed'
      : `${p.speedUp.toFixed(2)}x${conditionsText(p.others, p.roundTripNs, p.apart)}`;
  const straddle = straddles(each, (x) => x >= goal)
    ? `processes straddle the goal: ${(row.processes ?? []).map(shown).join(', ')}`
    : undefined;
  const placement = row.processes === undefined ? undefined : placementText(row.processes);
  const notes = [straddle, placement].filter((x) => x !== undefined);
  if (speedUp >= goal) return `${head}, met${notes.length === 0 ? '' : ` (${notes.join('; ')})`}`;
  const reasons: string[] = notes;
  if (row.processes !== undefined) {
    const judged = perProcessBounds(row.id, goal, row.processes);
    if (judged !== undefined) reasons.push(judged);
  } else {
    const bound = boundFor(row.id, bounds);
    if (bound !== undefined) {
      const verdict = boundVerdict(speedUp, bound, row.manyMs);
      reasons.push(
        verdict === 'no bound'
          ? `no bound measured: a plain ${describeBound(bound)} was slower on ${bound.threads} threads, ` +
              'so a thread lacked a core'
          : verdict === 'at the bound'
            ? `at the machine's bound: a plain ${describeBound(bound)}`
            : verdict === 'at the bandwidth'
              ? `at the machine's bandwidth: ${bandwidthText(bound, row.manyMs)} (a plain ` +
                `${describeBound(bound)}; on 1 thread the kernel takes ${(row.oneMs / bound.oneMs).toFixed(1)}x ` +
                `the plain ${bound.kind}'s time)`
              : `not the memory bound: a plain ${describeBound(bound)}, and on 1 thread the kernel ` +
                `takes ${(row.oneMs / bound.oneMs).toFixed(1)}x the plain ${bound.kind}'s time`,
      );
    }
  }
  if (row.others !== undefined && row.others > QUIET_OTHERS)
    reasons.push(`other work took up to ${othersText(row.others)} of the ${cores} while it was measured`);
  if (
    row.processes === undefined &&
    row.roundTripNs !== undefined &&
    placementOf(row.roundTripNs) === 'apart'
  )
    reasons.push(`our threads' cores shared no cache (round trip ${tripsText(row.roundTripNs, row.apart)})`);
  else if (row.others === undefined && Math.max(...load) >= cores * 0.75)
    reasons.push(
      `load average up to ${Math.max(...load).toFixed(1)} on ${cores} cores (our own threads included)`,
    );
  return `${head}, not met${reasons.length === 0 ? ' (no known reason)' : ` — ${reasons.join('; ')}`}`;
}

/** The goals block: a line per row with a goal, and the streams measured. */
export function renderThreadGoals(
  rows: readonly ThreadRow[],
  bounds: readonly StreamBound[],
  load: readonly number[],
  cores: number,
): string {
  const lines = rows.flatMap((r) => {
    const line = goalLine(r, bounds, load, cores);
    return line === undefined ? [] : [`- ${line}`];
  });
  const measured =
    bounds.length === 0
      ? []
      : [
          '',
          'Plain streams in this process (bench/stream-bandwidth.ts; the calling thread and ' +
            'workers on one shared memory, interleaved): ' +
            bounds.map(describeBound).join('; ') +
            '.',
        ];
  const over = rows.find((r) => r.processes !== undefined)?.processes?.length;
  const heading =
    over === undefined
      ? 'Goals (issue #21, over our own 1 thread):'
      : `Goals (issue #21, over our own 1 thread; the median of the ${over} processes' own speed-ups):`;
  return [heading, '', ...lines, ...measured].join('\n');
}
