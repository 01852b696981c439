/**
 * The reference interpreter with f32 sums, products and dot products
 * accumulated the way compiled code may: in f32, each term into one of
 * `lanes` partial accumulators in turn (term i into partial i mod lanes),
 * the partials then combined in order. The float64 oracle rounds once, so it
 * stays finite where f32 partial results overflow (a product of many values
 * passing 3.4e38 and coming back, dot-product terms of 1e42 that cancel) or
 * underflow; the compiled code's ±inf or NaN there is f32 arithmetic, not a
 * bug. The random-graph checker adds these runs to its changed references.
 */
import type { TypedArray } from '../../src/index.js';
import type { Graph } from '../../src/ir/graph.js';
import type { Node } from '../../src/ir/node.js';
import { broadcastIndexMap } from '../../src/ir/interpret/indexing.js';
import { asMatrix } from '../../src/ir/interpret/matmul.js';
import type { Operand } from '../../src/ir/interpret/operands.js';
import { reductionTargets } from '../../src/ir/interpret/reduce.js';
import { broadcastShapes, sizeOf } from '../../src/ir/shape.js';
import { hookedReferences, type ValueHook } from './hooked-references.js';

const f = Math.fround;

/** Partial accumulators per result: one (in order), a vector's lanes, lanes times 4 and 8 accumulators. */
export const ACCUMULATION_LANES = [1, 4, 16, 32] as const;

/** Folds `terms` (called with a push per term) into one f32 value through `lanes` partials. */
function fold(lanes: number, identity: number, combine: (a: number, b: number) => number) {
  const partials = new Array<number>(lanes).fill(identity);
  let i = 0;
  return {
    push(v: number): void {
      partials[i % lanes] = f(combine(partials[i % lanes] as number, v));
      i++;
    },
    result(): number {
      return partials.reduce((acc, p, j) => (j === 0 ? p : f(combine(acc, p))));
    },
  };
}

/** sum or prod of an f32 operand over `axes`, accumulated in f32. */
function reduceF32(node: Node, x: Operand, lanes: number): Float32Array | undefined {
  if ((node.op !== 'sum' && node.op !== 'prod') || x.dtype !== 'f32') return undefined;
  const axes = (node.attrs as { axes: readonly number[] }).axes;
  const targets = reductionTargets(x.shape, axes);
  const out = new Float32Array(sizeOf(node.shape));
  const combine = node.op === 'sum' ? (a: number, b: number) => a + b : (a: number, b: number) => a * b;
  const folds = Array.from(out, () => fold(lanes, node.op === 'sum' ? 0 : 1, combine));
  // row-major order visits each result's terms in order
  for (let i = 0; i < x.data.length; i++) folds[targets[i] as number]!.push(x.data[i] as number);
  folds.forEach((acc, o) => (out[o] = acc.result()));
  return out;
}

/** An f32 matmul with each product rounded to f32 and the k terms accumulated in f32. */
function matmulF32(node: Node, a: Operand, b: Operand, lanes: number): Float32Array | undefined {
  if (a.dtype !== 'f32' || b.dtype !== 'f32') return undefined;
  const aShape = asMatrix(a.shape, 'left');
  const bShape = asMatrix(b.shape, 'right');
  const [m, k] = aShape.slice(-2) as [number, number];
  const n = bShape[bShape.length - 1]!;
  const batch = broadcastShapes('matmul', aShape.slice(0, -2), bShape.slice(0, -2));
  const aMap = broadcastIndexMap(aShape.slice(0, -2), batch);
  const bMap = broadcastIndexMap(bShape.slice(0, -2), batch);
  const out = new Float32Array(sizeOf(node.shape));
  for (let t = 0; t < sizeOf(batch); t++) {
    const aBase = aMap[t]! * m * k;
    const bBase = bMap[t]! * k * n;
    for (let i = 0; i < m; i++)
      for (let j = 0; j < n; j++) {
        const acc = fold(lanes, 0, (x, y) => x + y);
        for (let p = 0; p < k; p++) acc.push(f(a.data[aBase + i * k + p]! * b.data[bBase + p * n + j]!));
        out[(t * m + i) * n + j] = acc.result();
      }
  }
  return out;
}

/** The graph's outputs with every f32 sum, prod and matmul accumulated in f32, once per ACCUMULATION_LANES. */
export function f32AccumulationReferences(
  graph: Graph,
  feeds: Readonly<Record<string, TypedArray>>,
): Record<string, TypedArray>[] {
  const hooks = ACCUMULATION_LANES.map((lanes): ValueHook => (node, data, args) => {
    if (node.dtype !== 'f32') return data;
    const [a, b] = args;
    if (node.op === 'matmul' && a !== undefined && b !== undefined)
      return matmulF32(node, a, b, lanes) ?? data;
    return (a !== undefined ? reduceF32(node, a, lanes) : undefined) ?? data;
  });
  return hookedReferences(graph, feeds, hooks);
}
