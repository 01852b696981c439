/**
 * A tensorwasm model ready to time: params set and inputs written into its
 * views once, each run an `execute()`. Shared by the compiling competitor (Node)
 * and the runtime-only one (the Chromium page), so both time the same thing.
 */
import type { Model } from '../../src/runtime/index.js';
import type { WorkloadData } from '../workloads.js';
import { byName } from '../workloads.js';
import type { Prepared } from './competitor.js';

/** Sets `data`'s weights and inputs on `model`; the result runs it and reads output 'y'. */
export function prepareModel(model: Model, data: WorkloadData): Prepared {
  if (data.weights.length > 0) {
    model.setParams(Object.fromEntries(data.weights.map((w) => [w.name, w.data])));
  }
  for (const name of model.inputs.map((i) => i.name)) {
    model.view(name).set(byName(data.inputs, name).data);
  }
  return {
    run: () => model.execute(),
    output: () => Float32Array.from(model.view('y')),
    dispose: () => model.dispose(),
  };
}

/**
 * A whole model imported from ONNX (its input and output names are the
 * file's): `data`'s first input written into the model's first input, each
 * run an `execute()`, its first output read back.
 */
export function prepareImportedModel(model: Model, data: WorkloadData): Prepared {
  const input = data.inputs[0];
  const output = model.outputs[0]?.name ?? '';
  if (input !== undefined) model.view(model.inputs[0]?.name ?? '').set(input.data);
  return {
    run: () => model.execute(),
    output: () => Float32Array.from(model.view(output) as Float32Array),
    dispose: () => model.dispose(),
  };
}
