/**
 * `npm run bench`: W1-W7 with tensorwasm, TF.js (wasm), ONNX Runtime Web,
 * jax-js and plain JS, single-threaded, interleaved round-robin per sample
 * after a warm-up, every output checked against tensorwasm's. Writes
 * bench/results.md and bench/results.json. With `--engines` it then runs the
 * same workloads with tensorwasm, tfjs-wasm and ORT-web on other Node versions
 * (this script again, under each binary, with --json) and in headless
 * Chromium, and adds one table per engine (bench/engines/).
 *
 *   npm run bench [-- --quick] [--only=W1,W5] [--competitors=tensorwasm,tfjs] [--no-write | --out=DIR]
 *   npm run bench -- --engines[=node,chromium] [--node-majors=22,24,26 | --node-versions=22.21.1,...]
 *                    [--node-binaries=/path/to/node,...] [--offline] [--engine-competitors=tfjs,ort]
 *                    [--processes=N] [--max-samples=N]: N fresh processes per engine (default 3, 1 with
 *                    --quick), interleaved, each with a share of the samples (bench/engines/processes.ts)
 *   node --experimental-wasm-relaxed-simd scripts/run-ts.mjs bench/run.ts --relaxed-simd --no-write
 *   npm run bench -- --models[=resnet,audio] [--quick] [--no-write] [--no-cold]   (or --only=models): whole
 *                    ONNX models on tensorwasm and ORT-web (bench/models/), and each one's start-up in fresh
 *                    processes unless --no-cold; only the models unless --only names more
 *   npm run bench -- --threads 2 [--models[=resnet,...]] [--quick] [--no-write] [--processes=N]: W1 N=1024,
 *                    W3-W6 (and the whole models) on 1 and 2 threads and ORT-web with 2 threads, with the
 *                    load seen, in N fresh processes one after another (default 5, 1 with --quick; each runs
 *                    the whole pass), combined: medians of the processes' medians, speed-ups within each
 *                    process then their median (bench/threads.ts, bench/threads-processes.ts,
 *                    bench/results-threads.md)
 *   npm run bench -- --threads 2 --browser [--only=W3,W5] [--models=resnet] [--quick] [--no-write]: the same workloads in
 *                    headless Chromium, with tfjs-wasm's threaded build and ORT-web on 2 threads
 *                    (bench/browser/threads-chromium.ts; the Chromium block of bench/results-threads.md)
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { join } from 'node:path';
import { compile } from '../src/index.js';
import { supportsRelaxedSimd } from '../src/runtime/features.js';
import type { Competitor } from './competitors/competitor.js';
import { makeJax } from './competitors/jax.js';
import { makeOrt } from './competitors/ort.js';
import { makePlainJs } from './competitors/plainjs.js';
import { buildGraph, makeTensorwasm } from './competitors/tensorwasm.js';
import { makeTfjs } from './competitors/tfjs.js';
import { README_BEGIN, renderEngines, renderEnginesSection, replaceReadmeBlock } from './engine-report.js';
import { copyScript, runEngines, type EnginesOptions } from './engines/run-engines.js';
import { competitorVersions, gitRevision } from './provenance.js';
import { FULL, QUICK, initCompetitors, measureWorkloads, type Reporter } from './measure.js';
import type { BenchResult, EngineInfo, EngineRun } from './report.js';
import { formatMs, renderMarkdown, summaryTable } from './report.js';
import { modelsSectionOf } from './models/models-report.js';
import { runModels } from './models/run-models.js';
import { makeModelWorkloads } from './models/model-workloads.js';
import type { Workload } from './workloads.js';
import { makeWorkloads, selectWorkloads } from './workloads.js';
import { runThreads, runThreadsProcesses } from './threads.js';
import { runThreadsChromium } from './browser/threads-chromium.js';

const args = process.argv.slice(2);
const quick = args.includes('--quick');
/**
 * Compile tensorwasm with relaxed SIMD where the engine runs it (Node 22+,
 * Chromium; Node 20 only with --experimental-wasm-relaxed-simd). With
 * --engines it applies to every engine that supports it.
 */
const relaxedSimdAsked = args.includes('--relaxed-simd');
const relaxedSimd = relaxedSimdAsked && supportsRelaxedSimd();
const listArg = (name: string): string[] | undefined =>
  args
    .find((a) => a.startsWith(`--${name}=`))
    ?.slice(name.length + 3)
    .split(',');
/** `--models[=ids]` or `--only=models,...`: the whole-model group; W1-W7 run only when --only names them. */
const modelsFlag = args.find((a) => a === '--models' || a.startsWith('--models='));
const onlyModels = modelsFlag?.startsWith('--models=') === true ? listArg('models') : undefined;
const wantsModels = modelsFlag !== undefined || (listArg('only') ?? []).includes('models');
const onlyWorkloads = listArg('only')?.filter((w) => w !== 'models');
const wantsWorkloads = !wantsModels || (onlyWorkloads !== undefined && onlyWorkloads.length > 0);
const onlyCompetitors = listArg('competitors');
/** Child mode: measure on this engine and write {engine, result} as JSON to this file. */
const jsonPath = args.find((a) => a.startsWith('--json='))?.slice('--json='.length);
/** Where results.md and results.json go (bench/ unless --out=DIR). */
const outDir = args.find((a) => a.startsWith('--out='))?.slice('--out='.length) ?? 'bench';
const started = performance.now();

/** `--name=N` or `--name N` as a whole number of at least 1 (undefined when absent). */
function countArg(name: string): number | undefined {
  const at = args.findIndex((a) => a === `--${name}` || a.startsWith(`--${name}=`));
  if (at < 0) return undefined;
  const text = args[at]?.includes('=') === true ? args[at]?.slice(name.length + 3) : args[at + 1];
  const n = Number(text);
  if (!Number.isInteger(n) || n < 1)
    throw new Error(`bench: --${name} needs a whole number of 1 or more (got ${text})`);
  return n;
}
/**
 * With --engines: fresh processes per engine (3); with --threads (in Node):
 * fresh processes that each run the threads pass (5: one process is one draw
 * of the host's lottery, and a 2-thread speed-up moves with it twice, through
 * each thread's core; three processes' median of ResNet-50 moved by 0.12x between runs
 * in session 15).
 */
const processes =
  countArg('processes') ??
  (quick ? 1 : args.some((a) => a === '--threads' || a.startsWith('--threads=')) ? 5 : 3);
const baseSettings = quick ? QUICK : FULL;
/**
 * Samples per cell at most: --max-samples (a child gets it from its parent),
 * else with several processes per engine each takes its share, so the whole
 * run stays about as long as with one.
 */
const maxSamples =
  countArg('max-samples') ??
  (processes > 1 && args.some((a) => a.startsWith('--engines'))
    ? Math.max(baseSettings.minSamples, Math.round(baseSettings.maxSamples / processes))
    : undefined);
const settings = maxSamples === undefined ? baseSettings : { ...baseSettings, maxSamples };

/** One line of progress, rewritten in place on a terminal, every few seconds otherwise. */
let lastProgressPrint = 0;
function progress(text: string, force = false): void {
  const elapsed = (performance.now() - started) / 1000;
  const line = `[${Math.floor(elapsed / 60)}:${String(Math.floor(elapsed % 60)).padStart(2, '0')}] ${text}`;
  if (process.stderr.isTTY) {
    process.stderr.write(`\r${line.slice(0, (process.stderr.columns || 120) - 1)}\x1b[K`);
  } else if (force || performance.now() - lastProgressPrint > 5000) {
    process.stderr.write(`${line}\n`);
    lastProgressPrint = performance.now();
  }
}
function endProgress(): void {
  if (process.stderr.isTTY) process.stderr.write('\r\x1b[K');
}
const reporter: Reporter = {
  progress,
  print: (line) => {
    endProgress();
    // A child's result lines go to stderr: its stdout is the parent's console.
    if (jsonPath === undefined) console.log(line);
    else process.stderr.write(`${line}\n`);
  },
};

/** compile() wall time of the W5 MLP, after a tiny compile has loaded Binaryen. */
async function measureMlpCompile(workloads: readonly Workload[]): Promise<BenchResult['compile']> {
  const mlp = workloads.find((w) => w.group === 'W5') ?? makeWorkloads(true).find((w) => w.group === 'W5');
  if (mlp === undefined) return { mlpMs: NaN, mlpBestMs: NaN, mlpStats: {} };
  const times: number[] = [];
  let stats: Readonly<Record<string, number>> = {};
  for (let i = 0; i < 3; i++) {
    const graph = buildGraph(mlp.spec);
    const start = performance.now();
    const model = await compile(graph);
    times.push(performance.now() - start);
    if (i === 0) stats = model.stats;
    model.dispose();
  }
  // The first compile of a graph this size is what a user waits for; later
  // ones run on JIT-warmer compiler code.
  return { mlpMs: times[0] ?? NaN, mlpBestMs: Math.min(...times), mlpStats: stats };
}

function readText(path: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return '';
  }
}

/** This process's engine. */
function thisEngine(loadStart: readonly number[]): EngineInfo {
  return {
    name: `Node ${process.versions.node}`,
    v8: process.versions.v8,
    detail: process.version,
    relaxedSimd: supportsRelaxedSimd(),
    ...(relaxedSimd ? { relaxedSimdUsed: true } : {}),
    loadStart,
    loadEnd: loadavg(),
  };
}

/** The whole benchmark on this Node. */
async function benchHere(): Promise<BenchResult> {
  if (relaxedSimdAsked && !relaxedSimd)
    reporter.print(`Node ${process.versions.node} has no relaxed SIMD: tensorwasm is compiled without it`);
  const all = [makeTensorwasm(relaxedSimd), makeTfjs(), makeOrt(), makeJax(), makePlainJs()];
  const chosen: Competitor[] = all.filter(
    (c) => c.key === 'tensorwasm' || onlyCompetitors === undefined || onlyCompetitors.includes(c.key),
  );
  const workloads = selectWorkloads(makeWorkloads(quick), onlyWorkloads);
  const { startup, ready } = await initCompetitors(chosen, competitorVersions(), reporter);

  // A child measures the engine only; compile time is the parent's.
  if (jsonPath === undefined) progress('compiling the W5 MLP', true);
  const compileResult =
    jsonPath === undefined
      ? await measureMlpCompile(workloads)
      : { mlpMs: NaN, mlpBestMs: NaN, mlpStats: {} };
  const results = await measureWorkloads(workloads, ready, settings, reporter);
  return {
    meta: {
      date: new Date().toISOString().slice(0, 10),
      machine: cpus()[0]?.model.trim() ?? 'unknown',
      cores: cpus().length,
      node: process.version,
      v8: process.versions.v8,
      commit: gitRevision(),
      mode: quick ? 'quick' : 'full',
      totalSeconds: (performance.now() - started) / 1000,
    },
    competitors: startup,
    compile: compileResult,
    workloads: results,
  };
}

function printSummary(result: BenchResult): void {
  const { compile: compileResult, competitors: startup, workloads: results } = result;
  console.log('');
  console.log(summaryTable(result));
  console.log('');
  console.log(
    `W5 MLP compile: ${formatMs(compileResult.mlpMs)}, best of 3 ${formatMs(compileResult.mlpBestMs)} (${Object.entries(
      compileResult.mlpStats,
    )
      .map(([k, v]) => `${k} ${formatMs(v)}`)
      .join(', ')})`,
  );
  for (const s of startup)
    console.log(`start-up ${s.label}: ${s.error === undefined ? formatMs(s.initMs) : `FAILED: ${s.error}`}`);
  const flagged = results.flatMap((w) =>
    w.cells.filter((c) => c.flagged === true).map((c) => `${w.id}/${c.competitor}`),
  );
  if (flagged.length > 0) console.log(`\nWARNING: outputs differ from tensorwasm's: ${flagged.join(', ')}`);
}

/** --engines[=node,chromium] and its options. */
function enginesOptions(): EnginesOptions | undefined {
  const flag = args.find((a) => a === '--engines' || a.startsWith('--engines='));
  if (flag === undefined) return undefined;
  const kinds = flag === '--engines' ? ['node', 'chromium'] : flag.slice('--engines='.length).split(',');
  const pinned = listArg('node-versions');
  const binaries = listArg('node-binaries');
  return {
    node: kinds.includes('node'),
    chromium: kinds.includes('chromium'),
    majors: (listArg('node-majors') ?? ['22', '24', '26'])
      .map(Number)
      .filter((m) => m !== Number(process.versions.node.split('.')[0])),
    ...(pinned === undefined ? {} : { pinned }),
    ...(binaries === undefined ? {} : { binaries }),
    offline: args.includes('--offline'),
    quick,
    ...(onlyWorkloads === undefined ? {} : { only: onlyWorkloads }),
    competitors: listArg('engine-competitors') ?? ['tfjs', 'ort'],
    relaxedSimd: relaxedSimdAsked,
    processes,
    ...(maxSamples === undefined ? {} : { maxSamples }),
    script: '',
    reporter,
  };
}

/** `--threads N` or `--threads=N`: the threads benchmark instead of the others. */
function threadsArg(): number | undefined {
  const at = args.findIndex((a) => a === '--threads' || a.startsWith('--threads='));
  if (at < 0) return undefined;
  const text =
    args[at]?.startsWith('--threads=') === true ? args[at]?.slice('--threads='.length) : args[at + 1];
  const n = Number(text);
  if (!Number.isInteger(n) || n < 2)
    throw new Error(`bench: --threads needs a count of 2 or more (got ${text})`);
  return n;
}

async function main(): Promise<void> {
  const threads = threadsArg();
  if (threads !== undefined && args.includes('--browser')) {
    await runThreadsChromium({
      threads,
      quick,
      only: listArg('only'),
      // --models=resnet: whole models too (a bare --models means every light CNN, as in Node)
      models: modelsFlag === undefined ? [] : (onlyModels ?? makeModelWorkloads().map((w) => w.id)),
      write: !args.includes('--no-write'),
      outDir,
      reporter,
    });
    endProgress();
    return;
  }
  if (threads !== undefined && jsonPath === undefined && processes > 1) {
    // fresh processes, each a run of the branch below (--json), combined
    await runThreadsProcesses({
      threads,
      processes,
      childArgs: [...(quick ? ['--quick'] : []), ...(modelsFlag === undefined ? [] : [modelsFlag])],
      write: !args.includes('--no-write'),
      outDir,
      reporter,
    });
    endProgress();
    return;
  }
  if (threads !== undefined) {
    await runThreads({
      threads,
      quick,
      write: !args.includes('--no-write'),
      outDir,
      reporter,
      // --models[=ids]: the whole models too (all of them, or those named)
      models: modelsFlag === undefined ? [] : onlyModels,
      json: jsonPath,
    });
    endProgress();
    return;
  }
  if (wantsWorkloads) await mainWorkloads();
  if (wantsModels && jsonPath === undefined) {
    const run = await runModels({
      quick,
      ...(onlyModels === undefined ? {} : { only: onlyModels }),
      write: !args.includes('--no-write'),
      outDir,
      cold: !args.includes('--no-cold'),
      reporter,
    });
    endProgress();
    console.log('');
    console.log(run.models.length === 0 ? 'no model matched --models' : 'models done');
  }
}

/** W1-W7 (and the other engines with --engines). */
async function mainWorkloads(): Promise<void> {
  const loadStart = loadavg();
  const engines = enginesOptions();
  const script = engines?.node === true ? copyScript(process.argv[1] ?? '') : undefined;
  const here = await benchHere();
  const current: EngineRun = { engine: thisEngine(loadStart), result: here };
  if (jsonPath !== undefined) {
    writeFileSync(jsonPath, JSON.stringify(current));
    return;
  }
  printSummary(here);
  let runs: EngineRun[] | undefined;
  try {
    if (engines !== undefined) runs = await runEngines({ ...engines, script: script?.path ?? '' }, current);
  } finally {
    script?.remove();
  }
  if (runs !== undefined) {
    console.log('');
    console.log(renderEngines(runs));
  }
  if (!args.includes('--no-write')) {
    const result: BenchResult = runs === undefined ? here : { ...here, engines: runs };
    const engineSection = runs === undefined ? '' : `\n${renderEnginesSection(runs)}`;
    // keep the whole-model section a `--models` run wrote
    const previous = readText(join(outDir, 'results.md'));
    const models = modelsSectionOf(previous);
    const markdown = renderMarkdown(result) + engineSection;
    writeFileSync(
      join(outDir, 'results.md'),
      models === '' ? markdown : `${markdown.trimEnd()}\n\n${models}\n`,
    );
    const json: BenchResult =
      runs === undefined
        ? here
        : { ...here, engines: runs.map((r) => (r === current ? { engine: r.engine, current: true } : r)) };
    writeFileSync(join(outDir, 'results.json'), `${JSON.stringify(json, null, 1)}\n`);
    console.log(`\nwrote ${outDir}/results.md and ${outDir}/results.json`);
    // The README shows complete full runs written to bench/ only.
    if (runs !== undefined && !quick && onlyWorkloads === undefined && outDir === 'bench') {
      const readme = readFileSync('README.md', 'utf8');
      if (readme.includes(README_BEGIN)) {
        writeFileSync('README.md', replaceReadmeBlock(readme, renderEngines(runs)));
        console.log('updated the engine tables in README.md');
      }
    }
  }
}

await main();
