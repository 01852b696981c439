/**
 * Probe helper: a model of bench/models compiled for 2 threads, with its
 * instance's exports (private to Model: a probe's look inside), for the
 * probes that call its kernels one by one.
 */
import { compile, fromOnnx, type CompiledModel } from '../../src/index.js';
import { makeModelWorkloads } from '../models/model-workloads.js';

/** Model `id` (`resnet`, …) compiled with `threads: 2`, and its kernels' exports. */
export async function threadedModel(
  id: string,
): Promise<{ model: CompiledModel; exports: Record<string, unknown> }> {
  const [w] = makeModelWorkloads([id]);
  if (w === undefined) throw new Error(`no model ${id}`);
  const graph = await fromOnnx(w.bytes(), { shapes: { [w.input]: [...w.inputShape] } });
  const model = await compile(graph, { threads: 2 });
  const exports = (
    model as unknown as { instanceExports(why: string): Record<string, unknown> }
  ).instanceExports('probe');
  return { model, exports };
}
