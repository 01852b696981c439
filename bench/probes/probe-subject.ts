/**
 * What a thread probe runs: a whole model (bench/models: `resnet`, `vgg`, …)
 * or a workload (`W1`, `W5`, …: bench/workloads.ts, the largest of its
 * sizes), with its graph, its data and how to write that data into a model.
 */
import type { Graph } from '../../src/index.js';
import { fromOnnx } from '../../src/index.js';
import type { Model } from '../../src/runtime/index.js';
import type { Prepared } from '../competitors/competitor.js';
import { buildGraph } from '../competitors/tensorwasm.js';
import { prepareImportedModel, prepareModel } from '../competitors/tensorwasm-prepare.js';
import { makeModelWorkloads } from '../models/model-workloads.js';
import { makeWorkloads, selectWorkloads, type WorkloadData } from '../workloads.js';

export interface ProbeSubject {
  readonly label: string;
  readonly graph: () => Promise<Graph>;
  readonly data: () => WorkloadData;
  /** A workload's graph names its tensors; an imported model's first input and output are its own. */
  readonly prepare: (model: Model, data: WorkloadData) => Prepared;
}

/** The model or workload `id` names, or an error saying there is none. */
export function probeSubject(id: string): ProbeSubject {
  const workload = /^W\d/.test(id) ? selectWorkloads(makeWorkloads(false), [id]).at(-1) : undefined;
  if (workload !== undefined)
    return {
      label: workload.id,
      graph: () => Promise.resolve(buildGraph(workload.spec)),
      data: () => workload.makeData(),
      prepare: prepareModel,
    };
  const [w] = makeModelWorkloads([id]);
  if (w === undefined) throw new Error(`no model or workload ${id}`);
  return {
    label: w.id,
    graph: () => fromOnnx(w.bytes(), { shapes: { [w.input]: [...w.inputShape] } }),
    data: () => w.makeData(),
    prepare: prepareImportedModel,
  };
}
