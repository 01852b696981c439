/**
 * npm run soak -- [--executes N] [--cycles N]
 *
 * Leak soak: N execute() calls on one model (default 1,000,000) and N
 * compile/run/dispose cycles (default 1,000), with the JS heap, external and
 * ArrayBuffer memory, RSS and the model's Wasm memory measured after a forced
 * GC. Exits 1 when memory grows past the bounds below. Run with node --expose-gc
 * (the npm script does); otherwise it enables gc itself.
 */
import { growth, mib, soakCompile, soakExecute, type SoakResult } from '../tests/robustness/memory-probe.js';
import { compile } from '../src/index.js';
import { testModels } from '../tests/aot/models.js';

/** Growth allowed over the whole soak after warm-up: well above noise, far below one leaked model per call. */
const MAX_HEAP_GROWTH_BYTES = 8 * 2 ** 20;
const MAX_RSS_GROWTH_BYTES = 64 * 2 ** 20;

function flag(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  const value = i >= 0 ? Number(process.argv[i + 1]) : fallback;
  if (!Number.isSafeInteger(value) || value < 1) throw new Error(`--${name} needs a positive integer`);
  return value;
}

function report(what: string, result: SoakResult): boolean {
  const first = result.samples[0]!;
  const last = result.samples[result.samples.length - 1]!;
  const grew = growth(first, last);
  const peakHeap = Math.max(...result.samples.map((s) => s.heapUsed)) - first.heapUsed;
  console.log(
    `${what}: ${(result.ms / 1000).toFixed(1)} s; after gc: heap ${mib(grew.heapUsed)} (peak ${mib(peakHeap)}), ` +
      `external ${mib(grew.external)}, arrayBuffers ${mib(grew.arrayBuffers)}, rss ${mib(grew.rss)}` +
      (result.wasmBytes ? `; Wasm memory ${result.wasmBytes[0]} -> ${result.wasmBytes[1]} bytes` : '') +
      (result.alive === undefined ? '' : `; disposed models still reachable: ${result.alive / 2}`),
  );
  console.log(
    `  heapUsed samples (MiB): ${result.samples.map((s) => (s.heapUsed / 2 ** 20).toFixed(2)).join(' ')}`,
  );
  const ok =
    grew.heapUsed < MAX_HEAP_GROWTH_BYTES &&
    grew.rss < MAX_RSS_GROWTH_BYTES &&
    (result.wasmBytes === undefined || result.wasmBytes[0] === result.wasmBytes[1]) &&
    (result.alive === undefined || result.alive === 0);
  if (!ok)
    console.log(
      `  FAILED: growth above the bounds (heap ${mib(MAX_HEAP_GROWTH_BYTES)}, rss ${mib(MAX_RSS_GROWTH_BYTES)})`,
    );
  return ok;
}

const executes = flag('executes', 1_000_000);
const cycles = flag('cycles', 1_000);
const spec = testModels().find((m) => m.name === 'mlp')!;
console.log(
  `soak: ${executes} execute() calls, ${cycles} compile/dispose cycles (model ${spec.name}; Node ${process.version})`,
);

const model = await compile(spec.graph);
model.setParams(spec.params);
model.run(spec.inputs);
soakExecute(model, Math.min(10_000, executes), 1); // warm-up
let ok = report('execute', soakExecute(model, executes));
model.dispose();

await soakCompile(spec.graph, spec.params, spec.inputs, Math.min(20, cycles), 1); // warm-up
ok = report('compile/dispose', await soakCompile(spec.graph, spec.params, spec.inputs, cycles)) && ok;
if (!ok) process.exitCode = 1;
