/**
 * `optimize`: improves a best-fit placement within a time limit. Small instances
 * get an exact search (search-exact.ts) for the lower bound, then a bisection on
 * the capacity; large ones an iterated local search over best-fit orders.
 * Invariant: the result is never worse than the placement it starts from.
 */
import type { Problem } from './conflicts.js';
import type { OverlapRule, Placement } from './best-fit.js';
import { BEST_ORDERS, makeOrder, placeInOrder } from './best-fit.js';
import type { SearchHeuristic } from './search-exact.js';
import { searchFit } from './search-exact.js';
import { makeRandom } from './seeded-random.js';

/** Above this many buffers in one independent section the exact search is not tried. */
export const EXACT_MAX_BUFFERS = 3000;

/**
 * Returns a placement at most as large as `start`, searching until the lower bound
 * `lowerBoundBytes` is reached, the search space is exhausted, or `timeLimitMs` passes.
 */
export function optimizePlacement(
  p: Problem,
  start: Placement,
  lowerBoundBytes: number,
  timeLimitMs: number,
  allow: OverlapRule,
): Placement {
  const deadline = performance.now() + timeLimitMs;
  if (start.arenaBytes <= lowerBoundBytes) return start;
  const groups = independentGroups(p);
  const exact = p.adj !== null && groups.every((g) => g.length <= EXACT_MAX_BUFFERS);
  const found = exact ? bisectCapacity(p, groups, start, lowerBoundBytes, deadline) : start;
  // The exact search treats in-place partners as conflicts; keep best-fit if it shares better.
  const best = found.arenaBytes < start.arenaBytes ? found : start;
  if (best.arenaBytes <= lowerBoundBytes || exact) return best;
  return localSearch(p, best, lowerBoundBytes, deadline, allow);
}

/**
 * Splits the non-empty buffers into groups with no lifetime crossing between
 * them (MiniMalloc's decomposition): each group can be placed from offset 0.
 */
export function independentGroups(p: Problem): number[][] {
  const order = Array.from({ length: p.n }, (_, i) => i)
    .filter((i) => p.size[i]! > 0)
    .sort((a, b) => p.first[a]! - p.first[b]! || a - b);
  const groups: number[][] = [];
  let reach = -Infinity;
  for (const b of order) {
    if (p.first[b]! > reach) groups.push([]);
    groups[groups.length - 1]!.push(b);
    reach = Math.max(reach, p.last[b]!);
  }
  return groups;
}

/** Restart schedule (MiniMalloc's round robin): each heuristic in turn, node limits doubling. */
const HEURISTICS: readonly SearchHeuristic[] = ['WAT', 'TAW', 'TWA'];

/** Node limit of one diversified restart, per buffer of the group. */
const SEEDED_NODES_PER_BUFFER = 10;
/** Nodes of diversified restarts per node of the plain round robin. */
const SEEDED_SHARE = 2;

/**
 * Fits one group under `capacity` by restarts, because search times are
 * heavy-tailed. Each round runs every heuristic with a node limit that doubles per
 * round (from twice the group size), then SEEDED_SHARE times as many nodes in
 * short runs with seeded perturbations of the preorderings. Seeds and limits are
 * fixed, so the outcome is repeatable. Returns offsets, 'infeasible' (proved: any
 * preordering's search is complete), or null (time out).
 */
function fitGroup(
  p: Problem,
  group: readonly number[],
  capacity: number,
  deadline: number,
): Map<number, number> | 'infeasible' | null {
  const seededLimit = SEEDED_NODES_PER_BUFFER * group.length;
  let seed = 0;
  for (let nodeLimit = 2 * group.length; performance.now() < deadline; nodeLimit *= 2) {
    const runs: { heuristic: SearchHeuristic; nodeLimit: number; seed?: number }[] = [];
    for (const heuristic of HEURISTICS) runs.push({ heuristic, nodeLimit });
    for (let spent = 0; spent < SEEDED_SHARE * HEURISTICS.length * nodeLimit; spent += seededLimit) {
      seed++;
      runs.push({ heuristic: HEURISTICS[seed % HEURISTICS.length]!, nodeLimit: seededLimit, seed });
    }
    for (const run of runs) {
      const outcome = searchFit(p, group, capacity, { ...run, deadline });
      if (outcome.status === 'found') return outcome.offsets;
      if (outcome.status === 'infeasible') return 'infeasible';
      if (performance.now() >= deadline) return null;
    }
  }
  return null;
}

/** Share of the time the lower bound gets (it is reachable on most production instances). */
const BOUND_TIME_SHARE = 0.75;

/**
 * Tries capacities from the lower bound upwards by bisection: the bound with
 * BOUND_TIME_SHARE of the time, each later capacity with half the time left.
 */
function bisectCapacity(
  p: Problem,
  groups: readonly number[][],
  start: Placement,
  lowerBoundBytes: number,
  deadline: number,
): Placement {
  let best = start;
  let infeasibleBelow = lowerBoundBytes; // no capacity below this fits (or none was found)
  let capacity = lowerBoundBytes;
  const solved = new Map<number, Map<number, number>>(); // group -> offsets, reused when they fit
  while (capacity < best.arenaBytes && performance.now() < deadline) {
    const share = capacity === lowerBoundBytes ? BOUND_TIME_SHARE : 0.5;
    const sliceEnd = performance.now() + (deadline - performance.now()) * share;
    const offsets = new Float64Array(p.n);
    let fitted = true;
    for (const [index, group] of groups.entries()) {
      const known = solved.get(index);
      const reuse = known !== undefined && topOf(p, known) <= capacity;
      const found = reuse ? known : fitGroup(p, group, capacity, sliceEnd);
      if (found === null || found === 'infeasible') {
        fitted = false;
        break;
      }
      solved.set(index, found);
      for (const [g, at] of found) offsets[g] = at;
    }
    if (fitted) {
      let arena = 0;
      for (let i = 0; i < p.n; i++) arena = Math.max(arena, offsets[i]! + p.size[i]!);
      best = { offsets, arenaBytes: arena };
    } else {
      infeasibleBelow = capacity + 1;
    }
    capacity = infeasibleBelow + Math.floor((best.arenaBytes - infeasibleBelow) / 2);
  }
  return best;
}

function topOf(p: Problem, offsets: Map<number, number>): number {
  let top = 0;
  for (const [g, at] of offsets) top = Math.max(top, at + p.size[g]!);
  return top;
}

/**
 * Iterated local search: perturb the best order (move a few buffers earlier),
 * re-run best-fit, keep the result when it is no larger. Seeded, so repeatable
 * for a given number of iterations.
 */
function localSearch(
  p: Problem,
  start: Placement,
  lowerBoundBytes: number,
  deadline: number,
  allow: OverlapRule,
): Placement {
  let best = start;
  let bestOrder = makeOrder(p, 'size');
  let bestOrderArena = Infinity;
  for (const kind of BEST_ORDERS) {
    const order = makeOrder(p, kind);
    const placed = placeInOrder(p, order, allow);
    if (placed.arenaBytes < bestOrderArena) {
      bestOrder = order;
      bestOrderArena = placed.arenaBytes;
    }
  }
  const random = makeRandom(0x9e3779b9);
  while (performance.now() < deadline && best.arenaBytes > lowerBoundBytes) {
    const order = bestOrder.slice();
    const moves = 1 + Math.floor(random() * 3);
    for (let k = 0; k < moves; k++) {
      const from = Math.floor(random() * order.length);
      const to = Math.floor(random() * (from + 1));
      const b = order[from]!;
      order.copyWithin(to + 1, to, from);
      order[to] = b;
    }
    const tried = placeInOrder(p, order, allow);
    if (tried.arenaBytes <= bestOrderArena) {
      bestOrder = order;
      bestOrderArena = tried.arenaBytes;
      if (tried.arenaBytes < best.arenaBytes) best = tried;
    }
  }
  return best;
}
