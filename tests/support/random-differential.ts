/**
 * The random-graph differential check shared by the CI property test and
 * `npm run fuzz`: build a random program, feed it random data, compile it
 * under every variant and compare each output with the reference interpreter.
 * A run-time InputError (a gather index out of range) must be raised by the
 * interpreter and by every compiled variant alike.
 */
import {
  compile,
  InputError,
  interpret,
  type CompileOptions,
  type Graph,
  type TypedArray,
} from '../../src/index.js';
import { expectClose, randomData } from './differential.js';
import { sensitivityExcuse } from './sensitivity.js';

/** Outputs agree within this (f32); i32 and bool exactly. */
const TOLERANCE = { rtol: 1e-3, atol: 1e-4 };
/** Nudged reference runs tried before a disagreement fails (sensitivity.ts). */
const NUDGED_RUNS = 16;

/** Variants compared: fusion, SIMD and planner, each on and off. */
export const RANDOM_VARIANTS: readonly CompileOptions[] = [
  { optimizeLevel: 0, debugPoison: true },
  { simd: false, fuse: false, inPlace: false, optimizeLevel: 0 },
  { planner: 'bump', optimizeLevel: 0 },
];

/** Random data for every input and param of `graph` (gather indices small, so some are out of range). */
export function feedsFor(graph: Graph, seed: number): Record<string, TypedArray> {
  const feeds: Record<string, TypedArray> = {};
  graph.leaves.forEach((leaf, n) => {
    const size = leaf.shape.reduce((a, b) => a * b, 1);
    const name = leaf.op === 'input' || leaf.op === 'param' ? leaf.attrs.name : '';
    feeds[name] = name.startsWith('idx')
      ? Int32Array.from({ length: size }, (_, i) => ((seed + i + n) % 3) - 1)
      : randomData(leaf.dtype, size, seed + n, -2, 2);
  });
  return feeds;
}

function splitFeeds(graph: Graph, feeds: Record<string, TypedArray>) {
  const params = new Set(
    graph.leaves.filter((l) => l.op === 'param').map((l) => (l.op === 'param' ? l.attrs.name : '')),
  );
  const pick = (want: boolean) =>
    Object.fromEntries(Object.entries(feeds).filter(([k]) => params.has(k) === want));
  return { params: pick(true), inputs: pick(false) };
}

/** Compiles `graph` under every variant and checks each against the interpreter. Throws on disagreement. */
export async function checkRandomGraph(
  graph: Graph,
  seed: number,
  variants: readonly CompileOptions[] = RANDOM_VARIANTS,
): Promise<void> {
  const feeds = feedsFor(graph, seed);
  let expected: Record<string, TypedArray> | undefined;
  let expectedError: unknown;
  try {
    expected = interpret(graph, feeds);
  } catch (e) {
    if (!(e instanceof InputError)) throw e;
    expectedError = e;
  }
  const { params, inputs } = splitFeeds(graph, feeds);
  const excuse = sensitivityExcuse(graph, feeds, NUDGED_RUNS, TOLERANCE);
  for (const options of variants) {
    const model = await compile(graph, options);
    try {
      model.setParams(params);
      let actual: Record<string, TypedArray>;
      try {
        actual = model.run(inputs);
      } catch (e) {
        if (expectedError !== undefined && e instanceof InputError) continue;
        throw e;
      }
      if (expected === undefined)
        throw new Error(
          `compiled ${JSON.stringify(options)} ran, but the interpreter raised ${String(expectedError)}`,
        );
      for (const [name, value] of Object.entries(expected)) {
        const got = actual[name] as TypedArray;
        // an element that disagrees passes only where nudging the reference's intermediate
        // values by an ulp moves it out of tolerance and onto the compiled value
        expectClose(got, value, TOLERANCE, `${name} ${JSON.stringify(options)}`, excuse(name, value, got));
      }
    } finally {
      model.dispose();
    }
  }
}
