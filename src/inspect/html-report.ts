/**
 * htmlReport(): gathers what a compiled model can show (IR per stage, kernels,
 * plan, compile timings, WAT; optionally the graph's DOT and a profile) into
 * one self-contained HTML page.
 */
import type { IrStage } from '../compiled-model.js';
import { IR_STAGES, type InspectableModel } from './inspectable.js';
import type { Profile } from './profile-kernels.js';
import { renderReport } from './render-report.js';

/** Options of htmlReport(). */
export interface HtmlReportOptions {
  /** The page's title (default 'model'). */
  readonly title?: string;
  /** Per-kernel times to show next to the kernel table (from `model.profile(feeds)`). */
  readonly profile?: Profile;
  /** The graph as DOT (from `toDot(planGraph(g))`), shown as text. */
  readonly dot?: string;
}

/**
 * One self-contained HTML page (no scripts, no network) describing a compiled
 * model: summary, memory-plan chart and table, kernel table, compile
 * timings, IR per stage and the WAT.
 *
 * @example
 * writeFileSync('report.html', await htmlReport(model, { profile: model.profile(feeds) }));
 */
export async function htmlReport(model: InspectableModel, options: HtmlReportOptions = {}): Promise<string> {
  const ir: Partial<Record<IrStage, string>> = {};
  for (const stage of IR_STAGES) ir[stage] = model.ir(stage);
  return renderReport({
    title: options.title ?? 'model',
    plan: model.plan,
    wat: await model.wat(),
    kernels: model.kernels,
    stats: model.stats,
    ir,
    ...(options.profile === undefined ? {} : { profile: options.profile }),
    ...(options.dot === undefined ? {} : { dot: options.dot }),
  });
}
