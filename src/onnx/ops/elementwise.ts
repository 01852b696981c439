/**
 * Elementwise ONNX ops: arithmetic with NumPy broadcasting (and the legacy
 * broadcast/axis attributes before opset 7), comparisons, logic, unary math,
 * variadic Max/Min/Sum/Mean, Where and Cast.
 */
import type { Tensor } from '../../ir/tensor.js';
import { ElemType as E, elemTypeName, INT_ELEMS } from '../elem-types.js';
import type { NodeContext } from '../node-context.js';
import type { OpTable } from '../op-entry.js';

// uint32 and the narrow integer types pass here; src/onnx/narrow-ints.ts says which ops take them
const NUMERIC = [E.float, ...INT_ELEMS];
const FLOAT = [E.float];
const BOOL = [E.bool];
const ANY = [E.float, ...INT_ELEMS, E.bool];

/**
 * The two operands of a binary op. Before opset 7, `broadcast=1` broadcasts
 * B onto A: by suffix (NumPy's rule when B's rank is lower) or from `axis`.
 */
function binaryOperands(n: NodeContext): [Tensor, Tensor] {
  const a = n.tensor(0);
  let b = n.tensor(1);
  if (n.opset < 7) {
    n.ignore('consumed_inputs');
    const broadcast = n.int('broadcast', 0);
    if (broadcast === 1 && n.hasAttr('axis')) {
      const axis = n.axis(n.int('axis', 0), a.rank);
      const trailing = a.rank - axis - b.rank;
      if (trailing < 0) n.invalid(`B of rank ${b.rank} does not fit A of rank ${a.rank} from axis ${axis}`);
      b = b.reshape([...b.shape, ...new Array<number>(trailing).fill(1)]);
    } else if (broadcast === 0 && a.shape.join(',') !== b.shape.join(',')) {
      n.invalid(`shapes differ without broadcast=1: [${a.shape.join(',')}] and [${b.shape.join(',')}]`);
    }
  }
  return [a, b];
}

type BinaryMethod = 'add' | 'sub' | 'mul' | 'div' | 'maximum' | 'minimum';

function arithmetic(method: BinaryMethod, since = 1): OpTable[string] {
  return {
    since,
    run: (n) => {
      n.checkTypes(NUMERIC);
      const [a, b] = binaryOperands(n);
      return n.out(a[method](b), n.elemType(0));
    },
  };
}

type CompareMethod = 'eq' | 'lt' | 'gt' | 'le' | 'ge' | 'ne' | 'and' | 'or';

function comparison(method: CompareMethod, types: readonly number[], since = 1): OpTable[string] {
  return {
    since,
    run: (n) => {
      n.checkTypes(types);
      const [a, b] = binaryOperands(n);
      return n.out(a[method](b), E.bool);
    },
  };
}

type UnaryMethod =
  | 'neg'
  | 'abs'
  | 'sqrt'
  | 'exp'
  | 'log'
  | 'sin'
  | 'cos'
  | 'tanh'
  | 'sigmoid'
  | 'relu'
  | 'erf'
  | 'floor'
  | 'ceil'
  | 'round'
  | 'sign'
  | 'reciprocal'
  | 'not';

function unary(method: UnaryMethod, types: readonly number[], since = 1): OpTable[string] {
  return {
    since,
    run: (n) => {
      if (n.opset < 6) n.ignore('consumed_inputs');
      n.checkTypes(types);
      return n.out(n.tensor(0)[method](), n.elemType(0));
    },
  };
}

/** Max, Min, Sum, Mean over any number of inputs (same shapes before opset 8). */
function variadic(method: 'maximum' | 'minimum' | 'add', mean: boolean): OpTable[string] {
  return {
    since: 1,
    run: (n) => {
      if (n.opset < 6) n.ignore('consumed_inputs');
      n.checkTypes(mean ? FLOAT : NUMERIC);
      if (n.inputCount === 0) n.invalid('needs at least one input');
      const tensors = Array.from({ length: n.inputCount }, (_, i) => n.tensor(i));
      if (n.opset < 8 && tensors.some((t) => t.shape.join(',') !== (tensors[0] as Tensor).shape.join(','))) {
        n.invalid('inputs must have the same shape before opset 8');
      }
      let acc = tensors[0] as Tensor;
      for (const t of tensors.slice(1)) acc = acc[method](t);
      return n.out(mean ? acc.div(tensors.length) : acc, n.elemType(0));
    },
  };
}

/** The element types Cast converts between. */
function castEntry(targetOf: (n: NodeContext) => number, since: number): OpTable[string] {
  return {
    since,
    run: (n) => {
      n.checkTypes(ANY, [0]);
      // saturate and round_mode only change float8 results, which are refused anyway
      n.ignore('saturate', 'round_mode');
      const to = targetOf(n);
      if (!ANY.includes(to)) n.refuse(`casting to ${elemTypeName(to)} is not supported`);
      return n.out(n.castTo(n.tensor(0), to), to);
    },
  };
}

function castTarget(n: NodeContext): number {
  if (n.opset < 6) {
    const name = n.string('to', '').toLowerCase();
    const byName: Record<string, number> = {
      float: E.float,
      int32: E.int32,
      int64: E.int64,
      bool: E.bool,
      int8: E.int8,
      uint8: E.uint8,
      int16: E.int16,
      uint16: E.uint16,
      uint32: E.uint32,
    };
    const to = byName[name];
    if (to === undefined) n.refuse(`casting to ${name} is not supported`);
    return to;
  }
  if (!n.hasAttr('to')) n.invalid('attribute to is required');
  return n.int('to', 0);
}

/** gelu(x), exact (erf) or with the tanh approximation. */
function gelu(n: NodeContext): Tensor {
  n.checkTypes(FLOAT);
  const x = n.tensor(0);
  const approximate = n.string('approximate', 'none');
  if (approximate === 'none') return x.gelu();
  if (approximate !== 'tanh') n.invalid(`approximate="${approximate}" (expected none or tanh)`);
  // 0.5 x (1 + tanh(sqrt(2/pi) (x + 0.044715 x^3)))
  const inner = x.add(x.mul(x).mul(x).mul(0.044715)).mul(Math.sqrt(2 / Math.PI));
  return x.mul(0.5).mul(inner.tanh().add(1));
}

/**
 * Mod onto the builder's mod: fmod=1 is C's fmod (exact on floats: one fmod
 * node), fmod=0 the remainder with the divisor's sign (integers only: ONNX
 * requires fmod=1 for floating-point inputs).
 */
function mod(n: NodeContext): Tensor {
  n.checkTypes([E.int32, E.int64, E.float]);
  const [a, b] = binaryOperands(n);
  const fmod = n.int('fmod', 0) !== 0;
  if (a.dtype === 'f32' && !fmod) n.invalid('fmod=0 on floating-point inputs (ONNX requires fmod=1)');
  return a.mod(b, fmod);
}

export const elementwiseOps: OpTable = {
  Mod: { since: 10, run: (n) => n.out(mod(n), n.elemType(0)) },
  Add: arithmetic('add'),
  Sub: arithmetic('sub'),
  Mul: arithmetic('mul'),
  Div: arithmetic('div'),
  Pow: {
    since: 1,
    run: (n) => {
      // integer bases would go through f32 exp/log and could round off an exact power: refused
      n.checkTypes(FLOAT, [0]);
      n.checkTypes(NUMERIC, [1]);
      const [a, b] = binaryOperands(n);
      return n.out(a.pow(b.cast('f32')), E.float);
    },
  },
  Equal: comparison('eq', ANY),
  Less: comparison('lt', NUMERIC),
  Greater: comparison('gt', NUMERIC),
  LessOrEqual: comparison('le', NUMERIC, 12),
  GreaterOrEqual: comparison('ge', NUMERIC, 12),
  And: comparison('and', BOOL),
  Or: comparison('or', BOOL),
  Xor: comparison('ne', BOOL),
  Not: unary('not', BOOL),
  Neg: unary('neg', NUMERIC),
  Abs: unary('abs', NUMERIC),
  Sqrt: unary('sqrt', FLOAT),
  Exp: unary('exp', FLOAT),
  Log: unary('log', FLOAT),
  Sin: unary('sin', FLOAT, 7),
  Cos: unary('cos', FLOAT, 7),
  Tanh: unary('tanh', FLOAT),
  Sigmoid: unary('sigmoid', FLOAT),
  Relu: unary('relu', NUMERIC),
  Erf: unary('erf', FLOAT, 9),
  Floor: unary('floor', FLOAT),
  Ceil: unary('ceil', FLOAT),
  Round: unary('round', FLOAT, 11),
  Sign: unary('sign', NUMERIC, 9),
  Reciprocal: unary('reciprocal', FLOAT),
  Gelu: { since: 20, run: (n) => n.out(gelu(n), E.float) },
  IsNaN: {
    since: 9,
    run: (n) => {
      n.checkTypes(FLOAT);
      const x = n.tensor(0);
      return n.out(x.ne(x), E.bool);
    },
  },
  IsInf: {
    since: 10,
    run: (n) => {
      n.checkTypes(FLOAT);
      const x = n.tensor(0);
      const negative = n.int('detect_negative', 1) !== 0;
      const positive = n.int('detect_positive', 1) !== 0;
      const pos = x.eq(Infinity);
      const neg = x.eq(-Infinity);
      const result =
        positive && negative ? pos.or(neg) : positive ? pos : negative ? neg : x.ne(x).and(x.eq(x));
      return n.out(result, E.bool);
    },
  },
  Max: variadic('maximum', false),
  Min: variadic('minimum', false),
  Sum: variadic('add', false),
  Mean: variadic('add', true),
  Where: {
    since: 9,
    run: (n) => {
      n.checkTypes(BOOL, [0]);
      n.checkTypes(ANY, [1, 2]);
      if (n.elemType(1) !== n.elemType(2)) n.invalid('X and Y must have the same element type');
      return n.out(n.graph.where(n.tensor(0), n.tensor(1), n.tensor(2)), n.elemType(1));
    },
  },
  Cast: castEntry(castTarget, 1),
  CastLike: castEntry((n) => n.elemType(1), 15),
};
