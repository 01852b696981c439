/**
 * The machine's memory-streaming bound for 1 vs N threads, measured with the
 * simplest kernels Wasm can run on a shared memory: a SIMD read-sum, a SIMD
 * copy and a SIMD fill of a buffer, hand-assembled (no compiler of ours in
 * the way), split in contiguous halves between the calling thread and Node
 * workers the same way a split row kernel is. What a threaded streaming
 * kernel (W4's layerNorm: read 4 MB, write 4 MB) can gain is at most what a
 * copy of the same bytes gains.
 */
import { Worker } from 'node:worker_threads';
import { name, section, uleb, vec, WASM_HEADER } from '../src/common/wasm-encode.js';

/** The three stream kernels: read only, read + write, write only. */
export type StreamKind = 'sum' | 'copy' | 'fill';

/** One kernel at one size: the medians of 1 and N threads, and their bandwidth. */
export interface StreamBound {
  readonly kind: StreamKind;
  readonly bytes: number;
  readonly threads: number;
  readonly oneMs: number;
  readonly manyMs: number;
  /** Bytes moved per second (read + written), GB/s, 1 thread and N threads. */
  readonly oneGBs: number;
  readonly manyGBs: number;
}

const PAGE = 65536;
/** Where the source buffer starts (the first page is left alone). */
const SRC_BASE = PAGE;

const I32 = 0x7f;
const F32 = 0x7d;
const V128 = 0x7b;
const SIMD = 0xfd;
/** v128.load / v128.store with 16-byte alignment at a byte offset. */
const load = (offset: number): number[] => [SIMD, 0x00, 4, ...uleb(offset)];
const store = (offset: number): number[] => [SIMD, 0x0b, 4, ...uleb(offset)];
const get = (i: number): number[] => [0x20, i];
const set = (i: number): number[] => [0x21, i];
const F32X4_ADD = [SIMD, ...uleb(228)];
/** `local[p] += 64` (a cache line per iteration). */
const step = (p: number): number[] => [...get(p), 0x41, 0xc0, 0x00, 0x6a, ...set(p)]; // i32.const 64 (signed LEB)
/** `block loop (br_if 1 (p >= end)) body br 0 end end`. */
const loopUntil = (p: number, end: number, body: number[]): number[] => [
  0x02,
  0x40,
  0x03,
  0x40,
  ...get(p),
  ...get(end),
  0x4f, // i32.ge_u
  0x0d,
  1,
  ...body,
  0x0c,
  0,
  0x0b,
  0x0b,
];

function func(locals: number[][], body: number[]): number[] {
  const code = [...vec(locals), ...body, 0x0b];
  return [...uleb(code.length), ...code];
}

/**
 * The module: imports a shared memory `e.m` of `pages` pages, exports
 * `sum(p, n) -> f32` (four f32x4 accumulators, so the adds are not the
 * limit), `copy(dst, src, n)` and `fill(dst, n)`, each over whole 64-byte lines.
 */
export function streamModuleBytes(pages: number): Uint8Array<ArrayBuffer> {
  // sum: params p=0 n=1; locals end=2, a0..a3=3..6
  const sumBody = [
    ...get(0),
    ...get(1),
    0x6a,
    ...set(2),
    ...loopUntil(0, 2, [
      ...[0, 1, 2, 3].flatMap((k) => [
        ...get(3 + k),
        ...get(0),
        ...load(16 * k),
        ...F32X4_ADD,
        ...set(3 + k),
      ]),
      ...step(0),
    ]),
    ...get(3),
    ...get(4),
    ...F32X4_ADD,
    ...get(5),
    ...F32X4_ADD,
    ...get(6),
    ...F32X4_ADD,
    ...set(3),
    // the four lanes added: f32x4.extract_lane k, f32.add
    ...[0, 1, 2, 3].flatMap((lane) => [...get(3), SIMD, 0x1f, lane, ...(lane === 0 ? [] : [0x92])]),
  ];
  // copy: params dst=0 src=1 n=2; local end=3
  const copyBody = [
    ...get(0),
    ...get(2),
    0x6a,
    ...set(3),
    ...loopUntil(0, 3, [
      ...[0, 1, 2, 3].flatMap((k) => [...get(0), ...get(1), ...load(16 * k), ...store(16 * k)]),
      ...step(0),
      ...step(1),
    ]),
  ];
  // fill: params dst=0 n=1; locals end=2, v=3 (zero)
  const fillBody = [
    ...get(0),
    ...get(1),
    0x6a,
    ...set(2),
    ...loopUntil(0, 2, [
      ...[0, 1, 2, 3].flatMap((k) => [...get(0), ...get(3), ...store(16 * k)]),
      ...step(0),
    ]),
  ];
  const bytes = [
    ...WASM_HEADER,
    ...section(
      1,
      vec([
        [0x60, 2, I32, I32, 1, F32],
        [0x60, 3, I32, I32, I32, 0],
        [0x60, 2, I32, I32, 0],
      ]),
    ),
    ...section(2, vec([[...name('e'), ...name('m'), 0x02, 0x03, ...uleb(pages), ...uleb(pages)]])),
    ...section(3, vec([[0], [1], [2]])),
    ...section(
      7,
      vec([
        [...name('sum'), 0, 0],
        [...name('copy'), 0, 1],
        [...name('fill'), 0, 2],
      ]),
    ),
    ...section(
      10,
      vec([
        func(
          [
            [1, I32],
            [4, V128],
          ],
          sumBody,
        ),
        func([[1, I32]], copyBody),
        func(
          [
            [1, I32],
            [1, V128],
          ],
          fillBody,
        ),
      ]),
    ),
  ];
  return Uint8Array.from(bytes);
}

/** Control words shared with the workers. */
const GEN = 0;
const DONE = 1;
const KIND = 2;
const BYTES = 3;
const QUIT = 4;
const CONTROL_WORDS = 8;
const KIND_CODE: Record<StreamKind, number> = { sum: 0, copy: 1, fill: 2 };

/**
 * A worker: instantiate the module on the shared memory, then per generation
 * run its part [t·n/T, (t+1)·n/T) and count itself done. It spins on the
 * generation for a while before it blocks, as the runtime's workers do, so a
 * run does not pay a wake-up from the kernel.
 */
const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const { module, memory, control, t, threads, src, dst } = workerData;
const c = new Int32Array(control);
const { exports: k } = new WebAssembly.Instance(module, { e: { m: memory } });
let gen = 0;
parentPort.postMessage('ready');
for (;;) {
  let spins = 0;
  while (Atomics.load(c, ${GEN}) === gen) {
    if (++spins > 2000000) { Atomics.wait(c, ${GEN}, gen, 50); spins = 0; }
  }
  gen = Atomics.load(c, ${GEN});
  if (Atomics.load(c, ${QUIT}) !== 0) break;
  const n = Atomics.load(c, ${BYTES});
  const part = n / threads;
  const kind = Atomics.load(c, ${KIND});
  if (kind === 0) k.sum(src + t * part, part);
  else if (kind === 1) k.copy(dst + t * part, src + t * part, part);
  else k.fill(dst + t * part, part);
  Atomics.add(c, ${DONE}, 1);
}
`;

/** A module instance on a shared memory and its workers, for `maxBytes` buffers. */
export interface StreamRig {
  /** One run of `kind` over `bytes` on `threads` threads (the caller's thread is thread 0); ms. */
  run(kind: StreamKind, bytes: number, threads: number): number;
  close(): Promise<void>;
}

/** Starts the rig: a shared memory holding a source and a destination of `maxBytes` each, and `threads - 1` workers. */
export async function startStreamRig(maxBytes: number, threads: number): Promise<StreamRig> {
  const src = SRC_BASE;
  const dst = src + maxBytes;
  const pages = Math.ceil((dst + maxBytes) / PAGE);
  const memory = new WebAssembly.Memory({ initial: pages, maximum: pages, shared: true });
  const module = new WebAssembly.Module(streamModuleBytes(pages));
  const k = new WebAssembly.Instance(module, { e: { m: memory } }).exports as unknown as {
    sum(p: number, n: number): number;
    copy(d: number, s: number, n: number): void;
    fill(d: number, n: number): void;
  };
  // the source holds numbers (not zero pages) and the destination is touched once
  new Float32Array(memory.buffer, src, maxBytes / 4).fill(1.5);
  new Float32Array(memory.buffer, dst, maxBytes / 4).fill(0);
  const control = new SharedArrayBuffer(CONTROL_WORDS * 4);
  const c = new Int32Array(control);
  const workers = await Promise.all(
    Array.from({ length: threads - 1 }, async (_, i) => {
      const w = new Worker(WORKER_SOURCE, {
        eval: true,
        workerData: { module, memory, control, t: i + 1, threads, src, dst },
      });
      await new Promise<void>((resolve, reject) => {
        w.once('message', () => resolve());
        w.once('error', reject);
      });
      return w;
    }),
  );
  // thread 0's part: the first `part` bytes
  const runPart = (kind: StreamKind, part: number): void => {
    if (kind === 'sum') k.sum(src, part);
    else if (kind === 'copy') k.copy(dst, src, part);
    else k.fill(dst, part);
  };
  return {
    run(kind, bytes, n) {
      if (bytes > maxBytes || bytes % (64 * n) !== 0) throw new Error(`stream rig: ${bytes} bytes`);
      const t0 = performance.now();
      if (n === 1) {
        runPart(kind, bytes);
      } else {
        if (n !== threads) throw new Error(`stream rig: started for ${threads} threads, asked ${n}`);
        Atomics.store(c, DONE, 0);
        Atomics.store(c, KIND, KIND_CODE[kind]);
        Atomics.store(c, BYTES, bytes);
        Atomics.add(c, GEN, 1);
        Atomics.notify(c, GEN);
        runPart(kind, bytes / n);
        while (Atomics.load(c, DONE) !== n - 1) {
          /* the workers' parts */
        }
      }
      return performance.now() - t0;
    },
    async close() {
      Atomics.store(c, QUIT, 1);
      Atomics.add(c, GEN, 1);
      Atomics.notify(c, GEN);
      await Promise.all(workers.map((w) => w.terminate()));
    },
  };
}

function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)] ?? NaN;
}

/** Bytes a kernel moves over a buffer of `bytes`: a copy reads and writes each. */
export function bytesMoved(kind: StreamKind, bytes: number): number {
  return kind === 'copy' ? 2 * bytes : bytes;
}

/** A plain stream to measure: a kernel kind over a buffer of `bytes`. */
export interface StreamSpec {
  readonly kind: StreamKind;
  readonly bytes: number;
}

/**
 * Measures each stream on 1 and `threads` threads, interleaved (1, N, 1, N,
 * ...) in `rounds` rounds of a few runs after a warm-up, so drift of the
 * machine falls on both alike.
 */
export async function measureStreamBounds(options: {
  readonly streams: readonly StreamSpec[];
  readonly threads: number;
  readonly rounds: number;
  /** Roughly how many bytes each timed sample moves (runs per sample = this / bytes, at least 1). */
  readonly sampleBytes: number;
}): Promise<StreamBound[]> {
  const { streams, threads, rounds } = options;
  const rig = await startStreamRig(Math.max(...streams.map((s) => s.bytes)), threads);
  const out: StreamBound[] = [];
  try {
    for (const { kind, bytes } of streams) {
      const reps = Math.max(1, Math.round(options.sampleBytes / bytes));
      for (let i = 0; i < 20; i++) for (const n of [1, threads]) rig.run(kind, bytes, n);
      const times: [number[], number[]] = [[], []];
      for (let r = 0; r < rounds; r++) {
        for (const [j, n] of [1, threads].entries()) {
          let ms = 0;
          for (let i = 0; i < reps; i++) ms += rig.run(kind, bytes, n);
          times[j]!.push(ms / reps);
        }
      }
      const oneMs = median(times[0]);
      const manyMs = median(times[1]);
      const moved = bytesMoved(kind, bytes);
      out.push({
        kind,
        bytes,
        threads,
        oneMs,
        manyMs,
        oneGBs: moved / oneMs / 1e6,
        manyGBs: moved / manyMs / 1e6,
      });
    }
  } finally {
    await rig.close();
  }
  return out;
}
