/**
 * Exact search for a placement that fits a capacity, in the style of MiniMalloc
 * (Moffitt, ASPLOS 2023). Invariant: only canonical placements are enumerated —
 * buffers go in non-decreasing offset order, each resting on its sections' floor.
 *
 * Time is cut into sections (between consecutive start/end events); `floor[s]` is
 * the top of the highest placed buffer in section s. At each node the level L is
 * the lowest floor offset any unplaced buffer could take; the search either puts
 * one of the buffers whose floor is exactly L there (in rank order, so each set of
 * buffers at one level is tried once) or decides that nothing more goes at L and
 * lifts the level. A section whose floor is below L wastes [floor, L), so a node is
 * pruned when max(floor[s], L) + (unplaced bytes in s) exceeds the capacity.
 */
import type { Problem } from './conflicts.js';

/** Outcome of one search: offsets (global indexing) if a fit was found. */
export type SearchOutcome =
  | { status: 'found'; offsets: Map<number, number>; nodes: number }
  | { status: 'infeasible'; nodes: number }
  | { status: 'timeout'; nodes: number };

/** Thrown through the recursion to stop a search at its node or time limit. */
class SearchStopped extends Error {}
const CLOCK_EVERY_NODES = 1023;

/** Candidate orders (MiniMalloc's static preorderings): T = peak total bytes over the
 * buffer's sections, W = lifetime width, A = area (size x width); all descending. */
export type SearchHeuristic = 'TWA' | 'WAT' | 'WTA' | 'TAW' | 'ATW' | 'AWT';

/** How one search run is steered. */
export interface SearchRun {
  heuristic: SearchHeuristic;
  /** 0 = the plain order; otherwise a seed for random swaps of neighbours in it. */
  shuffleSeed: number;
  /** Give up (status 'timeout') after this many nodes. */
  nodeLimit: number;
  /** performance.now() time after which to give up. */
  deadline: number;
}

/**
 * Searches for offsets of `members` (a set of non-empty buffers closed under
 * conflicts, with a stored conflict graph) that keep every buffer below `capacity`.
 * 'infeasible' is a proof that no placement fits.
 */
export function searchFit(
  p: Problem,
  members: readonly number[],
  capacity: number,
  run: SearchRun,
): SearchOutcome {
  const m = members.length;
  const times = [...new Set(members.flatMap((g) => [p.first[g]!, p.last[g]! + 1]))].sort((a, b) => a - b);
  const sectionOf = new Map<number, number>(times.map((t, s) => [t, s]));
  const sections = Math.max(0, times.length - 1);
  const spanOf = (g: number): [number, number] => [
    sectionOf.get(p.first[g]!)!,
    sectionOf.get(p.last[g]! + 1)! - 1,
  ];
  const totals = new Float64Array(sections);
  for (const g of members) {
    const [a, b] = spanOf(g);
    for (let s = a; s <= b; s++) totals[s]! += p.size[g]!;
  }
  for (let s = 0; s < sections; s++) if (totals[s]! > capacity) return { status: 'infeasible', nodes: 0 };
  const byRank = rankMembers(p, members, run, (g) => {
    const [a, b] = spanOf(g);
    let peak = 0;
    for (let s = a; s <= b; s++) peak = Math.max(peak, totals[s]!);
    return peak;
  });
  const local = new Map<number, number>();
  byRank.forEach((g, r) => local.set(g, r));
  // Local index = rank, so scanning 0..m-1 visits candidates in rank order.
  const size = Float64Array.from(byRank, (g) => p.size[g]!);
  const s0 = Int32Array.from(byRank, (g) => spanOf(g)[0]);
  const s1 = Int32Array.from(byRank, (g) => spanOf(g)[1]);
  const neighbours = byRank.map((g) => {
    const out: number[] = [];
    for (let e = p.adjStart![g]!; e < p.adjStart![g + 1]!; e++) {
      const r = local.get(p.adj![e]!);
      if (r !== undefined) out.push(r);
    }
    return Int32Array.from(out);
  });
  const floor = new Float64Array(sections);
  const remaining = totals;
  const { deadline, nodeLimit } = run;
  const minOff = new Float64Array(m);
  const offset = new Float64Array(m);
  const placed = new Uint8Array(m);
  const trail: number[] = [];
  let placedCount = 0;
  let nodes = 0;

  /** Puts u at `at`; returns the trail mark to undo to, or -1 (undone) if a section overflows. */
  const place = (u: number, at: number): number => {
    const mark = trail.length;
    const top = at + size[u]!;
    placed[u] = 1;
    offset[u] = at;
    placedCount++;
    let fits = top <= capacity;
    for (let s = s0[u]!; s <= s1[u]!; s++) {
      trail.push(s, floor[s]!);
      floor[s] = top;
      remaining[s]! -= size[u]!;
      if (remaining[s]! > 0 && top + remaining[s]! > capacity) fits = false;
    }
    trail.push(-1);
    const adj = neighbours[u]!;
    for (let k = 0; k < adj.length; k++) {
      const v = adj[k]!;
      if (placed[v] === 0 && minOff[v]! < top) {
        trail.push(v, minOff[v]!);
        minOff[v] = top;
      }
    }
    if (!fits) {
      unplace(u, mark);
      return -1;
    }
    return mark;
  };

  const unplace = (u: number, mark: number): void => {
    // Trail layout: (section, floor)* -1 (buffer, minOff)*; undo from the end.
    const sep = trail.lastIndexOf(-1);
    while (trail.length > sep + 1) {
      const old = trail.pop()!;
      minOff[trail.pop()!] = old;
    }
    trail.pop();
    while (trail.length > mark) {
      const old = trail.pop()!;
      const s = trail.pop()!;
      floor[s] = old;
      remaining[s]! += size[u]!;
    }
    placed[u] = 0;
    placedCount--;
  };

  const cover = new Float64Array(sections);
  /**
   * Every section must hold its unplaced bytes above its effective floor: no
   * unplaced buffer covering s can go below max(its floor offset, level).
   */
  const levelFits = (level: number): boolean => {
    cover.fill(Infinity);
    for (let u = 0; u < m; u++) {
      if (placed[u] === 1) continue;
      const at = Math.max(minOff[u]!, level);
      for (let s = s0[u]!; s <= s1[u]!; s++) if (at < cover[s]!) cover[s] = at;
    }
    for (let s = 0; s < sections; s++) {
      const r = remaining[s]!;
      if (r > 0 && Math.max(floor[s]!, cover[s]!) + r > capacity) return false;
    }
    return true;
  };

  const dfs = (startLevel: number, startRank: number): boolean => {
    let level = startLevel;
    let fromRank = startRank;
    for (;;) {
      if (placedCount === m) return true;
      if (++nodes > nodeLimit) throw new SearchStopped();
      if ((nodes & CLOCK_EVERY_NODES) === 0 && performance.now() > deadline) throw new SearchStopped();
      let next = Infinity;
      for (let u = 0; u < m; u++) {
        if (placed[u] === 0 && minOff[u]! >= level && minOff[u]! < next) next = minOff[u]!;
      }
      if (next === Infinity) return false;
      if ((next > level || fromRank === 0) && !levelFits(next)) return false;
      if (next > level) fromRank = 0;
      level = next;
      for (let u = fromRank; u < m; u++) {
        if (placed[u] === 1 || minOff[u] !== level) continue;
        const mark = place(u, level);
        if (mark < 0) continue;
        if (dfs(level, u + 1)) return true;
        unplace(u, mark);
      }
      // Nothing more at this level: lift it (offsets are integers).
      level += 1;
      fromRank = 0;
    }
  };

  try {
    if (!dfs(0, 0)) return { status: 'infeasible', nodes };
  } catch (e) {
    if (e instanceof SearchStopped) return { status: 'timeout', nodes };
    throw e;
  }
  const offsets = new Map<number, number>();
  byRank.forEach((g, r) => offsets.set(g, offset[r]!));
  return { status: 'found', offsets, nodes };
}

/** Members sorted by the run's heuristic (descending keys, then index), then lightly shuffled. */
function rankMembers(
  p: Problem,
  members: readonly number[],
  run: SearchRun,
  peakTotal: (g: number) => number,
): number[] {
  const keyOf = (g: number): number[] => {
    const width = p.last[g]! - p.first[g]! + 1;
    const parts = { T: peakTotal(g), W: width, A: width * p.size[g]! };
    return [...run.heuristic].map((c) => parts[c as 'T' | 'W' | 'A']);
  };
  const keys = new Map(members.map((g) => [g, keyOf(g)]));
  const order = [...members].sort((a, b) => {
    const ka = keys.get(a)!;
    const kb = keys.get(b)!;
    for (let k = 0; k < ka.length; k++) if (ka[k] !== kb[k]) return kb[k]! - ka[k]!;
    return a - b;
  });
  if (run.shuffleSeed !== 0) {
    const random = makeRandom(run.shuffleSeed);
    for (let i = 0; i + 1 < order.length; i++) {
      if (random() < 0.2) [order[i], order[i + 1]] = [order[i + 1]!, order[i]!];
    }
  }
  return order;
}

/** mulberry32: a small seeded generator (deterministic restarts). */
export function makeRandom(seed: number): () => number {
  let state = seed | 0;
  return () => {
    state = (state + 0x6d2b79f5) | 0;
    let t = Math.imul(state ^ (state >>> 15), 1 | state);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
