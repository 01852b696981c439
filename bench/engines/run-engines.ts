/**
 * `npm run bench -- --engines`: runs the benchmark on other engines after the
 * current Node: each other Node binary runs this same bundled script with
 * --json (one process per engine, so engines never share a heap), then
 * headless Chromium runs it in a page. Returns one EngineRun per engine.
 */
import { spawn } from 'node:child_process';
import { copyFileSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import type { Reporter } from '../measure.js';
import type { EngineRun } from '../report.js';
import { runChromium } from './chromium.js';
import { resolveNodeEngines, type NodeEngine } from './node-binaries.js';

export interface EnginesOptions {
  readonly node: boolean;
  readonly chromium: boolean;
  /** Node majors to run (the newest release of each), unless `pinned` names versions. */
  readonly majors: readonly number[];
  readonly pinned?: readonly string[];
  /** Node binaries given by path: used instead of majors and pinned versions. */
  readonly binaries?: readonly string[];
  /** Use cached Node binaries only, never the registry. */
  readonly offline: boolean;
  readonly quick: boolean;
  readonly only?: readonly string[];
  /** Competitors besides tensorwasm on the other engines. */
  readonly competitors: readonly string[];
  /** Compile tensorwasm with relaxed SIMD on the engines that run it. */
  readonly relaxedSimd: boolean;
  /** The bundled benchmark script (a copyScript() of process.argv[1] under scripts/run-ts.mjs). */
  readonly script: string;
  readonly reporter: Reporter;
}

/** Runs `script` under `node.binary` with --json and reads its result. */
async function runNodeEngine(engine: NodeEngine, options: EnginesOptions): Promise<EngineRun> {
  const loadStart = loadavg();
  const dir = mkdtempSync(join(tmpdir(), 'tensorwasm-bench-node-'));
  const json = join(dir, 'result.json');
  const args = [
    options.script,
    `--json=${json}`,
    `--competitors=${options.competitors.join(',')}`,
    ...(options.quick ? ['--quick'] : []),
    ...(options.relaxedSimd ? ['--relaxed-simd'] : []),
    ...(options.only === undefined ? [] : [`--only=${options.only.join(',')}`]),
  ];
  options.reporter.print(`\n== Node ${engine.version} (${engine.binary})`);
  try {
    const code = await new Promise<number | null>((done, fail) => {
      const child = spawn(engine.binary, args, { stdio: ['ignore', 'inherit', 'inherit'] });
      child.on('error', fail);
      child.on('exit', (status) => done(status));
    });
    if (code !== 0) throw new Error(`exited with code ${code}`);
    return JSON.parse(readFileSync(json, 'utf8')) as EngineRun;
  } catch (e) {
    const error = e instanceof Error ? e.message : String(e);
    options.reporter.print(`Node ${engine.version}: ${error}`);
    return {
      engine: {
        name: `Node ${engine.version}`,
        v8: '?',
        detail: '',
        relaxedSimd: false,
        loadStart,
        loadEnd: loadavg(),
      },
      error,
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * A private copy of the bundled script for the children, made when the run
 * starts: scripts/run-ts.mjs rewrites its output file whenever any checkout
 * sharing node_modules starts a run. `remove` deletes it.
 */
export function copyScript(script: string): { path: string; remove: () => void } {
  const path = join(dirname(script), `bench-engines-${process.pid}.mjs`);
  copyFileSync(script, path);
  const remove = (): void => rmSync(path, { force: true });
  // Also when the run dies (an uncaught error, a closed pipe): 'exit' still fires.
  process.once('exit', remove);
  return { path, remove };
}

/** Every requested engine besides this process's Node, in order: Node versions, then Chromium. */
export async function runOtherEngines(options: EnginesOptions): Promise<EngineRun[]> {
  const runs: EngineRun[] = [];
  if (options.node) {
    const { engines, problems } =
      options.binaries === undefined
        ? resolveNodeEngines({
            majors: options.majors,
            pinned: options.pinned,
            offline: options.offline,
            log: (line) => options.reporter.progress(line, true),
          })
        : { engines: options.binaries.map((binary) => ({ version: binary, binary })), problems: [] };
    for (const problem of problems) options.reporter.print(`engines: ${problem}`);
    for (const engine of engines) runs.push(await runNodeEngine(engine, options));
  }
  if (options.chromium) {
    options.reporter.print('\n== Chromium');
    runs.push(await runChromium(options));
  }
  return runs;
}
