/**
 * Kernel bodies of the window ops: conv, convTranspose (gather form) and the
 * pools. Each is one reduction per output point over the window's inner loops
 * (input channels of the group and kernel taps); a tap that falls in the
 * padding is a guard, so every load stays inside its buffer (the plan
 * verifier proves it from the guards). The store is the plain sum: the bias
 * (lowered to an add) and later elementwise consumers join it as an epilogue
 * (fuse-kernels.ts).
 */
import { InternalError } from '../common/errors.js';
import type { Node } from '../ir/node.js';
import * as ix from './index-expr.js';
import type { IndexExpr, LoopVar } from './index-expr.js';
import type { Guard, KExpr, KernelKind, Reduction } from './kernel.js';
import { lowerAt, type LowerContext } from './lower-at.js';

/** What formKernel needs of a window kernel: its kind, reduction and accumulated body (it stores the sum). */
export interface WindowKernel {
  readonly kind: KernelKind;
  readonly reduction: Reduction;
  readonly body: KExpr;
}

interface VarMaker {
  make(extent: number): LoopVar;
}

const F32 = 'f32' as const;

/** `then` when every guard holds, else `otherwise` (no guard when none is needed). */
function guarded(guards: readonly Guard[], then: KExpr, otherwise: number): KExpr {
  if (guards.length === 0) return then;
  return { k: 'guard', guards, then, otherwise: { k: 'const', value: otherwise, dtype: F32 }, dtype: F32 };
}

/** The window attributes conv and the pools share (one entry per spatial axis). */
interface WindowAttrs {
  readonly strides: readonly number[];
  readonly dilations: readonly number[];
  readonly pads: readonly number[];
}

/**
 * The input position `o·s - padBegin + k·d` of each spatial axis for output
 * point `out` and taps `taps` over input `x` ([N, C, D...]); an axis whose
 * position can leave [0, size) gets a guard in `guards`.
 */
function windowPositions(
  out: readonly IndexExpr[],
  taps: readonly LoopVar[],
  { strides, dilations, pads }: WindowAttrs,
  x: Node,
  guards: Guard[],
): IndexExpr[] {
  return taps.map((k, i) => {
    const size = x.shape[i + 2] ?? 0;
    const o = ix.scale(out[i] ?? ix.ZERO, strides[i] ?? 1);
    const pos = ix.addConst(ix.add(o, ix.scale(ix.variable(k), dilations[i] ?? 1)), -(pads[i] ?? 0));
    const r = ix.rangeOf(pos);
    if (r.lo < 0 || r.hi >= size) guards.push({ index: pos, size });
    return ix.within(pos, size);
  });
}

/** Biases are lowered to an add that joins as an epilogue (lower-conv.ts): none may reach a kernel. */
function checkNoBias(node: Node): void {
  if ((node.op === 'conv' || node.op === 'convTranspose') && node.attrs.hasBias)
    throw new InternalError(
      'form-window',
      `${node.op} (node ${node.id}) still has its bias: lowerComposites must run first`,
    );
}

/**
 * conv: out[n, m, o...] = Σ_{c, k...} x[n, g·C/g + c, o·s - pb + k·d] · w[m, c, k...]
 * with g = m div (M/groups); a tap in the padding adds nothing.
 */
function convKernel(root: Node, domain: readonly LoopVar[], pool: VarMaker, ctx: LowerContext): WindowKernel {
  if (root.op !== 'conv') throw new InternalError('form-window', `not a conv: ${root.op}`);
  const [x, w] = root.inputs as [Node, Node];
  const [nv, mv, ...ov] = domain.map((v) => ix.variable(v)) as [IndexExpr, IndexExpr, ...IndexExpr[]];
  const cg = w.shape[1] ?? 0;
  const mg = (root.shape[1] ?? 0) / root.attrs.groups;
  const c = pool.make(cg);
  const taps = w.shape.slice(2).map((k) => pool.make(k));
  const guards: Guard[] = [];
  const channel = ix.add(ix.scale(ix.floorDiv(mv, mg), cg), ix.variable(c));
  const spatial = windowPositions(ov, taps, root.attrs, x, guards);
  ctx.covered.add(root);
  const product: KExpr = {
    k: 'op',
    op: 'mul',
    args: [
      lowerAt(x, [nv, channel, ...spatial], ctx),
      lowerAt(w, [mv, ix.variable(c), ...taps.map((k) => ix.variable(k))], ctx),
    ],
    dtype: F32,
  };
  return {
    kind: 'conv',
    reduction: { kind: 'sum', vars: [c, ...taps], dtype: F32 },
    body: guarded(guards, product, 0),
  };
}

/**
 * convTranspose in gather form: out[n, m, o...] = Σ_{c, k...} x[n, g·C/g + c, i...] · w[g·C/g + c, m mod M/g, k...]
 * over the taps where o + pb - k·d = i·s with 0 <= i < in (g = m div (M/groups)). The
 * numerator is shifted by a multiple of s to stay non-negative, so its division and
 * remainder are plain unsigned ones.
 */
function convTransposeKernel(
  root: Node,
  domain: readonly LoopVar[],
  pool: VarMaker,
  ctx: LowerContext,
): WindowKernel {
  if (root.op !== 'convTranspose') throw new InternalError('form-window', `not a convTranspose: ${root.op}`);
  const [x, w] = root.inputs as [Node, Node];
  const { strides, dilations, pads, groups } = root.attrs;
  const [nv, mv, ...ov] = domain.map((v) => ix.variable(v)) as [IndexExpr, IndexExpr, ...IndexExpr[]];
  const cg = (x.shape[1] ?? 0) / groups;
  const mg = w.shape[1] ?? 0;
  const c = pool.make(cg);
  const taps = w.shape.slice(2).map((k) => pool.make(k));
  const group = ix.floorDiv(mv, mg);
  const channel = ix.add(ix.scale(group, cg), ix.variable(c));
  const guards: Guard[] = [];
  const spatial = taps.map((k, i) => {
    const s = strides[i] ?? 1;
    const d = dilations[i] ?? 1;
    const lowest = (pads[i] ?? 0) - (k.extent - 1) * d;
    const shift = lowest < 0 ? Math.ceil(-lowest / s) : 0;
    // t = o + pb - k·d + shift·s >= 0; the tap reads input i = t / s - shift when s divides t
    const t = ix.addConst(ix.add(ov[i] ?? ix.ZERO, ix.scale(ix.variable(k), -d)), (pads[i] ?? 0) + shift * s);
    const rem = ix.mod(t, s);
    if (s > 1) guards.push({ index: rem, size: 1 });
    const at = ix.addConst(ix.floorDiv(t, s), -shift);
    const size = x.shape[i + 2] ?? 0;
    const r = ix.rangeOf(at);
    if (r.lo < 0 || r.hi >= size) guards.push({ index: at, size });
    return ix.within(at, size);
  });
  ctx.covered.add(root);
  const wIdx = [channel, ix.mod(mv, mg), ...taps.map((k) => ix.variable(k))];
  const product: KExpr = {
    k: 'op',
    op: 'mul',
    args: [lowerAt(x, [nv, channel, ...spatial], ctx), lowerAt(w, wIdx, ctx)],
    dtype: F32,
  };
  return {
    kind: 'conv',
    reduction: { kind: 'sum', vars: [c, ...taps], dtype: F32 },
    body: guarded(guards, product, 0),
  };
}

/** maxPool / sumPool: the max or sum over each window's in-range taps (padding is the reduction's identity). */
function poolKernel(root: Node, domain: readonly LoopVar[], pool: VarMaker, ctx: LowerContext): WindowKernel {
  if (root.op !== 'maxPool' && root.op !== 'sumPool')
    throw new InternalError('form-window', `not a pool: ${root.op}`);
  const x = root.inputs[0] as Node;
  const [nv, cv, ...ov] = domain.map((v) => ix.variable(v)) as [IndexExpr, IndexExpr, ...IndexExpr[]];
  const taps = root.attrs.kernelShape.map((k) => pool.make(k));
  const guards: Guard[] = [];
  const spatial = windowPositions(ov, taps, root.attrs, x, guards);
  ctx.covered.add(root);
  const isMax = root.op === 'maxPool';
  return {
    kind: 'pool',
    reduction: { kind: isMax ? 'max' : 'sum', vars: taps, dtype: F32 },
    body: guarded(guards, lowerAt(x, [nv, cv, ...spatial], ctx), isMax ? -Infinity : 0),
  };
}

/** The window kernel computing `root` (a conv, convTranspose, maxPool or sumPool) over `domain`. */
export function windowKernel(
  root: Node,
  domain: readonly LoopVar[],
  pool: VarMaker,
  ctx: LowerContext,
): WindowKernel {
  checkNoBias(root);
  if (root.op === 'conv') return convKernel(root, domain, pool, ctx);
  if (root.op === 'convTranspose') return convTransposeKernel(root, domain, pool, ctx);
  return poolKernel(root, domain, pool, ctx);
}
