/**
 * Activation functions (ONNX's Clip, LeakyRelu, PRelu, Elu, Selu, HardSigmoid,
 * HardSwish, Softplus, Softsign, Mish, Gelu tanh, Celu, ThresholdedRelu, Shrink
 * and SiLU) built at the call from existing primitives, so every pass and the
 * fuser see ordinary elementwise nodes; nothing here adds an op code.
 */
import { DTypeError, ShapeError } from '../../common/errors.js';
import { broadcastsTo, describe, formatShape } from '../shape.js';
import type { Operand } from '../tensor.js';
import type { AnyTensor } from '../types/tensor-types.js';

/** The operand as f32 (i32 is converted); bool is refused with a DTypeError naming `op`. */
export function floatOperand(op: string, x: AnyTensor): AnyTensor {
  if (x.dtype === 'bool') {
    throw new DTypeError(
      `${op}: operand is bool (expected f32 or i32)`,
      { op, dtype: x.dtype },
      'Cast it first',
    );
  }
  return x.dtype === 'f32' ? x : x.cast('f32');
}

/** A finite-or-infinite number attribute, or a ShapeError naming `op` and the attribute. */
export function checkNumber(op: string, name: string, value: unknown): number {
  if (typeof value !== 'number' || Number.isNaN(value)) {
    throw new ShapeError(`${op}: ${name} must be a number (got ${describe(value)})`, {
      op,
      [name]: String(value),
    });
  }
  return value;
}

/**
 * ONNX Clip: `min(max(x, lo), hi)`; a missing bound does not clip. When lo > hi
 * every element becomes hi (ONNX Clip-13: "equivalent to Min(max, Max(input, min))").
 * NaN stays NaN. A bound is a number or a tensor of x's dtype that broadcasts to
 * x's shape (ONNX's are scalars), so the result keeps x's shape and dtype.
 */
export function clip(x: AnyTensor, lo?: Operand | null, hi?: Operand | null): AnyTensor {
  const op = 'clip';
  if (x.dtype === 'bool') throw new DTypeError('clip: operand is bool (expected f32 or i32)', { op });
  let y = x;
  for (const [name, bound] of [
    ['min', lo],
    ['max', hi],
  ] as const) {
    if (bound === undefined || bound === null) continue;
    if (typeof bound === 'number') {
      if (x.dtype === 'i32' && !Number.isInteger(bound)) {
        throw new DTypeError(`clip: ${name} ${bound} is not an integer for an i32 operand`, {
          op,
          [name]: bound,
        });
      }
    } else {
      x.graph.own(op, bound);
      if (bound.dtype !== x.dtype) {
        throw new DTypeError(
          `clip: ${name} is ${bound.dtype} but x is ${x.dtype} (expected the same dtype)`,
          {
            op,
            dtypes: [x.dtype, bound.dtype],
          },
        );
      }
      if (!broadcastsTo(bound.shape, x.shape)) {
        throw new ShapeError(
          `clip: ${name} ${formatShape(bound.shape)} does not broadcast to x ${formatShape(x.shape)}`,
          { op, shapes: [x.shape, bound.shape] },
          'Bounds are scalars or broadcast to the input',
        );
      }
    }
    y = name === 'min' ? y.maximum(bound as AnyTensor) : y.minimum(bound as AnyTensor);
  }
  return y;
}

/** ONNX LeakyRelu: `x < 0 ? alpha·x : x`. */
export function leakyRelu(x: AnyTensor, alpha = 0.01): AnyTensor {
  const a = checkNumber('leakyRelu', 'alpha', alpha);
  const xf = floatOperand('leakyRelu', x);
  return x.graph.where(xf.lt(0), xf.mul(a), xf);
}

/** ONNX PRelu: `x < 0 ? slope·x : x`, slope broadcast unidirectionally to x's shape. */
export function prelu(x: AnyTensor, slope: AnyTensor | number): AnyTensor {
  const xf = floatOperand('prelu', x);
  if (typeof slope !== 'number') {
    x.graph.own('prelu', slope);
    if (!broadcastsTo(slope.shape, x.shape)) {
      throw new ShapeError(
        `prelu: slope ${formatShape(slope.shape)} does not broadcast to x ${formatShape(x.shape)}`,
        { op: 'prelu', shapes: [x.shape, slope.shape] },
        'The slope broadcasts to the input (unidirectionally), e.g. [C, 1, 1] for NCHW',
      );
    }
  }
  return x.graph.where(
    xf.lt(0),
    xf.mul(typeof slope === 'number' ? slope : floatOperand('prelu', slope)),
    xf,
  );
}

/** `alpha·(exp(x) - 1)`, the negative branch of elu and selu. */
function expMinusOne(x: AnyTensor, alpha: number): AnyTensor {
  return x.exp().sub(1).mul(alpha);
}

/** ONNX Elu: `x < 0 ? alpha·(exp(x) - 1) : x`. */
export function elu(x: AnyTensor, alpha = 1): AnyTensor {
  const a = checkNumber('elu', 'alpha', alpha);
  const xf = floatOperand('elu', x);
  return x.graph.where(xf.lt(0), expMinusOne(xf, a), xf);
}

/** ONNX Selu's default alpha (float32 of 1.6732632423543772...). */
export const SELU_ALPHA = 1.67326319217681884765625;
/** ONNX Selu's default gamma (float32 of 1.0507009873554804...). */
export const SELU_GAMMA = 1.05070102214813232421875;

/** ONNX Selu: `gamma · (x <= 0 ? alpha·(exp(x) - 1) : x)`. */
export function selu(x: AnyTensor, alpha = SELU_ALPHA, gamma = SELU_GAMMA): AnyTensor {
  const a = checkNumber('selu', 'alpha', alpha);
  const g = checkNumber('selu', 'gamma', gamma);
  const xf = floatOperand('selu', x);
  return x.graph.where(xf.le(0), expMinusOne(xf, a), xf).mul(g);
}

/** ONNX HardSigmoid: `max(0, min(1, alpha·x + beta))`. */
export function hardSigmoid(x: AnyTensor, alpha = 0.2, beta = 0.5): AnyTensor {
  const a = checkNumber('hardSigmoid', 'alpha', alpha);
  const b = checkNumber('hardSigmoid', 'beta', beta);
  return floatOperand('hardSigmoid', x).mul(a).add(b).minimum(1).maximum(0);
}

/** ONNX HardSwish: `x · hardSigmoid(x)` with alpha = 1/6, beta = 1/2. */
export function hardSwish(x: AnyTensor): AnyTensor {
  const xf = floatOperand('hardSwish', x);
  return xf.mul(hardSigmoid(xf, 1 / 6, 0.5));
}

/**
 * log(1 + u) for u >= 0, accurate for small u (Goldberg's trick): with w = 1 + u
 * rounded, log1p(u) = u · log(w) / (w - 1), which cancels w's rounding error;
 * when w rounds to 1, log1p(u) = u to within f32.
 */
function log1p(u: AnyTensor): AnyTensor {
  const w = u.add(1);
  return u.graph.where(w.eq(1), u, u.mul(w.log().div(w.sub(1))));
}

/**
 * ONNX Softplus `log(exp(x) + 1)`, in the stable form `max(x, 0) + log1p(exp(-|x|))`:
 * exp never overflows, and for very negative x the result is exp(x), not 0.
 */
export function softplus(x: AnyTensor): AnyTensor {
  const xf = floatOperand('softplus', x);
  return xf.maximum(0).add(log1p(xf.abs().neg().exp()));
}

/** ONNX Softsign: `x / (1 + |x|)`. */
export function softsign(x: AnyTensor): AnyTensor {
  const xf = floatOperand('softsign', x);
  return xf.div(xf.abs().add(1));
}

/** SiLU (swish): `x · sigmoid(x)`. */
export function silu(x: AnyTensor): AnyTensor {
  const xf = floatOperand('silu', x);
  return xf.mul(xf.sigmoid());
}

/** ONNX Mish: `x · tanh(softplus(x))`. */
export function mish(x: AnyTensor): AnyTensor {
  const xf = floatOperand('mish', x);
  return xf.mul(softplus(xf).tanh());
}

/** ONNX Gelu with approximate = 'tanh': `0.5·x·(1 + tanh(√(2/π)·(x + 0.044715·x³)))`. */
export function geluTanh(x: AnyTensor): AnyTensor {
  const xf = floatOperand('gelu', x);
  const inner = xf.mul(xf.square().mul(0.044715).add(1)).mul(Math.sqrt(2 / Math.PI));
  return xf.mul(0.5).mul(inner.tanh().add(1));
}

/** ONNX Celu: `max(0, x) + min(0, alpha·(exp(x/alpha) - 1))`; alpha must not be 0. */
export function celu(x: AnyTensor, alpha = 1): AnyTensor {
  const a = checkNumber('celu', 'alpha', alpha);
  if (a === 0) throw new ShapeError('celu: alpha must not be 0 (it divides x)', { op: 'celu' });
  const xf = floatOperand('celu', x);
  return xf.maximum(0).add(expMinusOne(xf.div(a), a).minimum(0));
}

/** ONNX ThresholdedRelu: `x > alpha ? x : 0`. */
export function thresholdedRelu(x: AnyTensor, alpha = 1): AnyTensor {
  const a = checkNumber('thresholdedRelu', 'alpha', alpha);
  const xf = floatOperand('thresholdedRelu', x);
  return x.graph.where(xf.gt(a), xf, 0);
}

/** ONNX Shrink: `x < -lambd ? x + bias : x > lambd ? x - bias : 0` (keeps x's dtype when bias is integral). */
export function shrink(x: AnyTensor, lambd = 0.5, bias = 0): AnyTensor {
  const l = checkNumber('shrink', 'lambd', lambd);
  const b = checkNumber('shrink', 'bias', bias);
  if (x.dtype === 'bool')
    throw new DTypeError('shrink: operand is bool (expected f32 or i32)', { op: 'shrink' });
  if (x.dtype === 'i32' && !Number.isInteger(b)) {
    throw new DTypeError(`shrink: bias ${b} is not an integer for an i32 operand`, { op: 'shrink', bias: b });
  }
  const g = x.graph;
  return g.where(x.lt(-l), x.add(b), g.where(x.gt(l), x.sub(b), 0));
}
