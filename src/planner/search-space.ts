/**
 * The exact search's static view of one group of buffers: buffers renumbered by
 * their rank in a MiniMalloc preordering, their sizes, section ranges, conflicts,
 * and each section's member list. Invariant: local index = rank, so scanning
 * 0..m-1 visits buffers in preorder.
 */
import { InternalError } from '../common/errors.js';
import type { Problem } from './conflicts.js';
import { sweepSections } from './sections.js';

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
  const byRank = rankMembers(p, members, sec.start, sec.end, sec.totals, heuristic, seed);
  const m = members.length;
  const rankOf = new Int32Array(m);
  byRank.forEach((k, r) => (rankOf[k] = r));
  const globals = Int32Array.from(byRank, (k) => members[k]!);
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
  };
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

/** mulberry32: a small seeded generator (repeatable perturbations). */
function makeRandom(seed: number): () => number {
  let state = seed | 0;
  return () => {
    state = (state + 0x6d2b79f5) | 0;
    let t = Math.imul(state ^ (state >>> 15), 1 | state);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Positions 0..m-1 sorted by the heuristic's keys (descending), ties by buffer index. */
function rankMembers(
  p: Problem,
  members: readonly number[],
  start: Int32Array,
  end: Int32Array,
  totals: Float64Array,
  heuristic: SearchHeuristic,
  seed?: number,
): number[] {
  const random = makeRandom(seed ?? 0);
  const jitter = seed === undefined ? 0 : SEED_JITTER;
  const keyOf = (k: number): number[] => {
    const g = members[k]!;
    let peak = 0;
    for (let s = start[k]!; s < end[k]!; s++) peak = Math.max(peak, totals[s]!);
    const width = p.last[g]! - p.first[g]! + 1;
    const parts = { T: peak, W: width, A: width * p.size[g]! };
    const out = [...heuristic].map((c) => parts[c as 'T' | 'W' | 'A']);
    // A seeded run scales the leading key by a factor in [1 - jitter/2, 1 + jitter/2).
    out[0] = out[0]! * (1 + jitter * (random() - 0.5));
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
