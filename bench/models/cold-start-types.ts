/**
 * The fresh-process start-up measurement's data: the job a child process is
 * given, the JSON line it prints, and what the models run keeps per model.
 * Shared by the child (cold-start-child.ts), the runner (cold-start.ts) and
 * the report (cold-start-report.ts); it imports nothing, so the child stays small.
 */

/** The engine a child process runs. */
export type ColdEngine = 'tensorwasm' | 'ort';

/** What one child process does (written as JSON; its path is the child's argument). */
export interface ColdJob {
  readonly engine: ColdEngine;
  /** tensorwasm: the saved .wasm; ORT: the .onnx bytes. */
  readonly model: string;
  /** ORT: a one-node model whose session loads ORT's runtime first (timed apart). */
  readonly ortInitModel?: string;
  /** The input as raw little-endian float32, and its shape. */
  readonly input: string;
  readonly inputShape: readonly number[];
  /** Where the child writes its first run's output (raw float32). */
  readonly output: string;
  /** Runs after the first: at least minRuns, and more until budgetMs has passed, at most maxRuns. */
  readonly steady: { readonly minRuns: number; readonly budgetMs: number; readonly maxRuns: number };
}

/** The one JSON line a child prints. Times in ms. */
export interface ColdChildResult {
  /** Epoch ms (performance.timeOrigin-based) when the child's script ran its first line. */
  readonly firstLineAt: number;
  readonly node: string;
  /** ORT: importing onnxruntime-web and a one-node session (its Wasm runtime loading). */
  readonly runtimeInitMs?: number;
  /** tensorwasm: `load()`; ORT: `InferenceSession.create`. */
  readonly loadMs: number;
  /** The first run, input placement included. */
  readonly firstRunMs: number;
  /** Each run after the first. */
  readonly steadyMs: readonly number[];
  /** tensorwasm: the Wasm memory its plan needs (weights + arena + inputs/outputs); ORT: its Wasm heap after the runs. */
  readonly memoryBytes?: number;
}

/** One child process as the parent saw it. */
export interface ColdSample extends ColdChildResult {
  /** From spawn() to the child's first line (Node start-up and the script's evaluation). */
  readonly processStartMs: number;
}

/** One model's fresh-process start-up: every process of each engine, and their outputs' agreement. */
export interface ColdModelResult {
  readonly id: string;
  readonly tensorwasm: readonly ColdSample[];
  readonly ort: readonly ColdSample[];
  /** Largest |ORT - tensorwasm| over the first runs' outputs (every process pair with the first tensorwasm one). */
  readonly maxAbsDiff?: number;
  readonly flagged?: boolean;
  /** Set when a child failed (its stderr's last line) or tensorwasm did not compile the model. */
  readonly error?: string;
}

/** The start-up part of a models run (ModelsRun.cold). */
export interface ColdStartRun {
  /** Processes per engine and model. */
  readonly processes: number;
  readonly steady: ColdJob['steady'];
  readonly models: readonly ColdModelResult[];
  /** Wall time of all the start-up processes in the run (what --no-cold saves). */
  readonly seconds?: number;
}
