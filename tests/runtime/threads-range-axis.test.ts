/**
 * Kernels whose outermost axis is short (fewer than MIN_RANGE_UNITS: 3 input
 * channels of an image) take a later axis as their range
 * (passes/kernel-range.ts), so that threads split them evenly: with threads
 * on they give the 1-thread bits and agree with the interpreter — the
 * im2col copy of a stem conv, an elementwise kernel over a transposed view,
 * and a kernel with too many points outside the later axis (the outermost
 * stays) — over odd sizes, on 2 and 3 threads.
 */
import { describe, expect, test } from 'vitest';
import { Graph, compile, type KernelInfo } from '../../src/index.js';
import { MIN_RANGE_UNITS } from '../../src/passes/kernel-range.js';
import {
  disposedAfterAll,
  sineData as data,
  testThreadedBits,
  type NamedCase,
} from '../support/thread-differential.js';

interface Case extends NamedCase {
  /** Picks the kernel under test. */
  readonly pick: (k: KernelInfo) => boolean;
  /** Its range's units (on any thread count). */
  readonly units: number;
}

function cases(): Case[] {
  const out: Case[] = [];
  {
    // ResNet's stem on an odd image: 7x7 stride 2 over 3 channels, im2col copied (unfold) then a matmul
    const g = new Graph();
    const x = g.input('x', [1, 3, 45, 37]);
    const w = g.constant(data(16 * 3 * 7 * 7, 2), [16, 3, 7, 7]);
    const y = x.conv(w, g.constant(data(16, 3), [16]), { strides: [2, 2], pads: [3, 3, 3, 3] }).relu();
    g.output('y', y);
    out.push({
      name: 'stem conv (im2col copy)',
      graph: g,
      feeds: { x: data(3 * 45 * 37, 1) },
      pick: (k) => k.nodes.some((n) => n.endsWith('= unfold')) && k.kind === 'elementwise',
      // [1, 3, 7, 7, 23, 19]: the output rows
      units: 23,
    });
  }
  {
    // [5, 3, 41, 23] elementwise over a transposed view: 5 < MIN_RANGE_UNITS, 15 points outside axis 2
    const g = new Graph();
    const x = g.input('x', [5, 41, 3, 23]);
    g.output('y', x.transpose([0, 2, 1, 3]).mul(1.5).tanh());
    out.push({
      name: 'elementwise over a view',
      graph: g,
      feeds: { x: data(5 * 41 * 3 * 23, 4) },
      pick: (k) => k.kind === 'elementwise',
      units: 41,
    });
  }
  {
    // 2·3·7·7 = 294 points outside the first long axis: more than MAX_OUTER_POINTS, the outermost stays
    const g = new Graph();
    const x = g.input('x', [2, 3, 7, 7, 9, 11]);
    g.output('y', x.exp().add(x));
    out.push({
      name: 'too many outer points',
      graph: g,
      feeds: { x: data(2 * 3 * 7 * 7 * 9 * 11, 5) },
      pick: (k) => k.kind === 'elementwise',
      units: 2,
    });
  }
  return out;
}

const models = disposedAfterAll();

describe('a short outermost axis: the range takes a later one', () => {
  testThreadedBits(
    cases(),
    models,
    1e-4,
    (many, c) => {
      const kernel = many.kernels.find(c.pick);
      expect(kernel?.units).toBe(c.units);
      expect(kernel?.split).toBe(true);
    },
    (one, c) => expect(one.kernels.find(c.pick)?.units).toBe(c.units),
  );

  test('an outermost axis of MIN_RANGE_UNITS or more stays the range', async () => {
    const g = new Graph();
    const x = g.input('x', [MIN_RANGE_UNITS, 3, 50]);
    g.output('y', x.transpose([0, 2, 1]).exp());
    const model = await compile(g, { threads: 2, threadMinWork: 0 });
    models.push(model);
    expect(model.kernels.find((k) => k.kind === 'elementwise')?.units).toBe(MIN_RANGE_UNITS);
  }, 60_000);
});
