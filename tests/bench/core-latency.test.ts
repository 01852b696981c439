/**
 * The round trip between our threads' cores (bench/core-latency.ts): a real
 * worker answers, the reading is a time, and the words the reports use.
 */
import { describe, expect, test } from 'vitest';
import { placementOf, roundTripText, startCoreProbe } from '../../bench/core-latency.js';

describe('core round trip', () => {
  test(
    'a worker answers: a round trip is a finite time, readable again after the first',
    { timeout: 120_000 },
    async () => {
      // a long deadline: the suite's other files keep both cores busy, and a batch only ends when the
      // worker gets a core beside this thread
      const probe = await startCoreProbe(10_000);
      try {
        for (let i = 0; i < 2; i++) {
          const ns = probe.roundTripNs();
          // a cache line's round trip is far above a nanosecond, and the worker answered
          expect(ns).toBeGreaterThan(1);
          expect(ns).toBeLessThan(Infinity);
        }
      } finally {
        await probe.close();
      }
    },
  );

  test('the words: near up to 250 ns, microseconds past 1000 ns, no answer for Infinity', () => {
    expect(placementOf(120)).toBe('near');
    expect(placementOf(250)).toBe('near');
    expect(placementOf(560)).toBe('apart');
    expect(roundTripText(123.4)).toBe('123 ns');
    expect(roundTripText(2345)).toBe('2.3 us');
    expect(roundTripText(Infinity)).toBe('no answer');
  });
});
