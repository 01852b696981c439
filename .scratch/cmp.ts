// scratch: old vs new exp/sigmoid in one process (accuracy and speed)
import binaryen from 'binaryen';
import { LaneOps, type Ex } from '../src/codegen/binaryen/math/lane-ops.js';
import { lowerExp as newExp } from '../src/codegen/binaryen/math/exp.js';
import { lowerExp as oldExp } from './exp-old.js';
import type { Lanes } from '../src/codegen/binaryen/math/math-context.js';
import { buildMathKernels, measureErrors, unarySweep, countBitDifferences, makeRandom } from '../src/codegen/binaryen/math/measure.js';

type Impl = (b: LaneOps, x: Ex) => Ex;
const impls: Record<string, Impl> = {
  'exp-old': (b, x) => oldExp(b, x),
  'exp-new': (b, x) => newExp(b, x),
  'sig-old': (b, x) => { const xs = b.bindF(x); const e = b.bindF(oldExp(b, b.neg(b.abs(xs)), { low: true, high: false })); return b.div(b.select(b.ge(xs, 0), 1, e), b.add(e, 1)); },
  'sig-new': (b, x) => { const xs = b.bindF(x); const e = b.bindF(newExp(b, b.neg(b.abs(xs)), 'nonpositive')); return b.div(b.select(b.ge(xs, 0), 1, e), b.add(e, 1)); },
};
const N = 1 << 20;
function build(name: string, lanes: Lanes): (n: number) => void {
  const m = new binaryen.Module();
  m.setFeatures(binaryen.Features.SIMD128);
  const pages = Math.ceil((8 * N) / 65536);
  m.setMemory(pages, pages, 'memory');
  const vars: number[] = [];
  const ctx = { m, addLocal: (t: number) => { vars.push(t); return vars.length; } };
  const p = ctx.addLocal(binaryen.i32);
  const ptr = () => m.local.get(p, binaryen.i32);
  const simd = lanes === 'simd';
  const b = new LaneOps(ctx, lanes);
  const load = simd ? m.v128.load(0, 16, ptr()) : m.f32.load(0, 4, ptr());
  const val = b.finish((impls[name] as Impl)(b, b.wrap(load)));
  const st = simd ? m.v128.store(4 * N, 16, ptr(), val) : m.f32.store(4 * N, 4, ptr(), val);
  const end = m.i32.shl(m.local.get(0, binaryen.i32), m.i32.const(2));
  const body = m.block('done', [m.local.set(p, m.i32.const(0)), m.loop('next', m.block(null, [m.br('done', m.i32.ge_u(ptr(), end)), st, m.local.set(p, m.i32.add(ptr(), m.i32.const(simd ? 16 : 4))), m.br('next')]))]);
  m.addFunction('k', binaryen.createType([binaryen.i32]), binaryen.none, vars, body);
  m.addFunctionExport('k', 'k');
  if (!m.validate()) throw new Error('invalid');
  const inst = new WebAssembly.Instance(new WebAssembly.Module(m.emitBinary() as Uint8Array<ArrayBuffer>), {});
  const heap = new Float32Array((inst.exports['memory'] as WebAssembly.Memory).buffer);
  const rand = makeRandom(7);
  for (let i = 0; i < N; i++) heap[i] = (rand() * 2 - 1) * 10;
  return inst.exports['k'] as (n: number) => void;
}
const mode = process.argv[2] ?? 'speed';
if (mode === 'acc') {
  const k = buildMathKernels();
  for (const op of ['exp', 'sigmoid', 'tanh', 'erf'] as const) {
    const xs = unarySweep(op, Number(process.argv[3] ?? 4099), 200_000);
    const s = k.run(op, 'scalar', xs); const v = k.run(op, 'simd', xs);
    const es = measureErrors(op, xs, undefined, s); const ev = measureErrors(op, xs, undefined, v);
    console.log(op, 'scalar', es.maxUlp, JSON.stringify(es.worst), 'simd', ev.maxUlp, 'bitdiff', countBitDifferences(s, v));
  }
} else {
  const names = Object.keys(impls);
  const kernels = names.flatMap((n) => (['simd', 'scalar'] as const).map((l) => [`${n}/${l}`, build(n, l)] as const));
  const res: Record<string, number[]> = {};
  for (const [, k] of kernels) for (let i = 0; i < 5; i++) k(N);
  for (let round = 0; round < Number(process.argv[3] ?? 15); round++) {
    for (const [name, k] of kernels) {
      const t0 = performance.now(); k(N); const dt = performance.now() - t0;
      (res[name] ??= []).push((dt * 1e6) / N);
    }
  }
  for (const [name, v] of Object.entries(res)) {
    v.sort((a, b) => a - b);
    console.log(name.padEnd(16), 'min', v[0]!.toFixed(2), 'median', v[v.length >> 1]!.toFixed(2), 'ns/elem');
  }
}
