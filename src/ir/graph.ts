/**
 * Graph: the lazy recording of a tensor program. Builder calls add immutable,
 * hash-consed nodes (equal expressions become one node); nothing is computed.
 */
import { arrayFromNumbers, dtypeOfArray, isDType, type DType, type TypedArray } from '../common/dtype.js';
import { DTypeError, GraphError, ShapeError } from '../common/errors.js';
import { EXTERNAL_TYPES, type ExternalType } from '../common/manifest.js';
import { einsum } from './build/einsum.js';
import { foldElementwise, meanOf } from './build/n-ary.js';
import { inferType } from './infer.js';
import type { Node, NodeOf } from './node.js';
import type { OpAttrs, OpCode } from './ops.js';
import { formatNumber, printGraph } from './print.js';
import { checkShape, describe, formatShape, isArray, normalizeAxis, sizeOf, type Shape } from './shape.js';
import { Tensor, type Operand } from './tensor.js';
// Tensor's method families assign themselves to Tensor.prototype (see tensor.ts). Graph
// makes every Tensor, so importing them here means no Tensor exists without its methods.
import './tensor-activations.js';
import './tensor-conv.js';
import './tensor-movement.js';
import './tensor-normalize.js';
import './tensor-reduce.js';
import type { Writable } from './types/errors-types.js';
import type { ConstantDType, ConstantShape, GraphTypes, TensorSpecs } from './types/graph-types.js';
import type { Shape as ShapeType } from './types/shape-types.js';
import type {
  AnyTensor,
  ConcatArg,
  ConcatOut,
  StackArg,
  StackOut,
  WhereArg,
  WhereCond,
  WhereOut,
} from './types/tensor-types.js';

/** Names of inputs, params and outputs: a letter or `_`, then letters, digits, `_ . : -`. */
export const NAME_PATTERN = /^[A-Za-z_][\w.:-]*$/;

/** Constants up to this many elements are hash-consed by value. */
const HASHED_CONSTANT_ELEMENTS = 16;

/** A type an i32 input or output is exchanged as at the boundary (see `Graph.external`). */
export type { ExternalType };

/** Data accepted by `Graph.constant`. */
export type ConstantData = TypedArray | readonly number[] | number | boolean;

let nextGraphId = 0;

/**
 * JSON replacer for hash-consing keys: JSON writes NaN, Infinity and -Infinity
 * all as null and -0 as 0, which would merge e.g. pad(x, NaN) with pad(x, Infinity).
 */
function keyNumber(_key: string, value: unknown): unknown {
  if (typeof value !== 'number') return value;
  return Number.isFinite(value) && !Object.is(value, -0) ? value : formatNumber(value);
}

/**
 * A tensor program under construction. `I`, `P` and `O` are its named inputs,
 * params and outputs at the type level: loose (any name) for `new Graph()`,
 * exact for a graph made with `defineGraph()` (see docs/types.md).
 *
 * @example
 * const g = new Graph();
 * const x = g.input('x', [2, 3]); // Tensor<[2, 3], 'f32'>
 * g.output('y', x.mul(2).add(1).relu());
 */
export class Graph<
  I extends TensorSpecs = TensorSpecs,
  P extends TensorSpecs = TensorSpecs,
  O extends TensorSpecs = TensorSpecs,
> {
  /** Type-level only (never set): the names, shapes and dtypes compile() carries to `run()`. */
  declare readonly '~types'?: GraphTypes<I, P, O>;
  /** Distinguishes graphs, so a tensor from another graph is refused. */
  readonly graphId = nextGraphId++;
  private readonly nodeList: Node[] = [];
  private readonly byKey = new Map<string, Node>();
  private readonly leafByName = new Map<string, NodeOf<'input'> | NodeOf<'param'>>();
  private readonly outputList: [string, Node][] = [];
  private readonly externalByName = new Map<string, ExternalType>();

  /** A per-run value fed to `run()`. A literal shape types the tensor: `Tensor<[2, 3], 'f32'>`. */
  input<const S extends ShapeType, D extends DType = 'f32'>(
    name: string,
    shape: S,
    dtype?: D,
  ): Tensor<Writable<S>, D>;
  input(name: string, shape: readonly number[], dtype: DType = 'f32'): Tensor {
    return this.leaf('input', name, shape, dtype);
  }

  /** A value set once with `setParams()` and kept across runs. */
  param<const S extends ShapeType, D extends DType = 'f32'>(
    name: string,
    shape: S,
    dtype?: D,
  ): Tensor<Writable<S>, D>;
  param(name: string, shape: readonly number[], dtype: DType = 'f32'): Tensor {
    return this.leaf('param', name, shape, dtype);
  }

  /**
   * A value baked into the module. `data` is a typed array (its class gives the
   * dtype), a plain number array (f32 unless `dtype` says), or a number for a scalar.
   */
  constant<
    const Data extends ConstantData,
    const S extends ShapeType | undefined = undefined,
    D extends DType | undefined = undefined,
  >(data: Data, shape?: S, dtype?: D): Tensor<ConstantShape<Data, S>, ConstantDType<Data, D>>;
  constant(data: ConstantData, shape?: readonly number[], dtype?: DType): Tensor {
    if (dtype !== undefined && !isDType(dtype)) {
      throw new DTypeError(`constant: unknown dtype ${describe(dtype)} (expected 'f32', 'i32' or 'bool')`);
    }
    let values: TypedArray;
    if (typeof data === 'number' || typeof data === 'boolean') {
      values = arrayFromNumbers(dtype ?? (typeof data === 'boolean' ? 'bool' : 'f32'), [Number(data)]);
      shape ??= [];
    } else if (dtypeOfArray(data) !== undefined && ArrayBuffer.isView(data)) {
      const own = dtypeOfArray(data) as DType;
      values = arrayFromNumbers(dtype ?? own, data);
    } else if (isArray(data) && data.every((v) => typeof v === 'number' || typeof v === 'boolean')) {
      values = arrayFromNumbers(dtype ?? 'f32', data.map(Number));
    } else {
      throw new ShapeError(
        `constant: data must be a Float32Array, Int32Array, Uint8Array, a flat number array or a number (got ${describe(data)})`,
      );
    }
    const dims = checkShape('constant', shape ?? [values.length]);
    if (sizeOf(dims) !== values.length) {
      throw new ShapeError(
        `constant: ${values.length} values do not fill shape ${formatShape(dims)} (${sizeOf(dims)} elements)`,
        { op: 'constant', length: values.length, shape: dims },
      );
    }
    return this.wrap(this.addConstant(values, dims));
  }

  /** Marks `tensor` as an output named `name`. The same tensor may be output under several names. */
  output(name: string, tensor: AnyTensor): void {
    this.checkName('output', name);
    if (!(tensor instanceof Tensor)) {
      throw new GraphError(`output: "${name}" must be a Tensor (got ${describe(tensor)})`, { name });
    }
    this.own('output', tensor);
    if (this.outputList.some(([n]) => n === name) || this.leafByName.has(name)) {
      throw new GraphError(
        `output: the name "${name}" is already used`,
        { name },
        'Every input, param and output needs its own name',
      );
    }
    this.outputList.push([name, tensor.node]);
  }

  /** Elementwise `cond ? a : b` with broadcasting. */
  where<C extends AnyTensor, A extends Operand, B extends Operand>(
    cond: WhereCond<C>,
    a: A,
    b: WhereArg<C, A, B>,
  ): WhereOut<C, A, B>;
  where(cond: Tensor, a: Operand, b: Operand): Tensor {
    this.own('where', cond);
    const [ta, tb] = cond.operands('where', a, b) as [Node, Node];
    return this.wrap(this.addNode('where', [cond.node, ta, tb], {}));
  }

  /** Joins tensors along an existing axis. */
  concat<const L extends readonly AnyTensor[], A extends number>(
    tensors: ConcatArg<L, A>,
    axis: A,
  ): ConcatOut<L, A>;
  concat(tensors: readonly Tensor[], axis: number): Tensor {
    const nodes = this.tensorList('concat', tensors);
    const rank = nodes[0]?.shape.length ?? 0;
    const ax = normalizeAxis('concat', axis, rank);
    return this.wrap(this.addNode('concat', nodes, { axis: ax }));
  }

  /** Joins tensors along a new axis. */
  stack<const L extends readonly AnyTensor[], A extends number>(
    tensors: StackArg<L, A>,
    axis: A,
  ): StackOut<L, A>;
  stack(tensors: readonly Tensor[], axis: number): Tensor {
    const nodes = this.tensorList('stack', tensors);
    const rank = (nodes[0]?.shape.length ?? 0) + 1;
    const ax = normalizeAxis('stack', axis, rank);
    const first = nodes[0] as Node;
    for (const n of nodes) {
      if (formatShape(n.shape) !== formatShape(first.shape)) {
        throw new ShapeError(
          `stack: shapes differ: ${formatShape(first.shape)} and ${formatShape(n.shape)}`,
          { op: 'stack', shapes: nodes.map((m) => m.shape) },
          'Every stacked tensor needs the same shape',
        );
      }
    }
    const lifted = tensors.map((t) => t.unsqueeze(ax).node);
    return this.wrap(this.addNode('concat', lifted, { axis: ax }));
  }

  /** ONNX Sum: the elementwise sum of several tensors, with broadcasting. */
  sum(tensors: readonly AnyTensor[]): AnyTensor {
    return foldElementwise('add', 'sum', tensors);
  }

  /** ONNX Mean: the elementwise mean of several tensors, with broadcasting (f32). */
  mean(tensors: readonly AnyTensor[]): AnyTensor {
    return meanOf(tensors);
  }

  /** ONNX Max: the elementwise maximum of several tensors, with broadcasting. */
  maximum(tensors: readonly AnyTensor[]): AnyTensor {
    return foldElementwise('maximum', 'maximum', tensors);
  }

  /** ONNX Min: the elementwise minimum of several tensors, with broadcasting. */
  minimum(tensors: readonly AnyTensor[]): AnyTensor {
    return foldElementwise('minimum', 'minimum', tensors);
  }

  // External types (ONNX import) ---------------------------------------------

  /**
   * Declares that the i32 input or output `name` is exchanged as `type` at
   * the model's boundary: an 'int64' value is fed and returned as a
   * BigInt64Array, 'int8' as an Int8Array ('uint8', 'int16', 'uint16',
   * 'uint32' likewise) and computed as i32 (a feed outside the type's range
   * or i32 is an InputError). Declare it after the input or output.
   */
  external(name: string, type: ExternalType): void {
    const leaf = this.leafByName.get(name);
    const out = this.outputList.find(([n]) => n === name)?.[1];
    const node = leaf?.op === 'input' ? leaf : out;
    if (!EXTERNAL_TYPES.includes(type) || node === undefined || node.dtype !== 'i32') {
      throw new GraphError(
        `external: "${name}" must be an i32 input or output and the type one of ${EXTERNAL_TYPES.join(', ')} (got ${describe(type)})`,
        { name, type },
      );
    }
    this.externalByName.set(name, type);
  }

  /** The external types declared with `external()`, by input or output name. */
  get externals(): ReadonlyMap<string, ExternalType> {
    return this.externalByName;
  }

  /** ONNX Einsum: Einstein summation over `tensors` (e.g. 'bij,bjk->bik'; '...' broadcasts). */
  einsum(equation: string, tensors: readonly AnyTensor[]): AnyTensor {
    return einsum(equation, tensors);
  }

  /** The text IR of everything recorded so far. */
  toString(): string {
    return printGraph(this.outputList, [...this.leafByName.values()]);
  }

  /** Every node recorded, in creation (topological) order. */
  get nodes(): readonly Node[] {
    return this.nodeList;
  }

  /** Outputs as [name, node] pairs in declaration order. */
  get outputs(): readonly (readonly [string, Node])[] {
    return this.outputList;
  }

  /** Inputs and params in declaration order. */
  get leaves(): readonly (NodeOf<'input'> | NodeOf<'param'>)[] {
    return [...this.leafByName.values()];
  }

  /**
   * Adds (or finds, when an equal node exists) a non-leaf node. Infers and
   * checks its type; throws the op's ShapeError/DTypeError.
   * @internal
   */
  addNode<K extends OpCode>(op: K, inputs: readonly Node[], attrs: OpAttrs[K]): Node {
    const key = `${op}(${inputs.map((n) => n.id).join(',')})${JSON.stringify(attrs, keyNumber)}`;
    const found = this.byKey.get(key);
    if (found !== undefined) return found;
    const type = inferType(op, inputs, attrs);
    const node = {
      id: this.nodeList.length,
      op,
      inputs,
      shape: type.shape,
      dtype: type.dtype,
      attrs,
    } as Node;
    this.nodeList.push(node);
    this.byKey.set(key, node);
    return node;
  }

  /** @internal */
  addConstant(data: TypedArray, shape: Shape): Node {
    const dtype = dtypeOfArray(data) as DType;
    const key =
      data.length <= HASHED_CONSTANT_ELEMENTS
        ? `constant:${dtype}${formatShape(shape)}:${Array.from(data, (v) => (Object.is(v, -0) ? '-0' : String(v))).join(',')}`
        : undefined;
    const found = key === undefined ? undefined : this.byKey.get(key);
    if (found !== undefined) return found;
    const node: Node = {
      id: this.nodeList.length,
      op: 'constant',
      inputs: [],
      shape,
      dtype,
      attrs: { data },
    };
    this.nodeList.push(node);
    if (key !== undefined) this.byKey.set(key, node);
    return node;
  }

  /** @internal */
  wrap(node: Node): Tensor {
    return new Tensor(this, node);
  }

  /** Throws unless `tensor` was made by this graph. @internal */
  own(op: string, tensor: Tensor): void {
    if (!(tensor instanceof Tensor)) {
      throw new GraphError(`${op}: expected a Tensor (got ${describe(tensor)})`, { op });
    }
    if (tensor.graph !== this) {
      throw new GraphError(
        `${op}: the tensor belongs to another graph`,
        { op },
        'Build every tensor of a program from the same Graph',
      );
    }
  }

  private leaf(op: 'input' | 'param', name: string, shape: readonly number[], dtype: DType): Tensor {
    this.checkName(op, name);
    if (this.leafByName.has(name) || this.outputList.some(([n]) => n === name)) {
      throw new GraphError(
        `${op}: the name "${name}" is already used`,
        { name },
        'Every input, param and output needs its own name',
      );
    }
    if (!isDType(dtype)) {
      throw new DTypeError(
        `${op}: unknown dtype ${describe(dtype)} for "${name}" (expected 'f32', 'i32' or 'bool')`,
        { op, dtype },
      );
    }
    const dims = checkShape(`${op} "${name}"`, shape);
    const node = { id: this.nodeList.length, op, inputs: [], shape: dims, dtype, attrs: { name } } as
      NodeOf<'input'> | NodeOf<'param'>;
    this.nodeList.push(node);
    this.leafByName.set(name, node);
    return this.wrap(node);
  }

  private checkName(op: string, name: unknown): void {
    // __proto__ would become the prototype of run()'s result object, not a key
    if (typeof name !== 'string' || !NAME_PATTERN.test(name) || name === '__proto__') {
      throw new GraphError(
        `${op}: invalid name ${describe(name)}`,
        { op, name },
        'Names start with a letter or _ and contain letters, digits, _ . : -',
      );
    }
  }

  private tensorList(op: string, tensors: readonly Tensor[]): Node[] {
    if (!isArray(tensors) || tensors.length === 0) {
      throw new ShapeError(`${op}: needs a non-empty array of tensors (got ${describe(tensors)})`, { op });
    }
    for (const t of tensors) this.own(op, t);
    return tensors.map((t) => t.node);
  }
}
