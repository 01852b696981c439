/**
 * In-place planning through the real pipeline: legal pairs share bytes and
 * lower the bound itself; illegal reads (broadcast, transposed, other steps)
 * never qualify; the verifier refuses a forged pair; results are unchanged.
 */
import { describe, expect, test } from 'vitest';
import { Graph, PlanError, planGraph } from '../../src/index.js';
import { inPlaceProblem } from '../../src/planner/in-place.js';
import { planMemory } from '../../src/planner/memory-plan.js';
import { verifyPlan } from '../../src/planner/verify-plan.js';
import { checkGraph, randomData } from '../support/differential.js';

/** A residual stack: x_{i+1} = x_i + relu(x_i · w_i), unfused so every value is a temp. */
function residualStack(layers: number): Graph {
  const g = new Graph();
  let x = g.input('x', [32, 64]);
  for (let i = 0; i < layers; i++) x = x.add(x.mul(g.param(`w${i}`, [64])).relu());
  g.output('y', x.exp());
  return g;
}

describe('in place', () => {
  test('a residual stack writes in place and the lower bound drops by at least 25%', async () => {
    const g = residualStack(6);
    const withInPlace = planGraph(g, { fuse: false });
    const without = planGraph(g, { fuse: false, inPlace: false });
    expect(withInPlace.memory.inPlace.size).toBeGreaterThan(0);
    const ratio = withInPlace.memory.plan.lowerBoundBytes / without.memory.plan.lowerBoundBytes;
    expect(ratio).toBeLessThanOrEqual(0.75);
    expect(withInPlace.memory.plan.arenaBytes).toBeLessThan(without.memory.plan.arenaBytes);
    const feeds: Record<string, Float32Array> = { x: randomData('f32', 32 * 64, 1) as Float32Array };
    for (let i = 0; i < 6; i++) feeds[`w${i}`] = randomData('f32', 64, 2 + i) as Float32Array;
    await checkGraph(g, feeds, { rtol: 1e-5 });
  });

  test('broadcasting, transposing and reductions never qualify', () => {
    const g = new Graph();
    const x = g.input('x', [16, 16]);
    const a = x.exp();
    g.output('t', a.transpose().add(1).mul(a.sum(-1, true)));
    const planned = planGraph(g, { fuse: false });
    for (const k of planned.schedule.kernels) {
      for (const target of k.writes) {
        for (const source of k.reads) {
          const reason = inPlaceProblem(k, source, target);
          if (source.op === 'exp' && k.kind !== 'elementwise') expect(reason).toBeDefined();
        }
      }
    }
    // the transposed read of exp(x) is not at the stored index
    const transposed = planned.schedule.kernels.find(
      (k) => k.reads.some((n) => n.op === 'exp') && k.covers.some((n) => n.op === 'transpose'),
    );
    expect(transposed).toBeDefined();
    const exp = transposed!.reads.find((n) => n.op === 'exp')!;
    expect(inPlaceProblem(transposed!, exp, transposed!.writes[0]!)).toMatch(/another index/);
  });

  test('the verifier refuses a forged in-place pair', () => {
    const g = new Graph();
    const x = g.input('x', [8, 8]);
    const a = x.exp();
    g.output('y', a.transpose().add(a).log());
    const planned = planGraph(g, { fuse: false, inPlace: false });
    const kernel = planned.schedule.kernels.find((k) => k.covers.some((n) => n.op === 'transpose'))!;
    const source = kernel.reads.find((n) => n.op === 'exp')!;
    const target = kernel.writes[0]!;
    const forged = planMemory(planned.live, 'best-fit', new Map([[target.id, source.id]]));
    expect(() => verifyPlan(planned.schedule, forged)).toThrow(PlanError);
    expect(() => verifyPlan(planned.schedule, forged)).toThrow(/may not be written in place/);
  });
});
