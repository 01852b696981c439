/**
 * The exact search's static view of one group of buffers: buffers renumbered by
 * their rank in a MiniMalloc preordering, their sizes, section ranges, conflicts,
 * and each section's member list. Invariant: local index = rank, so scanning
 * 0..m-1 visits buffers in preorder. `rankPiece` re-ranks the unplaced buffers of
 * a piece of a decomposed search by the same heuristic with the current section
 * totals (MiniMalloc re-sorts every sub-partition it solves).
 */
import { InternalError } from '../common/errors.js';
import type { Problem } from './conflicts.js';
import { sweepSections } from './sections.js';
import { makeRandom } from './seeded-random.js';

/**
 * Static preorderings (MiniMalloc's): T = peak section total over the buffer's
 * sections, W = lifetime width, A = area (size x width); all descending, ties by index.
 */
export type SearchHeuristic = 'WAT' | 'TAW' | 'TWA' | 'WTA' | 'ATW' | 'AWT';

/** One group's buffers in rank order, with everything the search reads. */
export interface SearchSpace {
  readonly m: number;
  /** Global buffer index of each rank. */
  readonly globals: Int32Array;
  readonly size: Float64Array;
  /** Buffer u covers sections [s0[u], s1[u]). */
  readonly s0: Int32Array;
  readonly s1: Int32Array;
  readonly sections: number;
  /** Total bytes per section. */
  readonly totals: Float64Array;
  /** Section s lists ranks sectionList[sectionStart[s] .. sectionStart[s + 1]). */
  readonly sectionStart: Int32Array;
  readonly sectionList: Int32Array;
  /** Conflicts of u: adj[adjStart[u] .. adjStart[u + 1]) (ranks). */
  readonly adjStart: Int32Array;
  readonly adj: Int32Array;
  /** cuts[s]: buffers covering both section s and s + 1. */
  readonly cuts: Int32Array;
  readonly heuristic: SearchHeuristic;
  /** Lifetime width and area of each rank, for re-ranking pieces. */
  readonly width: Float64Array;
  readonly area: Float64Array;
  /** Factor on each rank's leading key (1 unless the run is seeded). */
  readonly jitter: Float64Array;
}

/**
 * Builds the search space of `members` (non-empty, closed under conflicts; stored
 * graph). A `seed` perturbs the preordering (restarts that diversify the search).
 */
export function makeSearchSpace(
  p: Problem,
  members: readonly number[],
  heuristic: SearchHeuristic,
  seed?: number,
): SearchSpace {
  const sec = sweepSections(p, members);
  const m = members.length;
  const random = makeRandom(seed ?? 0);
  const jitterOf = Float64Array.from(members, () =>
    seed === undefined ? 1 : 1 + SEED_JITTER * (random() - 0.5),
  );
  const byRank = rankMembers(p, members, sec.start, sec.end, sec.totals, heuristic, jitterOf);
  const rankOf = new Int32Array(m);
  byRank.forEach((k, r) => (rankOf[k] = r));
  const globals = Int32Array.from(byRank, (k) => members[k]!);
  const width = Float64Array.from(globals, (g) => p.last[g]! - p.first[g]! + 1);
  const s0 = Int32Array.from(byRank, (k) => sec.start[k]!);
  const s1 = Int32Array.from(byRank, (k) => sec.end[k]!);
  const cuts = new Int32Array(Math.max(0, sec.count - 1));
  for (let u = 0; u < m; u++) for (let s = s0[u]!; s + 1 < s1[u]!; s++) cuts[s]!++;
  return {
    m,
    globals,
    size: Float64Array.from(globals, (g) => p.size[g]!),
    s0,
    s1,
    sections: sec.count,
    totals: sec.totals,
    sectionStart: sec.memberStart,
    sectionList: sec.members.map((k) => rankOf[k]!),
    ...localAdjacency(p, globals),
    cuts,
    heuristic,
    width,
    area: Float64Array.from(globals, (g, r) => width[r]! * p.size[g]!),
    jitter: Float64Array.from(byRank, (k) => jitterOf[k]!),
  };
}

/**
 * Writes into ids[from, to) the ranks listed there, reordered by `sp.heuristic`
 * with T taken from the current section totals `total` (W and A do not change);
 * ties by global index. The caller sorts the piece's list by (min offset, new rank).
 */
export function rankPiece(
  sp: SearchSpace,
  total: Float64Array,
  ids: Int32Array,
  from: number,
  to: number,
): void {
  const keys = new Float64Array(3 * (to - from));
  const order: number[] = [];
  for (let i = from; i < to; i++) {
    const u = ids[i]!;
    let peak = 0;
    for (let s = sp.s0[u]!; s < sp.s1[u]!; s++) if (total[s]! > peak) peak = total[s]!;
    const k = 3 * (i - from);
    for (let c = 0; c < 3; c++) {
      const letter = sp.heuristic[c];
      keys[k + c] = letter === 'T' ? peak : letter === 'W' ? sp.width[u]! : sp.area[u]!;
    }
    keys[k] = keys[k]! * sp.jitter[u]!;
    order.push(i - from);
  }
  order.sort((a, b) => {
    for (let c = 0; c < 3; c++) {
      const d = keys[3 * b + c]! - keys[3 * a + c]!;
      if (d !== 0) return d;
    }
    return sp.globals[ids[from + a]!]! - sp.globals[ids[from + b]!]!;
  });
  const piece = ids.slice(from, to);
  order.forEach((k, r) => (ids[from + r] = piece[k]!));
}

/** The conflict graph restricted to the group, in ranks, as CSR. */
function localAdjacency(p: Problem, globals: Int32Array): { adjStart: Int32Array; adj: Int32Array } {
  const { adjStart: start, adj: all } = p;
  if (start === null || all === null)
    throw new InternalError('planner', 'makeSearchSpace: the conflict graph is not stored');
  const rankOf = new Map<number, number>();
  globals.forEach((g, r) => rankOf.set(g, r));
  const adjStart = new Int32Array(globals.length + 1);
  const out: number[] = [];
  globals.forEach((g, r) => {
    for (let e = start[g]!; e < start[g + 1]!; e++) {
      const v = rankOf.get(all[e]!);
      if (v !== undefined) out.push(v);
    }
    adjStart[r + 1] = out.length;
  });
  return { adjStart, adj: Int32Array.from(out) };
}

/** How much a seeded run may scale a buffer's leading key (diversified restarts). */
const SEED_JITTER = 1;

/** Positions 0..m-1 sorted by the heuristic's keys (descending), ties by buffer index. */
function rankMembers(
  p: Problem,
  members: readonly number[],
  start: Int32Array,
  end: Int32Array,
  totals: Float64Array,
  heuristic: SearchHeuristic,
  jitterOf: Float64Array,
): number[] {
  const keyOf = (k: number): number[] => {
    const g = members[k]!;
    let peak = 0;
    for (let s = start[k]!; s < end[k]!; s++) peak = Math.max(peak, totals[s]!);
    const width = p.last[g]! - p.first[g]! + 1;
    const parts = { T: peak, W: width, A: width * p.size[g]! };
    const out = [...heuristic].map((c) => parts[c as 'T' | 'W' | 'A']);
    // A seeded run scales the leading key by its factor, in [1 - SEED_JITTER/2, 1 + SEED_JITTER/2).
    out[0] = out[0]! * jitterOf[k]!;
    return out;
  };
  const keys = members.map((_, k) => keyOf(k));
  return members
    .map((_, k) => k)
    .sort((a, b) => {
      const ka = keys[a]!;
      const kb = keys[b]!;
      for (let i = 0; i < ka.length; i++) if (ka[i] !== kb[i]) return kb[i]! - ka[i]!;
      return members[a]! - members[b]!;
    });
}
