/** Golden text of the IR printer on a few graphs (inline snapshots); each also round-trips through the parser. */
import { describe, expect, it } from 'vitest';
import { Graph } from '../../src/index.js';
import { parseGraph } from '../../src/ir/parse.js';
import { verifyGraph } from '../../src/ir/verify.js';
import { buildMlp, buildNorms, buildSlicing } from './graphs.js';

describe('printer golden text', () => {
  it('MLP', () => {
    expect(buildMlp().toString()).toMatchInlineSnapshot(`
      "%x = input() : f32[4,8]
      %w1 = param() : f32[8,16]
      %0 = constant([0.5, 0.5, 0.5, 0.5, 0.5, 0.5, 0.5, 0.5, 0.5, 0.5, 0.5, 0.5, 0.5, 0.5, 0.5, 0.5]) : f32[16]
      %w2 = param() : f32[16,3]
      %1 = matmul(%x, %w1) : f32[4,16]
      %2 = add(%1, %0) : f32[4,16]
      %3 = relu(%2) : f32[4,16]
      %4 = matmul(%3, %w2) : f32[4,3]
      %5 = constant([0.10000000149011612, -0.20000000298023224, 0]) : f32[3]
      %6 = add(%4, %5) : f32[4,3]
      %7 = softmax(%6) {axis=1} : f32[4,3]
      %8 = argmax(%6) {axis=1, keepdims=false} : i32[4]
      output logits = %6
      output p = %7
      output label = %8
      "
    `);
  });

  it('softmax and layerNorm', () => {
    expect(buildNorms().toString()).toMatchInlineSnapshot(`
      "%x = input() : f32[2,5]
      %0 = max(%x) {axes=[1], keepdims=true} : f32[2,1]
      %1 = sub(%x, %0) : f32[2,5]
      %2 = exp(%1) : f32[2,5]
      %3 = sum(%2) {axes=[1], keepdims=true} : f32[2,1]
      %4 = div(%2, %3) : f32[2,5]
      %5 = softmax(%x) {axis=1} : f32[2,5]
      %6 = logSoftmax(%x) {axis=0} : f32[2,5]
      %gamma = param() : f32[5]
      %beta = param() : f32[5]
      %7 = layerNorm(%x, %gamma, %beta) {eps=0.000001, hasWeight=true, hasBias=true} : f32[2,5]
      %8 = mean(%x) {axes=[1], keepdims=false} : f32[2]
      %9 = gelu(%8) : f32[2]
      output manual = %4
      output softmax = %5
      output logSoftmax = %6
      output ln = %7
      output mean = %9
      "
    `);
  });

  it('slicing and data movement', () => {
    expect(buildSlicing().toString()).toMatchInlineSnapshot(`
      "%x = input() : f32[4,6]
      %idx = input() : i32[3]
      %0 = slice(%x) {axes=[[3, -1, 4], [1, 2, 2]]} : f32[4,2]
      %1 = slice(%x) {axes=[[3, 1, 1], [0, 1, 6]]} : f32[1,6]
      %2 = reshape(%1) {shape=[6]} : f32[6]
      %3 = pad(%x) {widths=[[1, 0], [0, 2]], value=-inf} : f32[5,8]
      %4 = gather(%x, %idx) {axis=1} : f32[4,3]
      %5 = cast(%4) {to=i32} : i32[4,3]
      %6 = slice(%x) {axes=[[0, 1, 2], [0, 1, 6]]} : f32[2,6]
      %7 = concat(%x, %6) {axis=0} : f32[6,6]
      %8 = neg(%x) : f32[4,6]
      %9 = reshape(%x) {shape=[4, 6, 1]} : f32[4,6,1]
      %10 = reshape(%8) {shape=[4, 6, 1]} : f32[4,6,1]
      %11 = concat(%9, %10) {axis=2} : f32[4,6,2]
      %12 = reshape(%11) {shape=[4, 12]} : f32[4,12]
      %13 = constant(0) : f32[]
      %14 = gt(%x, %13) : bool[4,6]
      %15 = where(%14, %x, %13) : f32[4,6]
      output rev = %0
      output row = %2
      output padded = %3
      output picked = %5
      output joined = %7
      output stacked = %12
      output masked = %15
      "
    `);
  });

  it('constants: scalars, nan/inf/-0, and base64 above 64 elements', () => {
    const g = new Graph();
    const x = g.input('x', [65], 'i32');
    g.output('a', x.add(g.constant(new Int32Array(65).map((_, k) => k - 32))));
    g.output('b', g.constant([NaN, Infinity, -Infinity, -0, 0.1, 1e-7]).mul(0.5));
    g.output('c', g.constant(new Uint8Array(65).fill(1)).and(x.gt(0)));
    expect(g.toString()).toMatchInlineSnapshot(`
      "%x = input() : i32[65]
      %0 = constant(b64:4P///+H////i////4////+T////l////5v///+f////o////6f///+r////r////7P///+3////u////7/////D////x////8v////P////0////9f////b////3////+P////n////6////+/////z////9/////v////////8AAAAAAQAAAAIAAAADAAAABAAAAAUAAAAGAAAABwAAAAgAAAAJAAAACgAAAAsAAAAMAAAADQAAAA4AAAAPAAAAEAAAABEAAAASAAAAEwAAABQAAAAVAAAAFgAAABcAAAAYAAAAGQAAABoAAAAbAAAAHAAAAB0AAAAeAAAAHwAAACAAAAA=) : i32[65]
      %1 = add(%x, %0) : i32[65]
      %2 = constant([nan, inf, -inf, -0, 0.10000000149011612, 1.0000000116860974e-7]) : f32[6]
      %3 = constant(0.5) : f32[]
      %4 = mul(%2, %3) : f32[6]
      %5 = constant(b64:AQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQE=) : bool[65]
      %6 = constant(0) : i32[]
      %7 = gt(%x, %6) : bool[65]
      %8 = and(%5, %7) : bool[65]
      output a = %1
      output b = %4
      output c = %8
      "
    `);
  });

  it.each([buildMlp, buildNorms, buildSlicing])('%o round-trips and verifies', (build) => {
    const g = build();
    verifyGraph(g.outputs, g.leaves, 'test');
    const text = g.toString();
    const again = parseGraph(text);
    verifyGraph(again.outputs, again.leaves, 'test');
    expect(again.toString()).toBe(text);
  });
});
