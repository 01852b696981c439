/**
 * DEBUG levels: how much compile() reports, set by the environment variable
 * `TENSORWASM_DEBUG=N` (Node) or `setDebugLevel(N)` (anywhere; it wins over
 * the variable). Levels add up: 1 a summary line per compile, 2 per-stage
 * timings, 3 the IR after each stage and the plan table, 4 the unoptimized
 * WAT, 5 the optimized WAT. Text goes to console.error unless a sink is set.
 */
import { IR_STAGES, type InspectableModel } from './inspectable.js';
import { formatBytes, formatMs } from './format-units.js';
import { planTable } from './plan-table.js';

/** The highest level: everything. */
export const MAX_DEBUG_LEVEL = 5;

/** Where debug text goes: one call per block (a line, or a whole dump). */
export type DebugSink = (text: string) => void;

let explicitLevel: number | undefined;
let sink: DebugSink = (text) => console.error(text);

function clampLevel(level: number): number {
  return Number.isFinite(level) ? Math.min(MAX_DEBUG_LEVEL, Math.max(0, Math.floor(level))) : 0;
}

function envLevel(): number {
  const env = typeof process === 'undefined' ? undefined : process.env?.TENSORWASM_DEBUG;
  if (env === undefined || env.trim() === '') return 0;
  const level = Number(env);
  return Number.isNaN(level) ? 0 : clampLevel(level);
}

/**
 * Sets the debug level (0-5) for every later compile, overriding
 * TENSORWASM_DEBUG; `setDebugLevel()` goes back to the variable.
 *
 * @example
 * setDebugLevel(2); // a summary line and stage timings per compile, on console.error
 */
export function setDebugLevel(level?: number): void {
  explicitLevel = level === undefined ? undefined : clampLevel(level);
}

/** The debug level now in force: setDebugLevel()'s, else TENSORWASM_DEBUG's, else 0. */
export function getDebugLevel(): number {
  return explicitLevel ?? envLevel();
}

/**
 * Sends debug text to `fn` instead of console.error; `setDebugSink()` restores
 * console.error.
 *
 * @example
 * const lines: string[] = [];
 * setDebugSink((text) => lines.push(text));
 */
export function setDebugSink(fn?: DebugSink): void {
  sink = fn ?? ((text) => console.error(text));
}

/** What compile() hands the debug hook. */
export interface CompileReport {
  readonly model: InspectableModel;
  /** Graph nodes as built, and after lowering composites and simplifying. */
  readonly builtNodes: number;
  readonly loweredNodes: number;
  /** The module's text before Binaryen optimized it (made only when asked for). */
  readonly unoptimizedWat: () => Promise<string>;
}

/** The level-1 line: nodes -> kernels, arena vs naive, compile time. */
export function summaryLine(report: CompileReport): string {
  const { model } = report;
  const plan = model.plan;
  const ms = Object.values(model.stats).reduce((a, b) => a + b, 0);
  return (
    `tensorwasm: compiled ${report.builtNodes} nodes (${report.loweredNodes} after lowering) -> ` +
    `${model.kernels.length} kernels; arena ${formatBytes(plan.arenaBytes)} vs naive ${formatBytes(plan.naiveBytes)} ` +
    `(lower bound ${formatBytes(plan.lowerBoundBytes)}), memory ${formatBytes(plan.memoryBytes)}; ${formatMs(ms)}`
  );
}

/** Reports one compile at the current debug level (nothing at level 0). */
export async function debugCompile(report: CompileReport): Promise<void> {
  const level = getDebugLevel();
  if (level < 1) return;
  const { model } = report;
  sink(summaryLine(report));
  if (level >= 2) {
    const stages = Object.entries(model.stats).map(([stage, ms]) => `${stage} ${formatMs(ms)}`);
    sink(`tensorwasm: stages: ${stages.join(', ')}`);
  }
  if (level >= 3) {
    for (const stage of IR_STAGES) sink(`--- tensorwasm ir ${stage} ---\n${model.ir(stage).trimEnd()}`);
    sink(`--- tensorwasm plan ---\n${planTable(model.plan).trimEnd()}`);
  }
  if (level >= 4) sink(`--- tensorwasm wat (unoptimized) ---\n${(await report.unoptimizedWat()).trimEnd()}`);
  if (level >= 5) sink(`--- tensorwasm wat (optimized) ---\n${(await model.wat()).trimEnd()}`);
}
