// The planner on CNN graphs built from the convolution ops (the planner
// benchmark's cnn-* graphs): every plan verified, and its arena at the lower
// bound (no plan can use less), far below a never-reusing allocator.
import { describe, expect, it } from 'vitest';
import { planGraph } from '../../src/index.js';
import { cnnGraphs } from '../../bench/planner-cnn-graphs.js';

describe('memory plans of CNN graphs', () => {
  for (const { name, graph } of cnnGraphs()) {
    it(`${name}: arena = lower bound`, () => {
      const { memory, schedule } = planGraph(graph);
      const plan = memory.plan;
      // convolutions run as direct conv kernels or as im2col + matmul (lower-conv.ts)
      expect(schedule.kernels.some((k) => k.kind === 'conv' || k.kind === 'matmul')).toBe(true);
      expect(plan.arenaBytes).toBe(plan.lowerBoundBytes);
      expect(plan.arenaBytes).toBeLessThan(plan.naiveBytes / 4);
    });
  }
});
