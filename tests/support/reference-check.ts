/**
 * Checks a graph twice: the interpreter against an independent float64
 * reference written in the test (the op's semantics), then every compiled
 * variant against the interpreter (its lowering).
 */
import { interpret, type Graph, type TypedArray } from '../../src/index.js';
import { checkGraph, expectClose, type Tolerance } from './differential.js';

/** Asserts interpret(graph) ≈ `expected` (per output), then compiled ≈ interpreted. */
export async function checkAgainstReference(
  graph: Graph,
  feeds: Record<string, TypedArray>,
  expected: Record<string, TypedArray>,
  referenceTol: Tolerance = { rtol: 1e-5, atol: 1e-6 },
  compiledTol: Tolerance = { rtol: 2e-5, atol: 1e-6 },
): Promise<void> {
  const actual = interpret(graph, feeds);
  for (const [name, value] of Object.entries(expected)) {
    expectClose(actual[name] as TypedArray, value, referenceTol, `interpreter ${name} vs reference`);
  }
  await checkGraph(graph, feeds, compiledTol);
}

/** Applies `f` (float64 math) to every element, rounding the results to f32. */
export function mapF32(x: TypedArray, f: (v: number) => number): Float32Array {
  return Float32Array.from(x, (v) => f(v));
}
