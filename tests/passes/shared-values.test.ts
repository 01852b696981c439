/**
 * Kernel bodies that share values: a value read several times at one point
 * of one kernel is computed once and bound (`let t0 = … in …`) instead of
 * stored. Kernel counts through the public API, the binding in ir('fused'),
 * and every graph compared with the interpreter in scalar, SIMD and
 * interleaved loops (sizes past the interleaved width, with odd tails).
 */
import { describe, expect, test } from 'vitest';
import { compile, Graph, type Tensor } from '../../src/index.js';
import { nameNodes } from '../../src/ir/print.js';
import { formKernels } from '../../src/passes/form-kernels.js';
import * as ix from '../../src/passes/index-expr.js';
import type { Kernel, KExpr } from '../../src/passes/kernel.js';
import { lowerAt, lowerScoped, type LowerContext } from '../../src/passes/lower-at.js';
import { formatKernel, formatKExpr } from '../../src/passes/print-kernels.js';
import { SharedValues } from '../../src/passes/shared-values.js';
import { verifyKernelAccesses } from '../../src/planner/verify-plan.js';
import { checkGraph, randomData } from '../support/differential.js';

async function fusedOf(g: Graph): Promise<{ kernels: number; ir: string }> {
  const model = await compile(g);
  const result = { kernels: model.kernels.length, ir: model.ir('fused') };
  model.dispose();
  return result;
}

/** x * clamp(x/5 + 1/2, 0, 1): hardSigmoid's shape from primitives. */
const hardSwish = (x: Tensor): Tensor => x.mul(x.mul(0.2).add(0.5).maximum(0).minimum(1));

const TOL = { rtol: 2e-5, atol: 2e-6 };

describe('shared values', () => {
  test('gelu(a + b) is one kernel; a + b is bound once per point', async () => {
    for (const n of [3, 37, 203]) {
      const g = new Graph();
      g.output(
        'y',
        g
          .input('a', [n])
          .add(g.input('b', [n]))
          .gelu(),
      );
      const { kernels, ir } = await fusedOf(g);
      expect(kernels).toBe(1);
      expect(ir).toMatch(/let t0 = add\(%a\[i0\], %b\[i0\]\) in /);
      expect(ir).toMatch(/%0 add: inline \(read 2 times in the kernel of mul: bound once per point\)/);
      await checkGraph(g, { a: randomData('f32', n, 1), b: randomData('f32', n, 2) }, TOL);
    }
  });

  test('matmul + bias + x*hardSigmoid(x) is one kernel (the epilogue binds x)', async () => {
    const g = new Graph();
    const x = g.input('x', [13, 20]);
    const h = x.matmul(g.param('w', [20, 37])).add(g.param('b', [37]));
    g.output('y', hardSwish(h));
    const { kernels, ir } = await fusedOf(g);
    expect(kernels).toBe(1);
    expect(ir).toMatch(/matmul \[13,37\] -> %\d+ \[simd: matmul-tiled\]/);
    expect(ir).toMatch(/= let t0 = add\(\$0, %b\[i1\]\) in mul\(t0, /);
    await checkGraph(
      g,
      { x: randomData('f32', 260, 3), w: randomData('f32', 740, 4), b: randomData('f32', 37, 5) },
      { rtol: 1e-5, atol: 1e-5 },
    );
  });

  test('matmul + bias + x*sigmoid(x) is one kernel', async () => {
    const g = new Graph();
    const h = g
      .input('x', [9, 16])
      .matmul(g.param('w', [16, 27]))
      .add(g.param('b', [27]));
    g.output('y', h.mul(h.sigmoid()));
    const { kernels, ir } = await fusedOf(g);
    expect(kernels).toBe(1);
    expect(ir).toMatch(/let t0 = add\(\$0, %b\[i1\]\) in mul\(t0, sigmoid\(t0\)\)/);
    // the bound add counts once: 2·9·27·16 for the matmul, then add, sigmoid, mul per element
    const model = await compile(g);
    expect(model.kernels[0]?.flops).toBe(2 * 9 * 27 * 16 + 3 * 9 * 27);
    expect(model.kernels[0]?.bytesRead).toBe(4 * (2 * 9 * 27 * 16 + 9 * 27));
    model.dispose();
    await checkGraph(
      g,
      { x: randomData('f32', 144, 6), w: randomData('f32', 432, 7), b: randomData('f32', 27, 8) },
      { rtol: 1e-5, atol: 1e-5 },
    );
  });

  test('a long elementwise chain with shared values stays one interleaved kernel', async () => {
    const g = new Graph();
    const a = g.input('a', [4, 101]);
    const t = a.mul(1.5).add(-0.25);
    // t is read 3 times, u twice: every vector of the interleaved loop binds both
    const u = t.tanh().add(t);
    g.output('y', u.mul(t.sigmoid()).sub(u.exp()));
    const { kernels, ir } = await fusedOf(g);
    expect(kernels).toBe(1);
    expect(ir).toMatch(/\[simd: elementwise\]/);
    expect(ir).toMatch(/let t0 = .* in let t1 = /);
    await checkGraph(g, { a: randomData('f32', 404, 9, -2, 2) }, TOL);
  });

  test('(x - mean) * (x - mean) computes x - mean once per point', async () => {
    const g = new Graph();
    const x = g.input('x', [6, 45]);
    const d = x.sub(x.mean(-1, true));
    g.output('y', d.mul(d));
    const { kernels, ir } = await fusedOf(g);
    expect(kernels).toBe(1);
    expect(ir).toMatch(/let t0 = sub\(%x\[i0, i\d\], \$\d\) in mul\(t0, t0\)/);
    await checkGraph(g, { x: randomData('f32', 270, 10) }, TOL);
  });

  test('t = tanh(t * t - 0.5) 24 times is one kernel of 24 bindings, not a tree of 2^24 leaves', async () => {
    const g = new Graph();
    let t: Tensor = g.input('x', [4, 33]);
    for (let i = 0; i < 24; i++) t = t.mul(t).sub(0.5).tanh();
    g.output('y', t);
    const { kernels, ir } = await fusedOf(g);
    expect(kernels).toBe(1);
    expect(ir).toContain('let t23 = ');
    expect(ir).not.toContain('let t24 = ');
    await checkGraph(g, { x: randomData('f32', 132, 23, -1, 1) }, { rtol: 1e-4, atol: 1e-5 });
  });

  test('a value shared inside a reduction: sum(h * sigmoid(h)) is one kernel', async () => {
    const g = new Graph();
    const h = g.input('a', [7, 50]).add(g.input('b', [7, 50]));
    g.output('y', h.mul(h.sigmoid()).sum(-1));
    const { kernels } = await fusedOf(g);
    expect(kernels).toBe(1);
    await checkGraph(g, { a: randomData('f32', 350, 11), b: randomData('f32', 350, 12) }, TOL);
  });

  test('bool and i32 values are bound too', async () => {
    const g = new Graph();
    const a = g.input('a', [41]);
    const b = g.input('b', [41]);
    const c = a.gt(b);
    const k = g.input('k', [41], 'i32').mul(3);
    g.output('y', g.where(c, a, b).add(c.cast('f32')).add(k.cast('f32')).mul(k.cast('f32')));
    const { kernels, ir } = await fusedOf(g);
    expect(kernels).toBe(1);
    expect(ir).toMatch(/let t\d = gt\(/);
    await checkGraph(g, {
      a: randomData('f32', 41, 13),
      b: randomData('f32', 41, 14),
      k: randomData('i32', 41, 15),
    });
  });

  test('a padded value read twice is bound whole (guard and all)', async () => {
    const g = new Graph();
    const p = g.input('a', [5, 30]).pad(
      [
        [1, 2],
        [3, 0],
      ],
      -1,
    );
    g.output('y', p.mul(p).add(p.exp()));
    const { kernels, ir } = await fusedOf(g);
    expect(kernels).toBe(1);
    expect(ir).toMatch(/let t0 = \(.* in \[0,5\) .* \? %a\[.*\] : -1\) in add\(mul\(t0, t0\), exp\(t0\)\)/);
    await checkGraph(g, { a: randomData('f32', 150, 16) }, TOL);
  });

  test('a value used twice only under a guard is bound inside the guarded branch', () => {
    // pad(a * a) with a * a inline (choose-materialized stores it; lowerAt must still be right)
    const g = new Graph();
    const a = g.input('a', [4, 6]);
    const sq = a.mul(a);
    const p = sq.pad(
      [
        [0, 0],
        [2, 1],
      ],
      0,
    );
    g.output('y', p);
    const materialized = new Set([a.node.id, p.node.id]);
    const kernel = formKernels(g, materialized).kernels[0] as Kernel;
    const text = formatKernel(kernel, nameNodes([a.node, sq.node, p.node]));
    expect(text).toContain('= (i1 + -2 in [0,6) ? let t0 = %a[i0, [i1 + -2]] in mul(t0, t0) : 0)');
    expect(() => verifyKernelAccesses(kernel)).not.toThrow();
  });

  test('a value read at a guarded index binds only inside a scope (a guard a kernel former builds itself)', () => {
    const g = new Graph();
    const a = g.input('a', [6]);
    const sq = a.mul(a).exp();
    const both = sq.mul(sq);
    const names = nameNodes([a.node, sq.node, both.node]);
    const i0 = ix.variable({ id: 0, extent: 8 });
    const at = [ix.within(ix.addConst(i0, -1), 6)];
    const lower = (scoped: boolean): string => {
      const shared = new SharedValues();
      const ctx: LowerContext = {
        materialized: new Set([a.node.id]),
        covered: new Set(),
        nextSlot: 0,
        shared,
      };
      const make = (): KExpr => lowerAt(both.node, at, ctx);
      return formatKExpr(shared.close(scoped ? lowerScoped(ctx, make) : make()), names);
    };
    // at the top the guard may be outside the body being lowered: computed where used, unbound
    expect(lower(false)).toBe(
      'mul(exp(mul(%a[[i0 + -1]], %a[[i0 + -1]])), exp(mul(%a[[i0 + -1]], %a[[i0 + -1]])))',
    );
    expect(lower(true)).toBe('let t0 = %a[[i0 + -1]] in let t1 = exp(mul(t0, t0)) in mul(t1, t1)');
  });

  test('a value also read through a transpose, a broadcast or a gather keeps its buffer', async () => {
    const g = new Graph();
    const h = g.input('a', [8, 8]).add(g.input('b', [8, 8]));
    g.output('t', h.mul(h.transpose()).add(h.exp()));
    const v = g.input('v', [8]).exp();
    g.output('bc', v.add(g.input('m', [8, 8])).add(v.reshape([8, 1])));
    const gathered = g.input('a2', [10]).gather(g.input('i', [8], 'i32'), 0);
    g.output('gth', gathered.mul(gathered.sigmoid()));
    const { ir } = await fusedOf(g);
    expect(ir).toMatch(/%\d+ add: stored \(read by 3 kernels\)/);
    expect(ir).toMatch(/%\d+ exp: stored \(read by 2 kernels\)/);
    expect(ir).toMatch(/%\d+ gather: stored \(read by 2 kernels\)/);
    await checkGraph(g, {
      a: randomData('f32', 64, 18),
      b: randomData('f32', 64, 19),
      v: randomData('f32', 8, 20),
      m: randomData('f32', 64, 21),
      a2: randomData('f32', 10, 22),
      i: Int32Array.from([0, 9, -1, 3, 3, -10, 5, 2]),
    });
  });

  test('softmax and layerNorm stay one row kernel each', async () => {
    const soft = new Graph();
    soft.output('s', soft.input('x', [5, 24]).softmax(-1));
    expect((await fusedOf(soft)).kernels).toBe(1);
    const norm = new Graph();
    norm.output('l', norm.input('x', [5, 24]).layerNorm(norm.param('w', [24]), norm.param('b', [24])));
    const { kernels, ir } = await fusedOf(norm);
    expect(kernels).toBe(1);
    // the centered x is read by the variance's sum and by the output: a row-local buffer, as before
    expect(ir).toMatch(/%\d+ sub: stored \(read by 2 kernels\)/);
  });
});
