/**
 * `npm run bench -- --threads 2 [--models[=resnet,...]]`: W1 N=1024, W3, W4,
 * W5 and W6 (and with --models the whole light CNNs of bench/models, ResNet-50
 * among them) on tensorwasm
 * with one thread and with N threads interleaved round-robin in one process
 * (bench/measure.ts), then ORT-web with N threads in a second pass of the same
 * process (beside our 1-thread run, whose outputs it is checked against: its
 * pthread workers spin after each run and would take our threads' cores),
 * reporting each threaded
 * run's speed-up over our own 1-thread run and the load average seen while
 * measuring (the machine's other work: a figure taken at a load near or
 * above the core count is not trustworthy), and on 2 threads the goals of
 * issue #21 met or not, a miss with the bound a plain copy or sum of the
 * same bytes reaches on the same threads (bench/threads-goals.ts). TF.js is left out: its threaded
 * Wasm build does not start in Node (`--browser` runs the same workloads in
 * headless Chromium with it: bench/browser/threads-chromium.ts). Writes
 * bench/results-threads.md (keeping its Chromium block) and .json unless
 * --no-write. With `--processes N` (N > 1) the pass runs in N fresh child
 * processes (this script again, with --json) one after another and the
 * report combines them (bench/threads-processes.ts).
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromiumBlockOf, withChromiumBlock } from './browser/threads-report.js';
import { makeOrt } from './competitors/ort.js';
import { makeTensorwasm } from './competitors/tensorwasm.js';
import { startCoreProbe } from './core-latency.js';
import { copyScript } from './engines/run-engines.js';
import {
  FULL,
  QUICK,
  initCompetitors,
  measureWorkload,
  measureWorkloads,
  type Reporter,
  type RowMeter,
} from './measure.js';
import { makeModelOrt, makeModelTensorwasm, type DetailsTable } from './models/model-competitors.js';
import { makeModelWorkloads } from './models/model-workloads.js';
import { MODELS_FULL, MODELS_QUICK } from './models/run-models.js';
import { competitorVersions, gitRevision } from './provenance.js';
import type { WorkloadResult } from './report.js';
import { measureStreamBounds } from './stream-bandwidth.js';
import { streamsToMeasure } from './threads-goals.js';
import { combineThreadsProcesses } from './threads-processes.js';
import { rowMeter } from './row-meter.js';
import { renderThreads, type ThreadsProcess, type ThreadsResult } from './threads-report.js';
import { makeWorkloads, selectWorkloads } from './workloads.js';

/** The workloads of the threads goals (issue #21). */
export const THREAD_WORKLOADS = ['W1 N=1024', 'W3', 'W4', 'W5', 'W6'];

/** Runs the threads benchmark with `threads` threads; `quick` shortens the sampling. */
export async function runThreads(options: {
  readonly threads: number;
  readonly quick: boolean;
  readonly write: boolean;
  readonly outDir: string;
  readonly reporter: Reporter;
  /** Whole models to add (ids, as `--models=resnet`; [] for none, undefined for every model). */
  readonly models?: readonly string[] | undefined;
  /** Child mode (a process of `--processes N`): write the result here as JSON instead of the report files. */
  readonly json?: string | undefined;
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
  // ORT-web's pthread workers spin after each run and take the cores from ours (measured: W3 2
  // threads 0.85x with ORT-web's workers alive in the process, 1.8x without): its samples come in
  // a second pass, after ours, so neither run shares the cores with the other's threads
  const ours = [makeTensorwasm(false, 1), makeTensorwasm(false, threads)];
  const workloads = selectWorkloads(makeWorkloads(false), THREAD_WORKLOADS);
  const settings = options.quick ? QUICK : FULL;
  const { ready } = await initCompetitors(ours, competitorVersions(), sampling);
  // how far apart the host has put our threads' cores, as each row starts and ends
  const probe = await startCoreProbe();
  const meter = rowMeter(probe);
  const results = await measureWorkloads(workloads, ready, settings, sampling, meter);
  const models =
    options.models?.length === 0 ? [] : await measureModels(threads, options, sampling, 'ours', meter);
  // the machine's streaming bound, before ORT-web's spinning workers exist
  sampling.progress('plain copy/sum on 1 and N threads (the streaming bound)', true);
  const bounds = await measureStreamBounds({
    streams: streamsToMeasure(),
    threads,
    rounds: options.quick ? 9 : 21,
    sampleBytes: 16 << 20,
  });
  // our 1-thread run again beside it: the reference its outputs are checked against
  const ort = await initCompetitors(
    [makeTensorwasm(false, 1), makeOrt(() => import('onnxruntime-web'), threads)],
    competitorVersions(),
    sampling,
  );
  const ortResults = await measureWorkloads(workloads, ort.ready, settings, sampling, rowMeter());
  const ortModels =
    options.models?.length === 0 ? [] : await measureModels(threads, options, sampling, 'ort', rowMeter());
  await probe.close();
  load.push(loadavg()[0] ?? NaN);
  const result: ThreadsResult = {
    threads,
    date: new Date().toISOString().slice(0, 10),
    commit: gitRevision(),
    machine: cpus()[0]?.model.trim() ?? 'unknown',
    cores: cpus().length,
    node: process.version,
    load,
    workloads: withCells(results, ortResults),
    models: withCells(models, ortModels),
    bounds,
  };
  const text = renderThreads(result);
  if (options.json !== undefined) {
    reporter.print(`\n${text}`);
    writeFileSync(options.json, JSON.stringify(result));
  } else {
    console.log(`\n${text}`);
    if (options.write) writeThreads(result, text, options.outDir);
  }
  return result;
}

/** Writes results-threads.md (keeping the Chromium block a `--browser` run wrote) and results-threads.json. */
function writeThreads(result: ThreadsResult, text: string, outDir: string): void {
  const path = join(outDir, 'results-threads.md');
  const previous = existsSync(path) ? readFileSync(path, 'utf8') : '';
  writeFileSync(path, withChromiumBlock(`# Threads benchmark\n\n${text}\n`, chromiumBlockOf(previous)));
  writeFileSync(join(outDir, 'results-threads.json'), `${JSON.stringify(result, null, 1)}\n`);
  console.log(`\nwrote ${outDir}/results-threads.md and .json`);
}

/**
 * The threads benchmark in `processes` fresh child processes, one after
 * another (each runs this script again with `childArgs` and --json: the whole
 * pass of runThreads), combined (bench/threads-processes.ts), reported and
 * written like a single run.
 */
export async function runThreadsProcesses(options: {
  readonly threads: number;
  readonly processes: number;
  /** The flags each child gets besides --threads and --json (--quick, --models=...). */
  readonly childArgs: readonly string[];
  readonly write: boolean;
  readonly outDir: string;
  readonly reporter: Reporter;
}): Promise<ThreadsResult> {
  const { reporter } = options;
  const script = copyScript(process.argv[1] ?? '');
  const dir = mkdtempSync(join(tmpdir(), 'tensorwasm-bench-threads-'));
  const runs: ThreadsProcess[] = [];
  try {
    for (let i = 0; i < options.processes; i++) {
      reporter.print(`\n== threads bench, process ${i + 1} of ${options.processes}`);
      const json = join(dir, `process-${i + 1}.json`);
      const args = [`--threads=${options.threads}`, `--json=${json}`, ...options.childArgs];
      runs.push(await runChild(script.path, args, json, reporter));
    }
  } finally {
    script.remove();
    rmSync(dir, { recursive: true, force: true });
  }
  const result = combineThreadsProcesses(runs);
  const text = renderThreads(result);
  console.log(`\n${text}`);
  if (options.write) writeThreads(result, text, options.outDir);
  return result;
}

/** One child: this Node binary and flags on `script` with `args`; its result from `json`, or why it failed. */
async function runChild(
  script: string,
  args: readonly string[],
  json: string,
  reporter: Reporter,
): Promise<ThreadsProcess> {
  const loadStart = loadavg()[0] ?? NaN;
  try {
    const code = await new Promise<number | null>((done, fail) => {
      const child = spawn(process.execPath, [...process.execArgv, script, ...args], {
        stdio: ['ignore', 'inherit', 'inherit'],
      });
      child.on('error', fail);
      child.on('exit', (status) => done(status));
    });
    if (code !== 0) throw new Error(`exited with code ${code}`);
    const result = JSON.parse(readFileSync(json, 'utf8')) as ThreadsResult;
    return { result, load: result.load };
  } catch (e) {
    const error = e instanceof Error ? e.message : String(e);
    reporter.print(`threads bench process: ${error}`);
    return { error, load: [loadStart, loadavg()[0] ?? NaN] };
  }
}

/**
 * The whole models (ResNet-50 and the other light CNNs: bench/models) on
 * tensorwasm with one and `threads` threads (interleaved), or on ORT-web with
 * `threads`, one model at a time.
 */
async function measureModels(
  threads: number,
  options: { readonly quick: boolean; readonly models?: readonly string[] | undefined },
  reporter: Reporter,
  who: 'ours' | 'ort',
  meter: RowMeter,
): Promise<WorkloadResult[]> {
  const details: DetailsTable = new Map();
  const competitors =
    who === 'ours'
      ? [makeModelTensorwasm(details), makeModelTensorwasm(details, threads)]
      : [makeModelTensorwasm(details), makeModelOrt(details, threads)];
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
        meter,
      ),
    );
    w.release();
  }
  return out;
}

/** Each result of `ours` with the cells of the same workload in `more` that it lacks (ORT-web's) appended. */
export function withCells(
  ours: readonly WorkloadResult[],
  more: readonly WorkloadResult[],
): WorkloadResult[] {
  return ours.map((r) => {
    const have = new Set(r.cells.map((c) => c.competitor));
    const extra = more.find((m) => m.id === r.id)?.cells.filter((c) => !have.has(c.competitor)) ?? [];
    return { ...r, cells: [...r.cells, ...extra] };
  });
}
