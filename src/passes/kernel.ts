/**
 * The kernel IR: a kernel is one loop nest over an output space (its domain),
 * optionally with an inner reduction, whose body is a scalar expression tree of
 * loads through index maps and elementwise ops. Kernels read and write only
 * materialized values (buffers); everything between is computed inline.
 */
import type { DType } from '../common/dtype.js';
import type { Node } from '../ir/node.js';
import type { IndexExpr, LoopVar } from './index-expr.js';

/** Elementwise operations a kernel body may apply (the graph's, after lowering composites). */
export type ScalarOp =
  | 'neg'
  | 'abs'
  | 'sqrt'
  | 'rsqrt'
  | 'exp'
  | 'log'
  | 'sin'
  | 'cos'
  | 'tanh'
  | 'sigmoid'
  | 'relu'
  | 'erf'
  | 'square'
  | 'reciprocal'
  | 'floor'
  | 'ceil'
  | 'round'
  | 'sign'
  | 'not'
  | 'add'
  | 'sub'
  | 'mul'
  | 'div'
  | 'pow'
  | 'maximum'
  | 'minimum'
  | 'eq'
  | 'ne'
  | 'lt'
  | 'le'
  | 'gt'
  | 'ge'
  | 'and'
  | 'or'
  | 'where';

/** A bound check: `index` must lie in [0, size) for the guarded value to be read. */
export interface Guard {
  readonly index: IndexExpr;
  readonly size: number;
}

/** A scalar expression evaluated at one point of the kernel's iteration space. */
export type KExpr =
  /** Reads a materialized value at a multi-index into its shape. */
  | { readonly k: 'load'; readonly node: Node; readonly index: readonly IndexExpr[]; readonly dtype: DType }
  | { readonly k: 'const'; readonly value: number; readonly dtype: DType }
  /** `op` on operands already converted to the op's operand dtype; result `dtype`. */
  | { readonly k: 'op'; readonly op: ScalarOp; readonly args: readonly KExpr[]; readonly dtype: DType }
  | { readonly k: 'cast'; readonly arg: KExpr; readonly dtype: DType }
  /** `then` when every guard holds (and only then evaluated), else `otherwise`. */
  | {
      readonly k: 'guard';
      readonly guards: readonly Guard[];
      readonly then: KExpr;
      readonly otherwise: KExpr;
      readonly dtype: DType;
    }
  /** Binds run-time index `slot` (checked to lie in [-size, size), negatives wrapped) for use in `body`. */
  | {
      readonly k: 'bind';
      readonly slot: number;
      readonly value: KExpr;
      readonly size: number;
      readonly body: KExpr;
      readonly dtype: DType;
      /** Who reads it, for the InputError message. */
      readonly what: string;
    };

/** How a reduction combines values along its reduced axes. */
export type ReduceKind = 'sum' | 'prod' | 'max' | 'min' | 'argmax' | 'argmin';

export interface Reduction {
  readonly kind: ReduceKind;
  /** Loop variables of the reduced axes, outermost first. */
  readonly vars: readonly LoopVar[];
  /** dtype of the accumulated values (the body's). */
  readonly dtype: DType;
}

/** A value a kernel writes: `node`'s buffer at the domain point. */
export interface KernelOutput {
  readonly node: Node;
  /** Multi-index into node.shape over the domain variables. */
  readonly index: readonly IndexExpr[];
}

export type KernelKind = 'elementwise' | 'reduce' | 'matmul' | 'copy';

/** One fused loop nest. */
export interface Kernel {
  /** Position in the schedule. */
  readonly index: number;
  /** Deterministic readable name, e.g. `k2_mul_add`. */
  readonly name: string;
  readonly kind: KernelKind;
  /** Loop variables over the output space, outermost first. */
  readonly domain: readonly LoopVar[];
  /** The inner reduction, if any: the body is accumulated over its variables. */
  readonly reduction: Reduction | undefined;
  /** Computes the value stored (for a reduction: the value accumulated). */
  readonly body: KExpr;
  readonly outputs: readonly KernelOutput[];
  /** Graph nodes this kernel computes (inline or as its outputs). */
  readonly covers: readonly Node[];
  /** Materialized values it loads. */
  readonly reads: readonly Node[];
}

/** Kernels in execution order, with the materialized values and the graph's named results. */
export interface Schedule {
  readonly kernels: readonly Kernel[];
  /** Every materialized value: leaves (inputs, params, constants) and kernel outputs. */
  readonly values: readonly Node[];
  /** Graph outputs: name -> the node whose buffer holds it. */
  readonly outputs: readonly (readonly [string, Node])[];
  /** Graph inputs and params in declaration order. */
  readonly leaves: readonly Node[];
}

/** Every load in an expression tree, in evaluation order. */
export function loadsOf(e: KExpr): Extract<KExpr, { k: 'load' }>[] {
  const out: Extract<KExpr, { k: 'load' }>[] = [];
  const visit = (x: KExpr): void => {
    switch (x.k) {
      case 'load':
        out.push(x);
        return;
      case 'const':
        return;
      case 'op':
        x.args.forEach(visit);
        return;
      case 'cast':
        visit(x.arg);
        return;
      case 'guard':
        visit(x.then);
        visit(x.otherwise);
        return;
      case 'bind':
        visit(x.value);
        visit(x.body);
        return;
    }
  };
  visit(e);
  return out;
}
