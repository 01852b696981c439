/**
 * Scheduling lowers peak memory: it never raises the lower bound compared
 * with plain topological order, and lowers it when parallel branches can
 * finish one at a time. Results are unchanged.
 */
import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { Graph, planGraph } from '../../src/index.js';
import { formKernels } from '../../src/passes/form-kernels.js';
import { peakTempBytes, scheduleKernels } from '../../src/passes/schedule.js';
import { buildProgram, programArbitrary } from '../ir/random-graph.js';
import { checkGraph, randomData } from '../support/differential.js';

/** Two branches that each make two big temps and reduce them to a scalar, recorded interleaved. */
function parallelBranches(): Graph {
  const g = new Graph();
  const x = g.input('x', [256, 256]);
  const y = g.input('y', [256, 256]);
  const a = x.exp();
  const b = y.exp();
  const sa = a.mul(a.transpose()).sum();
  const sb = b.mul(b.transpose()).sum();
  g.output('s', sa.add(sb));
  return g;
}

describe('scheduling', () => {
  test('parallel branches: one branch finishes before the other starts, lowering the bound', async () => {
    const g = parallelBranches();
    const planned = planGraph(g, { fuse: false });
    const outputs = new Set(planned.schedule.outputs.map(([, n]) => n.id));
    const topo = formKernels(planned.lowered, new Set(planned.schedule.values.map((n) => n.id)));
    const { before, after } = scheduleKernels(topo);
    expect(after).toBeLessThan(before);
    expect(peakTempBytes(planned.schedule.kernels, outputs)).toBe(after);
    await checkGraph(
      g,
      { x: randomData('f32', 65536, 1, -1, 1), y: randomData('f32', 65536, 2, -1, 1) },
      { rtol: 1e-4 },
    );
  });

  test('never raises the peak compared with topological order (random graphs)', () => {
    fc.assert(
      fc.property(programArbitrary, (program) => {
        const graph = buildProgram(program);
        const planned = planGraph(graph, { fuse: false, inPlace: false });
        const topo = formKernels(planned.lowered, new Set(planned.schedule.values.map((n) => n.id)));
        const { before, after } = scheduleKernels(topo);
        expect(after).toBeLessThanOrEqual(before);
      }),
      { seed: 5, numRuns: 200 },
    );
  });
});
