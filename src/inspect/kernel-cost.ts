/**
 * Static cost of a kernel from its IR: bytes loaded and stored and arithmetic
 * operations, each counted per evaluation and multiplied by how many times its
 * step runs (outer domain × the step's inner loops). Counts are exact for
 * straight-line bodies; where a guard picks one of two branches per element
 * (pad, concat) the costlier branch is counted.
 */
import { DTYPE_BYTES } from '../common/dtype.js';
import type { LoopVar } from '../passes/index-expr.js';
import { stepVars, type Kernel, type KExpr, type Step } from '../passes/kernel.js';

/** What one kernel moves and computes over a whole run. */
export interface KernelCost {
  /** Bytes loaded: every load of the body, times how often it runs. */
  readonly bytesRead: number;
  /** Bytes stored: every store, times how often it runs. */
  readonly bytesWritten: number;
  /**
   * Arithmetic operations: each elementwise op (a transcendental counts as
   * one) and each reduction combine. A matmul [m,k]@[k,n] is 2·m·n·k.
   */
  readonly flops: number;
}

interface ExprCost {
  readonly bytes: number;
  readonly ops: number;
}

const NONE: ExprCost = { bytes: 0, ops: 0 };

function plus(a: ExprCost, b: ExprCost): ExprCost {
  return { bytes: a.bytes + b.bytes, ops: a.ops + b.ops };
}

/** Bytes loaded and ops applied by one evaluation of `e`. */
function exprCost(e: KExpr): ExprCost {
  switch (e.k) {
    case 'const':
    case 'ref':
    case 'get':
      return NONE;
    case 'load':
      return { bytes: DTYPE_BYTES[e.node.dtype], ops: 0 };
    case 'cast':
      return exprCost(e.arg);
    case 'op':
      return e.args.map(exprCost).reduce(plus, { bytes: 0, ops: 1 });
    case 'guard': {
      const then = exprCost(e.then);
      const otherwise = exprCost(e.otherwise);
      return then.bytes + then.ops >= otherwise.bytes + otherwise.ops ? then : otherwise;
    }
    case 'bind':
    case 'let':
      // a bound value is computed once, however often its body reads it
      return plus(exprCost(e.value), exprCost(e.body));
  }
}

function product(vars: readonly LoopVar[]): number {
  return vars.reduce((n, v) => n * v.extent, 1);
}

function stepCost(step: Step, outer: number): KernelCost {
  const runs = outer * product(stepVars(step));
  switch (step.kind) {
    case 'reduce': {
      const body = exprCost(step.body);
      return { bytesRead: body.bytes * runs, bytesWritten: 0, flops: (body.ops + 1) * runs };
    }
    case 'let': {
      const value = exprCost(step.value);
      return { bytesRead: value.bytes * runs, bytesWritten: 0, flops: value.ops * runs };
    }
    case 'store': {
      const value = exprCost(step.value);
      return {
        bytesRead: value.bytes * runs,
        bytesWritten: DTYPE_BYTES[step.node.dtype] * runs,
        flops: value.ops * runs,
      };
    }
  }
}

/**
 * Bytes read and written and operations of one kernel over a whole run.
 *
 * @example
 * costOfKernel(schedule.kernels[0]) // matmul [2,4]@[4,3] + relu: { bytesRead: 192, bytesWritten: 24, flops: 54 }
 */
export function costOfKernel(kernel: Kernel): KernelCost {
  const outer = product(kernel.domain);
  let bytesRead = 0;
  let bytesWritten = 0;
  let flops = 0;
  for (const step of kernel.steps) {
    const cost = stepCost(step, outer);
    bytesRead += cost.bytesRead;
    bytesWritten += cost.bytesWritten;
    flops += cost.flops;
  }
  return { bytesRead, bytesWritten, flops };
}
