/**
 * Arguments known to be <= 0 (or -inf, or NaN): `x - max(x)` where the max
 * is a reduce step of the same kernel over the same values — softmax's and
 * logSoftmax's exp argument. exp of such an argument needs no overflow clamp
 * and a cheaper scale (lowerExp's 'nonpositive' range): 3 fewer instructions
 * per vector, ~10% of a softmax row.
 */
import * as ix from '../../passes/index-expr.js';
import type { LoopVar } from '../../passes/index-expr.js';
import {
  stepVars,
  type Kernel,
  type KExpr,
  type ReduceStep,
  type Step,
  type StoreStep,
} from '../../passes/kernel.js';

type Load = Extract<KExpr, { k: 'load' }>;

/** `load` read over `vars` covers only elements the max's body `max` reads over `maxVars`. */
function sameElements(load: Load, vars: readonly LoopVar[], max: Load, maxVars: readonly LoopVar[]): boolean {
  if (load.node.id !== max.node.id || vars.length !== maxVars.length) return false;
  if (vars.some((v, i) => v.extent !== maxVars[i]?.extent)) return false;
  const rename = new Map(vars.map((v, i) => [v.id, ix.variable(maxVars[i] as LoopVar)]));
  return load.index.every((e, i) => {
    const other = max.index[i];
    return other !== undefined && ix.exprKey(ix.substitute(e, rename)) === ix.exprKey(other);
  });
}

/** The `sub` expressions of `kernel` that are x - max(x) for a max reduce step of the kernel. */
export function nonpositiveArgs(kernel: Kernel): Set<KExpr> {
  const maxes = new Map<number, { body: Load; vars: readonly LoopVar[] }>();
  const found = new Set<KExpr>();
  // a bound value is seen through its reads: `let t0 = sub(...) in exp(t0)`
  const bound = new Map<number, KExpr>();
  const resolve = (e: KExpr | undefined): KExpr | undefined =>
    e?.k === 'get' ? resolve(bound.get(e.id)) : e;
  // expressions are shared within a step (a DAG): each is visited once per step
  let seen = new Set<KExpr>();
  const visit = (e: KExpr, vars: readonly LoopVar[]): void => {
    if (seen.has(e)) return;
    seen.add(e);
    if (e.k === 'op' && e.op === 'sub' && e.dtype === 'f32') {
      const [x0, r0] = e.args;
      const [x, r] = [resolve(x0), resolve(r0)];
      const max = r?.k === 'ref' ? maxes.get(r.slot) : undefined;
      if (x?.k === 'load' && max !== undefined && sameElements(x, vars, max.body, max.vars)) found.add(e);
    }
    if (e.k === 'op') e.args.forEach((a) => visit(a, vars));
    else if (e.k === 'cast') visit(e.arg, vars);
    else if (e.k === 'let') {
      visit(e.value, vars);
      bound.set(e.id, e.value);
      visit(e.body, vars);
    } else if (e.k === 'get' && found.has(resolve(e) as KExpr)) found.add(e);
  };
  for (const step of kernel.steps) {
    seen = new Set<KExpr>();
    visit(valueOf(step), stepVars(step));
    if (step.kind === 'reduce' && step.reduction.kind === 'max' && step.body.k === 'load')
      maxes.set(step.slot, { body: step.body, vars: step.reduction.vars });
  }
  return found;
}

function valueOf(step: Step): KExpr {
  return step.kind === 'reduce' ? step.body : step.value;
}

/** Every `ref`/`load` inside `e` (through every kind of expression), for counting uses. */
function leaves(e: KExpr, out: KExpr[] = []): KExpr[] {
  switch (e.k) {
    case 'load':
    case 'ref':
      out.push(e);
      return out;
    case 'const':
    case 'get':
      return out;
    case 'op':
      e.args.forEach((a) => leaves(a, out));
      return out;
    case 'cast':
      return leaves(e.arg, out);
    case 'guard':
      leaves(e.then, out);
      return leaves(e.otherwise, out);
    case 'bind':
    case 'let':
      leaves(e.value, out);
      return leaves(e.body, out);
  }
}

/**
 * f32 max reductions whose NaN check can be left out: softmax's row kernel
 * (`$m = max(x)`, a row-local `t = exp(x - $m)`, `$s = sum(t)`, `$r = c / $s`,
 * `y = t · $r`). The fast max (pmax, see emit-reduce.ts) may skip a NaN of x
 * or answer -0 for +0; then every exp(x - $m) is the same bits (the sign of a
 * zero difference does not change exp), except a NaN x gives NaN for its
 * element only, where the exact max would give NaN for all of them. But that
 * NaN reaches $s, so $r and every y of the row are NaN, as with the exact
 * max. So the results are the same; only the row-local t, which no one else
 * reads, differs. The check (an f32x4.ne and an or per vector) is ~8% of W3.
 * Only this exact shape qualifies: any other use of $m, t or $s keeps the check.
 */
export function nanSafeMaxes(kernel: Kernel): Set<number> {
  return new Set(softmaxRows(kernel).map((row) => row.max));
}

/** A softmax row of a kernel: its max slot, its exp, the store of t and the sum over it. */
export interface SoftmaxRow {
  readonly max: number;
  readonly exp: KExpr;
  /** t = exp(x - $m), stored row-locally. */
  readonly store: StoreStep;
  /** $s = sum(t) over exactly the stored elements. */
  readonly sum: ReduceStep;
}

/**
 * The softmax rows of `kernel` (the shape nanSafeMaxes describes): each
 * one's max slot and its exp node. That exp may also be computed as
 * exp·2^25 (exp's 'nonpositiveTimes2p25' form, one multiply fewer a vector):
 * t, $s and $r then carry factors 2^25, 2^25 and 2^-25 exactly (t >= 2^-125
 * stays normal, $s <= 2^25 · the row's length), so y = t·$r is the same
 * product. Only where exp would have rounded into the subnormal range
 * (x - $m < -87.3) is t' more precise; such y round to the same subnormal or
 * 0 unless they sit on a rounding boundary.
 */
export function softmaxRows(kernel: Kernel): SoftmaxRow[] {
  const safe: SoftmaxRow[] = [];
  const steps = kernel.steps;
  const all = steps.flatMap((s) => leaves(s.kind === 'reduce' ? s.body : s.value));
  const uses = (pred: (e: KExpr) => boolean): number => all.filter(pred).length;
  const nonpositive = nonpositiveArgs(kernel);
  const outer = kernel.domain;
  for (const max of steps) {
    if (max.kind !== 'reduce' || max.reduction.kind !== 'max' || max.reduction.dtype !== 'f32') continue;
    const isM = (e: KExpr): boolean => e.k === 'ref' && e.slot === max.slot;
    // t = exp(x - $m), stored row-locally (no outer variable in its index: localize-rows made it one row)
    const expStore = steps.find((s) => {
      if (s.kind !== 'store' || s.value.k !== 'op' || s.value.op !== 'exp') return false;
      const arg = s.value.args[0];
      return arg !== undefined && nonpositive.has(arg) && arg.k === 'op' && isM(arg.args[1] as KExpr);
    });
    if (expStore?.kind !== 'store' || uses(isM) !== 1) continue;
    if (expStore.index.some((e) => outer.some((v) => ix.mentions(e, v)))) continue;
    const t = expStore.node;
    const isT = (e: KExpr): boolean => e.k === 'load' && e.node.id === t.id;
    // $s = sum over the row of t (the very elements stored), $r = c / $s, y = t · $r
    const sum = steps.find(
      (s) =>
        s.kind === 'reduce' &&
        s.reduction.kind === 'sum' &&
        s.body.k === 'load' &&
        s.body.node.id === t.id &&
        sameElements(s.body, s.reduction.vars, { ...s.body, index: expStore.index }, expStore.vars),
    );
    if (sum?.kind !== 'reduce') continue;
    const isS = (e: KExpr): boolean => e.k === 'ref' && e.slot === sum.slot;
    const recip = steps.find(
      (s) =>
        s.kind === 'let' &&
        s.value.k === 'op' &&
        s.value.op === 'div' &&
        s.value.args[1] !== undefined &&
        isS(s.value.args[1]) &&
        leaves(s.value.args[0] as KExpr).length ===
          leaves(s.value.args[0] as KExpr).filter((e) => e.k === 'load' && e.node.id !== t.id).length,
    );
    if (recip?.kind !== 'let' || uses(isS) !== 1) continue;
    const isR = (e: KExpr): boolean => e.k === 'ref' && e.slot === recip.slot;
    const scales = steps.filter(
      (s) =>
        s.kind === 'store' &&
        s !== expStore &&
        s.value.k === 'op' &&
        s.value.op === 'mul' &&
        s.value.args.length === 2 &&
        isT(s.value.args[0] as KExpr) &&
        isR(s.value.args[1] as KExpr),
    );
    // every other step is one of these, and t and $r are read nowhere else
    const known = new Set<Step>([max, expStore, sum, recip, ...scales]);
    if (scales.length === 0 || steps.some((s) => !known.has(s))) continue;
    if (uses(isT) !== 1 + scales.length || uses(isR) !== scales.length) continue;
    safe.push({ max: max.slot, exp: expStore.value, store: expStore, sum });
  }
  return safe;
}
