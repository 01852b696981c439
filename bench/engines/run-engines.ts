/**
 * `npm run bench -- --engines`: runs the benchmark on other engines after the
 * current Node: each other Node binary runs this same bundled script with
 * --json (a process of its own, so engines never share a heap), then headless
 * Chromium runs it in a page. With `processes` > 1 every engine runs that many
 * fresh processes (page loads for Chromium), interleaved round by round
 * (Node 20, 22, 24, 26, Chromium, Node 20, ...), combined per engine
 * (bench/engines/processes.ts): one process is a draw of this VM's fast/slow
 * process lottery (docs/kernels.md). Returns one EngineRun per engine.
 */
import { spawn } from 'node:child_process';
import { copyFileSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import type { Reporter } from '../measure.js';
import type { EngineRun } from '../report.js';
import { openChromium } from './chromium.js';
import { resolveNodeEngines, type NodeEngine } from './node-binaries.js';
import { combineProcesses } from './processes.js';

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
  /** Fresh processes per engine (page loads for Chromium), at least 1; this process is its engine's first. */
  readonly processes: number;
  /** Samples per cell at most in each process (the settings' own when absent). */
  readonly maxSamples?: number;
  /** The bundled benchmark script (a copyScript() of process.argv[1] under scripts/run-ts.mjs). */
  readonly script: string;
  readonly reporter: Reporter;
}

/** Runs `script` under `node.binary` (with `node.flags`) with --json and reads its result. */
async function runNodeEngine(
  engine: NodeEngine & { readonly flags?: readonly string[] },
  options: EnginesOptions,
  label: string,
): Promise<EngineRun> {
  const loadStart = loadavg();
  const dir = mkdtempSync(join(tmpdir(), 'tensorwasm-bench-node-'));
  const json = join(dir, 'result.json');
  const args = [
    ...(engine.flags ?? []),
    options.script,
    `--json=${json}`,
    `--competitors=${options.competitors.join(',')}`,
    ...(options.quick ? ['--quick'] : []),
    ...(options.relaxedSimd ? ['--relaxed-simd'] : []),
    ...(options.only === undefined ? [] : [`--only=${options.only.join(',')}`]),
    ...(options.maxSamples === undefined ? [] : [`--max-samples=${options.maxSamples}`]),
  ];
  options.reporter.print(`\n== Node ${engine.version} (${engine.binary})${label}`);
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

/** ' (process 2 of 3)' when there are several, else ''. */
function processLabel(round: number, processes: number): string {
  return processes > 1 ? ` (process ${round + 1} of ${processes})` : '';
}

/**
 * Every requested engine, this process's Node first (`current`, its run), then
 * the other Node versions, then Chromium. With `processes` > 1 each engine
 * runs that many times, round by round (this Node's later processes are
 * children of the same binary and flags), and each engine's runs come back
 * combined (bench/engines/processes.ts).
 */
export async function runEngines(options: EnginesOptions, current: EngineRun): Promise<EngineRun[]> {
  const processes = Math.max(1, Math.floor(options.processes));
  let engines: NodeEngine[] = [];
  if (options.node) {
    const resolved =
      options.binaries === undefined
        ? resolveNodeEngines({
            majors: options.majors,
            pinned: options.pinned,
            offline: options.offline,
            log: (line) => options.reporter.progress(line, true),
          })
        : { engines: options.binaries.map((binary) => ({ version: binary, binary })), problems: [] };
    for (const problem of resolved.problems) options.reporter.print(`engines: ${problem}`);
    engines = resolved.engines;
  }
  const here = { version: process.versions.node, binary: process.execPath, flags: process.execArgv };
  const chromium = options.chromium ? await openChromium(options) : undefined;
  // per engine, its processes' runs in order: this Node, the other Nodes, Chromium
  const runs: EngineRun[][] = [[current], ...engines.map(() => []), ...(chromium ? [[]] : [])];
  try {
    for (let round = 0; round < processes; round++) {
      const label = processLabel(round, processes);
      if (round > 0) runs[0]?.push(await runNodeEngine(here, options, label));
      for (const [i, engine] of engines.entries())
        runs[i + 1]?.push(await runNodeEngine(engine, options, label));
      if (chromium !== undefined) {
        options.reporter.print(`\n== Chromium${label}`);
        runs.at(-1)?.push(await chromium.pass());
      }
    }
  } finally {
    await chromium?.close();
  }
  return runs.map((list) => (processes === 1 ? (list[0] as EngineRun) : combineProcesses(list)));
}
