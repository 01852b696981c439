/**
 * Threads only: a matmul whose batch continues its rows (`x[b, s, d] @ w[d, n]`
 * with x and the result contiguous: matmul-shape.ts's foldBatchIntoRows) is
 * rewritten as what it is, one matmul over all b·s rows: the folded batch
 * variables leave its domain and the row variable runs over every row, each
 * index reading (row mod s, row div s) on the old axes. Its range is then
 * the rows of the whole batch, split among the threads like any matmul's
 * (W5-style layers on a batch of sequences). The tiles are the same (they
 * already ran over the folded rows: ravel turns the div/mod back into the
 * same affine address), so the results are bit-identical; the interval
 * proofs and every codegen path see an ordinary domain.
 */
import * as ix from './index-expr.js';
import type { IndexExpr, LoopVar } from './index-expr.js';
import { mapExpr, mapStepExprs, type Kernel, type Schedule, type Step } from './kernel.js';
import { matchMatmulOperands } from './matmul-shape.js';

/** The row variable's old variables as expressions of the folded rows `m` (innermost first: row, then batches). */
function unfoldRows(m: LoopVar, parts: readonly LoopVar[]): Map<number, IndexExpr> {
  const map = new Map<number, IndexExpr>();
  let below = 1;
  parts.forEach((v, i) => {
    const above = ix.floorDiv(ix.variable(m), below);
    // the outermost part needs no mod: it is below its extent already
    map.set(v.id, i === parts.length - 1 ? above : ix.mod(above, v.extent));
    below *= v.extent;
  });
  return map;
}

function mapStep(step: Step, index: (e: IndexExpr) => IndexExpr): Step {
  const expr = (e: Parameters<typeof mapExpr>[0]): ReturnType<typeof mapExpr> =>
    mapExpr(
      e,
      index,
      (s) => s,
      () => undefined,
    );
  return mapStepExprs(step, expr, (idx) => idx.map(index));
}

/** `kernel` over its folded rows, or the kernel itself when its rows fold no batch. */
export function foldBatchRows(kernel: Kernel): Kernel {
  const shape = matchMatmulOperands(kernel);
  const m = shape?.m;
  if (shape === undefined || m === undefined || shape.folded.length === 0) return kernel;
  const row = kernel.domain.find((v) => v.id === m.id);
  if (row === undefined) return kernel;
  // the folded variables continue the rows innermost first (foldBatchIntoRows)
  const map = unfoldRows(m, [row, ...shape.folded]);
  const folded = new Set(shape.folded.map((v) => v.id));
  const domain = kernel.domain.filter((v) => !folded.has(v.id)).map((v) => (v.id === m.id ? m : v));
  const index = (e: IndexExpr): IndexExpr => ix.substitute(e, map);
  return { ...kernel, domain, steps: kernel.steps.map((s) => mapStep(s, index)) };
}

/** The schedule with every matmul whose rows fold a batch rewritten over all its rows (foldBatchRows). */
export function foldBatchRowsAll(schedule: Schedule): Schedule {
  const kernels = schedule.kernels.map(foldBatchRows);
  return kernels.every((k, i) => k === schedule.kernels[i]) ? schedule : { ...schedule, kernels };
}
