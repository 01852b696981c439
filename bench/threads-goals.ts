/**
 * The goals of issue #21 checked against one threads run: per row, the
 * speed-up over our own 1-thread run, met or not, and for a miss the measured
 * context — the load while measuring, and for the rows that stream memory the
 * machine's bound, from a probe the bench runs in the same process
 * (bench/stream-bandwidth.ts): what two threads gain on a plain copy or sum
 * of the same bytes.
 */
import { formatGoalRatio } from './report.js';
import type { StreamBound, StreamKind, StreamSpec } from './stream-bandwidth.js';

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

/** One goal line: 'W4 >= 1.6x: 1.1x, not met — ...'. */
export function goalLine(
  row: ThreadRow,
  bounds: readonly StreamBound[],
  load: readonly number[],
  cores: number,
): string | undefined {
  const goal = THREAD_GOALS[row.id];
  if (goal === undefined) return undefined;
  const speedUp = row.oneMs / row.manyMs;
  const head = `${row.id} >= ${goal}x: ${formatGoalRatio(speedUp, goal)}`;
  if (!Number.isFinite(speedUp)) return `${head}, not measured`;
  if (speedUp >= goal) return `${head}, met`;
  const reasons: string[] = [];
  const stream = STREAM_OF[row.id];
  const bound =
    stream === undefined ? undefined : bounds.find((b) => b.kind === stream.kind && b.bytes === stream.bytes);
  if (bound !== undefined) {
    const plain = bound.oneMs / bound.manyMs;
    reasons.push(
      plain < 1
        ? `no bound measured: a plain ${describeBound(bound)} was slower on ${bound.threads} threads, ` +
            'so a thread lacked a core'
        : speedUp >= AT_BOUND * plain
          ? `at the machine's bound: a plain ${describeBound(bound)}`
          : `not the memory bound: a plain ${describeBound(bound)}, and on 1 thread the kernel ` +
            `takes ${(row.oneMs / bound.oneMs).toFixed(1)}x the plain ${bound.kind}'s time`,
    );
  }
  const hi = Math.max(...load);
  if (hi >= cores * 0.75) reasons.push(`load up to ${hi.toFixed(1)} on ${cores} cores`);
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
  return [`Goals (issue #21, over our own 1 thread):`, '', ...lines, ...measured].join('\n');
}
