/**
 * The text IR parser: reads what printGraph writes and rebuilds the graph
 * through Graph's own methods, so every node is re-inferred and re-checked;
 * `parseGraph(g.toString()).toString() === g.toString()`.
 */
import { DTYPE_BYTES, makeArray, type DType, type TypedArray } from '../common/dtype.js';
import { ParseError, TensorWasmError } from '../common/errors.js';
import { Graph } from './graph.js';
import type { Node } from './node.js';
import { OP_CATEGORY, isOpCode, type OpAttrs, type OpCode } from './ops.js';
import {
  AttrReader,
  B64_RE,
  IDENT_RE,
  LineScanner,
  OUTPUT_NAME_RE,
  type AttrValue,
} from './parse-scanner.js';
import { formatType } from './print.js';
import { checkShape, sameShape, sizeOf } from './shape.js';

type NodeOp = Exclude<OpCode, 'input' | 'param' | 'constant'>;
type AttrParser<K extends NodeOp> = (r: AttrReader) => OpAttrs[K];

// Attribute objects are built with the builder's key order: the printer and hash-consing depend on it.
const none = (r: AttrReader): Readonly<Record<never, never>> => r.done({});
const reduce = (r: AttrReader): OpAttrs['sum'] =>
  r.done({ axes: r.axes('axes'), keepdims: r.bool('keepdims') });
const argReduce = (r: AttrReader): OpAttrs['argmax'] =>
  r.done({ axis: r.int('axis'), keepdims: r.bool('keepdims') });
const axis = (r: AttrReader): { axis: number } => r.done({ axis: r.int('axis') });
const shape = (r: AttrReader): { shape: number[] } => r.done({ shape: checkShape('shape', r.ints('shape')) });

// convolution and pooling
const window = (r: AttrReader): { strides: number[]; dilations: number[]; pads: number[] } => ({
  strides: r.ints('strides'),
  dilations: r.ints('dilations'),
  pads: r.ints('pads'),
});
const conv = (r: AttrReader): OpAttrs['conv'] =>
  r.done({ ...window(r), groups: r.int('groups'), hasBias: r.bool('hasBias') });
const pool = (r: AttrReader): OpAttrs['maxPool'] =>
  r.done({ ...window(r), kernelShape: r.ints('kernelShape'), ceilMode: r.bool('ceilMode') });

/** How to read each op's attributes (exhaustive: a new op must say). */
const ATTR_PARSERS: { readonly [K in NodeOp]: AttrParser<K> } = {
  ...{ neg: none, abs: none, sqrt: none, rsqrt: none, exp: none, log: none, sin: none, cos: none },
  ...{ tanh: none, sigmoid: none, relu: none, erf: none, square: none, reciprocal: none, floor: none },
  ...{ ceil: none, round: none, sign: none, not: none, gelu: none, where: none, matmul: none },
  ...{ add: none, sub: none, mul: none, div: none, pow: none, maximum: none, minimum: none },
  ...{ eq: none, ne: none, lt: none, le: none, gt: none, ge: none, and: none, or: none },
  ...{ sum: reduce, prod: reduce, max: reduce, min: reduce, mean: reduce },
  ...{ argmax: argReduce, argmin: argReduce, gather: axis, concat: axis, softmax: axis, logSoftmax: axis },
  gatherElements: axis,
  cast: (r) => r.done({ to: r.dtype('to') }),
  reshape: shape,
  expand: shape,
  transpose: (r) => r.done({ perm: r.ints('perm') }),
  slice: (r) =>
    r.done({ axes: r.rows('axes', 3).map(([start = 0, step = 0, size = 0]) => ({ start, step, size })) }),
  pad: (r) =>
    r.done({
      widths: r.rows('widths', 2).map(([before = 0, after = 0]) => [before, after] as const),
      value: r.number('value'),
    }),
  layerNorm: (r) =>
    r.done({ eps: r.number('eps'), hasWeight: r.bool('hasWeight'), hasBias: r.bool('hasBias') }),
  conv,
  convTranspose: (r) =>
    r.done({
      ...window(r),
      groups: r.int('groups'),
      hasBias: r.bool('hasBias'),
      outputPadding: r.ints('outputPadding'),
    }),
  maxPool: pool,
  sumPool: pool,
  unfold: (r) => r.done({ ...window(r), kernelShape: r.ints('kernelShape') }),
  avgPool: (r) =>
    r.done({
      ...window(r),
      kernelShape: r.ints('kernelShape'),
      ceilMode: r.bool('ceilMode'),
      countIncludePad: r.bool('countIncludePad'),
    }),
  batchNorm: (r) => r.done({ eps: r.number('eps') }),
};

function addParsedNode<K extends NodeOp>(
  graph: Graph,
  op: K,
  inputs: readonly Node[],
  reader: AttrReader,
): Node {
  const parse = ATTR_PARSERS[op] as AttrParser<K>;
  return graph.addNode(op, inputs, parse(reader));
}

/** The data of `constant(…)` as written: base64 bytes, or numbers. */
type ConstantLiteral = { readonly bytes: string } | { readonly values: readonly number[] };

/** Reads `b64:…`, a scalar, or a `[…]` list of numbers. */
function readConstantLiteral(s: LineScanner): ConstantLiteral {
  const b64 = s.match(B64_RE);
  if (b64 !== undefined) {
    try {
      return { bytes: atob(b64[1] ?? '') };
    } catch {
      return s.failLine('constant: invalid base64 data');
    }
  }
  const list = s.eat('[');
  const values: number[] = [];
  if (!list || !s.eat(']')) {
    do values.push(s.number() ?? s.fail('a number'));
    while (list && s.eat(','));
    if (list && !s.eat(']')) s.fail('"," or "]"');
  }
  return { values };
}

/** True when `x` is exactly representable in `dtype` (f32 values are rounded, as the builder does). */
function fitsDType(dtype: DType, x: number): boolean {
  if (dtype === 'bool') return x === 0 || x === 1;
  return dtype === 'f32' || (Number.isInteger(x) && x >= -(2 ** 31) && x < 2 ** 31);
}

/** The typed array a constant literal denotes for `dtype[shape]`, or ParseError. */
function makeConstantData(
  s: LineScanner,
  literal: ConstantLiteral,
  dtype: DType,
  shape: readonly number[],
): TypedArray {
  const count = sizeOf(shape);
  const data = makeArray(dtype, count);
  const type = formatType(dtype, shape);
  if ('bytes' in literal) {
    const { bytes } = literal;
    const expected = count * DTYPE_BYTES[dtype];
    if (bytes.length !== expected)
      s.failLine(`constant: ${bytes.length} bytes of data for ${type} (expected ${expected})`);
    // The printer writes the typed array's own bytes; WebAssembly and every JS host in practice are little-endian.
    const raw = new Uint8Array(data.buffer);
    for (let i = 0; i < bytes.length; i++) raw[i] = bytes.charCodeAt(i);
    const bad = dtype === 'bool' ? data.findIndex((v) => v > 1) : -1;
    if (bad >= 0) s.failLine(`constant: element ${bad} is not a valid bool (expected 0 or 1)`);
    return data;
  }
  const { values } = literal;
  if (values.length !== count)
    s.failLine(`constant: ${values.length} values for ${type} (expected ${count})`);
  values.forEach((v, i) => {
    if (!fitsDType(dtype, v)) s.failLine(`constant: element ${i} (${v}) is not a valid ${dtype} value`);
    data[i] = v;
  });
  return data;
}

/** Parses the rest of `%name = …` into a node and records it under `name`. */
function parseDefinition(s: LineScanner, graph: Graph, values: Map<string, Node>): void {
  const name = s.valueName();
  if (values.has(name)) s.failLine(`%${name} is defined twice`);
  s.expect('=');
  const op = s.match(IDENT_RE)?.[0] ?? s.fail('an op name such as add or matmul');
  if (!isOpCode(op)) return s.failLine(`unknown op "${op}"`);
  s.expect('(');
  let node: Node;
  if (op === 'input' || op === 'param') {
    s.expect(')');
    s.expect(':');
    const type = s.type();
    node = graph[op](name, type.shape, type.dtype).node;
  } else if (op === 'constant') {
    const literal = readConstantLiteral(s);
    s.expect(')');
    s.expect(':');
    const type = s.type();
    node = graph.addConstant(makeConstantData(s, literal, type.dtype, type.shape), type.shape);
  } else {
    if (OP_CATEGORY[op] === 'leaf') return s.fail('a known op');
    const inputs: Node[] = [];
    if (!s.eat(')')) {
      do {
        const ref = s.valueName();
        inputs.push(
          values.get(ref) ?? s.failLine(`unknown value %${ref} (values must be defined before use)`),
        );
      } while (s.eat(','));
      s.expect(')');
    }
    const attrs = new Map<string, AttrValue>();
    if (s.eat('{') && !s.eat('}')) {
      do {
        const key = s.match(IDENT_RE)?.[0] ?? s.fail('an attribute name');
        if (attrs.has(key)) s.failLine(`${op}: attribute ${key} is given twice`);
        s.expect('=');
        attrs.set(key, s.attrValue());
      } while (s.eat(','));
      s.expect('}');
    }
    s.expect(':');
    const type = s.type();
    node = addParsedNode(graph, op, inputs, new AttrReader(op, attrs, s));
    if (node.dtype !== type.dtype || !sameShape(node.shape, type.shape)) {
      s.failLine(
        `${op} gives ${formatType(node.dtype, node.shape)} but the text says ${formatType(type.dtype, type.shape)}`,
      );
    }
  }
  if (!s.atEnd()) s.fail('end of line');
  values.set(name, node);
}

/** Parses `output name = %value`. */
function parseOutput(s: LineScanner, graph: Graph, values: ReadonlyMap<string, Node>): void {
  const name = s.match(OUTPUT_NAME_RE)?.[0] ?? s.fail('an output name');
  s.expect('=');
  const ref = s.valueName();
  const node = values.get(ref) ?? s.failLine(`unknown value %${ref}`);
  if (!s.atEnd()) s.fail('end of line');
  graph.output(name, graph.wrap(node));
}

/**
 * Reads the text IR printed by `printGraph`/`Graph.toString()` back into a Graph.
 * Syntax errors, and graphs that break a shape, dtype or naming rule, throw a
 * ParseError naming the line (the rule's own error code is in `details.causeCode`).
 *
 * @example
 * const g2 = parseGraph(g.toString());
 * g2.toString() === g.toString(); // true
 */
export function parseGraph(text: string): Graph {
  if (typeof text !== 'string') {
    throw new ParseError(`parseGraph: expected the text IR as a string (got ${typeof text})`);
  }
  const graph = new Graph();
  const values = new Map<string, Node>();
  text.split(/\r?\n/).forEach((raw, i) => {
    const s = new LineScanner(raw, i + 1);
    if (s.atEnd()) return;
    try {
      if (raw.trimStart().startsWith('%')) parseDefinition(s, graph, values);
      else if (s.match(/output(?=\s)/y) !== undefined) parseOutput(s, graph, values);
      else s.fail('"%name = op(…) : type" or "output name = %value"');
    } catch (e) {
      if (e instanceof ParseError || !(e instanceof TensorWasmError)) throw e;
      throw new ParseError(`parseGraph: line ${i + 1}: ${e.message}`, {
        line: i + 1,
        text: raw,
        causeCode: e.code,
        causeDetails: e.details,
      });
    }
  });
  return graph;
}
