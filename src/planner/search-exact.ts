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
 * a section boundary, the two sides are searched independently, each with its
 * buffers re-ranked by the heuristic on the current section totals, as MiniMalloc
 * does). Each node's candidate list is derived from its parent's in linear time
 * (no re-sort). Candidates are first tested against the few sections that failed
 * the inference check last, without placing them: that test rejects exactly the
 * candidates whose placement would fail there, so it saves work, never a node.
 */
import type { Problem } from './conflicts.js';
import type { SearchHeuristic } from './search-space.js';
import { makeSearchSpace, rankPiece } from './search-space.js';

export type { SearchHeuristic } from './search-space.js';

/** Outcome of one search: offsets (global indexing) if a fit was found. */
export type SearchOutcome =
  | { status: 'found'; offsets: Map<number, number>; nodes: number }
  | { status: 'infeasible'; nodes: number }
  | { status: 'timeout'; nodes: number };

/** Thrown through the recursion to stop a search at its node or time limit. */
class SearchStopped extends Error {}
const CLOCK_EVERY_NODES = 1023;
/** How many recently failed sections are tested before a placement. */
const HOT_SECTIONS = 4;

/** How one search run is steered. */
export interface SearchRun {
  heuristic: SearchHeuristic;
  /** Give up (status 'timeout') after this many nodes. */
  nodeLimit: number;
  /** performance.now() time after which to give up. */
  deadline: number;
  /** Perturbs the preordering (diversified restarts); none: the plain heuristic. */
  seed?: number;
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
  const sp = makeSearchSpace(p, members, run.heuristic, run.seed);
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
  for (let s = 0; s < sections; s++) {
    for (let i = sectionStart[s]!; i < sectionStart[s + 1]!; i++)
      slot[slotStart[unplaced[i]!]! + s - s0[unplaced[i]!]!] = i;
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
  // The lists of the open nodes, stacked: buffer ids[i] with key (offs[i], rks[i]),
  // where rks is the rank within the node's piece (the static rank outside pieces).
  let ids = new Int32Array(Math.max(16, 4 * m));
  let offs = new Float64Array(ids.length);
  let rks = new Int32Array(ids.length);
  const movedIds = new Int32Array(m); // scratch: entries a placement raised
  const movedOffs = new Float64Array(m);
  const movedRks = new Int32Array(m);
  let keyTop = 0;
  let nodes = 0;
  let placements = 0;
  const { deadline, nodeLimit } = run;
  // Sections whose check failed lately (most recent first, -1: none). Most tried
  // candidates fail there, and testing a section costs one scan of its members
  // instead of a placement's propagation.
  const hot = new Int32Array(HOT_SECTIONS).fill(-1);
  // The buffer that last kept each section from failing (a hint, tried first).
  const witness = Int32Array.from({ length: sections }, (_, s) => sp.sectionList[sectionStart[s]!] ?? 0);

  /**
   * Whether placing u at `at` would make section s fail place()'s check: its unplaced
   * buffers other than u (each raised to u's top if it conflicts with u, i.e. their
   * section ranges overlap) would all sit too high for the bytes left in s.
   */
  const dooms = (u: number, at: number, s: number): boolean => {
    const top = at + size[u]!;
    const left = capacity - total[s]! + (s >= s0[u]! && s < s1[u]! ? size[u]! : 0);
    const lowest = (w: number): number =>
      minOff[w]! < top && s0[w]! < s1[u]! && s0[u]! < s1[w]! ? top : minOff[w]!;
    const hint = witness[s]!;
    if (hint !== u && offset[hint]! < 0 && lowest(hint) <= left) return false;
    let others = false;
    for (let i = sectionStart[s]!, stop = i + count[s]!; i < stop; i++) {
      const w = unplaced[i]!;
      if (w === u) continue;
      others = true;
      if (lowest(w) <= left) {
        witness[s] = w;
        return false;
      }
    }
    return others;
  };

  /** Moves section s to the front of the hot list. */
  const heat = (s: number): void => {
    let k = hot.indexOf(s);
    if (k < 0) k = HOT_SECTIONS - 1;
    for (; k > 0; k--) hot[k] = hot[k - 1]!;
    hot[0] = s;
  };

  /**
   * Puts u at `at`; propagates min offsets, section floors and cuts (all undoable).
   * Returns whether every section still fits.
   */
  const place = (u: number, at: number): boolean => {
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
    // Section inference where floors or totals changed (elsewhere at + total <= capacity
    // holds by the cut-off on offsets): unplaced bytes fit above max(floor, at).
    for (const s of affected) {
      if ((floor[s]! > at ? floor[s]! : at) + total[s]! <= capacity) continue;
      heat(s);
      return false;
    }
    return true;
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

  /** Makes room for `more` list entries above keyTop. */
  const reserve = (more: number): void => {
    if (ids.length >= keyTop + more) return;
    const grownIds = new Int32Array(2 * (keyTop + more));
    const grownOffs = new Float64Array(grownIds.length);
    const grownRks = new Int32Array(grownIds.length);
    grownIds.set(ids);
    grownOffs.set(offs);
    grownRks.set(rks);
    ids = grownIds;
    offs = grownOffs;
    rks = grownRks;
  };

  /**
   * Places the unplaced buffers listed in ids[lo, hi) (sections [a, b)) after
   * (lastOff, lastRank). The node's own list, sorted by (min offset, rank), is the
   * parent's without placed buffers: entries whose min offset did not change keep
   * their order, the few the last placement raised are sorted apart and merged in.
   */
  const dfs = (lo: number, hi: number, a: number, b: number, lastOff: number, lastRank: number): boolean => {
    if (++nodes > nodeLimit) throw new SearchStopped();
    if ((nodes & CLOCK_EVERY_NODES) === 0 && performance.now() > deadline) throw new SearchStopped();
    reserve(hi - lo);
    const base = keyTop;
    // Dominance: nothing may start at or above the lowest top an unplaced buffer can reach.
    let minHeight = Infinity;
    let moved = 0;
    for (let i = lo; i < hi; i++) {
      const u = ids[i]!;
      if (offset[u]! >= 0) continue;
      const at = minOff[u]!;
      const rk = rks[i]!;
      if (at + size[u]! < minHeight) minHeight = at + size[u]!;
      if (at === offs[i]) {
        ids[keyTop] = u;
        rks[keyTop] = rk;
        offs[keyTop++] = at;
        continue;
      }
      // Raised by the last placement: sorted into the side list (few entries).
      let k = moved++;
      for (; k > 0 && (movedOffs[k - 1]! > at || (movedOffs[k - 1] === at && movedRks[k - 1]! > rk)); k--) {
        movedIds[k] = movedIds[k - 1]!;
        movedOffs[k] = movedOffs[k - 1]!;
        movedRks[k] = movedRks[k - 1]!;
      }
      movedIds[k] = u;
      movedOffs[k] = at;
      movedRks[k] = rk;
    }
    // Merge the side list in from the back.
    let i = keyTop - 1;
    keyTop += moved;
    for (let k = keyTop - 1; moved > 0; k--) {
      const at = movedOffs[moved - 1]!;
      const rk = movedRks[moved - 1]!;
      if (i >= base && (offs[i]! > at || (offs[i] === at && rks[i]! > rk))) {
        ids[k] = ids[i]!;
        rks[k] = rks[i]!;
        offs[k] = offs[i--]!;
      } else {
        ids[k] = movedIds[moved - 1]!;
        rks[k] = rk;
        offs[k] = at;
        moved--;
      }
    }
    const stop = keyTop;
    if (stop === base) return true;
    // Every later buffer goes at or above the candidate's offset, so each section's
    // unplaced bytes must fit above it.
    let maxTotal = 0;
    for (let s = a; s < b; s++) if (total[s]! > maxTotal) maxTotal = total[s]!;
    const highest = capacity - maxTotal;
    for (let i = base; i < stop; i++) {
      const u = ids[i]!;
      const at = offs[i]!;
      const rk = rks[i]!;
      if (at >= minHeight || at > highest) break;
      if (at < lastOff || (at === lastOff && rk < lastRank)) continue;
      const height = placedStack.length;
      let doomed = false;
      for (let k = 0; k < HOT_SECTIONS && !doomed; k++) {
        const s = hot[k]!;
        doomed = s >= a && s < b && dooms(u, at, s);
      }
      if (doomed) continue;
      if (place(u, at)) {
        const ok =
          newCuts.length === 0 ? dfs(base, stop, a, b, at, rk) : solveParts(base, stop, a, b, [...newCuts]);
        keyTop = stop;
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

  /**
   * Dynamic decomposition: solves the pieces of ids[lo, hi) between the cut points on
   * their own, each re-ranked (rankPiece) and listed by (min offset, new rank).
   */
  const solveParts = (lo: number, hi: number, a: number, b: number, cutAt: number[]): boolean => {
    const bounds = [a, ...cutAt.sort((x, y) => x - y), b];
    const top = keyTop;
    for (let k = 0; k + 1 < bounds.length; k++) {
      const from = bounds[k]!;
      const to = bounds[k + 1]!;
      reserve(hi - lo);
      for (let i = lo; i < hi; i++) {
        const u = ids[i]!;
        if (offset[u]! < 0 && s0[u]! < to && s1[u]! > from) ids[keyTop++] = u;
      }
      if (keyTop > top) listPiece(top, keyTop);
      const ok = keyTop === top || dfs(top, keyTop, from, to, 0, 0);
      keyTop = top;
      if (!ok) return false;
    }
    return true;
  };

  /** Re-ranks the piece ids[lo, hi) and sorts it by (min offset, new rank). */
  const listPiece = (lo: number, hi: number): void => {
    rankPiece(sp, total, ids, lo, hi);
    const order = Array.from({ length: hi - lo }, (_, r) => r);
    order.sort((x, y) => minOff[ids[lo + x]!]! - minOff[ids[lo + y]!]! || x - y);
    const piece = ids.slice(lo, hi);
    order.forEach((r, k) => {
      ids[lo + k] = piece[r]!;
      rks[lo + k] = r;
      offs[lo + k] = minOff[piece[r]!]!;
    });
  };

  try {
    reserve(m);
    for (let u = 0; u < m; u++) {
      ids[keyTop] = u;
      rks[keyTop] = u;
      offs[keyTop++] = 0;
    }
    if (!dfs(0, m, 0, sections, 0, 0)) return { status: 'infeasible', nodes };
  } catch (e) {
    if (e instanceof SearchStopped) return { status: 'timeout', nodes };
    throw e;
  }
  const offsets = new Map<number, number>();
  sp.globals.forEach((g, u) => offsets.set(g, offset[u]!));
  return { status: 'found', offsets, nodes };
}
