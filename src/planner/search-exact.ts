/**
 * Exact search for a placement under a capacity, after MiniMalloc (Moffitt, ASPLOS
 * 2023). Invariant: only canonical placements are enumerated — within a partition,
 * buffers are placed in non-decreasing (offset, rank) order, each at the lowest
 * offset its placed neighbours leave (its "min offset") — so a search that runs
 * out of candidates proves that no placement fits.
 *
 * Pruning at each node: dominance (a buffer whose min offset is at or above the
 * lowest top an unplaced buffer can reach would leave a gap that buffer fits in),
 * section inference (each section's unplaced bytes must fit between max(its floor,
 * the current offset) and the capacity, where the floor is the lowest min offset of
 * its unplaced buffers), and dynamic decomposition (once no unplaced buffer crosses
 * a section boundary, the two sides are searched independently).
 */
import type { Problem } from './conflicts.js';
import type { SearchHeuristic } from './search-space.js';
import { makeSearchSpace } from './search-space.js';

export type { SearchHeuristic } from './search-space.js';

/** Outcome of one search: offsets (global indexing) if a fit was found. */
export type SearchOutcome =
  | { status: 'found'; offsets: Map<number, number>; nodes: number }
  | { status: 'infeasible'; nodes: number }
  | { status: 'timeout'; nodes: number };

/** Thrown through the recursion to stop a search at its node or time limit. */
class SearchStopped extends Error {}
const CLOCK_EVERY_NODES = 1023;

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
  const sp = makeSearchSpace(p, members, run.heuristic);
  const { m, size, s0, s1, sections, sectionStart, adjStart, adj } = sp;
  for (let s = 0; s < sections; s++) if (sp.totals[s]! > capacity) return { status: 'infeasible', nodes: 0 };
  const total = sp.totals.slice();
  const cuts = sp.cuts.slice();
  // Unplaced buffers of each section as a sparse set: unplaced[sectionStart[s] ..
  // + count[s]); slot[slotStart[u] + s - s0[u]] is u's position in it. Removal swaps
  // with the last entry, so undoing removals in reverse order is just count[s]++.
  const unplaced = sp.sectionList.slice();
  const count = Int32Array.from({ length: sections }, (_, s) => sectionStart[s + 1]! - sectionStart[s]!);
  const slotStart = new Int32Array(m + 1);
  for (let u = 0; u < m; u++) slotStart[u + 1] = slotStart[u]! + s1[u]! - s0[u]!;
  const slot = new Int32Array(slotStart[m]!);
  for (let i = 0; i < unplaced.length; i++) {
    const u = unplaced[i]!;
    const s = sectionOfEntry(sectionStart, i);
    slot[slotStart[u]! + s - s0[u]!] = i;
  }
  const floor = new Float64Array(sections);
  const minOff = new Float64Array(m);
  const offset = new Float64Array(m).fill(-1);
  const stamp = new Int32Array(sections);
  const affected: number[] = [];
  const newCuts: number[] = [];
  const minTrail: number[] = [];
  const floorTrail: number[] = [];
  const placedStack: number[] = []; // (u, minTrail mark, floorTrail mark) per placement
  let keys = new Float64Array(Math.max(16, 4 * m));
  let keyTop = 0;
  let nodes = 0;
  let placements = 0;
  const { deadline, nodeLimit } = run;

  /** Puts u at `at`; propagates min offsets, section floors and cuts (all undoable). */
  let spatialOk = true;
  const place = (u: number, at: number): void => {
    const top = at + size[u]!;
    placedStack.push(u, minTrail.length, floorTrail.length);
    offset[u] = at;
    affected.length = 0;
    newCuts.length = 0;
    const mark = ++placements;
    for (let e = adjStart[u]!, stop = adjStart[u + 1]!; e < stop; e++) {
      const v = adj[e]!;
      const old = minOff[v]!;
      if (offset[v]! >= 0 || old >= top) continue;
      minTrail.push(v, old);
      minOff[v] = top;
      if (top + size[v]! > capacity) spatialOk = false;
      // A section's floor is its unplaced buffers' lowest min offset: it can only
      // rise where v was that lowest one.
      for (let s = s0[v]!; s < s1[v]!; s++) {
        if (old > floor[s]! || stamp[s] === mark) continue;
        stamp[s] = mark;
        affected.push(s);
      }
    }
    for (let s = s0[u]!; s < s1[u]!; s++) {
      if (stamp[s] !== mark) affected.push(s);
      floorTrail.push(s, floor[s]!);
      floor[s] = top;
      total[s]! -= size[u]!;
      const i = slot[slotStart[u]! + s - s0[u]!]!;
      const j = sectionStart[s]! + --count[s]!;
      const w = unplaced[j]!;
      unplaced[i] = w;
      slot[slotStart[w]! + s - s0[w]!] = i;
      unplaced[j] = u;
      slot[slotStart[u]! + s - s0[u]!] = j;
      if (s + 1 < s1[u]! && --cuts[s]! === 0) newCuts.push(s + 1);
    }
    for (const s of affected) {
      const f = floor[s]!;
      let low = Infinity;
      for (let i = sectionStart[s]!, stop = i + count[s]!; i < stop && low > f; i++) {
        const v = unplaced[i]!;
        if (minOff[v]! < low) low = minOff[v]!;
      }
      if (low !== Infinity && f < low) {
        floorTrail.push(s, f);
        floor[s] = low;
      }
    }
  };

  /** Undoes placements (latest first) until `height` entries remain on the stack. */
  const unwindTo = (height: number): void => {
    while (placedStack.length > height) {
      const floorMark = placedStack.pop()!;
      const minMark = placedStack.pop()!;
      const u = placedStack.pop()!;
      while (floorTrail.length > floorMark) {
        const old = floorTrail.pop()!;
        floor[floorTrail.pop()!] = old;
      }
      while (minTrail.length > minMark) {
        const old = minTrail.pop()!;
        minOff[minTrail.pop()!] = old;
      }
      for (let s = s0[u]!; s < s1[u]!; s++) {
        total[s]! += size[u]!;
        count[s]!++;
        if (s + 1 < s1[u]!) cuts[s]!++;
      }
      offset[u] = -1;
    }
  };

  /** Section inference over sections [a, b): unplaced bytes fit above max(floor, at). */
  const sectionsFit = (at: number, a: number, b: number): boolean => {
    for (let s = a; s < b; s++) {
      const f = floor[s]! > at ? floor[s]! : at;
      if (f + total[s]! > capacity) return false;
    }
    return true;
  };

  /** Places the unplaced buffers of `part` (sections [a, b)) after (lastOff, lastRank). */
  const dfs = (part: Int32Array, a: number, b: number, lastOff: number, lastRank: number): boolean => {
    if (++nodes > nodeLimit) throw new SearchStopped();
    if ((nodes & CLOCK_EVERY_NODES) === 0 && performance.now() > deadline) throw new SearchStopped();
    // Dominance: nothing may start at or above the lowest top an unplaced buffer can reach.
    let minHeight = Infinity;
    for (const u of part) {
      if (offset[u]! < 0 && minOff[u]! + size[u]! < minHeight) minHeight = minOff[u]! + size[u]!;
    }
    if (minHeight === Infinity) return true;
    // Every later buffer goes at or above the candidate's offset, so each section's
    // unplaced bytes must fit above it.
    let maxTotal = 0;
    for (let s = a; s < b; s++) if (total[s]! > maxTotal) maxTotal = total[s]!;
    const highest = capacity - maxTotal;
    const base = keyTop;
    if (keys.length < base + part.length) {
      const grown = new Float64Array(2 * (base + part.length));
      grown.set(keys);
      keys = grown;
    }
    for (const u of part) {
      const at = minOff[u]!;
      if (offset[u]! >= 0 || at >= minHeight || at > highest) continue;
      if (at < lastOff || (at === lastOff && u < lastRank)) continue;
      keys[keyTop++] = at * m + u;
    }
    const stop = keyTop;
    keys.subarray(base, stop).sort();
    for (let i = base; i < stop; i++) {
      const key = keys[i]!;
      const u = key % m;
      const at = (key - u) / m;
      const height = placedStack.length;
      spatialOk = true;
      place(u, at);
      if (spatialOk && sectionsFit(at, a, b)) {
        const ok = newCuts.length === 0 ? dfs(part, a, b, at, u) : solveParts(part, a, b, [...newCuts]);
        if (ok) {
          keyTop = base;
          return true;
        }
      }
      unwindTo(height);
    }
    keyTop = base;
    return false;
  };

  /** Dynamic decomposition: solves the pieces of `part` between the cut points on their own. */
  const solveParts = (part: Int32Array, a: number, b: number, cutAt: number[]): boolean => {
    const bounds = [a, ...cutAt.sort((x, y) => x - y), b];
    for (let k = 0; k + 1 < bounds.length; k++) {
      const lo = bounds[k]!;
      const hi = bounds[k + 1]!;
      const sub = part.filter((u) => offset[u]! < 0 && s0[u]! < hi && s1[u]! > lo);
      if (sub.length > 0 && !dfs(sub, lo, hi, 0, 0)) return false;
    }
    return true;
  };

  try {
    if (
      !dfs(
        Int32Array.from({ length: m }, (_, u) => u),
        0,
        sections,
        0,
        0,
      )
    )
      return { status: 'infeasible', nodes };
  } catch (e) {
    if (e instanceof SearchStopped) return { status: 'timeout', nodes };
    throw e;
  }
  const offsets = new Map<number, number>();
  sp.globals.forEach((g, u) => offsets.set(g, offset[u]!));
  return { status: 'found', offsets, nodes };
}

/** The section whose member list holds entry i (binary search over the starts). */
function sectionOfEntry(sectionStart: Int32Array, i: number): number {
  let lo = 0;
  let hi = sectionStart.length - 2;
  while (lo < hi) {
    const mid = (lo + hi + 1) >>> 1;
    if (sectionStart[mid]! <= i) lo = mid;
    else hi = mid - 1;
  }
  return lo;
}
