/**
 * The paired A/B loop of the thread-model probes, shared by Node
 * (thread-model-ab.ts) and headless Chromium (thread-model-ab-page.ts): the
 * variants run interleaved, each round in the next of every order of them,
 * so a burst of machine load hits all alike and each variant follows each
 * other one equally often (a rotation ran the second 2-thread variant right
 * after the first in two rounds of three, the first right after the 1-thread
 * run, whose workers had gone to sleep: the second read 0.5-3% fast, session
 * 15). The first variant is the 1-thread reference; later 2-thread variants
 * are paired with the first 2-thread one, later 1-thread ones with the first.
 */

import type { Prepared } from '../competitors/competitor.js';

/** One build on one thread count, prepared (inputs written). */
export interface AbVariant {
  readonly label: string;
  readonly threads: number;
  readonly run: () => void;
  readonly output: () => Float32Array;
  readonly dispose: () => void;
}

/**
 * The variants of a run over builds named `labels`: the first on 1 thread,
 * every one on 2, and with `ones` every later one on 1 too; `prepare(i,
 * threads)` loads build i on that many threads with the inputs written.
 */
export async function abVariants(
  labels: readonly string[],
  prepare: (i: number, threads: number) => Promise<Prepared>,
  ones: boolean,
): Promise<AbVariant[]> {
  const plan: [string, number, number][] = [
    [`1 thread (${labels[0]})`, 0, 1],
    ...labels.map((l, i): [string, number, number] => [`2 threads ${l}`, i, 2]),
    ...(ones ? labels.slice(1).map((l, i): [string, number, number] => [`1 thread ${l}`, i + 1, 1]) : []),
  ];
  const variants: AbVariant[] = [];
  for (const [label, i, threads] of plan) {
    const p = await prepare(i, threads);
    variants.push({
      label,
      threads,
      run: () => void p.run(),
      output: () => p.output(),
      dispose: () => p.dispose(),
    });
  }
  return variants;
}

/** What the rounds measured: each variant's run times, and its CPU per wall second where the host reports CPU time. */
export interface AbRounds {
  readonly ms: number[][];
  readonly cpu: number[][] | undefined;
  /** Whether each variant's output equals the first variant's bit for bit. */
  readonly same: boolean[];
}

/** Least time each variant runs before the rounds (ms). */
const WARM_MS = 500;

/**
 * Time between two timed runs (ms): longer than a worker's spin after a run
 * (WORKER_SPINS, ~1 ms), so a variant's workers are asleep again before the
 * next variant runs and never spin beside it (a 2-thread variant run after
 * another read 4-8% fast or slow by its place in the order: W3, session 19).
 * Every 2-thread run then wakes its workers, as one after a pause does.
 */
const SETTLE_MS = 3;

/** Busy for `ms` (a page's main thread cannot sleep; the core stays awake for the next run either way). */
function settle(ms: number): void {
  const until = performance.now() + ms;
  while (performance.now() < until);
}

/** Every order of 0..n-1: each variant runs right after each other one equally often over a cycle. */
function orders(n: number): number[][] {
  if (n <= 1) return [[...Array(n).keys()]];
  return orders(n - 1).flatMap((rest) =>
    Array.from({ length: n }, (_, at) => [...rest.slice(0, at), n - 1, ...rest.slice(at)]),
  );
}

/** The `q` quantile of `xs` (NaN when empty). */
export function quantile(xs: readonly number[], q: number): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor(s.length * q))] ?? NaN;
}

/**
 * Warms every variant up (WARM_MS and 3 runs at least), compares outputs, then runs `rounds`
 * rounds; `cpuMs` (the process's CPU time, where there is one) gives each
 * run's CPU per wall second; `afterRound` is called after each round.
 */
export function runAbRounds(
  variants: readonly AbVariant[],
  rounds: number,
  cpuMs?: () => number,
  afterRound?: (round: number) => void,
): AbRounds {
  // warm: 3 runs each, and half a second each at least (a page's workers tier their code up later)
  for (const v of variants) {
    const t = performance.now();
    for (let i = 0; i < 3 || performance.now() - t < WARM_MS; i++) v.run();
  }
  const reference = variants[0]!.output();
  const same = variants.map((v) => {
    const o = v.output();
    return o.length === reference.length && o.every((x, i) => Object.is(x, reference[i]));
  });
  const cycle = orders(variants.length);
  const ms = variants.map((): number[] => []);
  const cpu = cpuMs === undefined ? undefined : variants.map((): number[] => []);
  for (let r = 0; r < rounds; r++) {
    for (const k of cycle[r % cycle.length]!) {
      settle(SETTLE_MS);
      const c = cpuMs?.() ?? 0;
      const t = performance.now();
      variants[k]!.run();
      const wall = performance.now() - t;
      ms[k]!.push(wall);
      if (cpu !== undefined && cpuMs !== undefined) cpu[k]!.push((cpuMs() - c) / wall);
    }
    afterRound?.(r);
  }
  return { ms, cpu, same };
}

/**
 * The report's lines: with CPU figures first the clean rounds (every 2-thread
 * run had both threads on a core most of the time, CPU/wall >= 1.8, and every
 * 1-thread run its core, >= 0.95: the others measured the machine's other
 * work), then each variant's median, quartile and best run, its speed-up over
 * the first, and the median ratio of each run to its base's run of the same
 * round.
 */
export function abReport(variants: readonly AbVariant[], result: AbRounds): string[] {
  const { ms, cpu, same } = result;
  const lines: string[] = [];
  const baseOf = (i: number): number => (variants[i]!.threads === 1 ? 0 : 1);
  const pairedOver = (i: number, rs: readonly number[]): number =>
    quantile(
      rs.map((r) => ms[i]![r]! / ms[baseOf(i)]![r]!),
      0.5,
    );
  const all = ms[0]!.map((_, r) => r);
  const one = quantile(ms[0]!, 0.5);
  if (cpu !== undefined) {
    const clean = all.filter((r) => variants.every((v, i) => cpu[i]![r]! >= (v.threads === 1 ? 0.95 : 1.8)));
    lines.push(`  clean rounds (every run had its cores): ${clean.length} of ${all.length}`);
    const cleanOne = quantile(
      clean.map((r) => ms[0]![r]!),
      0.5,
    );
    if (clean.length > 0)
      variants.forEach((v, i) => {
        const med = quantile(
          clean.map((r) => ms[i]![r]!),
          0.5,
        );
        lines.push(
          `    clean ${v.label.padEnd(28)} median ${med.toFixed(1)} ms ${(cleanOne / med).toFixed(2)}x` +
            (i > 1 ? `; paired ${pairedOver(i, clean).toFixed(3)}` : ''),
        );
      });
  }
  variants.forEach((v, i) => {
    const med = quantile(ms[i]!, 0.5);
    const cpuText =
      cpu === undefined
        ? ''
        : `CPU/wall median ${quantile(cpu[i]!, 0.5).toFixed(2)} (p25 ${quantile(cpu[i]!, 0.25).toFixed(2)}); `;
    lines.push(
      `  ${v.label.padEnd(28)} median ${med.toFixed(1)} ms (p25 ${quantile(ms[i]!, 0.25).toFixed(1)}, best ${quantile(ms[i]!, 0).toFixed(1)}) ` +
        `${(one / med).toFixed(2)}x; ${cpuText}` +
        `${i > 1 ? `paired ${pairedOver(i, all).toFixed(3)} of ${variants[baseOf(i)]!.label}; ` : ''}bits ${same[i] ? 'equal' : 'DIFFER'}`,
    );
  });
  return lines;
}
