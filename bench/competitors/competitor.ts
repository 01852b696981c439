/**
 * The interface every benchmark adapter implements: load once, prepare a
 * workload (inputs placed where the engine wants them), then `run()` computes
 * only, as the anchors were measured.
 */
import type { Workload, WorkloadData } from '../workloads.js';

/** A workload made ready to run by one competitor. */
export interface Prepared {
  /** One computation; inputs are already in place. Async only where the engine's API is. */
  run(): void | Promise<void>;
  /** The last run's result, copied out and flattened (not timed). */
  output(): Float32Array;
  /** Frees the engine's buffers, sessions and modules. */
  dispose(): void;
}

/** One engine under test; `W` is what it sets up (the W1-W7 workloads, or the whole models of bench/models/). */
export interface Competitor<W = Workload> {
  /** Short key used in JSON and flags: 'tensorwasm', 'tfjs', 'ort', 'jax', 'plainjs'. */
  readonly key: string;
  /** Column label in tables. */
  readonly label: string;
  /** Loads the engine (timed as start-up); throws if it cannot run here. */
  init(): Promise<void>;
  /** Builds the workload's computation and places its data. */
  setup(workload: W, data: WorkloadData): Promise<Prepared>;
  /** Version and configuration, for the report. */
  describe(): string;
}
