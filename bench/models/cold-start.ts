/**
 * The models bench's fresh-process start-up column: per model, child
 * processes (same Node binary and flags as the bench) that each do one thing —
 * tensorwasm `load()` of the saved module or ORT-web's session creation, then
 * the first run and a few more — interleaved, their first outputs compared.
 * The saved .wasm, the .onnx bytes and the input go to a temp dir, one model
 * at a time, and are deleted after its processes ran.
 */
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { build } from 'esbuild';
import type { Reporter } from '../measure.js';
import { compareOutputs } from '../report.js';
import type {
  ColdChildResult,
  ColdEngine,
  ColdJob,
  ColdModelResult,
  ColdSample,
} from './cold-start-types.js';
import { encodeModel } from './encode-model.js';
import type { ModelWorkload } from './model-workloads.js';

/** How many processes per engine and how long each runs after its first run. */
export interface ColdSettings {
  readonly processes: number;
  readonly steady: ColdJob['steady'];
}

/** Full runs: 3 processes per engine (the median is reported), 1-10 runs after the first, more while under 0.6 s (VGG-19 takes 1). */
export const COLD_FULL: ColdSettings = { processes: 3, steady: { minRuns: 1, budgetMs: 600, maxRuns: 10 } };
/** Quick runs: one process per engine, 1-3 runs after the first. */
export const COLD_QUICK: ColdSettings = { processes: 1, steady: { minRuns: 1, budgetMs: 0, maxRuns: 3 } };

/** A child that has not printed its line by then is killed (VGG-19's ORT session takes seconds). */
const CHILD_TIMEOUT_MS = 300_000;

/** Measures models in fresh processes; `dispose()` removes its temp dir and bundle. */
export interface ColdStartRunner {
  /** Keeps tensorwasm's saved module of a model (the bench's compile) for its processes. */
  readonly saveModule: (workload: Pick<ModelWorkload, 'id'>, saved: Uint8Array) => void;
  /** Runs the model's processes, interleaved; the module must have been saved. */
  measure(
    workload: Pick<ModelWorkload, 'id' | 'inputShape' | 'bytes' | 'makeData'>,
    reporter: Reporter,
  ): Promise<ColdModelResult>;
  dispose(): void;
}

/** Options of makeColdStartRunner. */
export interface ColdRunnerOptions {
  readonly settings: ColdSettings;
  /** Node flags of the children (default: this process's, so they run as the bench does). */
  readonly execArgv?: readonly string[];
}

/** A one-node model (Relu over 4 floats): its session loads ORT's runtime before the timed one. */
function ortInitModel(): Uint8Array {
  return encodeModel({
    name: 'ort_init',
    opset: 17,
    nodes: [{ op_type: 'Relu', input: ['x'], output: ['y'], attribute: [] }],
    initializers: [],
    inputs: [['x', [1, 4]]],
    outputs: [['y', [1, 4]]],
  });
}

/** The child script bundled once, beside the other bundles so onnxruntime-web resolves from node_modules. */
async function bundleChild(): Promise<string> {
  const dir = resolve('node_modules/.cache/tensorwasm-run');
  mkdirSync(dir, { recursive: true });
  const outfile = join(dir, `cold-start-child-${process.pid}.mjs`);
  await build({
    entryPoints: [resolve('bench/models/cold-start-child.ts')],
    outfile,
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    packages: 'external',
    logLevel: 'error',
  });
  return outfile;
}

/** Runs one child; resolves with its JSON line and the time from spawn to its first line. */
function runChild(script: string, execArgv: readonly string[], jobPath: string): Promise<ColdSample> {
  return new Promise((done, fail) => {
    const spawnAt = performance.timeOrigin + performance.now();
    const child = spawn(process.execPath, [...execArgv, script, jobPath], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const timer = setTimeout(() => child.kill(), CHILD_TIMEOUT_MS);
    child.on('error', (e) => {
      clearTimeout(timer);
      fail(e);
    });
    child.on('exit', (code, signal) => {
      clearTimeout(timer);
      const line = stdout.trim().split('\n').pop() ?? '';
      if (code !== 0 || !line.startsWith('{')) {
        const why = stderr.trim().split('\n').filter(Boolean).slice(-3).join(' / ');
        fail(new Error(`child exited with ${signal ?? code}${why === '' ? '' : `: ${why}`}`));
        return;
      }
      const result = JSON.parse(line) as ColdChildResult;
      done({ ...result, processStartMs: result.firstLineAt - spawnAt });
    });
  });
}

function readFloats(path: string): Float32Array {
  const bytes = readFileSync(path);
  return new Float32Array(bytes.buffer, bytes.byteOffset, bytes.byteLength / 4);
}

const fileStem = (id: string): string => id.toLowerCase().replace(/[^a-z0-9]+/g, '-');

/** Bundles the child script and makes the temp dir; call dispose() when done. */
export async function makeColdStartRunner(options: ColdRunnerOptions): Promise<ColdStartRunner> {
  const { settings } = options;
  const execArgv = options.execArgv ?? process.execArgv;
  const script = await bundleChild();
  const dir = mkdtempSync(join(tmpdir(), 'tensorwasm-cold-'));
  const initModel = join(dir, 'ort-init.onnx');
  writeFileSync(initModel, ortInitModel());
  const remove = (): void => {
    rmSync(dir, { recursive: true, force: true });
    rmSync(script, { force: true });
  };
  // also when the bench dies (an uncaught error, a closed pipe): 'exit' still fires
  process.once('exit', remove);
  const saved = new Set<string>();
  const wasmPath = (id: string): string => join(dir, `${fileStem(id)}.wasm`);

  async function measure(
    workload: Pick<ModelWorkload, 'id' | 'inputShape' | 'bytes' | 'makeData'>,
    reporter: Reporter,
  ): Promise<ColdModelResult> {
    const stem = fileStem(workload.id);
    const files = [wasmPath(workload.id), join(dir, `${stem}.onnx`), join(dir, `${stem}.input`)];
    const samples: Record<ColdEngine, ColdSample[]> = { tensorwasm: [], ort: [] };
    const outputs: Record<ColdEngine, Float32Array[]> = { tensorwasm: [], ort: [] };
    try {
      if (!saved.has(workload.id))
        return { id: workload.id, tensorwasm: [], ort: [], error: 'tensorwasm did not compile the model' };
      const [wasm, onnx, input] = files as [string, string, string];
      writeFileSync(onnx, workload.bytes());
      const data = workload.makeData().inputs[0]?.data;
      if (data === undefined) throw new Error(`${workload.id}: no input`);
      writeFileSync(input, data);
      /** Writes the job of process `i` of `engine`: its path, and where its output will be. */
      const job = (engine: ColdEngine, i: number): { path: string; output: string } => {
        const path = join(dir, `${stem}-${engine}-${i}.json`);
        const spec: ColdJob = {
          engine,
          model: engine === 'tensorwasm' ? wasm : onnx,
          ...(engine === 'ort' ? { ortInitModel: initModel } : {}),
          input,
          inputShape: workload.inputShape,
          output: join(dir, `${stem}-${engine}-${i}.out`),
          steady: settings.steady,
        };
        writeFileSync(path, JSON.stringify(spec));
        files.push(path, spec.output);
        return { path, output: spec.output };
      };
      for (let i = 0; i < settings.processes; i++) {
        // alternate which engine goes first, so neither always follows the other
        const order: ColdEngine[] = i % 2 === 0 ? ['tensorwasm', 'ort'] : ['ort', 'tensorwasm'];
        for (const engine of order) {
          reporter.progress(`${workload.id}: fresh process ${i + 1}/${settings.processes}, ${engine}`);
          const { path, output } = job(engine, i);
          samples[engine].push(await runChild(script, execArgv, path));
          outputs[engine].push(readFloats(output));
        }
      }
      return { id: workload.id, ...samples, ...agreement(outputs) };
    } catch (e) {
      return { id: workload.id, ...samples, error: e instanceof Error ? e.message : String(e) };
    } finally {
      for (const f of files) rmSync(f, { force: true });
      saved.delete(workload.id);
    }
  }

  return {
    saveModule: (workload, bytes) => {
      writeFileSync(wasmPath(workload.id), bytes);
      saved.add(workload.id);
    },
    measure,
    dispose: () => {
      remove();
      process.removeListener('exit', remove);
    },
  };
}

/** Every ORT process's first output against the first tensorwasm process's (the bench's tolerance). */
function agreement(
  outputs: Record<ColdEngine, Float32Array[]>,
): Pick<ColdModelResult, 'maxAbsDiff' | 'flagged'> {
  const reference = outputs.tensorwasm[0];
  if (reference === undefined || outputs.ort.length === 0) return {};
  let maxAbsDiff = 0;
  let flagged = false;
  for (const out of [...outputs.tensorwasm.slice(1), ...outputs.ort]) {
    const diff = compareOutputs(reference, out);
    maxAbsDiff = Math.max(maxAbsDiff, Number.isNaN(diff.maxAbsDiff) ? Infinity : diff.maxAbsDiff);
    flagged ||= diff.flagged;
  }
  return { maxAbsDiff, flagged };
}
