/**
 * Leak probes shared by `npm run soak` and the CI leak test: a forced garbage
 * collection, memory figures taken after it, and the two soak loops (execute()
 * on one model; compile, run and dispose cycles).
 */
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { compile, type Graph, type Model, type TypedArray } from '../../src/index.js';

/** Memory figures in bytes, after a full garbage collection. */
export interface MemorySample {
  readonly heapUsed: number;
  readonly external: number;
  readonly arrayBuffers: number;
  readonly rss: number;
}

function findGc(): () => void {
  const global = globalThis as { gc?: () => void };
  if (typeof global.gc === 'function') return global.gc;
  // Without --expose-gc: enable it now and take gc from a fresh context.
  setFlagsFromString('--expose-gc');
  return runInNewContext('gc') as () => void;
}

const gc = findGc();

/** Collects garbage (twice, so weakly held objects found in the first pass go too) and samples memory. */
export function sampleMemory(): MemorySample {
  gc();
  gc();
  const { heapUsed, external, arrayBuffers, rss } = process.memoryUsage();
  return { heapUsed, external, arrayBuffers, rss };
}

/**
 * sampleMemory() in a later task: objects a WeakRef was made to stay alive
 * until the current job ends, and a chain of awaits on resolved promises
 * never ends it.
 */
export async function settleAndSample(): Promise<MemorySample> {
  await new Promise((resolve) => setTimeout(resolve, 0));
  return sampleMemory();
}

/** `after - before`, field by field. */
export function growth(before: MemorySample, after: MemorySample): MemorySample {
  return {
    heapUsed: after.heapUsed - before.heapUsed,
    external: after.external - before.external,
    arrayBuffers: after.arrayBuffers - before.arrayBuffers,
    rss: after.rss - before.rss,
  };
}

/** Formats bytes as MiB with two decimals and a sign. */
export function mib(bytes: number): string {
  return `${bytes >= 0 ? '+' : ''}${(bytes / 2 ** 20).toFixed(2)} MiB`;
}

/** What a soak loop measured: samples before, during (every `every` iterations) and after. */
export interface SoakResult {
  readonly samples: readonly MemorySample[];
  /** Bytes of the model's Wasm memory before and after (execute soak only). */
  readonly wasmBytes?: readonly [number, number];
  /** Disposed models (or their Wasm memories) still reachable after a GC at the end (compile soak only). */
  readonly alive?: number;
  readonly ms: number;
}

/** Calls `model.execute()` `count` times (inputs already in place), sampling memory `samples` times. */
export function soakExecute(model: Model, count: number, samples = 10): SoakResult {
  const wasmBefore = model.view(model.inputs[0]!.name).buffer.byteLength;
  const every = Math.max(1, Math.floor(count / samples));
  const taken = [sampleMemory()];
  const start = performance.now();
  for (let i = 1; i <= count; i++) {
    model.execute();
    if (i % every === 0) taken.push(sampleMemory());
  }
  const ms = performance.now() - start;
  const wasmAfter = model.view(model.inputs[0]!.name).buffer.byteLength;
  return { samples: taken, wasmBytes: [wasmBefore, wasmAfter], ms };
}

/** `cycles` times: compile `graph`, set `params`, run on `feeds`, dispose; samples memory `samples` times. */
export async function soakCompile(
  graph: Graph,
  params: Record<string, TypedArray>,
  feeds: Record<string, TypedArray>,
  cycles: number,
  samples = 10,
): Promise<SoakResult> {
  const every = Math.max(1, Math.floor(cycles / samples));
  const taken = [await settleAndSample()];
  const refs: WeakRef<object>[] = [];
  const start = performance.now();
  // One cycle per call, so no suspended frame of this function holds the last model.
  const cycle = async (): Promise<void> => {
    const model = await compile(graph);
    model.setParams(params);
    model.run(feeds);
    refs.push(new WeakRef(model), new WeakRef(model.view(model.inputs[0]!.name).buffer));
    model.dispose();
  };
  for (let i = 1; i <= cycles; i++) {
    await cycle();
    if (i % every === 0) taken.push(await settleAndSample());
  }
  const ms = performance.now() - start;
  await settleAndSample();
  const alive = refs.filter((r) => r.deref() !== undefined).length;
  return { samples: taken, ms, alive };
}
