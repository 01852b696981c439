/**
 * The page of thread-model-ab-chromium.ts: loads each saved build the driver
 * serves under /tw/ with the runtime alone, writes the workload's seeded data
 * (or the model's input the driver wrote) into it, and runs the shared A/B
 * rounds (ab-rounds.ts); returns the report's lines.
 */
import { load } from '../../src/runtime/index.js';
import { prepareImportedModel, prepareModel } from '../competitors/tensorwasm-prepare.js';
import { makeWorkloads, selectWorkloads, type WorkloadData } from '../workloads.js';
import { abReport, abVariants, runAbRounds } from './ab-rounds.js';

/** What the driver asks for: the builds (served as /tw/<i>.twm) and what to run them on. */
export interface AbPageConfig {
  readonly labels: readonly string[];
  readonly rounds: number;
  readonly ones: boolean;
  /** A workload id (W1, …: the largest of its sizes), or an imported model's input (/input.bin, float32). */
  readonly workload?: string;
  readonly input?: { readonly name: string; readonly shape: readonly number[] };
}

async function fetchBytes(url: string): Promise<ArrayBuffer> {
  const response = await fetch(url);
  if (!response.ok) throw new Error(`${url}: HTTP ${response.status}`);
  return response.arrayBuffer();
}

async function threadModelAb(config: AbPageConfig): Promise<string[]> {
  const workload =
    config.workload === undefined
      ? undefined
      : selectWorkloads(makeWorkloads(false), [config.workload]).at(-1);
  const data: WorkloadData =
    workload?.makeData() ??
    ({
      inputs: [
        {
          name: config.input?.name ?? '',
          shape: config.input?.shape ?? [],
          data: new Float32Array(await fetchBytes('/input.bin')),
        },
      ],
      weights: [],
      outputShape: [],
    } satisfies WorkloadData);
  const prepare = workload !== undefined ? prepareModel : prepareImportedModel;
  const variants = await abVariants(
    config.labels,
    async (i, threads) => {
      const model = await load(await fetchBytes(`/tw/${i}.twm`), { threads });
      if (model.threads !== threads) throw new Error(`build ${i}: runs on ${model.threads} threads`);
      return prepare(model, data);
    },
    config.ones,
  );
  const lines = abReport(variants, runAbRounds(variants, config.rounds));
  for (const v of variants) v.dispose();
  return [`${navigator.userAgent}; crossOriginIsolated ${String(globalThis.crossOriginIsolated)}`, ...lines];
}

(globalThis as unknown as { threadModelAb: typeof threadModelAb }).threadModelAb = threadModelAb;
