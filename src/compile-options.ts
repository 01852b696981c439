/**
 * compile()'s options: what each means, the rule each value must follow, and
 * the check that turns a bad one into an InputError before anything runs.
 */
import { InputError } from './common/errors.js';
import type { PlannerKind } from './planner/memory-plan.js';
import { supportsRelaxedSimd } from './runtime/features.js';
import type { ThreadsOption } from './runtime/thread-support.js';

/** Options of compile(). */
export interface CompileOptions {
  /** f32x4 SIMD loops (default true). */
  readonly simd?: boolean;
  /** Fuse elementwise producers into their consumers (default true). */
  readonly fuse?: boolean;
  /** Let a kernel write a temp over another temp that dies in it, element for element (default true). */
  readonly inPlace?: boolean;
  /** 'best-fit' reuses memory; 'bump' never does (for comparison). */
  readonly planner?: PlannerKind;
  /**
   * Debugging aid: fill dead temps (and guard gaps between them) with NaN
   * bytes after each kernel, so a read of stale or out-of-bounds memory shows
   * up as a wrong result (default false).
   */
  readonly debugPoison?: boolean;
  /**
   * Binaryen optimization level 0-4 (default 0). Our own lowering already does
   * what matters (SIMD, tiling, fusion); measured here, -O2 changed steady-state
   * run time by less than the noise but made compiling the W5 MLP 3-6x slower
   * (~50 ms at 0, 180-370 ms at 2). It can help V8's first (Liftoff) calls.
   */
  readonly optimizeLevel?: number;
  /**
   * Relaxed SIMD (`f32x4.relaxed_madd`, a fused multiply-add where the CPU has
   * FMA) in the matmul tiles and the inline math polynomials. The module then
   * carries two builds in one file: the baseline, and a relaxed-SIMD variant
   * in a custom section that the runtime runs where the engine has relaxed
   * SIMD (Node 22+, Chromium 114+; Node 20 only with
   * `--experimental-wasm-relaxed-simd`). Results stay within the documented
   * bounds of the baseline (docs/math.md); they may differ from it by rounding.
   * - `'auto'` (default): the variant is built when this engine has relaxed SIMD.
   * - `true`: always built (to save a file for other engines); this process
   *   runs it only if its engine has relaxed SIMD.
   * - `false`: baseline only.
   */
  readonly relaxedSimd?: boolean | 'auto';
  /**
   * Threads each run uses (default 1): a count, or 'auto' (the cores the
   * platform reports, at most 8). With more than one, the file also carries
   * threaded builds on a shared memory, each split kernel's range divided
   * among the threads, and the model starts its workers (docs/threads.md).
   * Where shared memory is unavailable a count is a ThreadError and 'auto'
   * runs on one thread; `model.threads` says what is used.
   */
  readonly threads?: ThreadsOption;
  /** How long a thread waits at a barrier, or a worker to start, before a ThreadError (ms, default 10000). */
  readonly threadTimeoutMs?: number;
  /**
   * With threads: kernels with less work than this run whole on thread 0,
   * since the barrier around a split kernel would cost more than the split
   * saves (work: loop iterations, a matmul's multiply-adds / 16; default
   * 16384, docs/threads.md). 0 splits every kernel that can split.
   */
  readonly threadMinWork?: number;
}

/** Each option's rule; a Record over CompileOptions' keys, so a new option needs its rule here. */
const OPTION_RULES: Readonly<Record<keyof CompileOptions, readonly [string, (v: unknown) => boolean]>> = {
  simd: ['true or false', (v) => typeof v === 'boolean'],
  fuse: ['true or false', (v) => typeof v === 'boolean'],
  inPlace: ['true or false', (v) => typeof v === 'boolean'],
  debugPoison: ['true or false', (v) => typeof v === 'boolean'],
  relaxedSimd: ["true, false or 'auto'", (v) => typeof v === 'boolean' || v === 'auto'],
  planner: ["'best-fit' or 'bump'", (v) => v === 'best-fit' || v === 'bump'],
  threads: [
    "an integer from 1 to 64 or 'auto'",
    (v) => v === 'auto' || (Number.isInteger(v) && (v as number) >= 1 && (v as number) <= 64),
  ],
  threadTimeoutMs: [
    'an integer from 1 to 3600000',
    (v) => Number.isInteger(v) && (v as number) >= 1 && (v as number) <= 3_600_000,
  ],
  threadMinWork: ['an integer >= 0', (v) => Number.isInteger(v) && (v as number) >= 0],
  optimizeLevel: [
    'an integer from 0 to 4',
    (v) => Number.isInteger(v) && (v as number) >= 0 && (v as number) <= 4,
  ],
};

/** Throws InputError on options that are not an object, an unknown option, or a value outside its rule. */
export function checkCompileOptions(options: unknown): void {
  if (typeof options !== 'object' || options === null || Array.isArray(options)) {
    throw new InputError(
      `compile: options must be an object (got ${options === null ? 'null' : typeof options})`,
    );
  }
  const known = Object.keys(OPTION_RULES);
  for (const [key, value] of Object.entries(options)) {
    const rule = OPTION_RULES[key as keyof CompileOptions] as (typeof OPTION_RULES)['simd'] | undefined;
    if (rule === undefined) {
      throw new InputError(`compile: unknown option "${key}" (expected one of: ${known.join(', ')})`, {
        option: key,
      });
    }
    if (value !== undefined && !rule[1](value)) {
      throw new InputError(
        `compile: option ${key} must be ${rule[0]} (got ${JSON.stringify(value) ?? typeof value})`,
        {
          option: key,
        },
      );
    }
  }
  const { relaxedSimd, simd, threads, debugPoison } = options as CompileOptions;
  if (debugPoison === true && threads !== undefined && threads !== 1) {
    throw new InputError(
      'compile: debugPoison needs threads: 1 (the poison is written between kernels on one thread)',
      {
        option: 'debugPoison',
      },
    );
  }
  if (relaxedSimd === true && simd === false) {
    throw new InputError('compile: relaxedSimd needs simd (got simd: false)', { option: 'relaxedSimd' });
  }
}

/** Whether compile builds the relaxed-SIMD variant (see CompileOptions.relaxedSimd). */
export function wantsRelaxedVariant(options: CompileOptions): boolean {
  if ((options.simd ?? true) === false || options.relaxedSimd === false) return false;
  return options.relaxedSimd === true || supportsRelaxedSimd();
}
