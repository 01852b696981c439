/**
 * Golden text: the IR printer after each stage, the scheduled view, the plan
 * table and the DOT output, pinned as inline snapshots on small graphs — and
 * each graph also compiled and compared with the interpreter, so a snapshot
 * never pins a wrong program.
 */
import { describe, expect, test } from 'vitest';
import { compile, planGraph, planTable, toDot } from '../../src/index.js';
import { checkGraph, randomData } from '../support/differential.js';
import { mlpHead, normAndSum, reuseChain } from './graphs.js';

const W = new Float32Array([0.5, -1, 2, 1.5, 0.25, -0.75, -2, 1, 0.125, 1, -0.5, 0.3]);

describe('IR printer per stage', () => {
  test('mlp head: built, simplified, fused, scheduled', async () => {
    const model = await compile(mlpHead());
    expect(model.ir('built')).toMatchInlineSnapshot(`
      "%x = input() : f32[2,4]
      %w = param() : f32[4,3]
      %0 = matmul(%x, %w) : f32[2,3]
      %1 = relu(%0) : f32[2,3]
      %2 = softmax(%1) {axis=1} : f32[2,3]
      %3 = argmax(%1) {axis=1, keepdims=false} : i32[2]
      output probs = %2
      output best = %3
      "
    `);
    expect(model.ir('simplified')).toMatchInlineSnapshot(`
      "%x = input() : f32[2,4]
      %w = param() : f32[4,3]
      %0 = matmul(%x, %w) : f32[2,3]
      %1 = relu(%0) : f32[2,3]
      %2 = max(%1) {axes=[1], keepdims=true} : f32[2,1]
      %3 = sub(%1, %2) : f32[2,3]
      %4 = exp(%3) : f32[2,3]
      %5 = sum(%4) {axes=[1], keepdims=true} : f32[2,1]
      %6 = div(%4, %5) : f32[2,3]
      %7 = argmax(%1) {axis=1, keepdims=false} : i32[2]
      output probs = %6
      output best = %7
      "
    `);
    expect(model.ir('fused')).toMatchInlineSnapshot(`
      "k0_matmul_relu: matmul [2,3] -> %1 [simd: matmul-tiled] reads %x, %w
        $0 = sum over [4] of mul(%x[i0, i2], %w[i2, i1])
        %1[i0, i1] = relu($0)
      k1_max_sub_exp_sum: row [2,1] -> %4, %6 [simd: scalar] reads %1, %4
        $0 = max over [3] of %1[i0, i2]
        for [3]: %4[i0, i3] = exp(sub(%1[i0, i3], $0))
        $1 = sum over [3] of %4[i0, i4]
        for [3]: %6[i0, i5] = div(%4[i0, i5], $1)
      k2_argmax: reduce [2] -> %7 [simd: scalar] reads %1
        $0 = argmax over [3] of %1[i0, i1]
        %7[i0] = $0

      decisions:
        %0 matmul: stored (matmul is a kernel of its own)
        %1 relu: stored (read by 3 kernels)
        %2 max: stored (a reduction is a kernel of its own)
        %3 sub: inline (fused into its only consumer exp)
        %4 exp: stored (read by 2 kernels)
        %5 sum: stored (a reduction is a kernel of its own)
        %6 div: stored (a graph output)
        %7 argmax: stored (a reduction is a kernel of its own)

      merged kernels:
        k1_relu joined k0_matmul (epilogue)
        k2_max did not join k0_matmul: not an elementwise consumer of a single reduction
        k3_sub_exp joined k2_max (row)
        k4_sum joined k2_max (row reduction)
        k5_div joined k2_max (row)
        k6_argmax did not join k2_max: reduces other axes
      output probs = %6
      output best = %7
      "
    `);
    expect(model.ir('scheduled')).toMatchInlineSnapshot(`
      "schedule: 3 steps; memory 192 B; temp arena 64 B (1.00x the lower bound 64 B; never reusing: 64 B)
      step 0: k0_matmul_relu  matmul [2,3]
        read   %x  x               input  @48   32 B  live 0..0
        read   %w  w               param  @0    48 B  live 0..0
        write  %1  k0_matmul_relu  temp   @128  24 B  live 0..2
      step 1: k1_max_sub_exp_sum  row [2,1]
        read   %1  k0_matmul_relu      temp    @128  24 B  live 0..2
        read   %4  k1_max_sub_exp_sum  temp    @160  24 B  live 1..1
        write  %4  k1_max_sub_exp_sum  temp    @160  24 B  live 1..1
        write  %6  probs               output  @80   24 B  live 1..2
        frees %4 (24 B)
      step 2: k2_argmax  reduce [2]
        read   %1  k0_matmul_relu  temp    @128  24 B  live 0..2
        write  %7  best            output  @112  8 B   live 2..2
        frees %1 (24 B)
      output probs = %6
      output best = %7
      "
    `);
    expect(model.ir('scheduled')).not.toBe(model.ir('fused'));
    await checkGraph(mlpHead(), { x: randomData('f32', 8, 1), w: W }, { rtol: 1e-5 });
  });

  test('layerNorm and a transposed sum: simplified and fused', async () => {
    const model = await compile(normAndSum());
    expect(model.ir('simplified')).toMatchInlineSnapshot(`
      "%x = input() : f32[4,6]
      %0 = constant([0.5, 0.5, 0.5, 0.5, 0.5, 0.5]) : f32[6]
      %1 = add(%x, %0) : f32[4,6]
      %2 = transpose(%1) {perm=[1, 0]} : f32[6,4]
      %3 = constant(2) : f32[]
      %4 = mul(%2, %3) : f32[6,4]
      %5 = sum(%4) {axes=[0, 1], keepdims=false} : f32[]
      %6 = sum(%x) {axes=[1], keepdims=true} : f32[4,1]
      %7 = constant(0.1666666716337204) : f32[]
      %8 = mul(%6, %7) : f32[4,1]
      %9 = sub(%x, %8) : f32[4,6]
      %10 = mul(%9, %9) : f32[4,6]
      %11 = sum(%10) {axes=[1], keepdims=true} : f32[4,1]
      %12 = mul(%11, %7) : f32[4,1]
      %13 = constant(0.000009999999747378752) : f32[]
      %14 = add(%12, %13) : f32[4,1]
      %15 = rsqrt(%14) : f32[4,1]
      %16 = mul(%9, %15) : f32[4,6]
      output y = %5
      output z = %16
      "
    `);
    expect(model.ir('fused')).toMatchInlineSnapshot(`
      "k0_add_mul_sum: reduce [] -> %5 [simd: scalar] reads %x, %0, %3
        $0 = sum over [6,4] of mul(add(%x[i1, i0], %0[i0]), %3[])
        %5[] = $0
      k1_sum_mul_sub_add: row [4,1] -> %9, %16 [simd: row] reads %x, %7, %9, %13
        $0 = sum over [6] of %x[i0, i2]
        $1 = mul($0, %7[])
        for [6]: %9[i0, i3] = sub(%x[i0, i3], $1)
        $2 = sum over [6] of mul(%9[i0, i4], %9[i0, i4])
        $3 = rsqrt(add(mul($2, %7[]), %13[]))
        for [6]: %16[i0, i5] = mul(%9[i0, i5], $3)

      decisions:
        %1 add: inline (fused into its only consumer mul)
        %2 transpose: inline (a view is an index map on its readers)
        %4 mul: inline (fused into its only consumer sum)
        %5 sum: stored (a reduction is a kernel of its own)
        %6 sum: stored (a reduction is a kernel of its own)
        %8 mul: stored (sub would recompute it (broadcast))
        %9 sub: stored (read by 2 kernels)
        %10 mul: inline (fused into its only consumer sum)
        %11 sum: stored (a reduction is a kernel of its own)
        %12 mul: inline (fused into its only consumer add)
        %14 add: inline (fused into its only consumer rsqrt)
        %15 rsqrt: stored (mul would recompute it (broadcast))
        %16 mul: stored (a graph output)

      merged kernels:
        k1_sum did not join k0_add_mul_sum: different rows
        k2_mul joined k1_sum (per-row value)
        k3_sub joined k1_sum (row)
        k4_mul_sum joined k1_sum (row reduction)
        k5_mul_add_rsqrt joined k1_sum (per-row value)
        k6_mul joined k1_sum (row)
      output y = %5
      output z = %16
      "
    `);
    await checkGraph(normAndSum(), { x: randomData('f32', 24, 2) }, { rtol: 1e-5, atol: 1e-5 });
  });
});

describe('plan table', () => {
  test('mlp head', () => {
    expect(planTable(planGraph(mlpHead()).memory.plan)).toMatchInlineSnapshot(`
      "buffer              kind    offset  bytes  life  steps
      w                   param        0     48  0..0  #..
      x                   input       48     32  0..0  #..
      probs               output      80     24  1..2  .##
      best                output     112      8  2..2  ..#
      k0_matmul_relu      temp       128     24  0..2  ###
      k1_max_sub_exp_sum  temp       160     24  1..1  .#.
      memory 192 B; temp arena 64 B (1.00x the lower bound 64 B; never reusing: 64 B)
      "
    `);
  });

  test('a chain whose temps reuse memory', async () => {
    const plan = planGraph(reuseChain()).memory.plan;
    expect(planTable(plan)).toMatchInlineSnapshot(`
      "buffer      kind    offset  bytes  life  steps
      x           input        0    256  0..3  ####
      out         output     256     32  3..3  ...#
      k0_exp_sum  temp       288     32  0..1  ##..
      k2_mul_max  temp       288     32  2..3  ..##
      k1_sub_sum  temp       320     32  1..2  .##.
      memory 352 B; temp arena 64 B (1.00x the lower bound 64 B; never reusing: 96 B)
      "
    `);
    expect(plan.arenaBytes).toBeLessThanOrEqual(plan.naiveBytes);
    await checkGraph(reuseChain(), { x: randomData('f32', 64, 3, -1, 1) }, { rtol: 1e-4, atol: 1e-5 });
  });

  test('the same plan, bump-allocated, for comparison', () => {
    expect(planTable(planGraph(reuseChain(), { planner: 'bump' }).memory.plan)).toMatchInlineSnapshot(`
      "buffer      kind    offset  bytes  life  steps
      x           input        0    256  0..3  ####
      out         output     256     32  3..3  ...#
      k0_exp_sum  temp       288     32  0..1  ##..
      k1_sub_sum  temp       320     32  1..2  .##.
      k2_mul_max  temp       352     32  2..3  ..##
      memory 384 B; temp arena 96 B (1.50x the lower bound 64 B; never reusing: 96 B)
      "
    `);
  });
});

describe('DOT', () => {
  test('mlp head: one cluster per kernel', () => {
    const dot = toDot(planGraph(mlpHead()));
    expect(dot).toMatchInlineSnapshot(`
      "digraph tensorwasm {
        rankdir=TB;
        node [shape=box, style="rounded,filled", fillcolor="#ffffff", fontname="Helvetica", fontsize=10];
        edge [color="#666666", arrowsize=0.6];
        n0 [label="%x\\ninput f32[2,4]", shape=ellipse, fillcolor="#cfe2ff"];
        n1 [label="%w\\nparam f32[4,3]", shape=ellipse, fillcolor="#fde2c4"];
        subgraph cluster_0 {
          label="k0_matmul_relu (matmul)";
          style="rounded,filled"; fillcolor="#f4f6fb"; color="#8a94a6"; fontname="Helvetica"; fontsize=11;
          n2 [label="%0 = matmul\\nf32[2,3]", style="rounded,filled,dashed"];
          n3 [label="%1 = relu\\nf32[2,3]", penwidth=2];
        }
        subgraph cluster_1 {
          label="k1_max_sub_exp_sum (row)";
          style="rounded,filled"; fillcolor="#f4f6fb"; color="#8a94a6"; fontname="Helvetica"; fontsize=11;
          n4 [label="%2 = max\\nf32[2,1]", style="rounded,filled,dashed"];
          n5 [label="%3 = sub\\nf32[2,3]", style="rounded,filled,dashed"];
          n6 [label="%4 = exp\\nf32[2,3]", penwidth=2];
          n7 [label="%5 = sum\\nf32[2,1]", style="rounded,filled,dashed"];
          n8 [label="%6 = div\\nf32[2,3]", penwidth=2];
        }
        subgraph cluster_2 {
          label="k2_argmax (reduce)";
          style="rounded,filled"; fillcolor="#f4f6fb"; color="#8a94a6"; fontname="Helvetica"; fontsize=11;
          n9 [label="%7 = argmax\\ni32[2]", penwidth=2];
        }
        n0 -> n2;
        n1 -> n2;
        n2 -> n3;
        n3 -> n4;
        n3 -> n5;
        n4 -> n5;
        n5 -> n6;
        n6 -> n7;
        n6 -> n8;
        n7 -> n8;
        n3 -> n9;
        out0 [label="probs", shape=plaintext, style=""];
        n8 -> out0;
        out1 [label="best", shape=plaintext, style=""];
        n9 -> out1;
      }
      "
    `);
    expect(dot.match(/subgraph cluster_/g)?.length).toBe(planGraph(mlpHead()).schedule.kernels.length);
  });

  test('layerNorm and a transposed sum: views and inlined values sit in their kernel', () => {
    expect(toDot(planGraph(normAndSum()))).toMatchInlineSnapshot(`
      "digraph tensorwasm {
        rankdir=TB;
        node [shape=box, style="rounded,filled", fillcolor="#ffffff", fontname="Helvetica", fontsize=10];
        edge [color="#666666", arrowsize=0.6];
        n0 [label="%x\\ninput f32[4,6]", shape=ellipse, fillcolor="#cfe2ff"];
        n1 [label="%0\\nconstant f32[6]", shape=ellipse, fillcolor="#e9ecef"];
        n4 [label="%3\\nconstant f32[]", shape=ellipse, fillcolor="#e9ecef"];
        n8 [label="%7\\nconstant f32[]", shape=ellipse, fillcolor="#e9ecef"];
        n14 [label="%13\\nconstant f32[]", shape=ellipse, fillcolor="#e9ecef"];
        subgraph cluster_0 {
          label="k0_add_mul_sum (reduce)";
          style="rounded,filled"; fillcolor="#f4f6fb"; color="#8a94a6"; fontname="Helvetica"; fontsize=11;
          n2 [label="%1 = add\\nf32[4,6]", style="rounded,filled,dashed"];
          n3 [label="%2 = transpose\\nf32[6,4]", style="rounded,filled,dashed"];
          n5 [label="%4 = mul\\nf32[6,4]", style="rounded,filled,dashed"];
          n6 [label="%5 = sum\\nf32[]", penwidth=2];
        }
        subgraph cluster_1 {
          label="k1_sum_mul_sub_add (row)";
          style="rounded,filled"; fillcolor="#f4f6fb"; color="#8a94a6"; fontname="Helvetica"; fontsize=11;
          n7 [label="%6 = sum\\nf32[4,1]", style="rounded,filled,dashed"];
          n9 [label="%8 = mul\\nf32[4,1]", style="rounded,filled,dashed"];
          n10 [label="%9 = sub\\nf32[4,6]", penwidth=2];
          n11 [label="%10 = mul\\nf32[4,6]", style="rounded,filled,dashed"];
          n12 [label="%11 = sum\\nf32[4,1]", style="rounded,filled,dashed"];
          n13 [label="%12 = mul\\nf32[4,1]", style="rounded,filled,dashed"];
          n15 [label="%14 = add\\nf32[4,1]", style="rounded,filled,dashed"];
          n16 [label="%15 = rsqrt\\nf32[4,1]", style="rounded,filled,dashed"];
          n17 [label="%16 = mul\\nf32[4,6]", penwidth=2];
        }
        n0 -> n2;
        n1 -> n2;
        n2 -> n3;
        n3 -> n5;
        n4 -> n5;
        n5 -> n6;
        n0 -> n7;
        n7 -> n9;
        n8 -> n9;
        n0 -> n10;
        n9 -> n10;
        n10 -> n11;
        n10 -> n11;
        n11 -> n12;
        n12 -> n13;
        n8 -> n13;
        n13 -> n15;
        n14 -> n15;
        n15 -> n16;
        n10 -> n17;
        n16 -> n17;
        out0 [label="y", shape=plaintext, style=""];
        n6 -> out0;
        out1 [label="z", shape=plaintext, style=""];
        n17 -> out1;
      }
      "
    `);
  });
});
