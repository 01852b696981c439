/**
 * Checks that a parsed manifest has the shape the runtime relies on — every
 * field present with the right type, slots inside memory with sizes matching
 * their shapes — so a loaded model never reads or writes outside its memory.
 */
import { DTYPE_BYTES, isDType } from '../common/dtype.js';
import { ArtifactError } from '../common/errors.js';
import type { Manifest, TensorSlot } from '../common/manifest.js';
import type { MemoryPlan, PlannedBuffer } from '../common/plan.js';

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
  const shape = list(f.shape, `${path}.shape`).map((d, i) => count(d, `${path}.shape[${i}]`));
  const slot: TensorSlot = {
    name: string(f.name, `${path}.name`),
    shape,
    dtype,
    offset: count(f.offset, `${path}.offset`),
    bytes: count(f.bytes, `${path}.bytes`),
  };
  if (slot.bytes !== shape.reduce((a, b) => a * b, 1) * DTYPE_BYTES[dtype]) {
    fail(`${path}.bytes`, 'the size of its shape and dtype');
  }
  if (slot.offset % DTYPE_BYTES[dtype] !== 0) fail(`${path}.offset`, `a multiple of ${DTYPE_BYTES[dtype]}`);
  if (slot.offset + slot.bytes > memoryBytes) fail(`${path}.offset`, 'inside memoryBytes');
  return slot;
}

function checkSlots(value: unknown, path: string, memoryBytes: number): TensorSlot[] {
  const slots = list(value, path).map((s, i) => checkSlot(s, `${path}[${i}]`, memoryBytes));
  const names = new Set(slots.map((s) => s.name));
  if (names.size !== slots.length) fail(path, 'a list with distinct names');
  return slots;
}

function checkBuffer(value: unknown, path: string): PlannedBuffer {
  const f = object(value, path);
  const kinds = ['input', 'param', 'const', 'output', 'temp'];
  if (typeof f.kind !== 'string' || !kinds.includes(f.kind)) fail(`${path}.kind`, kinds.join(' | '));
  return {
    name: string(f.name, `${path}.name`),
    kind: f.kind as PlannedBuffer['kind'],
    offset: count(f.offset, `${path}.offset`),
    bytes: count(f.bytes, `${path}.bytes`),
    firstUse: count(f.firstUse, `${path}.firstUse`),
    lastUse: count(f.lastUse, `${path}.lastUse`),
  };
}

function checkPlan(value: unknown, memoryBytes: number): MemoryPlan {
  const f = object(value, 'plan');
  if (f.memoryBytes !== memoryBytes) fail('plan.memoryBytes', 'equal to memoryBytes');
  return {
    memoryBytes,
    arenaBytes: count(f.arenaBytes, 'plan.arenaBytes'),
    lowerBoundBytes: count(f.lowerBoundBytes, 'plan.lowerBoundBytes'),
    naiveBytes: count(f.naiveBytes, 'plan.naiveBytes'),
    buffers: list(f.buffers, 'plan.buffers').map((b, i) => checkBuffer(b, `plan.buffers[${i}]`)),
  };
}

/** The manifest in `value`, checked field by field; throws ArtifactError naming the first bad field. */
export function checkManifest(value: unknown): Manifest {
  const f = object(value, 'manifest');
  const memoryBytes = count(f.memoryBytes, 'memoryBytes');
  const inputs = checkSlots(f.inputs, 'inputs', memoryBytes);
  const params = checkSlots(f.params, 'params', memoryBytes);
  const feedNames = new Set([...inputs, ...params].map((s) => s.name));
  if (feedNames.size !== inputs.length + params.length) fail('inputs and params', 'distinct names');
  return {
    format: count(f.format, 'format'),
    compiler: string(f.compiler, 'compiler'),
    features: list(f.features, 'features').map((s, i) => string(s, `features[${i}]`)),
    memoryBytes,
    inputs,
    outputs: checkSlots(f.outputs, 'outputs', memoryBytes),
    params,
    plan: checkPlan(f.plan, memoryBytes),
    checkSites: list(f.checkSites, 'checkSites').map((s, i) => string(s, `checkSites[${i}]`)),
  };
}
