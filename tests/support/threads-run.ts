/** One process's run of the Node threads bench built from its medians, for the threads report tests. */
import type { StreamBound } from '../../bench/stream-bandwidth.js';
import type { ThreadsResult } from '../../bench/threads-report.js';
import type { WorkloadResult } from '../../bench/report.js';
import { benchCell } from './bench-cell.js';

/** A workload's medians (ms): ours on 1 and 2 threads, ORT-web on 2. */
export interface ThreadTimes {
  readonly one: number;
  readonly two: number;
  readonly ort: number;
}

/** A workload (or model, in group 'models') with our 1- and 2-thread cells and ORT-web's 2-thread cell. */
export function threadWorkload(id: string, t: ThreadTimes, group = id): WorkloadResult {
  return {
    id,
    group,
    title: id,
    cells: [
      benchCell('tensorwasm', t.one, { firstRunMs: t.one }),
      benchCell('tensorwasm-t2', t.two, { firstRunMs: t.two }),
      benchCell('ort-t2', t.ort, { firstRunMs: t.ort }),
    ],
  };
}

/** A plain stream of `bytes` taking `oneMs` on 1 thread and `manyMs` on 2. */
export function streamBound(kind: 'copy' | 'sum', bytes: number, oneMs: number, manyMs: number): StreamBound {
  const moved = kind === 'copy' ? 2 * bytes : bytes;
  return {
    kind,
    bytes,
    threads: 2,
    oneMs,
    manyMs,
    oneGBs: moved / oneMs / 1e6,
    manyGBs: moved / manyMs / 1e6,
  };
}

/** One process's 2-thread run: its workloads' times, the load it saw, its plain streams, its models. */
export function threadsRunOf(
  times: Readonly<Record<string, ThreadTimes>>,
  extra: { load?: number[]; bounds?: StreamBound[]; models?: Record<string, ThreadTimes> } = {},
): ThreadsResult {
  return {
    threads: 2,
    date: '2026-12-07',
    commit: 'abc',
    machine: 'test',
    cores: 2,
    node: 'v20.20.2',
    load: extra.load ?? [0.5, 0.6],
    workloads: Object.entries(times).map(([id, t]) => threadWorkload(id, t)),
    ...(extra.models === undefined
      ? {}
      : { models: Object.entries(extra.models).map(([id, t]) => threadWorkload(id, t, 'models')) }),
    ...(extra.bounds === undefined ? {} : { bounds: extra.bounds }),
  };
}
