/**
 * Checks that a parsed manifest has the shape the runtime relies on — every
 * field present with the right type, slots inside memory with sizes matching
 * their shapes — so a loaded model never reads or writes outside its memory.
 */
import { DTYPE_BYTES, isDType } from '../common/dtype.js';
import { ArtifactError } from '../common/errors.js';
import { EXTERNAL_TYPES, type Manifest, type TensorSlot } from '../common/manifest.js';
import { CONTROL_BYTES } from '../common/thread-control.js';

type Fields = Record<string, unknown>;

function fail(path: string, expected: string): never {
  throw new ArtifactError(`load: the manifest does not match its format: ${path} must be ${expected}`, {
    path,
  });
}

function object(value: unknown, path: string): Fields {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) fail(path, 'an object');
  return value as Fields;
}

function count(value: unknown, path: string): number {
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 0)
    fail(path, 'a non-negative integer');
  return value;
}

function string(value: unknown, path: string): string {
  if (typeof value !== 'string') fail(path, 'a string');
  return value;
}

function list(value: unknown, path: string): unknown[] {
  if (!Array.isArray(value)) fail(path, 'an array');
  return value;
}

function checkSlot(value: unknown, path: string, memoryBytes: number): TensorSlot {
  const f = object(value, path);
  const dtype = f.dtype;
  if (!isDType(dtype)) fail(`${path}.dtype`, "'f32', 'i32' or 'bool'");
  string(f.name, `${path}.name`);
  const size = list(f.shape, `${path}.shape`).reduce<number>(
    (n, d, i) => n * count(d, `${path}.shape[${i}]`),
    1,
  );
  const offset = count(f.offset, `${path}.offset`);
  const bytes = count(f.bytes, `${path}.bytes`);
  if (bytes !== size * DTYPE_BYTES[dtype]) fail(`${path}.bytes`, 'the size of its shape and dtype');
  if (offset % DTYPE_BYTES[dtype] !== 0) fail(`${path}.offset`, `a multiple of ${DTYPE_BYTES[dtype]}`);
  if (offset + bytes > memoryBytes) fail(`${path}.offset`, 'inside memoryBytes');
  if (
    f.external !== undefined &&
    (!(EXTERNAL_TYPES as readonly unknown[]).includes(f.external) || dtype !== 'i32')
  ) {
    fail(`${path}.external`, `absent or one of ${EXTERNAL_TYPES.join(', ')} on an i32 slot`);
  }
  return f as unknown as TensorSlot;
}

function checkSlots(value: unknown, path: string, memoryBytes: number): TensorSlot[] {
  const slots = list(value, path).map((s, i) => checkSlot(s, `${path}[${i}]`, memoryBytes));
  if (new Set(slots.map((s) => s.name)).size !== slots.length) fail(path, 'a list with distinct names');
  return slots;
}

const BUFFER_KINDS: readonly unknown[] = ['input', 'param', 'const', 'output', 'temp'];

function checkPlan(value: unknown, memoryBytes: number): void {
  const f = object(value, 'plan');
  if (f.memoryBytes !== memoryBytes) fail('plan.memoryBytes', 'equal to memoryBytes');
  for (const key of ['arenaBytes', 'lowerBoundBytes', 'naiveBytes']) count(f[key], `plan.${key}`);
  list(f.buffers, 'plan.buffers').forEach((b, i) => {
    const path = `plan.buffers[${i}]`;
    const buffer = object(b, path);
    string(buffer.name, `${path}.name`);
    if (!BUFFER_KINDS.includes(buffer.kind)) fail(`${path}.kind`, BUFFER_KINDS.join(' | '));
    for (const key of ['offset', 'bytes', 'firstUse', 'lastUse']) count(buffer[key], `${path}.${key}`);
  });
}

/**
 * Checks `value` field by field against the Manifest type and returns it
 * unchanged (so a re-save writes the same JSON); throws ArtifactError naming
 * the first bad field.
 */
function checkVariants(value: unknown, path: string): void {
  list(value, path).forEach((v, i) => {
    const variant = object(v, `${path}[${i}]`);
    string(variant.section, `${path}[${i}].section`);
    list(variant.features, `${path}[${i}].features`).forEach((s, j) =>
      string(s, `${path}[${i}].features[${j}]`),
    );
  });
}

export function checkManifest(value: unknown): Manifest {
  const f = object(value, 'manifest');
  count(f.format, 'format');
  string(f.compiler, 'compiler');
  list(f.features, 'features').forEach((s, i) => string(s, `features[${i}]`));
  if (f.variants !== undefined) checkVariants(f.variants, 'variants');
  const memoryBytes = count(f.memoryBytes, 'memoryBytes');
  if (f.threads !== undefined) {
    const threads = object(f.threads, 'threads');
    count(threads.maxThreads, 'threads.maxThreads');
    count(threads.splitKernels, 'threads.splitKernels');
    // the control block follows the plan's bytes (the threaded builds' memory holds both)
    const control = count(threads.control, 'threads.control');
    if (control % CONTROL_BYTES !== 0 || control < memoryBytes || control + CONTROL_BYTES > 2 ** 32)
      fail('threads.control', `an aligned address after the plan's ${memoryBytes} bytes`);
    checkVariants(threads.variants, 'threads.variants');
  }
  const inputs = checkSlots(f.inputs, 'inputs', memoryBytes);
  const params = checkSlots(f.params, 'params', memoryBytes);
  checkSlots(f.outputs, 'outputs', memoryBytes);
  if (new Set([...inputs, ...params].map((s) => s.name)).size !== inputs.length + params.length) {
    fail('inputs and params', 'distinct names');
  }
  checkPlan(f.plan, memoryBytes);
  list(f.checkSites, 'checkSites').forEach((s, i) => string(s, `checkSites[${i}]`));
  if (f.flops !== undefined) count(f.flops, 'flops');
  return f as unknown as Manifest;
}
