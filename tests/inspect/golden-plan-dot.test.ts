/**
 * Golden text of the plan table (best-fit and bump) and the DOT output,
 * pinned as inline snapshots on small graphs; the reuse graph is also run
 * against the interpreter.
 */
import { describe, expect, test } from 'vitest';
import { planGraph, planTable, toDot } from '../../src/index.js';
import { checkGraph, randomData } from '../support/differential.js';
import { mlpHead, normAndSum, reuseChain } from './graphs.js';

describe('plan table', () => {
  test('mlp head', () => {
    expect(planTable(planGraph(mlpHead()).memory.plan)).toMatchInlineSnapshot(`
      "buffer              kind    offset  bytes  life  steps
      const0              const        0      4  0..1  ##.
      w                   param       16     48  0..0  #..
      x                   input       64     32  0..0  #..
      probs               output      96     24  1..2  .##
      best                output     128      8  2..2  ..#
      k0_matmul_relu      temp       144     24  0..2  ###
      k1_max_sub_exp_sum  temp       176     12  1..1  .#.
      memory 192 B; temp arena 48 B (1.00x the lower bound 48 B; never reusing: 48 B)
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
        n7 [label="%5\\nconstant f32[]", shape=ellipse, fillcolor="#e9ecef"];
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
          n8 [label="%6 = sum\\nf32[2,1]", style="rounded,filled,dashed"];
          n9 [label="%7 = div\\nf32[2,1]", style="rounded,filled,dashed"];
          n10 [label="%8 = mul\\nf32[2,3]", penwidth=2];
        }
        subgraph cluster_2 {
          label="k2_argmax (reduce)";
          style="rounded,filled"; fillcolor="#f4f6fb"; color="#8a94a6"; fontname="Helvetica"; fontsize=11;
          n11 [label="%9 = argmax\\ni32[2]", penwidth=2];
        }
        n0 -> n2;
        n1 -> n2;
        n2 -> n3;
        n3 -> n4;
        n3 -> n5;
        n4 -> n5;
        n5 -> n6;
        n6 -> n8;
        n7 -> n9;
        n8 -> n9;
        n6 -> n10;
        n9 -> n10;
        n3 -> n11;
        out0 [label="probs", shape=plaintext, style=""];
        n10 -> out0;
        out1 [label="best", shape=plaintext, style=""];
        n11 -> out1;
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
        n7 [label="%6\\nconstant f32[]", shape=ellipse, fillcolor="#e9ecef"];
        n17 [label="%16\\nconstant f32[]", shape=ellipse, fillcolor="#e9ecef"];
        subgraph cluster_0 {
          label="k0_add_mul_sum (reduce)";
          style="rounded,filled"; fillcolor="#f4f6fb"; color="#8a94a6"; fontname="Helvetica"; fontsize=11;
          n2 [label="%1 = add\\nf32[4,6]", style="rounded,filled,dashed"];
          n3 [label="%2 = transpose\\nf32[6,4]", style="rounded,filled,dashed"];
          n5 [label="%4 = mul\\nf32[6,4]", style="rounded,filled,dashed"];
          n6 [label="%5 = sum\\nf32[]", penwidth=2];
        }
        subgraph cluster_1 {
          label="k1_sub_sum_div_add (row)";
          style="rounded,filled"; fillcolor="#f4f6fb"; color="#8a94a6"; fontname="Helvetica"; fontsize=11;
          n8 [label="%7 = slice\\nf32[4,1]", style="rounded,filled,dashed"];
          n9 [label="%8 = sub\\nf32[4,6]", style="rounded,filled,dashed"];
          n10 [label="%9 = sum\\nf32[4,1]", style="rounded,filled,dashed"];
          n11 [label="%10 = div\\nf32[4,1]", style="rounded,filled,dashed"];
          n12 [label="%11 = add\\nf32[4,1]", style="rounded,filled,dashed"];
          n13 [label="%12 = sub\\nf32[4,6]", penwidth=2];
          n14 [label="%13 = mul\\nf32[4,6]", style="rounded,filled,dashed"];
          n15 [label="%14 = sum\\nf32[4,1]", style="rounded,filled,dashed"];
          n16 [label="%15 = div\\nf32[4,1]", style="rounded,filled,dashed"];
          n18 [label="%17 = add\\nf32[4,1]", style="rounded,filled,dashed"];
          n19 [label="%18 = rsqrt\\nf32[4,1]", style="rounded,filled,dashed"];
          n20 [label="%19 = mul\\nf32[4,6]", penwidth=2];
        }
        n0 -> n2;
        n1 -> n2;
        n2 -> n3;
        n3 -> n5;
        n4 -> n5;
        n5 -> n6;
        n0 -> n8;
        n0 -> n9;
        n8 -> n9;
        n9 -> n10;
        n10 -> n11;
        n7 -> n11;
        n8 -> n12;
        n11 -> n12;
        n0 -> n13;
        n12 -> n13;
        n13 -> n14;
        n13 -> n14;
        n14 -> n15;
        n15 -> n16;
        n7 -> n16;
        n16 -> n18;
        n17 -> n18;
        n18 -> n19;
        n13 -> n20;
        n19 -> n20;
        out0 [label="y", shape=plaintext, style=""];
        n6 -> out0;
        out1 [label="z", shape=plaintext, style=""];
        n20 -> out1;
      }
      "
    `);
  });
});
