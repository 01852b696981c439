/**
 * `npm run bench -- --threads 2 [--models[=resnet,...]]`: W1 N=1024, W3, W4,
 * W5 and W6 (and with --models the whole light CNNs of bench/models, ResNet-50
 * among them) on tensorwasm
 * with one thread and with N threads, and ORT-web with N threads, interleaved
 * round-robin in one process (bench/measure.ts), reporting each threaded
 * run's speed-up over our own 1-thread run and the load average seen while
 * measuring (the machine's other work: a figure taken at a load near or
 * above the core count is not trustworthy). TF.js is left out: its threaded
 * Wasm build does not start in Node. Writes bench/results-threads.md (and
 * .json) unless --no-write.
 */
import { writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { join } from 'node:path';
import { makeOrt } from './competitors/ort.js';
import { makeTensorwasm } from './competitors/tensorwasm.js';
import { FULL, QUICK, initCompetitors, measureWorkload, measureWorkloads, type Reporter } from './measure.js';
import { makeModelOrt, makeModelTensorwasm, type DetailsTable } from './models/model-competitors.js';
import { makeModelWorkloads } from './models/model-workloads.js';
import { MODELS_FULL, MODELS_QUICK } from './models/run-models.js';
import { competitorVersions, gitRevision } from './provenance.js';
import { formatMs, formatRatio, table, type WorkloadResult } from './report.js';
import { makeWorkloads, selectWorkloads } from './workloads.js';

/** The workloads of the threads goals (issue #21). */
const THREAD_WORKLOADS = ['W1 N=1024', 'W3', 'W4', 'W5', 'W6'];

/** What the threads run measured. */
export interface ThreadsResult {
  readonly threads: number;
  readonly date: string;
  readonly commit: string;
  readonly machine: string;
  readonly cores: number;
  readonly node: string;
  /** 1-minute load averages sampled while measuring (every progress report). */
  readonly load: readonly number[];
  readonly workloads: readonly WorkloadResult[];
  /** Whole ONNX models (--models), measured after the workloads. */
  readonly models?: readonly WorkloadResult[];
}

function median(key: string, w: WorkloadResult): number {
  const cell = w.cells.find((c) => c.competitor === key);
  return cell === undefined || cell.error !== undefined ? NaN : cell.medianMs;
}

/** The report: per workload, our 1- and N-thread medians, the speed-up, and ORT-web's N-thread median. */
export function renderThreads(r: ThreadsResult): string {
  const n = r.threads;
  const rows = [...r.workloads, ...(r.models ?? [])].map((w) => {
    const one = median('tensorwasm', w);
    const many = median(`tensorwasm-t${n}`, w);
    const ort = median(`ort-t${n}`, w);
    return [
      w.id,
      formatMs(one),
      formatMs(many),
      formatRatio(one / many),
      formatMs(ort),
      formatRatio(ort / many),
    ];
  });
  const lo = Math.min(...r.load);
  const hi = Math.max(...r.load);
  const trust =
    hi >= r.cores * 0.75
      ? `**not trustworthy**: the load (${hi.toFixed(1)}) came near or above the ${r.cores} cores, so the threads competed with other work`
      : 'the machine was quiet enough for the figures to hold';
  return [
    `Threads: ${n} (tensorwasm ${r.commit}, ${r.date}, ${r.node}, ${r.machine}, ${r.cores} cores).`,
    `Load average (1 min) while measuring: ${lo.toFixed(2)}-${hi.toFixed(2)}; ${trust}.`,
    '',
    table(
      [
        'workload',
        'tensorwasm 1 thread',
        `tensorwasm ${n} threads`,
        'speed-up',
        `ORT-web ${n} threads`,
        `ORT-web / ours (${n} threads)`,
      ],
      rows,
    ),
  ].join('\n');
}

/** Runs the threads benchmark with `threads` threads; `quick` shortens the sampling. */
export async function runThreads(options: {
  readonly threads: number;
  readonly quick: boolean;
  readonly write: boolean;
  readonly outDir: string;
  readonly reporter: Reporter;
  /** Whole models to add (ids, as `--models=resnet`; [] for none, undefined for every model). */
  readonly models?: readonly string[] | undefined;
}): Promise<ThreadsResult> {
  const { threads, reporter } = options;
  const load: number[] = [loadavg()[0] ?? NaN];
  const sampling: Reporter = {
    print: (line) => reporter.print(line),
    progress: (text, force) => {
      load.push(loadavg()[0] ?? NaN);
      reporter.progress(text, force);
    },
  };
  const competitors = [
    makeTensorwasm(false, 1),
    makeTensorwasm(false, threads),
    makeOrt(() => import('onnxruntime-web'), threads),
  ];
  const workloads = selectWorkloads(makeWorkloads(false), THREAD_WORKLOADS);
  const { ready } = await initCompetitors(competitors, competitorVersions(), sampling);
  const results = await measureWorkloads(workloads, ready, options.quick ? QUICK : FULL, sampling);
  const models = options.models?.length === 0 ? [] : await measureModels(threads, options, sampling);
  load.push(loadavg()[0] ?? NaN);
  const result: ThreadsResult = {
    threads,
    date: new Date().toISOString().slice(0, 10),
    commit: gitRevision(),
    machine: cpus()[0]?.model.trim() ?? 'unknown',
    cores: cpus().length,
    node: process.version,
    load,
    workloads: results,
    models,
  };
  const text = renderThreads(result);
  console.log(`\n${text}`);
  if (options.write) {
    writeFileSync(join(options.outDir, 'results-threads.md'), `# Threads benchmark\n\n${text}\n`);
    writeFileSync(join(options.outDir, 'results-threads.json'), `${JSON.stringify(result, null, 1)}\n`);
    console.log(`\nwrote ${options.outDir}/results-threads.md and .json`);
  }
  return result;
}

/**
 * The whole models (ResNet-50 and the other light CNNs: bench/models) on
 * tensorwasm with one and `threads` threads and ORT-web with `threads`,
 * interleaved like the workloads, one model at a time.
 */
async function measureModels(
  threads: number,
  options: { readonly quick: boolean; readonly models?: readonly string[] | undefined },
  reporter: Reporter,
): Promise<WorkloadResult[]> {
  const details: DetailsTable = new Map();
  const competitors = [
    makeModelTensorwasm(details),
    makeModelTensorwasm(details, threads),
    makeModelOrt(details, threads),
  ];
  const { ready } = await initCompetitors(competitors, competitorVersions(), reporter);
  const workloads = makeModelWorkloads(options.models);
  const out: WorkloadResult[] = [];
  for (const [i, w] of workloads.entries()) {
    reporter.progress(`${w.id}: making the model (random weights)`, true);
    out.push(
      await measureWorkload(
        w,
        i,
        workloads.length,
        ready,
        options.quick ? MODELS_QUICK : MODELS_FULL,
        reporter,
      ),
    );
    w.release();
  }
  return out;
}
