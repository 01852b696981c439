/**
 * Prints a SHA-256 of every build a compile emits, for a fixed set of graphs
 * that reach every code path of the tiled matmul (W1, W5, W8, W10, threaded
 * compiles, ResNet-50 and SqueezeNet with the models benchmark's weights, and
 * two small odd-sized matmuls: batched, and few rows over B in place), so a
 * refactor of the emitters can show it changes no byte: run it before and
 * after, and diff the output.
 * `node scripts/run-ts.mjs scripts/module-digest.ts [substring ...]` keeps
 * the graphs whose label contains one of the substrings.
 */
import { createHash } from 'node:crypto';
import { compile, fromOnnx, Graph, type CompileOptions } from '../src/index.js';
import { readSections } from '../src/common/wasm-sections.js';
import { buildGraph } from '../bench/competitors/tensorwasm.js';
import { makeModelWorkloads } from '../bench/models/model-workloads.js';
import { makeWorkloads } from '../bench/workloads.js';

/** One graph to compile, with its options. */
interface DigestCase {
  readonly label: string;
  readonly graph: () => Promise<Graph>;
  readonly options: CompileOptions;
}

/** Custom sections that carry a build (the relaxed and threaded modules) or the manifest. */
const BUILD_PREFIX = 'tensorwasm';

function sha256(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}

/**
 * The digests of a saved file: the whole file, the baseline module (every
 * section but the builds and the manifest), and each custom section of ours.
 */
function digests(file: Uint8Array): [string, string, number][] {
  const sections = readSections(file);
  const ours = sections.filter((s) => s.name?.startsWith(BUILD_PREFIX) === true);
  const baseline = sections
    .filter((s) => !ours.includes(s))
    .map((s) => file.subarray(s.start, s.end))
    .reduce((hash, part) => hash.update(part), createHash('sha256'))
    .digest('hex');
  const baselineBytes = sections.filter((s) => !ours.includes(s)).reduce((n, s) => n + s.end - s.start, 0);
  return [
    ['file', sha256(file), file.length],
    ['baseline', baseline, baselineBytes],
    ...ours.map((s): [string, string, number] => [
      s.name ?? '',
      sha256(file.subarray(s.dataStart ?? s.start, s.end)),
      s.end - (s.dataStart ?? s.start),
    ]),
  ];
}

/** a[3,7,45] @ b[3,45,23] + bias, relu: batch loops, scalar columns, a fused epilogue. */
function batchedOdd(): Graph {
  const g = new Graph();
  const y = g.input('a', [3, 7, 45]).matmul(g.input('b', [3, 45, 23]));
  g.output('y', y.add(g.param('bias', [23])).relu());
  return g;
}

/** x[5,300] @ w[300,70]: few rows, B read in place by full and single-row tiles. */
function fewRows(): Graph {
  const g = new Graph();
  g.output('y', g.input('x', [5, 300]).matmul(g.input('w', [300, 70])));
  return g;
}

function cases(): DigestCase[] {
  const workloads = makeWorkloads(false);
  const bench = (id: string): (() => Promise<Graph>) => {
    const w = workloads.find((x) => x.id === id);
    if (w === undefined) throw new Error(`module-digest: no workload ${id}`);
    return () => Promise.resolve(buildGraph(w.spec));
  };
  const models = makeModelWorkloads(['resnet50', 'squeezenet']).map((w) => ({
    label: w.id,
    graph: () => fromOnnx(w.bytes()),
  }));
  const out: DigestCase[] = [];
  for (const id of ['W1 N=512', 'W1 N=1024', 'W5', 'W8', 'W10']) {
    out.push({ label: `${id}`, graph: bench(id), options: { relaxedSimd: false } });
    out.push({ label: `${id} relaxed`, graph: bench(id), options: { relaxedSimd: true } });
    out.push({ label: `${id} threads 2`, graph: bench(id), options: { relaxedSimd: true, threads: 2 } });
  }
  for (const [label, graph] of [
    ['batched odd', batchedOdd],
    ['few rows', fewRows],
  ] as const) {
    out.push({ label, graph: () => Promise.resolve(graph()), options: { relaxedSimd: true } });
    out.push({
      label: `${label} threads 2`,
      graph: () => Promise.resolve(graph()),
      options: { relaxedSimd: true, threads: 2, threadMinWork: 0 },
    });
  }
  for (const m of models) {
    out.push({ label: m.label, graph: m.graph, options: { relaxedSimd: false } });
    out.push({
      label: `${m.label} relaxed threads 2`,
      graph: m.graph,
      options: { relaxedSimd: true, threads: 2 },
    });
  }
  return out;
}

const only = process.argv.slice(2);
for (const c of cases()) {
  if (only.length > 0 && !only.some((s) => c.label.includes(s))) continue;
  const model = await compile(await c.graph(), c.options);
  for (const [build, digest, bytes] of digests(model.save()))
    console.log(`${c.label.padEnd(28)} ${build.padEnd(28)} ${digest} ${bytes}`);
  model.dispose();
}
