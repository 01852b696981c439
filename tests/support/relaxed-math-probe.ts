/**
 * Run by tests/codegen/relaxed-math.test.ts under
 * `node --experimental-wasm-relaxed-simd` (vitest's workers cannot take the
 * flag): the SIMD math kernels built with `relaxed_madd` (fused on this CPU
 * when it has FMA), measured over the same sweeps as the baseline kernels,
 * plus the special values. Prints one JSON line.
 */
import { MATH_EMITTERS, type MathOp } from '../../src/codegen/binaryen/math/index.js';
import { SIN_COS_ULP_LIMIT } from '../../src/codegen/binaryen/math/sin-cos.js';
import {
  SPECIAL_INPUTS,
  buildMathKernels,
  concat,
  denseSweep,
  measureErrors,
  powSweep,
  unarySweep,
} from './math-measure.js';

const BIT_STEP = 4099;
const DENSE = 200_000;
const kernels = buildMathKernels(0, true);
const maxUlp: Record<string, number> = {};
const worst: Record<string, unknown> = {};
/** Special inputs whose exact special result (NaN, ±inf, ±0, ±1 in the baseline) the relaxed kernel does not give. */
const specialMismatches: string[] = [];
const baseline = buildMathKernels(0, false);
for (const op of Object.keys(MATH_EMITTERS) as MathOp[]) {
  const sweep = unarySweep(op, BIT_STEP, DENSE);
  const xs =
    op === 'exp' || op === 'sigmoid'
      ? concat(sweep, denseSweep(-104, -86, 13), denseSweep(86, 89, 13))
      : sweep;
  const inRange =
    op === 'sin' || op === 'cos' ? (x: number) => !(Math.abs(x) > SIN_COS_ULP_LIMIT) : undefined;
  const stats = measureErrors(op, xs, undefined, kernels.run(op, 'simd', xs), inRange);
  maxUlp[op] = stats.maxUlp;
  worst[op] = stats.worst;
  const special = new Float32Array(SPECIAL_INPUTS);
  const got = kernels.run(op, 'simd', special);
  const want = baseline.run(op, 'simd', special);
  special.forEach((x, i) => {
    const g = got[i] ?? NaN;
    const w = want[i] ?? NaN;
    // exact special results must stay exact (NaN counts as equal; -0 and +0 differ)
    if (!(Number.isNaN(w) || !Number.isFinite(w) || w === 0 || Math.abs(w) === 1)) return;
    if (!Object.is(g, w) && !(Number.isNaN(g) && Number.isNaN(w)))
      specialMismatches.push(`${op}(${x}): ${g} vs ${w}`);
  });
}
const { xs, ys } = powSweep(200_000);
const pow = measureErrors('pow', xs, ys, kernels.run('pow', 'simd', xs, ys));
maxUlp['pow'] = pow.maxUlp;
console.log(JSON.stringify({ maxUlp, worst, specialMismatches }));
