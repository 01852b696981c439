/**
 * Runs one test of ONNX's backend test suite through fromOnnx + compile and
 * compares as ONNX's runner does (rtol 1e-3, atol 1e-7, NaN == NaN,
 * infinities equal, shapes and element types equal). Shared by
 * `npm run onnx:conformance` and tests/onnx/conformance.test.ts.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { compile, TensorWasmError, UnsupportedError, type Graph } from '../../src/index.js';
import { decodeModel, decodeTensorProto, elementCount, type HostArray } from '../../src/onnx/decode-model.js';
import { ElemType, elemTypeName } from '../../src/onnx/elem-types.js';
import { fromOnnxSync, graphName, type OnnxInputValue } from '../../src/onnx/from-onnx.js';

/** How a test ended. */
export type Outcome = 'pass' | 'refused' | 'wrong' | 'error';

export interface TestResult {
  readonly name: string;
  readonly outcome: Outcome;
  /** The op types of the model's nodes. */
  readonly ops: readonly string[];
  /** The opset of the default domain. */
  readonly opset: number;
  /** Why it was refused, what differed, or the error. */
  readonly detail: string;
  /** The integer inputs were folded through `values` (the second attempt). */
  readonly viaValues: boolean;
}

/** The backend test data folder: TENSORWASM_ONNX_DATA, `<repo>/../shared/data/onnx`, or /work/shared/data/onnx. */
export function onnxDataDir(repoRoot: string): string | undefined {
  const candidates = [
    process.env.TENSORWASM_ONNX_DATA,
    join(repoRoot, '..', 'shared', 'data', 'onnx'),
    '/work/shared/data/onnx',
  ];
  return candidates.find((c): c is string => c !== undefined && c !== '' && existsSync(join(c, 'node')));
}

type Tensor = ReturnType<typeof decodeTensorProto>;

interface Case {
  readonly name: string;
  readonly model: Uint8Array;
  /** Input data by position (undefined: make arange(n)/n as the light suite does). */
  readonly inputs: readonly (Tensor | undefined)[] | undefined;
  readonly outputs: readonly (Tensor | undefined)[];
}

/** The tensors of a test's .pb files; a file that is not a TensorProto (a sequence, an optional) is undefined. */
function readPbs(dir: string, prefix: string): (Tensor | undefined)[] {
  const out: (Tensor | undefined)[] = [];
  for (let i = 0; existsSync(join(dir, `${prefix}_${i}.pb`)); i++) {
    try {
      out.push(decodeTensorProto(readFileSync(join(dir, `${prefix}_${i}.pb`))));
    } catch {
      out.push(undefined);
    }
  }
  return out;
}

/** The test cases of one suite folder (node, simple, pytorch-*: folders; light: files). */
export function listCases(suiteDir: string): string[] {
  return readdirSync(suiteDir)
    .filter((f) => f.endsWith('.onnx') || existsSync(join(suiteDir, f, 'model.onnx')))
    .sort();
}

function loadCase(suiteDir: string, entry: string): Case {
  if (entry.endsWith('.onnx')) {
    const base = entry.slice(0, -'.onnx'.length);
    const outputs = [decodeTensorProto(readFileSync(join(suiteDir, `${base}_output_0.pb`)))];
    return { name: base, model: readFileSync(join(suiteDir, entry)), inputs: undefined, outputs };
  }
  const dir = join(suiteDir, entry);
  const data = join(dir, 'test_data_set_0');
  return {
    name: entry,
    model: readFileSync(join(dir, 'model.onnx')),
    inputs: readPbs(data, 'input'),
    outputs: readPbs(data, 'output'),
  };
}

type Feed =
  Float32Array | Int32Array | Uint8Array | BigInt64Array | Int8Array | Int16Array | Uint16Array | Uint32Array;

/** The typed array class each narrow integer type is fed as. */
const NARROW_FEEDS: ReadonlyMap<number, (data: HostArray) => Feed> = new Map<
  number,
  (data: HostArray) => Feed
>([
  [ElemType.int8, (d: HostArray) => Int8Array.from(d)],
  [ElemType.uint8, (d: HostArray) => Uint8Array.from(d)],
  [ElemType.int16, (d: HostArray) => Int16Array.from(d)],
  [ElemType.uint16, (d: HostArray) => Uint16Array.from(d)],
  [ElemType.uint32, (d: HostArray) => Uint32Array.from(d)],
]);

/** The element type of a model output, from its dtype and external type. */
function outputElemType(out: { dtype: string; external?: string }): number {
  if (out.external !== undefined) return ElemType[out.external as keyof typeof ElemType];
  return out.dtype === 'f32' ? ElemType.float : out.dtype === 'i32' ? ElemType.int32 : ElemType.bool;
}

function feedOf(elemType: number, data: HostArray): Feed {
  if (elemType === ElemType.int64) return BigInt64Array.from(data, (v) => BigInt(v));
  const narrow = NARROW_FEEDS.get(elemType);
  if (narrow !== undefined) return narrow(data);
  if (elemType === ElemType.float) return data instanceof Float32Array ? data : Float32Array.from(data);
  if (elemType === ElemType.int32) return data instanceof Int32Array ? data : Int32Array.from(data);
  return data instanceof Uint8Array ? data : Uint8Array.from(data);
}

function close(actual: number, expected: number): boolean {
  if (Number.isNaN(expected)) return Number.isNaN(actual);
  if (!Number.isFinite(expected)) return actual === expected;
  return Math.abs(actual - expected) <= 1e-7 + 1e-3 * Math.abs(expected);
}

/** Compares one output; returns what differs, or undefined. */
function compare(
  name: string,
  actual: ArrayLike<number | bigint>,
  actualShape: readonly number[],
  actualType: number,
  expected: ReturnType<typeof decodeTensorProto>,
): string | undefined {
  if (actualType !== expected.elemType) {
    return `${name}: element type ${elemTypeName(actualType)} (expected ${elemTypeName(expected.elemType)})`;
  }
  if (actualShape.join(',') !== expected.dims.join(',')) {
    return `${name}: shape [${actualShape.join(',')}] (expected [${expected.dims.join(',')}])`;
  }
  const want = expected.data;
  if (want === undefined) return `${name}: expected data of an unsupported type`;
  for (let i = 0; i < want.length; i++) {
    const a = Number(actual[i]);
    const e = want[i] as number;
    if (!close(a, e)) return `${name}[${i}] = ${a} (expected ${e})`;
  }
  return undefined;
}

function classify(error: unknown): { outcome: Outcome; detail: string } {
  const message = error instanceof Error ? error.message : String(error);
  if (error instanceof UnsupportedError) return { outcome: 'refused', detail: message };
  if (error instanceof TensorWasmError && error.code === 'E_INPUT')
    return { outcome: 'refused', detail: message };
  return { outcome: 'error', detail: `${error instanceof Error ? error.name : 'Error'}: ${message}` };
}

/** The light suite's input: arange(n) / n in the declared shape, unknown dimensions 1. */
function lightInputs(model: Uint8Array): {
  shapes: Record<string, number[]>;
  data: Map<string, Float32Array>;
} {
  const decoded = decodeModel(model).graph;
  const inits = new Set(decoded.initializers.map((t) => t.name));
  const shapes: Record<string, number[]> = {};
  const data = new Map<string, Float32Array>();
  for (const input of decoded.inputs.filter((i) => !inits.has(i.name))) {
    const dims = (input.dims ?? []).map((d) => (typeof d === 'number' ? d : 1));
    const count = elementCount(dims);
    shapes[input.name] = dims;
    data.set(
      input.name,
      Float32Array.from({ length: count }, (_, i) => i / count),
    );
  }
  return { shapes, data };
}

/** Runs one test: import, compile, run, compare. Never throws. */
export async function runCase(suiteDir: string, entry: string): Promise<TestResult> {
  let c: Case;
  let ops: string[] = [];
  let opset = 0;
  try {
    c = loadCase(suiteDir, entry);
    const decoded = decodeModel(c.model);
    ops = [...new Set(decoded.graph.nodes.map((n) => n.opType))];
    opset = decoded.opsets.get('') ?? 1;
  } catch (error) {
    return { name: entry, ops, opset, viaValues: false, ...classify(error) };
  }
  const first = await attempt(c, false);
  if (first.outcome === 'refused' && /must be known at import/.test(first.detail) && c.inputs !== undefined) {
    // the integer inputs as values, then also each input a refusal names (a float scales or roi input
    // fixes the output shape as an int64 shape input does), until no new one is named
    const named = new Set<string>();
    let next = await attempt(c, true, named);
    for (;;) {
      const name = /must be known at import \(value "([^"]+)"\)/.exec(next.detail)?.[1];
      if (next.outcome !== 'refused' || name === undefined || named.has(name)) break;
      named.add(name);
      next = await attempt(c, true, named);
    }
    return { name: c.name, ops, opset, ...next, viaValues: true };
  }
  return { name: c.name, ops, opset, ...first, viaValues: false };
}

async function attempt(
  c: Case,
  integersAsValues: boolean,
  named: ReadonlySet<string> = new Set(),
): Promise<{ outcome: Outcome; detail: string }> {
  try {
    const decoded = decodeModel(c.model).graph;
    const inits = new Set(decoded.initializers.map((t) => t.name));
    const inputs = decoded.inputs.filter((i) => !inits.has(i.name));
    // sequences and optionals: the importer's own refusal, before their data is looked at
    if ([...inputs, ...decoded.outputs].some((i) => i.kind !== 'tensor')) fromOnnxSync(c.model);
    const values: Record<string, OnnxInputValue> = {};
    const shapes: Record<string, number[]> = {};
    const feeds: Record<string, Feed> = {};
    if (c.inputs === undefined) {
      const light = lightInputs(c.model);
      Object.assign(shapes, light.shapes);
      for (const [name, data] of light.data) feeds[graphName(name)] = data;
    } else {
      inputs.forEach((info, i) => {
        const t = c.inputs?.[i];
        if (t === undefined) throw new Error(`input ${i} is not a readable TensorProto`);
        if (info.dims === undefined || info.dims.some((d) => typeof d !== 'number'))
          shapes[info.name] = [...t.dims];
        if (t.data === undefined)
          throw new UnsupportedError(`input "${info.name}": ${t.missing ?? 'no data'}`);
        const integer = t.elemType === ElemType.int64 || t.elemType === ElemType.int32;
        if ((integersAsValues && integer) || named.has(info.name))
          values[info.name] = feedOf(t.elemType, t.data);
        else feeds[graphName(info.name)] = feedOf(t.elemType, t.data);
      });
    }
    const graph: Graph = fromOnnxSync(c.model, { shapes, values });
    const model = await compile(graph);
    const results = model.run(feeds);
    const problems: string[] = [];
    model.outputs.forEach((out, i) => {
      const expected = c.outputs[i];
      if (expected === undefined) {
        problems.push(`${out.name}: the expected output is not a readable TensorProto`);
        return;
      }
      const actual = results[out.name] as unknown as ArrayLike<number | bigint>;
      const problem = compare(out.name, actual, out.shape, outputElemType(out), expected);
      if (problem !== undefined) problems.push(problem);
    });
    model.dispose();
    return problems.length === 0
      ? { outcome: 'pass', detail: '' }
      : { outcome: 'wrong', detail: problems.join('; ') };
  } catch (error) {
    return classify(error);
  }
}
