/**
 * Probe helpers: a model of bench/models compiled for 2 threads, with its
 * instance's exports (private to Model: a probe's look inside), for the
 * probes that call its kernels one by one; and a model compiled for 1 and
 * for 2 threads, each with its inputs set, for the probes that time runs.
 */
import { compile, fromOnnx, type CompiledModel, type Graph } from '../../src/index.js';
import type { Prepared } from '../competitors/competitor.js';
import { prepareImportedModel } from '../competitors/tensorwasm-prepare.js';
import { makeModelWorkloads, type ModelWorkload } from '../models/model-workloads.js';

/** Model `id`'s workload and its graph (imported with the workload's input shape). */
async function modelGraph(id: string): Promise<{ w: ModelWorkload; graph: Graph }> {
  const [w] = makeModelWorkloads([id]);
  if (w === undefined) throw new Error(`no model ${id}`);
  return { w, graph: await fromOnnx(w.bytes(), { shapes: { [w.input]: [...w.inputShape] } }) };
}

/**
 * Model `id` compiled for 1 thread and for 2, each with the workload's
 * seeded inputs set (`prepare` makes more of the same, with the same data).
 */
export async function oneAndTwoThreads(id: string): Promise<{
  readonly label: string;
  readonly one: Prepared;
  readonly two: Prepared;
  readonly prepare: (model: CompiledModel) => Prepared;
  readonly graph: Graph;
}> {
  const { w, graph } = await modelGraph(id);
  const data = w.makeData();
  const prepare = (model: CompiledModel): Prepared => prepareImportedModel(model, data);
  return {
    label: w.id,
    one: prepare(await compile(graph)),
    two: prepare(await compile(graph, { threads: 2 })),
    prepare,
    graph,
  };
}

/** A compiled model's instance exports (private to Model: a probe's look inside). */
export function probeExports(model: CompiledModel): Record<string, unknown> {
  return (model as unknown as { instanceExports(why: string): Record<string, unknown> }).instanceExports(
    'probe',
  );
}

/** Model `id` (`resnet`, …) compiled with `threads: 2`, and its kernels' exports. */
export async function threadedModel(
  id: string,
): Promise<{ model: CompiledModel; exports: Record<string, unknown> }> {
  const { graph } = await modelGraph(id);
  const model = await compile(graph, { threads: 2 });
  return { model, exports: probeExports(model) };
}
