/**
 * The kernel IR: a kernel is one loop nest over an outer space (its domain)
 * whose body is a sequence of steps run at each outer point: a reduction into
 * a slot (over inner loops), or a store of an expression (over inner loops, or
 * none). Expressions are scalar trees of loads through index maps, elementwise
 * ops and references to earlier reductions' slots; a value used several times
 * at one point is bound once (`let`) and read by id (`get`), so a body is a
 * DAG written as a tree. A plain elementwise kernel
 * is one store step; a reduction is a reduce step plus a store of its slot
 * (maybe through an epilogue); a fused softmax row is several of each. Kernels
 * read and write only materialized values (buffers); everything between is
 * computed inline.
 */
import type { DType } from '../common/dtype.js';
import type { Node } from '../ir/node.js';
import type { Shape } from '../ir/shape.js';
import type { BinaryOp, UnaryOp } from '../ir/ops.js';
import type { IndexExpr, LoopVar } from './index-expr.js';

/** Elementwise operations a kernel body may apply: the graph's, after lowering composites (gelu). */
export type ScalarOp = Exclude<UnaryOp, 'gelu'> | BinaryOp | 'where';

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
  /** The result of the reduce step that fills `slot`, at the current outer point. */
  | { readonly k: 'ref'; readonly slot: number; readonly dtype: DType }
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
    }
  /**
   * A value computed once per point and read wherever `body` needs it (`get`
   * with the same id): a subexpression used several times at the same index,
   * such as `x` in `x * sigmoid(x)`. Ids are unique within one expression.
   */
  | {
      readonly k: 'let';
      readonly id: number;
      readonly value: KExpr;
      readonly body: KExpr;
      readonly dtype: DType;
    }
  /** The value bound by the enclosing `let` with this id. */
  | { readonly k: 'get'; readonly id: number; readonly dtype: DType };

/** How a reduction combines values along its reduced axes. */
export type ReduceKind = 'sum' | 'prod' | 'max' | 'min' | 'argmax' | 'argmin';

export interface Reduction {
  readonly kind: ReduceKind;
  /** Loop variables of the reduced axes, outermost first. */
  readonly vars: readonly LoopVar[];
  /** dtype of the accumulated values (the body's). */
  readonly dtype: DType;
}

/** Accumulates `body` over the reduction's (inner) variables into `slot`. */
export interface ReduceStep {
  readonly kind: 'reduce';
  readonly slot: number;
  readonly reduction: Reduction;
  readonly body: KExpr;
}

/** Stores `value` into `node`'s buffer at `index`, for every value of `vars` (inner loops; may be none). */
export interface StoreStep {
  readonly kind: 'store';
  readonly vars: readonly LoopVar[];
  readonly node: Node;
  /** Multi-index into node.shape over the domain and `vars`. */
  readonly index: readonly IndexExpr[];
  readonly value: KExpr;
}

/** Computes a scalar per outer point into `slot` (a fused per-row value such as a mean). */
export interface LetStep {
  readonly kind: 'let';
  readonly slot: number;
  readonly value: KExpr;
}

export type Step = ReduceStep | StoreStep | LetStep;

/**
 * 'row': several steps per outer point (fused reductions and their consumers).
 * 'conv': a convolution (conv, convTranspose) as a reduction over input channels
 * and kernel taps per output point, its bias in the store (form-window.ts);
 * 'pool': a max/sum over each window.
 */
export type KernelKind = 'elementwise' | 'reduce' | 'matmul' | 'conv' | 'pool' | 'copy' | 'row';

/** One fused loop nest. */
export interface Kernel {
  /** Position in the schedule. */
  readonly index: number;
  /** Deterministic readable name, e.g. `k2_mul_add`. */
  readonly name: string;
  readonly kind: KernelKind;
  /** Loop variables over the outer space, outermost first. */
  readonly domain: readonly LoopVar[];
  /** What runs at each outer point, in order. */
  readonly steps: readonly Step[];
  /** Graph nodes this kernel computes (inline or as its outputs). */
  readonly covers: readonly Node[];
  /** Materialized values it loads. */
  readonly reads: readonly Node[];
  /** Materialized values it stores. */
  readonly writes: readonly Node[];
}

/** A kernel that is one reduction and the store of its result (through an epilogue). */
export function asReduction(kernel: Kernel): { reduce: ReduceStep; store: StoreStep } | undefined {
  const [reduce, store] = kernel.steps;
  if (
    kernel.steps.length !== 2 ||
    reduce?.kind !== 'reduce' ||
    store?.kind !== 'store' ||
    store.vars.length > 0
  )
    return undefined;
  return { reduce, store };
}

/** A kernel that is one store over its whole domain. */
export function asElementwise(kernel: Kernel): StoreStep | undefined {
  const [store] = kernel.steps;
  return kernel.steps.length === 1 && store?.kind === 'store' && store.vars.length === 0 ? store : undefined;
}

/** Every expression of a kernel's steps. */
export function stepExprs(kernel: Kernel): KExpr[] {
  return kernel.steps.map((s) => (s.kind === 'reduce' ? s.body : s.value));
}

/** Inner loop variables of a step. */
export function stepVars(step: Step): readonly LoopVar[] {
  return step.kind === 'reduce' ? step.reduction.vars : step.kind === 'store' ? step.vars : [];
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
  /**
   * Values stored in less than their whole shape (row-local values: one row,
   * leading axes 1; see localize-rows.ts), by node id. Others are stored whole.
   */
  readonly storedShapes?: ReadonlyMap<number, Shape>;
}

/** The shape of the buffer that holds `node` (its own shape unless it is row-local). */
export function storedShape(schedule: Schedule, node: Node): Shape {
  return schedule.storedShapes?.get(node.id) ?? node.shape;
}

/**
 * `step` with `expr` applied to its expressions (a reduce's body, a let's
 * value, a store's value) and a store's index map replaced by `storeIndex`.
 */
export function mapStepExprs(
  step: Step,
  expr: (e: KExpr) => KExpr,
  storeIndex: (index: readonly IndexExpr[], store: Extract<Step, { kind: 'store' }>) => IndexExpr[],
): Step {
  switch (step.kind) {
    case 'reduce':
      return { ...step, body: expr(step.body) };
    case 'let':
      return { ...step, value: expr(step.value) };
    case 'store':
      return { ...step, index: storeIndex(step.index, step), value: expr(step.value) };
  }
}

/** Rewrites the index maps, slots and binds of an expression. */
export function mapExpr(
  e: KExpr,
  index: (x: IndexExpr) => IndexExpr,
  bind: (slot: number) => number,
  load: (l: Extract<KExpr, { k: 'load' }>) => KExpr | undefined,
): KExpr {
  const go = (x: KExpr): KExpr => mapExpr(x, index, bind, load);
  switch (e.k) {
    case 'const':
    case 'ref':
    case 'get':
      return e;
    case 'load': {
      const moved = { ...e, index: e.index.map(index) };
      return load(moved) ?? moved;
    }
    case 'op':
      return { ...e, args: e.args.map(go) };
    case 'cast':
      return { ...e, arg: go(e.arg) };
    case 'guard':
      return {
        ...e,
        guards: e.guards.map((g) => ({ index: index(g.index), size: g.size })),
        then: go(e.then),
        otherwise: go(e.otherwise),
      };
    case 'bind':
      return { ...e, slot: bind(e.slot), value: go(e.value), body: go(e.body) };
    case 'let':
      return { ...e, value: go(e.value), body: go(e.body) };
  }
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
      case 'ref':
      case 'get':
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
      case 'let':
        visit(x.value);
        visit(x.body);
        return;
    }
  };
  visit(e);
  return out;
}
