/**
 * Golden text of the IR printer after each stage (and the scheduled view),
 * pinned as inline snapshots on small graphs — each graph also compiled and
 * compared with the interpreter, so a snapshot never pins a wrong program.
 */
import { describe, expect, test } from 'vitest';
import { compile } from '../../src/index.js';
import { checkGraph, randomData } from '../support/differential.js';
import { mlpHead, normAndSum } from './graphs.js';

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
      %5 = constant(1) : f32[]
      %6 = sum(%4) {axes=[1], keepdims=true} : f32[2,1]
      %7 = div(%5, %6) : f32[2,1]
      %8 = mul(%4, %7) : f32[2,3]
      %9 = argmax(%1) {axis=1, keepdims=false} : i32[2]
      output probs = %8
      output best = %9
      "
    `);
    expect(model.ir('fused')).toMatchInlineSnapshot(`
      "k0_matmul_relu: matmul [2,3] -> %1 [simd: matmul-tiled] reads %x, %w
        $0 = sum over [4] of mul(%x[i0, i2], %w[i2, i1])
        %1[i0, i1] = relu($0)
      k1_max_sub_exp_sum: row [2,1] -> %4, %8 [simd: scalar] reads %1, %4, %5
        $0 = max over [3] of %1[i0, i2]
        for [3]: %4[0, i3] = exp(sub(%1[i0, i3], $0))
        $1 = sum over [3] of %4[0, i4]
        $2 = div(%5[], $1)
        for [3]: %8[i0, i5] = mul(%4[0, i5], $2)
      k2_argmax: reduce [2] -> %9 [simd: scalar] reads %1
        $0 = argmax over [3] of %1[i0, i1]
        %9[i0] = $0

      decisions:
        %0 matmul: stored (matmul is a kernel of its own)
        %1 relu: stored (read by 3 kernels)
        %2 max: stored (a reduction is a kernel of its own)
        %3 sub: inline (fused into its only consumer exp)
        %4 exp: stored (read by 2 kernels)
        %6 sum: stored (a reduction is a kernel of its own)
        %7 div: stored (mul would recompute it (broadcast))
        %8 mul: stored (a graph output)
        %9 argmax: stored (a reduction is a kernel of its own)

      merged kernels:
        k1_relu joined k0_matmul (epilogue)
        k2_max did not join k0_matmul: not an elementwise consumer of a single reduction
        k3_sub_exp joined k2_max (row)
        k4_sum joined k2_max (row reduction)
        k5_div joined k2_max (per-row value)
        k6_mul joined k2_max (row)
        k7_argmax did not join k2_max: reduces other axes
        k1_max_sub_exp_sum stores its exp one row at a time ([1,3])
      output probs = %8
      output best = %9
      "
    `);
    expect(model.ir('scheduled')).toMatchInlineSnapshot(`
      "schedule: 3 steps; memory 192 B; temp arena 48 B (1.00x the lower bound 48 B; never reusing: 48 B)
      step 0: k0_matmul_relu  matmul [2,3]
        read   %x  x               input  @64   32 B  live 0..0
        read   %w  w               param  @16   48 B  live 0..0
        write  %1  k0_matmul_relu  temp   @144  24 B  live 0..2
      step 1: k1_max_sub_exp_sum  row [2,1]
        read   %1  k0_matmul_relu      temp    @144  24 B  live 0..2
        read   %4  k1_max_sub_exp_sum  temp    @176  12 B  live 1..1
        read   %5  const0              const   @0    4 B   live 0..1
        write  %4  k1_max_sub_exp_sum  temp    @176  12 B  live 1..1
        write  %8  probs               output  @96   24 B  live 1..2
        frees %4 (12 B)
      step 2: k2_argmax  reduce [2]
        read   %1  k0_matmul_relu  temp    @144  24 B  live 0..2
        write  %9  best            output  @128  8 B   live 2..2
        frees %1 (24 B)
      output probs = %8
      output best = %9
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
      %6 = constant(6) : f32[]
      %7 = slice(%x) {axes=[[0, 1, 4], [0, 1, 1]]} : f32[4,1]
      %8 = sub(%x, %7) : f32[4,6]
      %9 = sum(%8) {axes=[1], keepdims=true} : f32[4,1]
      %10 = div(%9, %6) : f32[4,1]
      %11 = add(%7, %10) : f32[4,1]
      %12 = sub(%x, %11) : f32[4,6]
      %13 = mul(%12, %12) : f32[4,6]
      %14 = sum(%13) {axes=[1], keepdims=true} : f32[4,1]
      %15 = div(%14, %6) : f32[4,1]
      %16 = constant(0.000009999999747378752) : f32[]
      %17 = add(%15, %16) : f32[4,1]
      %18 = rsqrt(%17) : f32[4,1]
      %19 = mul(%12, %18) : f32[4,6]
      output y = %5
      output z = %19
      "
    `);
    expect(model.ir('fused')).toMatchInlineSnapshot(`
      "k0_add_mul_sum: reduce [] -> %5 [simd: scalar] reads %x, %0, %3
        $0 = sum over [6,4] of mul(add(%x[i1, i0], %0[i0]), %3[])
        %5[] = $0
      k1_sub_sum_div_add: row [4,1] -> %12, %19 [simd: row] reads %x, %6, %12, %16
        $0 = sum over [6] of sub(%x[i0, i2], %x[i0, 0])
        $1 = add(%x[i0, 0], div($0, %6[]))
        for [6]: %12[0, i3] = sub(%x[i0, i3], $1)
        $2 = sum over [6] of let t0 = %12[0, i4] in mul(t0, t0)
        $3 = rsqrt(add(div($2, %6[]), %16[]))
        for [6]: %19[i0, i5] = mul(%12[0, i5], $3)

      decisions:
        %1 add: inline (fused into its only consumer mul)
        %2 transpose: inline (a view is an index map on its readers)
        %4 mul: inline (fused into its only consumer sum)
        %5 sum: stored (a reduction is a kernel of its own)
        %7 slice: inline (a view is an index map on its readers)
        %8 sub: inline (fused into its only consumer sum)
        %9 sum: stored (a reduction is a kernel of its own)
        %10 div: inline (fused into its only consumer add)
        %11 add: stored (sub would recompute it (broadcast))
        %12 sub: stored (read by 2 kernels)
        %13 mul: inline (fused into its only consumer sum)
        %14 sum: stored (a reduction is a kernel of its own)
        %15 div: inline (fused into its only consumer add)
        %17 add: inline (fused into its only consumer rsqrt)
        %18 rsqrt: stored (mul would recompute it (broadcast))
        %19 mul: stored (a graph output)

      merged kernels:
        k1_sub_sum did not join k0_add_mul_sum: different rows
        k2_div_add joined k1_sub_sum (per-row value)
        k3_sub joined k1_sub_sum (row)
        k4_mul_sum joined k1_sub_sum (row reduction)
        k5_div_add_rsqrt joined k1_sub_sum (per-row value)
        k6_mul joined k1_sub_sum (row)
        k1_sub_sum_div_add stores its sub one row at a time ([1,6])
      output y = %5
      output z = %19
      "
    `);
    await checkGraph(normAndSum(), { x: randomData('f32', 24, 2) }, { rtol: 1e-5, atol: 1e-5 });
  });
});
