/**
 * `npm run bench -- --models`: every whole model (model-workloads.ts) on
 * tensorwasm and ORT-web, interleaved per sample by the shared measuring loop
 * (bench/measure.ts) within a time budget per model, outputs compared; then
 * the table goes into bench/results.md and the README (between markers).
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { join } from 'node:path';
import { initCompetitors, measureWorkload, type Reporter, type Settings } from '../measure.js';
import { competitorVersions, gitRevision } from '../provenance.js';
import { formatMs } from '../report.js';
import { COLD_FULL, COLD_QUICK, makeColdStartRunner } from './cold-start.js';
import { summarizeCold } from './cold-start-report.js';
import type { ColdModelResult } from './cold-start-types.js';
import { makeModelOrt, makeModelTensorwasm, type DetailsTable } from './model-competitors.js';
import { makeModelWorkloads } from './model-workloads.js';
import {
  modelRatio,
  modelsEngineKey,
  modelsMarkers,
  renderModelsCompact,
  renderModelsFull,
  replaceModelsBlock,
  type ModelResult,
  type ModelsRun,
} from './models-report.js';

/**
 * Whole models take 10 ms to seconds per run: a sample is one run, and each
 * model gets a time budget shared by both engines; past it only minSamples
 * are taken (VGG-19 and ResNet-50 on a generic conv kernel take seconds).
 */
export const MODELS_FULL: Settings = {
  warmupMs: 300,
  warmupRuns: 2,
  sampleMs: 1,
  minSamples: 5,
  maxSamples: 40,
  workloadBudgetMs: 20_000,
};
export const MODELS_QUICK: Settings = {
  warmupMs: 0,
  warmupRuns: 1,
  sampleMs: 1,
  minSamples: 3,
  maxSamples: 10,
  workloadBudgetMs: 3_000,
};

/** Options of runModels. */
export interface ModelsOptions {
  readonly quick: boolean;
  /** Model ids (prefixes, case-insensitive); all when undefined. */
  readonly only?: readonly string[];
  /** Write bench/results.md's and README's models block (default: to outDir and the README). */
  readonly write: boolean;
  readonly outDir: string;
  /** Also measure each model's start-up in fresh processes (cold-start.ts); `--no-cold` turns it off. */
  readonly cold: boolean;
  readonly reporter: Reporter;
}

function uptimeLoad(): number[] {
  return loadavg().map((v) => Math.round(v * 100) / 100);
}

/** Measures every selected model and returns the run (written unless `write` is false). */
export async function runModels(options: ModelsOptions): Promise<ModelsRun> {
  const started = performance.now();
  const loadStart = uptimeLoad();
  const { reporter } = options;
  const details: DetailsTable = new Map();
  const versions = competitorVersions();
  const coldSettings = options.quick ? COLD_QUICK : COLD_FULL;
  const cold = options.cold ? await makeColdStartRunner({ settings: coldSettings }) : undefined;
  const coldModels: ColdModelResult[] = [];
  let coldMs = 0;
  const models: ModelResult[] = [];
  try {
    const { ready } = await initCompetitors(
      [makeModelTensorwasm(details, 1, cold?.saveModule), makeModelOrt(details)],
      versions,
      reporter,
    );
    const workloads = makeModelWorkloads(options.only);
    const settings = options.quick ? MODELS_QUICK : MODELS_FULL;
    for (const [i, w] of workloads.entries()) {
      reporter.progress(`${w.id}: making the model (random weights)`, true);
      const result = await measureWorkload(w, i, workloads.length, ready, settings, reporter);
      const row = details.get(w.id);
      models.push({ result, details: Object.fromEntries(row ?? []) });
      const tw = row?.get('tensorwasm');
      reporter.print(
        `${''.padEnd(10)} ratio ${modelRatio(models[models.length - 1] as ModelResult).toFixed(2)}, import ${formatMs(tw?.importMs ?? NaN)}, compile ${formatMs(tw?.compileMs ?? NaN)}`,
      );
      if (cold !== undefined) {
        const coldStart = performance.now();
        const c = await cold.measure(w, reporter);
        coldMs += performance.now() - coldStart;
        coldModels.push(c);
        reporter.print(coldLine(c));
      }
      w.release();
    }
  } finally {
    cold?.dispose();
  }
  if (cold !== undefined)
    reporter.print(`fresh-process start-up: ${(coldMs / 1000).toFixed(0)} s of the run (--no-cold skips it)`);
  const run: ModelsRun = {
    date: new Date().toISOString().slice(0, 16).replace('T', ' ') + ' UTC',
    mode: options.quick ? 'quick' : 'full',
    machine: cpus()[0]?.model.trim() ?? 'unknown',
    cores: cpus().length,
    node: process.versions.node,
    ortVersion: versions.ort ?? '?',
    commit: gitRevision(),
    loadStart,
    loadEnd: uptimeLoad(),
    models,
    ...(cold === undefined
      ? {}
      : {
          cold: {
            processes: coldSettings.processes,
            steady: coldSettings.steady,
            models: coldModels,
            seconds: coldMs / 1000,
          },
        }),
    totalSeconds: (performance.now() - started) / 1000,
  };
  if (options.write) writeModels(run, options);
  return run;
}

/** One console line per model's start-up. */
function coldLine(c: ColdModelResult): string {
  const s = summarizeCold(c);
  if (s.error !== undefined) return `${''.padEnd(10)} fresh process: FAILED (${s.error})`;
  return (
    `${''.padEnd(10)} fresh process: tw load + first ${formatMs(s.twTotalMs)} (first ${s.twFirstOverSteady.toFixed(1)}x steady), ` +
    `ORT create + first ${formatMs(s.ortTotalMs)}, ratio ${s.ratio.toFixed(2)}${s.flagged === true ? ', OUTPUTS DISAGREE' : ''}`
  );
}

function writeModels(run: ModelsRun, options: ModelsOptions): void {
  const results = join(options.outDir, 'results.md');
  let text = '';
  try {
    text = readFileSync(results, 'utf8');
  } catch {
    text = '# Benchmark results\n';
  }
  const key = modelsEngineKey(run.node);
  writeFileSync(results, replaceModelsBlock(text, renderModelsFull(run), key));
  const json = join(options.outDir, `results-models-${key}.json`);
  writeFileSync(json, `${JSON.stringify(run, null, 1)}\n`);
  options.reporter.print(`wrote ${results} (the ${key} models section) and ${json}`);
  // the README shows a complete full run written to bench/ only
  if (!options.quick && options.only === undefined && options.outDir === 'bench') {
    const readme = readFileSync('README.md', 'utf8');
    const updated = replaceModelsBlockIfPresent(readme, renderModelsCompact(run), key);
    if (updated !== readme) {
      writeFileSync('README.md', updated);
      options.reporter.print('updated the models table in README.md');
    }
  }
}

/** The README gets a table only for the engines it has a block for (README.md places them). */
function replaceModelsBlockIfPresent(text: string, block: string, key: string): string {
  return text.includes(modelsMarkers(key).begin) ? replaceModelsBlock(text, block, key) : text;
}
