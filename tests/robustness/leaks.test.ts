/**
 * The CI slice of `npm run soak`: 20,000 execute() calls and 30 compile/run/
 * dispose cycles do not grow the JS heap (after a forced GC, generous bounds)
 * or the model's Wasm memory. No timing assertions.
 */
import { expect, test } from 'vitest';
import { compile } from '../../src/index.js';
import { testModels } from '../aot/models.js';
import { growth, mib, soakCompile, soakExecute } from './memory-probe.js';

const MiB = 2 ** 20;

test('20,000 execute() calls: no heap or Wasm memory growth', async () => {
  const spec = testModels().find((m) => m.name === 'mlp')!;
  const model = await compile(spec.graph);
  model.setParams(spec.params);
  model.run(spec.inputs);
  soakExecute(model, 2_000, 1); // warm-up
  const result = soakExecute(model, 20_000, 4);
  const grew = growth(result.samples[0]!, result.samples[result.samples.length - 1]!);
  expect(grew.heapUsed, `heap ${mib(grew.heapUsed)}`).toBeLessThan(4 * MiB);
  expect(grew.arrayBuffers, `arrayBuffers ${mib(grew.arrayBuffers)}`).toBeLessThan(MiB);
  expect(result.wasmBytes?.[1]).toBe(result.wasmBytes?.[0]);
  model.dispose();
});

test('30 compile/run/dispose cycles: every model and Wasm memory is collected; no heap growth', async () => {
  const spec = testModels().find((m) => m.name === 'mlp')!;
  await soakCompile(spec.graph, spec.params, spec.inputs, 5, 1); // warm-up
  const result = await soakCompile(spec.graph, spec.params, spec.inputs, 30, 3);
  const grew = growth(result.samples[0]!, result.samples[result.samples.length - 1]!);
  // one leaked model would keep its graph, schedule, manifest, module and memory (> 64 KiB) alive
  expect(grew.heapUsed, `heap ${mib(grew.heapUsed)}`).toBeLessThan(8 * MiB);
  expect(grew.arrayBuffers, `arrayBuffers ${mib(grew.arrayBuffers)}`).toBeLessThan(2 * MiB);
  expect(result.alive, 'disposed models or memories still reachable').toBe(0);
}, 60_000);

// Fails today: captureOutput (src/codegen/binaryen/emit-module.ts) saves
// process.stderr.write.bind(process.stderr) and restores that bound copy, so
// every validation wraps the previous writer once more: ~230 bytes of heap per
// compile that are never freed, and stderr.write is no longer the caller's function.
test('compile() leaves process.stderr.write as it found it', async () => {
  const spec = testModels().find((m) => m.name === 'mlp')!;
  const stderr: { write: unknown } = process.stderr;
  const write = stderr.write;
  (await compile(spec.graph)).dispose();
  expect(stderr.write === write, 'process.stderr.write was replaced').toBe(true);
});
