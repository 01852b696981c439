/**
 * Exact search for a placement under a capacity, after MiniMalloc (Moffitt, ASPLOS
 * 2023). Invariant: only canonical placements are enumerated — buffers are placed
 * in non-decreasing (offset, rank) order, each at the lowest offset its placed
 * neighbours leave (its "min offset"), so a failed search proves that no placement
 * fits.
 *
 * Pruning, per node: dominance (a buffer whose min offset is at or above the lowest
 * top any unplaced buffer can reach would leave a gap that buffer fits in, so it is
 * not a candidate) and section inference (in every section, the unplaced bytes
 * must fit between the section's floor — the top of its placed buffers, raised to
 * the lowest min offset of its unplaced ones and to the current offset — and the
 * capacity).
 */
import type { Problem } from './conflicts.js';
import { sweepSections } from './sections.js';

/** Outcome of one search: offsets (global indexing) if a fit was found. */
export type SearchOutcome =
  | { status: 'found'; offsets: Map<number, number>; nodes: number }
  | { status: 'infeasible'; nodes: number }
  | { status: 'timeout'; nodes: number };

/** Thrown through the recursion to stop a search at its node or time limit. */
class SearchStopped extends Error {}
const CLOCK_EVERY_NODES = 1023;

/**
 * Static preorderings (MiniMalloc's): T = peak section total over the buffer's
 * sections, W = lifetime width, A = area (size x width); all descending, ties by index.
 */
export type SearchHeuristic = 'WAT' | 'TAW' | 'TWA' | 'WTA' | 'ATW' | 'AWT';

/** How one search run is steered. */
export interface SearchRun {
  heuristic: SearchHeuristic;
  /** Give up (status 'timeout') after this many nodes. */
  nodeLimit: number;
  /** performance.now() time after which to give up. */
  deadline: number;
}

/**
 * Searches for offsets of `members` (non-empty buffers closed under conflicts, with
 * a stored conflict graph) that keep every buffer within `capacity` bytes.
 * 'infeasible' is a proof that no placement fits.
 */
export function searchFit(
  p: Problem,
  members: readonly number[],
  capacity: number,
  run: SearchRun,
): SearchOutcome {
  const m = members.length;
  const sec = sweepSections(p, members);
  for (let s = 0; s < sec.count; s++)
    if (sec.totals[s]! > capacity) return { status: 'infeasible', nodes: 0 };
  // Local index = rank in the preordering, so scanning 0..m-1 visits candidates in rank order.
  const byRank = rankMembers(p, members, sec.start, sec.end, sec.totals, run.heuristic);
  const rankOfPosition = new Int32Array(m);
  byRank.forEach((k, r) => (rankOfPosition[k] = r));
  const localOf = new Map<number, number>();
  byRank.forEach((k, r) => localOf.set(members[k]!, r));
  const size = Float64Array.from(byRank, (k) => p.size[members[k]!]!);
  const s0 = Int32Array.from(byRank, (k) => sec.start[k]!);
  const s1 = Int32Array.from(byRank, (k) => sec.end[k]!);
  const sectionMembers = sec.members.map((k) => rankOfPosition[k]!);
  const { adjStart, adj } = localAdjacency(
    p,
    byRank.map((k) => members[k]!),
    localOf,
  );
  const sections = sec.count;
  const floor = new Float64Array(sections);
  const total = sec.totals.slice();
  const minOff = new Float64Array(m);
  const offset = new Float64Array(m).fill(-1);
  const stamp = new Int32Array(sections);
  const affected: number[] = [];
  const minTrail: number[] = [];
  const floorTrail: number[] = [];
  let keys = new Float64Array(Math.max(16, 4 * m));
  let keyTop = 0;
  let placedCount = 0;
  let nodes = 0;
  let placements = 0;
  const { deadline, nodeLimit } = run;

  /** Puts u at `at` and propagates min offsets and section floors (recorded on the trails). */
  const place = (u: number, at: number): void => {
    const top = at + size[u]!;
    offset[u] = at;
    placedCount++;
    affected.length = 0;
    const mark = ++placements;
    for (let e = adjStart[u]!, stop = adjStart[u + 1]!; e < stop; e++) {
      const v = adj[e]!;
      if (offset[v]! >= 0 || minOff[v]! >= top) continue;
      minTrail.push(v, minOff[v]!);
      minOff[v] = top;
      for (let s = s0[v]!; s < s1[v]!; s++) {
        if (stamp[s] === mark) continue;
        stamp[s] = mark;
        affected.push(s);
      }
    }
    for (let s = s0[u]!; s < s1[u]!; s++) {
      floorTrail.push(s, floor[s]!);
      floor[s] = top;
      total[s]! -= size[u]!;
    }
    // A section's floor is at least the lowest min offset of its unplaced buffers.
    for (const s of affected) {
      const f = floor[s]!;
      if (total[s] === 0) continue;
      let low = Infinity;
      for (let i = sec.memberStart[s]!, stop = sec.memberStart[s + 1]!; i < stop && low > f; i++) {
        const v = sectionMembers[i]!;
        if (offset[v]! < 0 && minOff[v]! < low) low = minOff[v]!;
      }
      if (low !== Infinity && f < low) {
        floorTrail.push(s, floor[s]!);
        floor[s] = low;
      }
    }
  };

  const unplace = (u: number, minMark: number, floorMark: number): void => {
    while (floorTrail.length > floorMark) {
      const old = floorTrail.pop()!;
      floor[floorTrail.pop()!] = old;
    }
    while (minTrail.length > minMark) {
      const old = minTrail.pop()!;
      minOff[minTrail.pop()!] = old;
    }
    for (let s = s0[u]!; s < s1[u]!; s++) total[s]! += size[u]!;
    offset[u] = -1;
    placedCount--;
  };

  /** Section inference: every section's unplaced bytes fit above max(floor, at). */
  const sectionsFit = (at: number): boolean => {
    for (let s = 0; s < sections; s++) {
      const f = floor[s]! > at ? floor[s]! : at;
      if (f + total[s]! > capacity) return false;
    }
    return true;
  };

  const dfs = (lastOff: number, lastRank: number): boolean => {
    if (placedCount === m) return true;
    if (++nodes > nodeLimit) throw new SearchStopped();
    if ((nodes & CLOCK_EVERY_NODES) === 0 && performance.now() > deadline) throw new SearchStopped();
    // Dominance: nothing may start at or above the lowest top an unplaced buffer can reach.
    let minHeight = Infinity;
    for (let u = 0; u < m; u++) {
      if (offset[u]! < 0 && minOff[u]! + size[u]! < minHeight) minHeight = minOff[u]! + size[u]!;
    }
    // Every later buffer goes at or above the candidate's offset, so each section's
    // unplaced bytes must fit above it: offsets above capacity - max total fail.
    let maxTotal = 0;
    for (let s = 0; s < sections; s++) if (total[s]! > maxTotal) maxTotal = total[s]!;
    const highest = capacity - maxTotal;
    const base = keyTop;
    if (keys.length < base + m) {
      const grown = new Float64Array(2 * (base + m));
      grown.set(keys);
      keys = grown;
    }
    for (let u = 0; u < m; u++) {
      if (offset[u]! >= 0) continue;
      const at = minOff[u]!;
      if (at >= minHeight || at > highest || at < lastOff || (at === lastOff && u < lastRank)) continue;
      keys[keyTop++] = at * m + u;
    }
    keys.subarray(base, keyTop).sort();
    try {
      for (let i = base; i < keyTop; i++) {
        const key = keys[i]!;
        const u = key % m;
        const at = (key - u) / m;
        const minMark = minTrail.length;
        const floorMark = floorTrail.length;
        place(u, at);
        const ok = sectionsFit(at) && dfs(at, u);
        if (ok) return true;
        unplace(u, minMark, floorMark);
      }
    } finally {
      keyTop = base;
    }
    return false;
  };

  try {
    if (!dfs(0, 0)) return { status: 'infeasible', nodes };
  } catch (e) {
    if (e instanceof SearchStopped) return { status: 'timeout', nodes };
    throw e;
  }
  const offsets = new Map<number, number>();
  byRank.forEach((k, r) => offsets.set(members[k]!, offset[r]!));
  return { status: 'found', offsets, nodes };
}

/** The conflict graph restricted to the group, in local (rank) indices, as CSR. */
function localAdjacency(
  p: Problem,
  globals: readonly number[],
  localOf: ReadonlyMap<number, number>,
): { adjStart: Int32Array; adj: Int32Array } {
  const adjStart = new Int32Array(globals.length + 1);
  const out: number[] = [];
  globals.forEach((g, r) => {
    for (let e = p.adjStart![g]!; e < p.adjStart![g + 1]!; e++) {
      const v = localOf.get(p.adj![e]!);
      if (v !== undefined) out.push(v);
    }
    adjStart[r + 1] = out.length;
  });
  return { adjStart, adj: Int32Array.from(out) };
}

/** Positions 0..m-1 sorted by the heuristic's keys (descending), ties by position. */
function rankMembers(
  p: Problem,
  members: readonly number[],
  start: Int32Array,
  end: Int32Array,
  totals: Float64Array,
  heuristic: SearchHeuristic,
): number[] {
  const keyOf = (k: number): number[] => {
    const g = members[k]!;
    let peak = 0;
    for (let s = start[k]!; s < end[k]!; s++) peak = Math.max(peak, totals[s]!);
    const width = p.last[g]! - p.first[g]! + 1;
    const parts = { T: peak, W: width, A: width * p.size[g]! };
    return [...heuristic].map((c) => parts[c as 'T' | 'W' | 'A']);
  };
  const keys = members.map((_, k) => keyOf(k));
  return members
    .map((_, k) => k)
    .sort((a, b) => {
      const ka = keys[a]!;
      const kb = keys[b]!;
      for (let i = 0; i < ka.length; i++) if (ka[i] !== kb[i]) return kb[i]! - ka[i]!;
      return a - b;
    });
}

/** mulberry32: a small seeded generator (deterministic restarts and perturbations). */
export function makeRandom(seed: number): () => number {
  let state = seed | 0;
  return () => {
    state = (state + 0x6d2b79f5) | 0;
    let t = Math.imul(state ^ (state >>> 15), 1 | state);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
