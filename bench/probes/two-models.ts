/**
 * Probe: what the machine gives two unsynchronized runs. Two worker threads
 * each load the same 1-thread build of a model and run it in phases: worker
 * 0 alone, worker 1 alone, both at once (in the order 0, 1, both, both, 1, 0
 * per cycle, so drift hits every phase alike). Each worker's median at once
 * over its median alone says how much the two vCPUs slow each other down
 * when neither waits for the other — the bound a split 2-thread run could
 * reach were its threads never to wait at a barrier. Session 17, ResNet-50:
 * 0.96 and 1.02 (two full cores), against a split run's 1.6-1.8x.
 *
 *   node scripts/run-ts.mjs bench/probes/two-models.ts [resnet] [cycles=4] [seconds=6]
 */
import { loadavg } from 'node:os';
import { Worker, isMainThread, parentPort, workerData } from 'node:worker_threads';
import { compile, fromOnnx } from '../../src/index.js';
import { load } from '../../src/runtime/index.js';
import { prepareImportedModel } from '../competitors/tensorwasm-prepare.js';
import { makeModelWorkloads } from '../models/model-workloads.js';
import { median } from './probe-stats.js';

/** Phase words: which workers run (ALONE + id: that worker; BOTH: both; QUIT: leave). */
const [ALONE, BOTH, QUIT] = [1, 3, -1];
const ORDER = [ALONE, ALONE + 1, BOTH, BOTH, ALONE + 1, ALONE];

interface Start {
  readonly id: number;
  readonly model: string;
  readonly bytes: Uint8Array;
  readonly ctl: Int32Array;
}

/** A worker: runs its model while the phase word includes it; returns its run times by phase. */
async function runWorker({ id, model, bytes, ctl }: Start): Promise<Record<number, number[]>> {
  const [w] = makeModelWorkloads([model]);
  const prepared = prepareImportedModel(await load(bytes), w!.makeData());
  for (let i = 0; i < 3; i++) void prepared.run();
  parentPort!.postMessage('ready');
  const times: Record<number, number[]> = { [ALONE + id]: [], [BOTH]: [] };
  for (;;) {
    const phase = Atomics.load(ctl, 0);
    if (phase === QUIT) break;
    if (phase !== BOTH && phase !== ALONE + id) {
      Atomics.wait(ctl, 0, phase, 5);
      continue;
    }
    const t = performance.now();
    void prepared.run();
    const ms = performance.now() - t;
    // a run that straddles a phase change belongs to neither
    if (Atomics.load(ctl, 0) === phase) times[phase]!.push(ms);
  }
  prepared.dispose();
  return times;
}

async function main(): Promise<void> {
  const [model = 'resnet', cycles = '4', seconds = '6'] = process.argv.slice(2);
  const [w] = makeModelWorkloads([model]);
  if (w === undefined) throw new Error(`no model ${model}`);
  const graph = await fromOnnx(w.bytes(), { shapes: { [w.input]: [...w.inputShape] } });
  const bytes = (await compile(graph)).save();
  const ctl = new Int32Array(new SharedArrayBuffer(4));
  const workers = [0, 1].map(
    (id) => new Worker(new URL(import.meta.url), { workerData: { id, model, bytes, ctl } satisfies Start }),
  );
  const next = (x: Worker): Promise<unknown> => new Promise((r) => x.once('message', r));
  await Promise.all(workers.map(next));
  const loads = [loadavg()[0]!];
  for (let c = 0; c < Number(cycles); c++)
    for (const phase of ORDER) {
      Atomics.store(ctl, 0, phase);
      Atomics.notify(ctl, 0);
      await new Promise((r) => setTimeout(r, Number(seconds) * 1000));
    }
  const results = workers.map(next);
  Atomics.store(ctl, 0, QUIT);
  Atomics.notify(ctl, 0);
  const times = (await Promise.all(results)) as Record<number, number[]>[];
  loads.push(loadavg()[0]!);
  console.log(
    `${w.id}, 1-thread build, ${cycles} cycles of ${seconds} s phases; load ${loads.map((l) => l.toFixed(2)).join('-')}`,
  );
  times.forEach((t, id) => {
    const [alone, both] = [t[ALONE + id]!, t[BOTH]!];
    console.log(
      `  worker ${id}: alone ${alone.length} runs, median ${median(alone).toFixed(1)} ms; both at once ` +
        `${both.length} runs, median ${median(both).toFixed(1)} ms (${(median(both) / median(alone)).toFixed(3)} of alone)`,
    );
  });
  await Promise.all(workers.map((x) => x.terminate()));
}

if (isMainThread) await main();
else parentPort!.postMessage(await runWorker(workerData as Start));
