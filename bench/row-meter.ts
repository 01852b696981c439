/**
 * measure.ts's RowMeter on this machine: the CPU other work took while a
 * row's samples ran (bench/cpu-others.ts) and, with a core probe, the round
 * trip between our threads' cores read between rounds, at most every
 * READING_EVERY_MS (bench/core-latency.ts: the host moves the vCPUs every
 * few tens of seconds, so a row's start and end alone would miss it): the
 * median, and the share of readings with the cores apart.
 */
import { placementOf, type CoreProbe } from './core-latency.js';
import { othersMeter } from './cpu-others.js';
import type { RowConditions, RowMeter } from './measure.js';
import { median } from './report.js';

/** Least time between two round-trip readings of a row (each takes about a millisecond of both cores). */
const READING_EVERY_MS = 250;

/**
 * A RowMeter: others' CPU over each row and, given `probe`, the cores' round
 * trip read between its rounds (none without one: ORT-web's pass, whose
 * spinning workers the readings would compete with).
 */
export function rowMeter(probe?: CoreProbe): RowMeter {
  const others = othersMeter();
  return () => {
    const stopOthers = others();
    const trips: number[] = [];
    let last = -Infinity;
    const sample = (): void => {
      if (probe === undefined || performance.now() - last < READING_EVERY_MS) return;
      trips.push(probe.roundTripNs());
      last = performance.now();
    };
    sample();
    return {
      sample,
      stop(): RowConditions {
        const cores = stopOthers();
        const apart = trips.filter((ns) => placementOf(ns) === 'apart').length;
        return {
          ...(cores === undefined ? {} : { othersCores: cores }),
          ...(trips.length === 0 ? {} : { coreRoundTripNs: median(trips), coresApart: apart / trips.length }),
        };
      },
    };
  };
}
