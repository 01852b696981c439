/**
 * mulberry32: a small seeded generator of uniform numbers in [0, 1), so the
 * planner's perturbed restarts (and the benchmark's generated instances) are
 * the same on every run.
 */
export function makeRandom(seed: number): () => number {
  let state = seed | 0;
  return () => {
    state = (state + 0x6d2b79f5) | 0;
    let t = Math.imul(state ^ (state >>> 15), 1 | state);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
