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

/**
 * The file name of a workload's saved module ('W1 N=128' -> 'W1-N-128.wasm';
 * compiled for 2 threads 'W1-N-128.t2.wasm').
 */
export function moduleFileName(workload: Pick<Workload, 'id'>, threads = 1): string {
  return `${workload.id.replace(/[^A-Za-z0-9]+/g, '-')}${threads > 1 ? `.t${threads}` : ''}.wasm`;
}

/**
 * `baseUrl`: where the saved modules are served (ends with '/'); `relaxedSimd`:
 * how they were compiled; `threads`: load the module compiled for that many
 * threads with `{ threads }` (key `tensorwasm-t<threads>`; setup fails unless
 * the model runs on that many).
 */
export function makeTensorwasmRuntime(baseUrl: string, relaxedSimd = false, threads = 1): Competitor {
  const key = threads > 1 ? `tensorwasm-t${threads}` : 'tensorwasm';
  return {
    key,
    label: threads > 1 ? `tensorwasm ${threads} threads` : 'tensorwasm',
    describe: () =>
      `modules compiled in Node with compile() defaults${relaxedSimd ? ' and relaxedSimd: true' : ''}${threads > 1 ? ` and threads: ${threads}` : ''} and saved; the page loads them with the runtime bundle`,
    init: () => Promise.resolve(),
    async setup(workload: Workload, data: WorkloadData): Promise<Prepared> {
      const file = moduleFileName(workload, threads);
      const response = await fetch(`${baseUrl}${file}`);
      if (!response.ok) throw new Error(`tensorwasm: ${file}: HTTP ${response.status}`);
      const bytes = await response.arrayBuffer();
      const model: Model = await load(bytes, threads > 1 ? { threads } : {});
      if (model.threads !== threads) {
        model.dispose();
        throw new Error(`${key}: runs on ${model.threads} threads`);
      }
      return prepareModel(model, data);
    },
  };
}
