/**
 * Threads: a reduction of a whole large tensor to one value (W6's sum) is one
 * kernel with an empty domain, nothing to split. With threads, it becomes
 * partial reductions over P contiguous parts (a [P, N/P] reshape reduced over
 * its last axis: a kernel with P rows, which splits) and one reduction of the
 * P partials in a fixed order, so the result never depends on timing. The
 * order of summation differs from a one-thread compile's (within the
 * documented accuracy of blocked sums); compiles with threads: 1 are untouched.
 */
import type { Graph } from '../ir/graph.js';
import type { Node } from '../ir/node.js';
import { rewriteGraph } from './rewrite.js';

/** Elements below which a whole reduction stays one kernel (a barrier costs more than the cores save). */
const MIN_ELEMENTS = 1 << 16;

/** Part counts tried, largest first: enough rows to balance up to 8 threads. */
const PARTS = [64, 48, 32, 16, 8, 4] as const;

const SPLIT_OPS: readonly string[] = ['sum', 'prod', 'max', 'min'];

/** The number of parts to reduce `n` elements in, or undefined when none divides it. */
function partsOf(n: number, maxThreads: number): number | undefined {
  return PARTS.find((p) => p >= 2 * Math.min(maxThreads, 8) && n % p === 0 && n / p >= 1024);
}

/** `graph` with each large whole-tensor reduction split into partials and their reduction. */
export function splitWholeReductions(graph: Graph, maxThreads: number): Graph {
  if (maxThreads < 2) return graph;
  return rewriteGraph(graph, (node, inputs, out): Node | undefined => {
    if (!SPLIT_OPS.includes(node.op)) return undefined;
    const x = inputs[0];
    if (x === undefined || !('axes' in node.attrs)) return undefined;
    const n = x.shape.reduce((a, b) => a * b, 1);
    if (node.attrs.axes.length !== x.shape.length || n < MIN_ELEMENTS) return undefined;
    const parts = partsOf(n, maxThreads);
    if (parts === undefined) return undefined;
    const rows = out.addNode('reshape', [x], { shape: [parts, n / parts] });
    const partial = out.addNode(node.op, [rows], { axes: [1], keepdims: false });
    const total = out.addNode(node.op, [partial], { axes: [0], keepdims: false });
    // keepdims: the [1, 1, ...] of the original
    return node.shape.length === 0 ? total : out.addNode('reshape', [total], { shape: [...node.shape] });
  });
}
