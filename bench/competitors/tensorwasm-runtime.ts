/**
 * tensorwasm as a web page runs it: each workload's module was compiled and
 * saved in Node (bench/engines/chromium.ts), and the page fetches it and
 * loads it with the runtime alone (no compiler, no Binaryen). Setup is fetch +
 * load; a run is `execute()` with inputs written once, as in the Node adapter.
 */
import { load, type Model } from '../../src/runtime/index.js';
import type { Workload, WorkloadData } from '../workloads.js';
import type { Competitor, Prepared } from './competitor.js';
import { prepareModel } from './tensorwasm-prepare.js';

/** The file name of a workload's saved module ('W1 N=128' -> 'W1-N-128.wasm'). */
export function moduleFileName(workload: Workload): string {
  return `${workload.id.replace(/[^A-Za-z0-9]+/g, '-')}.wasm`;
}

/** `baseUrl`: where the saved modules are served (ends with '/'); `relaxedSimd`: how they were compiled. */
export function makeTensorwasmRuntime(baseUrl: string, relaxedSimd = false): Competitor {
  return {
    key: 'tensorwasm',
    label: 'tensorwasm',
    describe: () =>
      `modules compiled in Node with compile() defaults${relaxedSimd ? ' and relaxedSimd: true' : ''} and saved; the page loads them with the runtime bundle`,
    init: () => Promise.resolve(),
    async setup(workload: Workload, data: WorkloadData): Promise<Prepared> {
      const response = await fetch(`${baseUrl}${moduleFileName(workload)}`);
      if (!response.ok) throw new Error(`tensorwasm: ${moduleFileName(workload)}: HTTP ${response.status}`);
      const model: Model = await load(await response.arrayBuffer());
      return prepareModel(model, data);
    },
  };
}
