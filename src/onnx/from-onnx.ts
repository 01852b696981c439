/**
 * fromOnnx: an ONNX model (the bytes of a .onnx file) as an ordinary Graph.
 * Inputs and outputs keep the file's order (and names, made valid where they
 * are not); initializers become constants or params; `shapes` fixes unknown
 * dimensions and `values` folds chosen inputs into constants.
 */
import { type TypedArray } from '../common/dtype.js';
import type { ExternalArray } from '../common/manifest.js';
import { OnnxError, UnsupportedError } from '../common/errors.js';
import { Graph, NAME_PATTERN } from '../ir/graph.js';
import { decodeModel, elementCount, type HostArray, type OnnxValueInfo } from './decode-model.js';
import { dtypeOfElem, ElemType, elemTypeName, externalOf } from './elem-types.js';
import { importNodes, Scope, type ImportState } from './import-graph.js';
import { computedValue, constantOf, knownValue, type OnnxValue } from './onnx-value.js';

/** A `values` entry: a number, numbers, a typed array, or a BigInt64Array for int64. */
export type OnnxInputValue = number | readonly number[] | TypedArray | ExternalArray;

/** Options of fromOnnx(). */
export interface FromOnnxOptions {
  /** Full shapes of inputs whose dimensions are symbolic or unknown in the file. */
  readonly shapes?: Readonly<Record<string, readonly number[]>>;
  /** Inputs folded into the graph as constants (no longer inputs). */
  readonly values?: Readonly<Record<string, OnnxInputValue>>;
  /** Float initializers as constants baked into the module (default) or params of the same name. */
  readonly weights?: 'constants' | 'params';
}

/**
 * The name a graph input or output gets: the ONNX name when it is a valid
 * tensorwasm name; else its characters outside `[A-Za-z0-9_.:-]` become `_`,
 * and `_` goes in front unless it now starts with a letter or `_` (PyTorch
 * names values "0", "1", "/conv1/Conv_output_0", …).
 */
export function graphName(onnxName: string): string {
  if (NAME_PATTERN.test(onnxName) && onnxName !== '__proto__') return onnxName;
  const replaced = onnxName.replace(/[^\w.:-]/g, '_');
  return /^[A-Za-z_]/.test(replaced) && replaced !== '__proto__' ? replaced : `_${replaced}`;
}

/** The declared shape of an input, with `shapes` filling unknown dimensions. */
function inputShape(info: OnnxValueInfo, given: readonly number[] | undefined): number[] {
  const declared = info.dims;
  if (given !== undefined) {
    const isList: boolean = Array.isArray(given);
    if (!isList || given.some((d) => !Number.isSafeInteger(d) || d < 0)) {
      throw new OnnxError(`fromOnnx: shapes.${info.name} must be an array of sizes (got ${String(given)})`);
    }
    if (declared !== undefined) {
      const clash =
        declared.length !== given.length || declared.some((d, i) => typeof d === 'number' && d !== given[i]);
      if (clash) {
        throw new OnnxError(
          `fromOnnx: shapes.${info.name} = [${given.join(',')}] does not match the declared shape [${declared.map((d) => d ?? '?').join(',')}]`,
          { input: info.name },
        );
      }
    }
    return [...given];
  }
  if (declared === undefined) {
    throw new UnsupportedError(
      `fromOnnx: input "${info.name}" has no declared shape`,
      { input: info.name },
      `Give it with fromOnnx(bytes, { shapes: { '${info.name}': [...] } })`,
    );
  }
  return declared.map((d, axis) => {
    if (typeof d === 'number') return d;
    throw new UnsupportedError(
      `fromOnnx: input "${info.name}" has ${d === undefined ? 'an unknown' : `the symbolic dimension "${d}" as its`} dimension ${axis}`,
      { input: info.name, axis, dim: d },
      `Fix it with fromOnnx(bytes, { shapes: { '${info.name}': [...] } })`,
    );
  });
}

/** A `values` entry as the host array of the input's element type, checked exactly. */
function folded(info: OnnxValueInfo, value: OnnxInputValue, shape: readonly number[]): HostArray {
  const numbers: number[] =
    value instanceof BigInt64Array
      ? Array.from(value, (v) => Number(v))
      : typeof value === 'number'
        ? [value]
        : Array.isArray(value) || ArrayBuffer.isView(value)
          ? Array.from(value as ArrayLike<number>, Number)
          : [];
  if (numbers.length !== elementCount(shape)) {
    throw new OnnxError(
      `fromOnnx: values.${info.name} has ${numbers.length} elements (expected ${elementCount(shape)} for [${shape.join(',')}])`,
      { input: info.name },
    );
  }
  switch (info.elemType) {
    case ElemType.float:
      return Float32Array.from(numbers);
    case ElemType.bool:
      return Uint8Array.from(numbers, (x) => (x !== 0 ? 1 : 0));
    case ElemType.int32:
    case ElemType.int64:
    case ElemType.uint32:
    case ElemType.int8:
    case ElemType.uint8:
    case ElemType.int16:
    case ElemType.uint16:
      // the range of each type is checked where the value becomes a constant (constantOf)
      if (numbers.some((x) => !Number.isInteger(x))) {
        throw new OnnxError(
          `fromOnnx: values.${info.name} must hold integers (${elemTypeName(info.elemType)})`,
        );
      }
      return info.elemType === ElemType.int32 ? Int32Array.from(numbers) : Float64Array.from(numbers);
    default:
      throw new UnsupportedError(
        `fromOnnx: input "${info.name}" has element type ${elemTypeName(info.elemType)}, which tensorwasm does not support`,
        { input: info.name },
      );
  }
}

function checkOptions(options: FromOnnxOptions, inputs: readonly string[]): void {
  if (typeof options !== 'object' || options === null)
    throw new OnnxError('fromOnnx: options must be an object');
  for (const key of Object.keys(options)) {
    if (!['shapes', 'values', 'weights'].includes(key)) {
      throw new OnnxError(`fromOnnx: unknown option "${key}" (expected shapes, values or weights)`);
    }
  }
  if (options.weights !== undefined && options.weights !== 'constants' && options.weights !== 'params') {
    throw new OnnxError(`fromOnnx: weights must be 'constants' or 'params' (got ${String(options.weights)})`);
  }
  for (const field of ['shapes', 'values'] as const) {
    for (const name of Object.keys(options[field] ?? {})) {
      if (!inputs.includes(name)) {
        throw new OnnxError(
          `fromOnnx: ${field}.${name}: the model has no input "${name}" (inputs: ${inputs.join(', ') || 'none'})`,
        );
      }
    }
  }
}

/**
 * Imports an ONNX model as a Graph. Every op, attribute value, element type
 * and shape the model uses is either imported with ONNX's meaning or refused
 * with a typed error (UnsupportedError, OnnxError) naming the node.
 *
 * @example
 * const graph = await fromOnnx(readFileSync('model.onnx'), { shapes: { input: [1, 3, 224, 224] } });
 * const model = await compile(graph);
 * const { output } = model.run({ input: x });
 */
export async function fromOnnx(bytes: Uint8Array, options: FromOnnxOptions = {}): Promise<Graph> {
  await Promise.resolve();
  return fromOnnxSync(bytes, options);
}

/** fromOnnx without the promise (the CLI and tests use it). @internal */
export function fromOnnxSync(bytes: Uint8Array, options: FromOnnxOptions = {}): Graph {
  const model = decodeModel(bytes);
  const onnx = model.graph;
  const opset = model.opsets.get('') ?? 1;
  const initialized = new Set(onnx.initializers.map((t) => t.name));
  const inputs = onnx.inputs.filter((i) => !initialized.has(i.name));
  checkOptions(
    options,
    inputs.map((i) => i.name),
  );
  const g = new Graph();
  const state: ImportState = { graph: g, opset };
  const scope = new Scope();
  const paramWeights = options.weights === 'params';
  const fromInitializers = new Map<string, OnnxValue>();
  for (const init of onnx.initializers) {
    // float weights become params; integer and bool initializers are shapes and indices: constants
    if (paramWeights && init.elemType === ElemType.float && init.data !== undefined) {
      const tensor = g.param(graphName(init.name), init.dims, 'f32');
      fromInitializers.set(init.name, computedValue(tensor, ElemType.float, `initializer "${init.name}"`));
    }
  }
  for (const info of inputs) {
    if (info.kind !== 'tensor') {
      throw new UnsupportedError(`fromOnnx: input "${info.name}" is a ${info.kind}, not a tensor`, {
        input: info.name,
      });
    }
    const dtype = dtypeOfElem(info.elemType);
    const given = options.values?.[info.name];
    const shape = inputShape(
      info,
      options.shapes?.[info.name] ??
        (given !== undefined && typeof given === 'number' && info.dims === undefined ? [] : undefined),
    );
    if (given !== undefined) {
      scope.set(
        info.name,
        knownValue(folded(info, given, shape), shape, info.elemType, `input "${info.name}"`),
      );
      continue;
    }
    if (dtype === undefined) {
      throw new UnsupportedError(
        `fromOnnx: input "${info.name}" has element type ${elemTypeName(info.elemType)}, which tensorwasm does not support`,
        { input: info.name, elemType: elemTypeName(info.elemType) },
      );
    }
    const name = graphName(info.name);
    const tensor = g.input(name, shape, dtype);
    const external = externalOf(info.elemType);
    if (external !== undefined) g.external(name, external);
    scope.set(info.name, computedValue(tensor, info.elemType, `input "${info.name}"`));
  }
  const body = { ...onnx, initializers: onnx.initializers.filter((t) => !fromInitializers.has(t.name)) };
  for (const [name, value] of fromInitializers) scope.set(name, value);
  const outputs = importNodes(state, body, scope, '');
  onnx.outputs.forEach((info, i) => {
    const value = outputs[i] as OnnxValue;
    if (info.kind !== 'tensor') {
      throw new UnsupportedError(`fromOnnx: output "${info.name}" is a ${info.kind}, not a tensor`, {
        output: info.name,
      });
    }
    const tensor = value.tensor ?? constantOf(g, value, `output "${info.name}"`);
    const name = graphName(info.name);
    g.output(name, tensor);
    const external = externalOf(value.elemType);
    if (external !== undefined) g.external(name, external);
  });
  return g;
}
