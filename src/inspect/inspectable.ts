/**
 * What the inspection views need from a compiled model, as a structural type,
 * so they depend on the model's shape and not on the class (and a test can
 * hand them a plain object).
 */
import type { CompileStats, IrStage, KernelInfo } from '../compiled-model.js';
import type { MemoryPlan } from '../common/plan.js';

/** The stages `ir()` can print, in pipeline order. */
export const IR_STAGES: readonly IrStage[] = ['built', 'simplified', 'fused', 'scheduled'];

/** A compiled model as the report, the debug output and the CLI read it (CompiledModel satisfies it). */
export interface InspectableModel {
  ir(stage: IrStage): string;
  readonly kernels: readonly KernelInfo[];
  readonly plan: MemoryPlan;
  readonly stats: CompileStats;
  wat(): Promise<string>;
}
