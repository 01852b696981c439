// SIMD constants live in locals set once at function entry: V8's Turboshaft
// (Node 22+, Chromium) rebuilds a v128.const at every use inside a loop, so a
// constant inside a loop body made exp 2.5x slower there (docs/kernels.md).
import { describe, expect, it } from 'vitest';
import { Graph, compile } from '../../src/index.js';

/** The text of each function in a module's WAT, by name. */
function functionsOf(wat: string): Map<string, string> {
  const out = new Map<string, string>();
  const parts = wat.split(/\n \(func \$/).slice(1);
  for (const part of parts) out.set(part.slice(0, part.search(/[\s(]/)), part);
  return out;
}

describe('v128 constants', () => {
  const cases: Record<string, (g: Graph) => void> = {
    exp: (g) => g.output('y', g.input('x', [257]).exp()),
    'sigmoid*relu (W2)': (g) => {
      const x = g.input('x', [1029]);
      g.output('y', x.mul(1.5).add(-0.25).relu().mul(x.sigmoid()));
    },
    softmax: (g) => g.output('y', g.input('x', [9, 67]).softmax(-1)),
    'erf, tanh, log, sin': (g) => {
      const x = g.input('x', [130]);
      g.output('y', x.erf().add(x.tanh()).add(x.abs().add(1).log()).add(x.sin()));
    },
    'matmul + bias': (g) =>
      g.output(
        'y',
        g
          .input('a', [33, 65])
          .matmul(g.input('b', [65, 47]))
          .add(0.5),
      ),
  };
  for (const [name, build] of Object.entries(cases)) {
    it(`${name}: no v128.const inside a loop; each constant set once per function`, async () => {
      const g = new Graph();
      build(g);
      const model = await compile(g);
      const wat = await model.wat();
      let checked = 0;
      for (const [fn, text] of functionsOf(wat)) {
        const firstLoop = text.indexOf('(loop');
        if (firstLoop < 0) continue;
        const body = text.slice(firstLoop);
        expect(body.match(/v128\.const/g) ?? [], `${fn} has a v128.const inside a loop`).toEqual([]);
        const prologue = text.slice(0, firstLoop).match(/v128\.const[^)]*/g) ?? [];
        expect(new Set(prologue).size, `${fn} sets a constant twice`).toBe(prologue.length);
        checked++;
      }
      expect(checked).toBeGreaterThan(0);
      model.dispose();
    });
  }
});
