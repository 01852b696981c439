/**
 * The plan verifier on window kernels: the padding guards of conv, pools and
 * convTranspose are what proves their loads in range, so a kernel whose guards
 * are stripped is refused with a PlanError.
 */
import { describe, expect, test } from 'vitest';
import { Graph, PlanError, planGraph } from '../../src/index.js';
import type { Kernel, KExpr, Step } from '../../src/passes/kernel.js';
import { verifyPlan } from '../../src/planner/verify-plan.js';

/** The expression with every guard replaced by its guarded branch. */
function unguard(e: KExpr): KExpr {
  switch (e.k) {
    case 'guard':
      return unguard(e.then);
    case 'op':
      return { ...e, args: e.args.map(unguard) };
    case 'cast':
      return { ...e, arg: unguard(e.arg) };
    default:
      return e;
  }
}

function stripGuards(k: Kernel): Kernel {
  const steps = k.steps.map((s): Step => (s.kind === 'reduce' ? { ...s, body: unguard(s.body) } : s));
  return { ...k, steps };
}

describe('window kernels under the plan verifier', () => {
  const graphs: [string, (g: Graph) => void][] = [
    [
      'conv with pads',
      (g) =>
        g.output(
          'y',
          g.input('x', [1, 2, 5, 5]).conv(g.param('w', [3, 2, 3, 3]), null, { pads: [1, 1, 1, 1] }),
        ),
    ],
    [
      'maxPool with pads',
      (g) => g.output('y', g.input('x', [1, 2, 5, 5]).maxPool([3, 3], { pads: [1, 1, 1, 1] })),
    ],
    [
      'strided convTranspose',
      (g) =>
        g.output(
          'y',
          g.input('x', [1, 2, 3, 3]).convTranspose(g.param('w', [2, 2, 3, 3]), null, { strides: [2, 2] }),
        ),
    ],
  ];
  test.each(graphs)('%s: verified with its guards, refused without', (_name, build) => {
    const g = new Graph();
    build(g);
    const planned = planGraph(g);
    expect(() => verifyPlan(planned.schedule, planned.memory)).not.toThrow();
    const kernels = planned.schedule.kernels.map(stripGuards);
    const forged = { ...planned.schedule, kernels };
    expect(() => verifyPlan(forged, planned.memory)).toThrow(PlanError);
  });
});
