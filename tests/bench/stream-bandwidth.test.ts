/**
 * The plain-stream probe of the threads bench: its hand-assembled module
 * validates, sums and copies what it should on a shared memory, and the rig
 * runs the same bytes on 1 and 2 threads.
 */
import { describe, expect, test } from 'vitest';
import {
  bytesMoved,
  measureStreamBounds,
  startStreamRig,
  streamModuleBytes,
} from '../../bench/stream-bandwidth.js';

describe('stream bandwidth probe', () => {
  test('the module sums, copies and fills whole 64-byte lines', () => {
    const memory = new WebAssembly.Memory({ initial: 2, maximum: 2, shared: true });
    const { exports } = new WebAssembly.Instance(new WebAssembly.Module(streamModuleBytes(2)), {
      e: { m: memory },
    });
    const k = exports as unknown as {
      sum(p: number, n: number): number;
      copy(d: number, s: number, n: number): void;
      fill(d: number, n: number): void;
    };
    const f = new Float32Array(memory.buffer);
    for (let i = 0; i < 64; i++) f[i] = i;
    expect(k.sum(0, 256)).toBe((63 * 64) / 2);
    expect(k.sum(64, 128)).toBe(((16 + 47) * 32) / 2);
    k.copy(1024, 0, 192);
    expect(Array.from(f.subarray(256, 256 + 50))).toEqual(
      Array.from({ length: 48 }, (_, i) => i).concat([0, 0]),
    );
    k.fill(0, 64);
    expect(Array.from(f.subarray(0, 17))).toEqual([...new Array<number>(16).fill(0), 16]);
  });

  test('the rig runs 1 and 2 threads and reports both', async () => {
    const rig = await startStreamRig(1 << 16, 2);
    try {
      expect(rig.run('copy', 1 << 16, 2)).toBeGreaterThanOrEqual(0);
      expect(rig.run('sum', 1 << 16, 1)).toBeGreaterThanOrEqual(0);
      expect(() => rig.run('copy', 100, 2)).toThrow(/stream rig/);
    } finally {
      await rig.close();
    }
    const [b] = await measureStreamBounds({
      streams: [{ kind: 'copy', bytes: 1 << 16 }],
      threads: 2,
      rounds: 3,
      sampleBytes: 1 << 16,
    });
    expect(b).toMatchObject({ kind: 'copy', bytes: 1 << 16, threads: 2 });
    expect(b!.oneGBs).toBeCloseTo(bytesMoved('copy', 1 << 16) / b!.oneMs / 1e6);
    expect(b!.oneMs).toBeGreaterThan(0);
  });
});
