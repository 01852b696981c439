/**
 * Constant left operands of matmuls (a convolution's weights, rows = output
 * channels) stored k-major: the constant holds Aᵀ and the matmul reads it
 * through a transpose view. A register tile then finds its rows at 4-byte
 * steps whatever the shape (A[m + i, k] at i · 4 from its pointer), so
 * kernels of one structure over different channel counts differ only in
 * constants and share one function (offset-operands.ts, Binaryen's
 * merge-similar-functions) without an address add per row in the k loop
 * (docs/compile-time.md "Shared kernel code").
 */
import type { Graph } from '../ir/graph.js';
import type { Node } from '../ir/node.js';
import { foldArrays } from './fold-arrays.js';
import { TILE_ROWS } from './matmul-shape.js';
import { rewriteGraph } from './rewrite.js';

/**
 * At most this many rows (A's k stride at most 256 bytes): a tile reads 16-24
 * bytes per k, so a wider stride spreads its k steps over cache lines and
 * pages it barely uses. Measured on ResNet-50 (Node 20, per kernel): 64 rows
 * 0.98x, 128 rows 1.02-1.15x, 256 rows 1.1-1.5x, 1024-2048 rows 2.0-2.2x.
 */
const MAX_ROWS = 64;

/** The permutation swapping the last two of `rank` axes. */
function swapLast(rank: number): number[] {
  const perm = Array.from({ length: rank }, (_, i) => i);
  perm[rank - 2] = rank - 1;
  perm[rank - 1] = rank - 2;
  return perm;
}

/** matmul(constant A [..., M, K], B) -> matmul(transpose(constant Aᵀ [..., K, M]), B), for A of TILE_ROWS to MAX_ROWS rows. */
function kMajorRule(node: Node, inputs: readonly Node[], out: Graph): Node | undefined {
  const [a, b] = inputs;
  if (node.op !== 'matmul' || a === undefined || b === undefined || a.op !== 'constant') return undefined;
  const rank = a.shape.length;
  const M = a.shape[rank - 2] ?? 0;
  const K = a.shape[rank - 1] ?? 0;
  if (rank < 2 || M < TILE_ROWS || M > MAX_ROWS || K < 2 || a.dtype !== 'f32') return undefined;
  const perm = swapLast(rank);
  const data = foldArrays(out.addNode('transpose', [a], { perm }), [a]);
  if (data === undefined) return undefined;
  const stored = out.addConstant(data, [...a.shape.slice(0, rank - 2), K, M]);
  return out.addNode('matmul', [out.addNode('transpose', [stored], { perm }), b], node.attrs);
}

/** The graph with every such constant left operand stored k-major (same values). */
export function kMajorWeights(graph: Graph): Graph {
  return rewriteGraph(graph, kMajorRule);
}
