/**
 * Probe: where a saved module's `load()` spends its time, stage by stage, in
 * a fresh process: reading, decoding (the CRC32 over every byte), writing the
 * constants, compiling, instantiating, the warm-up and the wait for optimized
 * code; then the first run and the next. Mirrors src/runtime/load.ts's steps.
 *
 * `untimed`: the untimed warm-up (the module's warm export) instead of the
 * timed kernel calls and the wait, to see what the wait for optimized code
 * costs against what it saves in the first run; `none`: no warm-up at all;
 * `wait`: the optimized compile started and waited for whatever the model's
 * size (`after-run`: started after the first run; by default as load() decides);
 * `ASYNC=1`: compiled by WebAssembly.compile instead (the order of the stages unchanged).
 * `touch-after`: the pages touched after the timed kernel calls instead of
 * before (measured in session 11: the kernels' first calls then fault most
 * of the pages themselves, so little of the touching overlaps the
 * background compiles; docs/kernels.md).
 *
 *   <node> scripts/run-ts.mjs bench/probes/load-stages.ts /tmp/model.wasm [untimed|none|wait|after-run|touch-after]
 */
import { existsSync, readFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { crc32 } from '../../src/common/checksum.js';
import { writeSegments } from '../../src/common/data-segments.js';
import { decodeArtifact } from '../../src/runtime/decode-artifact.js';
import { Model } from '../../src/runtime/model.js';
import { modelMemory } from '../../src/runtime/model-memory.js';
import { selectBuild } from '../../src/runtime/select-build.js';
import {
  awaitOptimizedCode,
  startTierUp,
  waitsForOptimizedCode,
  warmKernels,
  type TierKernel,
  type WarmKernel,
} from '../../src/runtime/warm-up.js';

const path = process.argv[2];
if (path === undefined) throw new Error('usage: load-stages.ts <saved.wasm>');
const stages: Record<string, number> = {};
/** The main thread's CPU ms per stage (Linux: /proc/thread-self/schedstat, which preemption does not inflate). */
const cpuStages: Record<string, number> = {};
const cpuMs = (): number =>
  existsSync('/proc/thread-self/schedstat')
    ? Number(readFileSync('/proc/thread-self/schedstat', 'utf8').split(' ')[0]) / 1e6
    : NaN;
let t = performance.now();
let c = cpuMs();
const lap = (name: string): void => {
  const now = performance.now();
  const cpu = cpuMs();
  stages[name] = Math.round((now - t) * 10) / 10;
  cpuStages[name] = Math.round((cpu - c) * 10) / 10;
  t = now;
  c = cpu;
};
const bytes = readFileSync(path);
lap('read');
const view = new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength);
crc32([view]);
lap('crc32 alone');
const { code, segments, manifest } = decodeArtifact(view);
lap('decodeArtifact');
const chosen = selectBuild(code, manifest, undefined);
const memory = modelMemory(manifest, undefined);
lap('memory');
// compiled synchronously, the optimized compile started (startOptimizing) before the constants
// are written, as load() does where the engine compiles synchronously
const module =
  process.env.ASYNC === '1' ? await WebAssembly.compile(chosen.bytes) : new WebAssembly.Module(chosen.bytes);
lap('compile');
const model = new Model(module, manifest, undefined, chosen.features, undefined, memory);
lap('instantiate');
// startOptimizing() and warmUp()'s parts, as model.ts runs them
const exports = (model as unknown as { exports: Record<string, unknown> }).exports;
const mode = process.argv[3];
const untimed = mode === 'untimed';
const none = mode === 'none';
const tierKernel = exports.tier_kernel as TierKernel | undefined;
// whether the optimized compile starts before the first run and load() waits for it
const wait =
  mode === 'wait' ||
  (mode !== 'after-run' &&
    (tierKernel === undefined || waitsForOptimizedCode(manifest.flops, chosen.codeBytes)));
const warmKernel = untimed || none || !wait ? undefined : (exports.warm_kernel as WarmKernel | undefined);
const touchFirst = warmKernel === undefined || mode !== 'touch-after';
const touchAndPack = (): void => {
  const words = new Int32Array(memory.buffer);
  for (let i = 0; i < words.length; i += 1024) words[i] = words[i] ?? 0;
  lap('warmUp: touch pages');
  if (typeof exports.pack === 'function') (exports.pack as () => void)();
  lap('warmUp: pack');
};
const tiered = warmKernel === undefined || tierKernel === undefined ? undefined : startTierUp(tierKernel);
if (tiered !== undefined) lap('start tier-up');
writeSegments(memory, segments);
lap('writeSegments');
if (touchFirst) touchAndPack();
if (untimed && typeof exports.warm === 'function') (exports.warm as () => void)();
const baseline = warmKernel === undefined ? [] : warmKernels(warmKernel, tiered);
lap(
  none
    ? 'warmUp: none'
    : untimed
      ? 'warmUp: warm (untimed)'
      : wait
        ? 'warmUp: warm_kernel'
        : 'warmUp: after run',
);
if (!touchFirst) touchAndPack();
if (warmKernel !== undefined) await awaitOptimizedCode(warmKernel, baseline, undefined, tierKernel);
lap('readyCode');
model.execute();
if (!wait && !none && !untimed && tierKernel !== undefined) startTierUp(tierKernel);
lap('first run');
model.execute();
lap('second run');
model.execute();
lap('third run');
const mb = (n: number): number => Math.round(n / 2 ** 20);
console.log(
  JSON.stringify({
    node: process.versions.node,
    fileMB: mb(bytes.byteLength),
    memoryMB: mb(memory.buffer.byteLength),
    kernels: baseline.length,
    stages,
    cpuStages,
    load: loadavg()[0],
  }),
);
