/**
 * Sections for the exact search (MiniMalloc's sweep): time cut at every end event
 * that follows a start, so each section is one set of buffers live together and
 * every buffer covers a contiguous, non-empty range of sections.
 */
import type { Problem } from './conflicts.js';
import { sortIndices } from './sort-keys.js';

/** Sections of one group of buffers, indexed by the buffer's position in `members`. */
export interface Sections {
  /** Number of sections. */
  readonly count: number;
  /** Member k covers sections [start[k], end[k]). */
  readonly start: Int32Array;
  readonly end: Int32Array;
  /** Total aligned bytes of the members in each section. */
  readonly totals: Float64Array;
  /** Members of section s are members[memberStart[s] .. memberStart[s + 1]) (positions in `members`). */
  readonly memberStart: Int32Array;
  readonly members: Int32Array;
}

/**
 * Sweeps the members' start and end events in time order (ends before starts at
 * one step, since lifetimes are inclusive): an end at a later time than the last
 * section's closes a new section holding everything live just before it.
 */
export function sweepSections(p: Problem, members: readonly number[]): Sections {
  const m = members.length;
  // Event e < m: start of member e at first; e >= m: end of member e - m at last + 1.
  const keys = new Float64Array(2 * m);
  for (let k = 0; k < m; k++) {
    const g = members[k]!;
    keys[k] = p.first[g]! * 2 + 1;
    keys[m + k] = (p.last[g]! + 1) * 2;
  }
  const events = sortIndices(keys);
  const start = new Int32Array(m);
  const end = new Int32Array(m);
  let count = 0;
  let lastTime = m === 0 ? 0 : Math.floor(keys[events[0]!]! / 2);
  for (const e of events) {
    if (e < m) {
      start[e] = count;
      continue;
    }
    const time = keys[e]! / 2;
    if (time > lastTime) {
      lastTime = time;
      count++;
    }
    end[e - m] = count;
  }
  const totals = new Float64Array(count);
  const memberStart = new Int32Array(count + 1);
  for (let k = 0; k < m; k++) {
    const size = p.size[members[k]!]!;
    for (let s = start[k]!; s < end[k]!; s++) {
      totals[s]! += size;
      memberStart[s + 1]!++;
    }
  }
  for (let s = 0; s < count; s++) memberStart[s + 1]! += memberStart[s]!;
  const fill = memberStart.slice(0, count);
  const list = new Int32Array(count === 0 ? 0 : memberStart[count]!);
  for (let k = 0; k < m; k++) for (let s = start[k]!; s < end[k]!; s++) list[fill[s]!++] = k;
  return { count, start, end, totals, memberStart, members: list };
}
