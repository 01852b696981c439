/**
 * Tensor data files for the CLI: JSON (nested number arrays, or the
 * `{ shape, dtype, data }` objects `run` prints) and raw little-endian binary,
 * read into typed arrays after checking every value; outputs written back in
 * the same forms. Non-finite numbers are the strings "NaN", "Infinity",
 * "-Infinity" in JSON, and -0 stays -0, so values survive a round trip bit for bit.
 */
import { readFileSync } from 'node:fs';
import { extname } from 'node:path';
import { ARRAY_CLASS, type TypedArray } from '../common/dtype.js';
import type { TensorInfo } from '../runtime/model-types.js';
import { UsageError } from './usage-error.js';

const NON_FINITE: Readonly<Record<string, number>> = { NaN: NaN, Infinity: Infinity, '-Infinity': -Infinity };

function sizeOf(info: TensorInfo): number {
  return info.shape.reduce((a, b) => a * b, 1);
}

function describe(info: TensorInfo): string {
  return `${info.dtype}[${info.shape.join(',')}]`;
}

/** Reads a file, turning a missing or unreadable file into a UsageError. */
export function readFileOrFail(path: string, what: string): Buffer {
  try {
    return readFileSync(path);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new UsageError(
      code === 'ENOENT'
        ? `${what}: no such file: ${path}`
        : `${what}: cannot read ${path} (${code ?? String(error)})`,
    );
  }
}

/** Parses JSON text, naming the file on failure. */
export function parseJsonFile(path: string, what: string): unknown {
  try {
    return JSON.parse(readFileOrFail(path, what).toString('utf8')) as unknown;
  } catch (error) {
    if (error instanceof UsageError) throw error;
    throw new UsageError(`${what}: ${path} is not valid JSON (${(error as Error).message})`);
  }
}

function flatten(value: unknown, out: unknown[]): void {
  if (Array.isArray(value)) for (const v of value) flatten(v, out);
  else out.push(value);
}

function toNumber(value: unknown, info: TensorInfo, where: string, index: number): number {
  const x =
    typeof value === 'string' ? NON_FINITE[value] : typeof value === 'boolean' ? Number(value) : value;
  const bad = (expected: string): never => {
    throw new UsageError(
      `${where}: value ${index} of "${info.name}" is ${JSON.stringify(value)} (expected ${expected})`,
    );
  };
  if (typeof x !== 'number') return bad('a number');
  if (info.dtype === 'i32' && !(Number.isInteger(x) && x >= -(2 ** 31) && x < 2 ** 31))
    return bad('a 32-bit integer');
  if (info.dtype === 'bool' && x !== 0 && x !== 1) return bad('true, false, 0 or 1');
  return x;
}

/** A tensor from JSON: a (nested) number array, or an object with a `data` array. */
export function tensorFromJson(value: unknown, info: TensorInfo, where: string): TypedArray {
  const data =
    typeof value === 'object' && value !== null && !Array.isArray(value)
      ? (value as { data?: unknown }).data
      : value;
  if (!Array.isArray(data)) throw new UsageError(`${where}: "${info.name}" must be a JSON array of numbers`);
  const flat: unknown[] = [];
  flatten(data, flat);
  if (flat.length !== sizeOf(info)) {
    throw new UsageError(
      `${where}: "${info.name}" has ${flat.length} values (expected ${sizeOf(info)} for ${describe(info)})`,
    );
  }
  const out = new ARRAY_CLASS[info.dtype](flat.length);
  flat.forEach((v, i) => (out[i] = toNumber(v, info, where, i)));
  return out;
}

/** Tensors from raw little-endian bytes laid end to end, one per info, in order. */
export function tensorsFromBinary(
  bytes: Uint8Array,
  infos: readonly TensorInfo[],
  where: string,
): TypedArray[] {
  const sizes = infos.map((info) => sizeOf(info) * ARRAY_CLASS[info.dtype].BYTES_PER_ELEMENT);
  const total = sizes.reduce((a, b) => a + b, 0);
  if (bytes.length !== total) {
    const list = infos.map((i) => `${i.name} ${describe(i)}`).join(', ');
    throw new UsageError(`${where}: the file has ${bytes.length} bytes (expected ${total} for ${list})`);
  }
  let at = 0;
  return infos.map((info, i) => {
    // A copy (Buffer#slice would share memory), so the typed array starts aligned at 0.
    const copy = new Uint8Array(bytes.subarray(at, (at += sizes[i] ?? 0)));
    return new ARRAY_CLASS[info.dtype](copy.buffer, 0, sizeOf(info));
  });
}

/** One tensor from a .json or .bin file. */
export function readTensorFile(path: string, info: TensorInfo, where: string): TypedArray {
  if (extname(path) === '.bin')
    return tensorsFromBinary(readFileOrFail(path, where), [info], `${where} ${path}`)[0]!;
  return tensorFromJson(parseJsonFile(path, where), info, `${where} ${path}`);
}

/**
 * Param values from a file: JSON `{ name: number[] }` (any subset of the
 * params), or .bin with every param's raw bytes in param order.
 */
export function readParamsFile(
  path: string,
  params: readonly TensorInfo[],
  where: string,
): Record<string, TypedArray> {
  if (extname(path) === '.bin') {
    const arrays = tensorsFromBinary(readFileOrFail(path, where), params, `${where} ${path}`);
    return Object.fromEntries(params.map((p, i) => [p.name, arrays[i]!]));
  }
  const json = parseJsonFile(path, where);
  if (typeof json !== 'object' || json === null || Array.isArray(json)) {
    throw new UsageError(`${where} ${path}: expected a JSON object of param arrays, like {"w": [1, 2]}`);
  }
  const out: Record<string, TypedArray> = {};
  for (const [name, value] of Object.entries(json)) {
    const info = params.find((p) => p.name === name);
    if (info === undefined) {
      const names = params.map((p) => p.name).join(', ') || 'none';
      throw new UsageError(`${where} ${path}: unknown param "${name}" (the model's params: ${names})`);
    }
    out[name] = tensorFromJson(value, info, `${where} ${path}`);
  }
  return out;
}

function formatNumber(x: number): string {
  if (Number.isNaN(x)) return '"NaN"';
  if (!Number.isFinite(x)) return x > 0 ? '"Infinity"' : '"-Infinity"';
  return Object.is(x, -0) ? '-0' : String(x);
}

/** Outputs as JSON text: `{ name: { shape, dtype, data } }`, one output per line. */
export function formatOutputsJson(outputs: Record<string, TypedArray>, infos: readonly TensorInfo[]): string {
  const lines = infos.map((info) => {
    const data = Array.from(outputs[info.name] ?? [], formatNumber).join(',');
    return `  ${JSON.stringify(info.name)}: {"shape":${JSON.stringify(info.shape)},"dtype":"${info.dtype}","data":[${data}]}`;
  });
  return `{\n${lines.join(',\n')}\n}\n`;
}

/** Outputs as raw little-endian bytes laid end to end in output order. */
export function outputsToBinary(
  outputs: Record<string, TypedArray>,
  infos: readonly TensorInfo[],
): Uint8Array {
  const parts = infos.map((info) => {
    const a = outputs[info.name];
    return a === undefined ? new Uint8Array(0) : new Uint8Array(a.buffer, a.byteOffset, a.byteLength);
  });
  return Buffer.concat(parts);
}
