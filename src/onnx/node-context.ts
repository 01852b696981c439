/**
 * What an op entry sees of one ONNX node: its inputs (as tensors, or as
 * numbers when known at import), its attributes with defaults, its opset, and
 * typed refusals naming the node. Every attribute an entry does not read is
 * refused after it runs, so an unsupported attribute never changes the meaning silently.
 */
import { OnnxError, UnsupportedError } from '../common/errors.js';
import type { Graph } from '../ir/graph.js';
import type { Tensor } from '../ir/tensor.js';
import type {
  HostArray,
  OnnxAttribute,
  OnnxGraphProto,
  OnnxNodeProto,
  OnnxTensorProto,
} from './decode-model.js';
import { dtypeOfElem, ElemType, elemTypeName, isIntElem } from './elem-types.js';
import { computedValue, constantOf, knownValue, type OnnxValue } from './onnx-value.js';

/** What an op entry returns for each of the node's outputs, in order. */
export type OpResult = Tensor | OnnxValue;

/** Attribute type codes (AttributeProto.AttributeType). */
const AttrType = {
  float: 1,
  int: 2,
  string: 3,
  tensor: 4,
  graph: 5,
  floats: 6,
  ints: 7,
  strings: 8,
} as const;

/** Imports a subgraph (an If branch) in the scope of the current node; given by the importer. */
export type ImportBranch = (graph: OnnxGraphProto, label: string) => OnnxValue[];

/** The node being imported and the helpers op entries use. */
export class NodeContext {
  private readonly read = new Set<string>();

  constructor(
    /** The graph the node's tensors are built in. */
    readonly graph: Graph,
    readonly node: OnnxNodeProto,
    /** The node's opset (of its domain). */
    readonly opset: number,
    /** How error messages name the node: `node "name" (#3, Add, opset 13)`. */
    readonly label: string,
    private readonly inputValues: readonly (OnnxValue | undefined)[],
    /** Whether tensors made from known values are kept on the values (false while folding). */
    private readonly keepTensors: boolean,
    private readonly importBranch: ImportBranch,
  ) {}

  get opType(): string {
    return this.node.opType;
  }

  /** Number of input slots listed (including empty optional ones). */
  get inputCount(): number {
    return this.inputValues.length;
  }

  /** True when input `i` is given (not absent or empty). */
  has(i: number): boolean {
    return this.inputValues[i] !== undefined;
  }

  /** Input `i`; refuses a missing required input. */
  value(i: number): OnnxValue {
    const v = this.inputValues[i];
    if (v === undefined) this.invalid(`input ${i} is required`);
    if (v.unsupported !== undefined) this.refuse(v.unsupported);
    return v;
  }

  /** Input `i` as a tensor of the graph (a constant when known). */
  tensor(i: number): Tensor {
    return this.materialize(this.value(i));
  }

  /** A value as a tensor of the graph (a constant when known, made once). */
  materialize(v: OnnxValue): Tensor {
    if (v.unsupported !== undefined) this.refuse(v.unsupported);
    if (v.tensor !== undefined && v.tensor.graph === this.graph) return v.tensor;
    const t = constantOf(this.graph, v, this.label);
    if (this.keepTensors) v.tensor = t;
    return t;
  }

  /** Input `i`'s element type code. */
  elemType(i: number): number {
    return this.value(i).elemType;
  }

  /** Input `i`'s shape. */
  shape(i: number): readonly number[] {
    return this.value(i).shape;
  }

  /** Input `i`'s data when known at import. */
  known(i: number): HostArray | undefined {
    return this.value(i).known;
  }

  /**
   * Input `i`'s values as numbers; it must be known at import (a constant, an
   * initializer, folded shape arithmetic or an input given in `values`).
   */
  numbers(i: number, what: string): number[] {
    const data = this.value(i).known;
    if (data === undefined) {
      this.refuse(
        `input ${i} (${what}) must be known at import (value "${this.node.inputs[i] ?? ''}")`,
        'Fix it with a constant, or pass the input in fromOnnx({ values }) (CLI: --value name=...)',
      );
    }
    return Array.from(data);
  }

  /** Input `i` as one number (a scalar or one-element tensor known at import). */
  scalar(i: number, what: string): number {
    const values = this.numbers(i, what);
    if (values.length !== 1) this.invalid(`input ${i} (${what}) must hold one value (got ${values.length})`);
    return values[0] as number;
  }

  /** Refuses unless every given input's element type is one of `allowed`. */
  checkTypes(allowed: readonly number[], inputs?: readonly number[]): void {
    const list = inputs ?? this.inputValues.map((_, i) => i);
    for (const i of list) {
      if (!this.has(i)) continue;
      const t = this.elemType(i);
      if (!allowed.includes(t)) {
        this.refuse(
          `input ${i} has element type ${elemTypeName(t)} (supported: ${allowed.map(elemTypeName).join(', ')})`,
        );
      }
    }
  }

  private attribute(name: string, type: number): OnnxAttribute | undefined {
    this.read.add(name);
    const a = this.node.attributes.find((x) => x.name === name);
    if (a === undefined) return undefined;
    if (a.refAttrName !== undefined) this.refuse(`attribute ${name} refers to a function attribute`);
    if (a.type !== 0 && a.type !== type) {
      this.invalid(`attribute ${name} has type ${a.type} (expected ${type})`);
    }
    return a;
  }

  /** True when the node sets attribute `name` (marks it read). */
  hasAttr(name: string): boolean {
    this.read.add(name);
    return this.node.attributes.some((x) => x.name === name);
  }

  int(name: string, fallback: number): number {
    return this.attribute(name, AttrType.int)?.i ?? fallback;
  }

  float(name: string, fallback: number): number {
    return this.attribute(name, AttrType.float)?.f ?? fallback;
  }

  string(name: string, fallback: string): string {
    return this.attribute(name, AttrType.string)?.s ?? fallback;
  }

  /** An INTS attribute, or undefined when absent. */
  ints(name: string): number[] | undefined {
    const a = this.attribute(name, AttrType.ints);
    return a === undefined ? undefined : [...a.ints];
  }

  floats(name: string): number[] | undefined {
    const a = this.attribute(name, AttrType.floats);
    return a === undefined ? undefined : [...a.floats];
  }

  tensorAttr(name: string): OnnxTensorProto | undefined {
    return this.attribute(name, AttrType.tensor)?.t;
  }

  graphAttr(name: string): OnnxGraphProto | undefined {
    return this.attribute(name, AttrType.graph)?.g;
  }

  /** Marks attributes read whose every value the entry accepts (e.g. legacy hints it may ignore). */
  ignore(...names: string[]): void {
    for (const n of names) this.read.add(n);
  }

  /** Refuses when attribute `name` is set to anything but `expected`. */
  requireInt(name: string, expected: number, what?: string): void {
    const v = this.int(name, expected);
    if (v !== expected)
      this.refuse(`attribute ${name}=${v} is not supported${what === undefined ? '' : ` (${what})`}`);
  }

  /** Attributes the node sets that no one read. @internal */
  unread(): string[] {
    return this.node.attributes.map((a) => a.name).filter((n) => !this.read.has(n));
  }

  /** Result of a computed tensor; `elemType` defaults to the tensor dtype's type (i32: the first integer input's). */
  out(tensor: Tensor, elemType?: number): OnnxValue {
    return computedValue(tensor, elemType ?? this.defaultElem(tensor), this.label);
  }

  /** Result known at import. */
  constant(data: HostArray, shape: readonly number[], elemType: number): OnnxValue {
    return knownValue(data, shape, elemType, `output of ${this.label}`);
  }

  /** The element type a tensor's dtype stands for here. */
  defaultElem(tensor: Tensor): number {
    if (tensor.dtype === 'f32') return ElemType.float;
    if (tensor.dtype === 'bool') return ElemType.bool;
    for (const v of this.inputValues) {
      if (v !== undefined && isIntElem(v.elemType)) return v.elemType;
    }
    return ElemType.int64;
  }

  /** Casts `t` to hold element type `elemType` (float, bool, or an integer type held as i32). */
  castTo(t: Tensor, elemType: number): Tensor {
    const dtype = dtypeOfElem(elemType);
    if (dtype === undefined) this.refuse(`element type ${elemTypeName(elemType)} is not supported`);
    return t.dtype === dtype ? t : t.cast(dtype);
  }

  /** Imports a subgraph attribute's nodes in this node's scope; `branch` names it in node labels. */
  branch(graph: OnnxGraphProto, branch: string): OnnxValue[] {
    return this.importBranch(graph, branch);
  }

  /** Throws UnsupportedError naming the node. */
  refuse(what: string, hint?: string): never {
    throw new UnsupportedError(
      `${this.label}: ${what}`,
      { node: this.node.name, opType: this.node.opType, opset: this.opset },
      hint,
    );
  }

  /** Throws OnnxError (the node breaks the ONNX spec) naming the node. */
  invalid(what: string): never {
    throw new OnnxError(`${this.label}: ${what}`, {
      node: this.node.name,
      opType: this.node.opType,
      opset: this.opset,
    });
  }

  /** Normalizes a possibly negative axis against `rank`; refuses one out of range. */
  axis(axis: number, rank: number): number {
    if (!Number.isInteger(axis) || axis < -rank || axis >= rank) {
      this.invalid(`axis ${axis} is out of range for rank ${rank}`);
    }
    return axis < 0 ? axis + rank : axis;
  }
}
